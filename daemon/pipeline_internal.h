#pragma once

// Internal to the pipeline (pipeline.cc, pipeline_decider.cc): the queued work, the group of
// decided messages that is committed as one batch, and the decider's state.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "daemon/metrics.h"
#include "daemon/mo_rules.h"
#include "daemon/pipeline.h"
#include "daemon/staged_parts.h"
#include "smpp/reassembly.h"
#include "store/object_cache.h"
#include "store/reader.h"

namespace confab::pipeline {

// Every outcome the pipeline counts (confab_inbound_total{outcome=…} and friends).
struct Counters {
  explicit Counters(metrics::Registry& registry);
  metrics::Counter& opt_out;
  metrics::Counter& opt_in;
  metrics::Counter& help;
  metrics::Counter& conversation;
  metrics::Counter& duplicate;
  metrics::Counter& part_stored;  // a part of a long message, waiting for the others
  metrics::Counter& incomplete;   // long messages delivered with parts missing (timeout)
  metrics::Counter& throttled;    // refused: queue full
  metrics::Counter& refused;      // refused: not for us / malformed (a permanent status)
  metrics::Counter& failed;       // answered with a temporary error (store failure)
  metrics::Counter& receipts;
  metrics::Counter& keyword_replies;
  metrics::Counter& auto_responses;
  metrics::Counter& attributed;
  metrics::Counter& snooze_wakes;
  metrics::Counter& groups;
  metrics::Counter& profile_cache_hits;    // profiles read from the cache of durable records
  metrics::Counter& profile_cache_misses;  // ... and from the store
  metrics::Histogram& commit_seconds;      // a group's batch: submit → durable
  metrics::Histogram& ack_seconds;         // a message: accepted → answered
  metrics::Histogram& group_size;          // messages per committed group
};

struct Incoming {
  // A message...
  std::optional<InboundPart> part;
  std::shared_ptr<const BrandDirectory> brands;  // keeps part->brand alive
  smpp::CommandId command = smpp::CommandId::kDeliverSm;
  std::chrono::steady_clock::time_point accepted;
  Answer answer;
  // ...or a pass over the due timers...
  bool timers = false;
  // ...or a mutation of one thread.
  store::ThreadId thread;
  Mutation mutation;
  MutationDone mutation_done;

  // Answers now with the status `status` maps to.
  void Fail(const absl::Status& status);
};

struct Group {
  Group(uint64_t group_id, const store::CfHandles& handles) : id(group_id), writes(handles) {}

  struct Pending {
    Answer answer;
    smpp::CommandId command;
    std::chrono::steady_clock::time_point accepted;
  };

  // Runs every answer and done with the commit's result.
  void Answer(const absl::Status& status, Counters& counters);
  bool empty() const { return writes.empty() && answers.empty() && mutation_dones.empty(); }

  uint64_t id;
  store::WriteSet writes;
  std::vector<Pending> answers;
  std::vector<MutationDone> mutation_dones;
  std::vector<store::ThreadId> threads;                 // profile records staged by this group
  std::vector<std::string> part_keys;                   // parts staged by this group
  absl::flat_hash_map<uint64_t, int64_t> unread_delta;  // brand → change, applied once durable
  std::size_t messages = 0;
  std::vector<store::OutboxEntry> replies;  // queued: handed to the dispatcher once durable
  std::vector<InboundStored> stored;        // inbound texts decided, for SetOnInboundStored
  bool timers = false;    // processed due timers: no timer pass until it is durable
  absl::Status poisoned;  // a read failed with half of a change staged: never write this group
  std::chrono::steady_clock::time_point submitted;
};

struct ThreadHash {
  std::size_t operator()(const store::ThreadId& t) const {
    return absl::HashOf(t.brand, t.profile);
  }
};

// Everything the decider thread owns.
struct Pipeline::Decider {
  Decider(const store::KvSource& source, const store::CfHandles& handles,
          const classify::Classifier& classifier, const PipelineOptions& options,
          metrics::Registry& registry);

  absl::Status CountUnread();
  std::shared_ptr<Group> NewGroup();
  std::shared_ptr<Group> Decide(std::deque<Incoming>& work);
  void RunTimers(Group& group, const BrandDirectory& brands);
  void Submit(const std::shared_ptr<Group>& group, store::GroupCommitter& committer,
              std::function<void(const std::shared_ptr<Group>&, const absl::Status&)> done);
  void Retire(const Group& group, const absl::Status& status, store::GroupCommitter& committer);

  bool can_submit() const { return !reset_pending_ && in_flight_ < options.max_in_flight; }
  bool idle() const { return in_flight_ == 0; }
  int64_t unread_total() const;
  // A durable group's changes to the unread count (any thread: the committer's).
  void ApplyUnread(const Group& group);
  Counters& counters() { return counters_; }

  // One message of `group`. Errors are storage errors: the group cannot be committed.
  absl::Status DecideMessage(Incoming& incoming, Group& group);
  absl::Status DecideMutation(Incoming& incoming, Group& group);
  // Decides a whole text of `before`'s thread (its record as Profile() returned it).
  void ApplyText(const BrandNumber& brand, const InboundText& text, uint64_t dedup_hash,
                 const std::optional<store::ProfileRecord>& before, Group& group);
  // The thread's record as the decider must see it: in flight, else stored, else nullopt.
  absl::StatusOr<std::optional<store::ProfileRecord>> Profile(const store::ThreadId& thread);
  bool InFlight(const store::ThreadId& thread) const { return profiles_.contains(thread); }
  void Stage(Group& group, const store::ThreadId& thread,
             const std::optional<store::ProfileRecord>& before, const store::ProfileRecord& after);
  // Forgets everything in flight, once nothing is (after a failed commit).
  void Reset();

  const store::KvSource& source;
  const store::CfHandles& handles;
  const classify::Classifier& classifier;
  const PipelineOptions& options;
  store::StoreReader reader;
  StagedPartStore parts;
  smpp::Reassembler reassembler;
  Counters counters_;
  metrics::Registry& registry;

  struct InFlightProfile {
    store::ProfileRecord record;
    uint64_t group = 0;
  };
  absl::flat_hash_map<store::ThreadId, InFlightProfile, ThreadHash> profiles_;
  // Durable records of threads not in flight. Filled by reads and by retired groups; emptied
  // by Reset(), since after a failed commit only the store knows what is durable.
  store::ObjectCache<store::ProfileRecord> durable_profiles_;
  void KeepDurable(const store::ThreadId& thread, store::ProfileRecord record);
  uint64_t next_group_ = 1;
  std::size_t in_flight_ = 0;
  bool timers_in_flight_ = false;
  bool reset_pending_ = false;  // a batch could not be submitted: drain, then Reset()
  mutable std::mutex unread_mutex_;
  absl::flat_hash_map<uint64_t, int64_t> unread_;  // brand → conversations with unread
};

}  // namespace confab::pipeline
