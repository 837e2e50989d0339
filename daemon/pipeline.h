#pragma once

// The inbound pipeline (product §2–§5): every MO is read, deduplicated, reassembled, classified,
// applied to consent and conversation state, answered (keyword reply or auto-response queued in
// the outbox), and committed to the store in one atomic write before the carrier gets ESME_ROK.
//
// Threads. Sessions call Accept/OnInbound on their strands: the PDU is read there (numbers
// normalized, user data copied, idempotency hash) and queued. One decider thread takes what is
// queued, up to a group, decides each message against the thread's profile record, stages all
// of the group's writes in one WriteBatch and hands it to the GroupCommitter; while that batch is
// being fsynced the decider builds the next one. The committer's thread answers the carriers once
// the batch is durable. RocksDB never runs on an I/O thread.
//
// Consistency. Each thread's record is read, changed and written back by the decider alone.
// A record whose write is still in flight is read from the decider's overlay, not the store, so
// two messages of one thread in consecutive groups see each other. A failed commit fails every
// batch behind it too (GroupCommitOptions::hold_after_failure); the decider then forgets the
// overlay and resumes from what is durable. So a carrier gets ESME_ROK only for what is durable,
// and a temporary error (it retransmits) for everything else.
//
// Duplicates. A message whose idempotency hash the thread's record remembers (dedup_window) is
// answered ESME_ROK without being processed again — once the write that remembered it is durable.
//
// Backpressure. At most queue_capacity messages wait; beyond that carriers get ESME_RTHROTTLED.
// Sessions also stop reading once their inbound window is in the pipeline's hands.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "daemon/brand_numbers.h"
#include "daemon/classifier.h"
#include "daemon/inbound_part.h"
#include "daemon/inbound_sink.h"
#include "daemon/metrics.h"
#include "store/group_commit.h"
#include "store/kv.h"
#include "store/records.h"
#include "store/write_set.h"

namespace confab::pipeline {

struct PipelineOptions {
  uint64_t dedup_window_ms = 60 * 60 * 1000;
  uint64_t reassembly_timeout_ms = 5 * 60 * 1000;
  std::chrono::milliseconds timer_interval{1000};
  std::size_t queue_capacity = 20000;
  std::size_t max_group = 1000;   // messages decided into one batch
  std::size_t max_in_flight = 4;  // batches handed to the committer and not yet durable
  // Profile records kept decoded once durable (the pipeline is their only writer, so a kept
  // record is never stale): most MOs then read their profile without a store lookup. 0 = off.
  std::size_t profile_cache_bytes = 32u << 20;
  std::function<uint64_t()> clock;  // ms since the epoch; null = the system clock
};

// Answers one carrier request with its command_status (on the committer's or caller's thread).
using Answer = absl::AnyInvocable<void(smpp::CommandStatus) &&>;
// Changes one thread's record (nullopt: none stored yet) and stages related writes; runs on the
// decider thread. Returning an error stages nothing.
using Mutation = absl::AnyInvocable<absl::Status(std::optional<store::ProfileRecord>& profile,
                                                 store::WriteSet& writes)>;
using MutationDone = absl::AnyInvocable<void(absl::Status) &&>;

// An inbound text the pipeline stored (what new-message notifications are made of).
struct InboundStored {
  store::ThreadId thread;
  uint32_t message_seq = 0;
  std::string preview;  // the text's first kInboundPreviewBytes bytes (whole UTF-8 characters)
  uint64_t at_ms = 0;   // received
  bool conversation = false;  // a conversation message (not a keyword)
  bool blocked = false;       // the profile is blocked
};
inline constexpr std::size_t kInboundPreviewBytes = 200;

struct Group;     // pipeline_internal.h
struct Incoming;  // pipeline_internal.h

class Pipeline final : public InboundSink {
 public:
  // `source` reads committed state; `handles` stage writes for `committer`, which must have been
  // made with hold_after_failure = true.
  Pipeline(const store::KvSource& source, const store::CfHandles& handles,
           store::GroupCommitter& committer, const classify::Classifier& classifier,
           std::shared_ptr<const BrandDirectory> brands, PipelineOptions options,
           metrics::Registry& metrics);
  ~Pipeline() override;  // Stop()
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Called on the committer's thread (keep it short: post elsewhere) with the conversation
  // messages of each durable batch that may notify someone — unblocked profiles, brand numbers
  // whose notifications go somewhere (BrandNumber::notifies) — in the order they were decided;
  // not called for a batch without any.
  void SetOnInboundStored(std::function<void(std::vector<InboundStored>)> on_stored);

  // Called (on the committer's thread; keep it short) after each durable batch that queued
  // replies, with their outbox entries: the outbound dispatcher takes them from memory instead
  // of reading them back from the store.
  void SetOnDurable(std::function<void(std::vector<store::OutboxEntry>)> on_durable);

  // Where delivery receipts go (the outbound path's receipt processor); without one they are
  // answered ESME_RX_T_APPN (kept by the carrier for later). Set before carriers start.
  using ReceiptHandler = std::function<void(uint32_t route, const smpp::Pdu& receipt, Answer)>;
  void SetReceiptHandler(ReceiptHandler handler) { receipts_ = std::move(handler); }

  // Counts the unread conversations (one pass over the inbox index) and starts the decider.
  absl::Status Start();
  // Refuses new work (temporary error), decides and commits everything accepted, then stops.
  void Stop();

  void OnInbound(uint32_t route, const smpp::Pdu& request, smpp::Responder responder) override;
  // OnInbound without a session: for tests and benchmarks.
  void Accept(uint32_t route, const smpp::Pdu& request, Answer answer);
  // Applies `mutation` to `thread` in order with the messages (the admin API's writes go here so
  // that they never race the pipeline); `done` runs once it is durable or failed.
  void Mutate(const store::ThreadId& thread, Mutation mutation, MutationDone done);

  // Looks for due timers now, in order with the messages, as the periodic pass does (every
  // timer_interval); `done` runs once what they caused is durable.
  void RunTimers(MutationDone done);

  // A config reload: messages decided from now on use `brands`.
  void SetBrands(std::shared_ptr<const BrandDirectory> brands);

  // Conversations with unread messages, per brand NumberId and in total.
  int64_t UnreadConversations() const;

 private:
  struct Decider;

  void Enqueue(Incoming incoming, bool bypass_capacity);
  void Run();
  void OnCommitted(const std::shared_ptr<Group>& group, const absl::Status& status);

  const store::KvSource& source_;
  const store::CfHandles& handles_;
  store::GroupCommitter& committer_;
  const classify::Classifier& classifier_;
  PipelineOptions options_;
  metrics::Registry& metrics_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Incoming> queue_;
  std::deque<std::pair<std::shared_ptr<Group>, absl::Status>> committed_;
  std::shared_ptr<const BrandDirectory> brands_;
  bool stopping_ = false;
  bool started_ = false;
  std::unique_ptr<Decider> decider_;
  std::function<void(std::vector<store::OutboxEntry>)> on_durable_;
  std::function<void(std::vector<InboundStored>)> on_stored_;
  ReceiptHandler receipts_;
  std::thread thread_;
};

}  // namespace confab::pipeline
