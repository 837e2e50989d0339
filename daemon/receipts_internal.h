#pragma once

// Internal to the receipt processor (receipts.cc, receipts_worker.cc): the queued work, the
// group of decisions committed as one batch, and the state the worker thread keeps.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "daemon/receipts.h"
#include "store/reader.h"
#include "store/write_set.h"

namespace confab::outbound {

// One parsed receipt on its way through the worker.
struct ReceiptWork {
  uint32_t route = 0;
  std::string id;                             // SubmitRefId form
  std::string ref_key;                        // store::CarrierRefKey(route, id)
  std::optional<store::DeliveryState> state;  // nullopt: not final (changes nothing)
  std::string error;                          // the receipt's err (or network error code)
  ReceiptAnswer answer;
  uint64_t deadline_ms = 0;  // set when first parked: answered ESME_RX_T_APPN after it
};

// The decisions of one worker pass, committed as one batch; answered when it is durable.
struct ReceiptGroup {
  uint64_t id = 0;
  std::vector<ReceiptAnswer> answers;
  std::vector<std::string> ref_keys;      // overlay entries this group wrote
  std::vector<std::string> message_keys;  // encoded MessageKeys
};

struct ReceiptCounters {
  explicit ReceiptCounters(metrics::Registry& registry);
  metrics::Counter& Outcome(std::string_view outcome);
  metrics::Counter& State(store::DeliveryState state);

  metrics::Registry& registry;
  metrics::Counter& matched;         // a part's first final receipt
  metrics::Counter& intermediate;    // ENROUTE / ACCEPTD / intermediate notification
  metrics::Counter& duplicate;       // the part had its final receipt already
  metrics::Counter& parked;          // early: no reference yet
  metrics::Counter& park_full;       // early, and max_parked reached: refused at once
  metrics::Counter& expired_park;    // parked for park_time without its reference
  metrics::Counter& unknown_format;  // no id or no state: acknowledged, ignored
  metrics::Counter& orphan;          // reference without its message record
  metrics::Counter& throttled;       // queue full
  metrics::Counter& failed;          // store error or stopping: temporary error
  metrics::Gauge& parked_now;
};

struct ReceiptProcessor::Impl {
  Impl(const store::KvSource& source, const store::CfHandles& handles, MakeCommitter make_committer,
       ReceiptOptions options, metrics::Registry& metrics);

  void Enqueue(ReceiptWork work);
  void Run();
  // One pass: the committed groups, the stored ids, the expiry, then `work` decided as a group.
  void Retire(const ReceiptGroup& group, const absl::Status& status);
  void Unpark(uint32_t route, const std::vector<std::string>& ids, std::vector<ReceiptWork>& out);
  void Expire(uint64_t now_ms, bool all);
  void DecideGroup(std::vector<ReceiptWork> work);
  // Decides one receipt; returns false when it was answered or parked (nothing for the group).
  bool Decide(ReceiptWork& work, ReceiptGroup& group, store::WriteSet& writes);
  void Park(ReceiptWork work);
  std::optional<uint64_t> NextDeadline() const;
  uint64_t Now() const { return options.clock(); }

  ReceiptOptions options;
  ReceiptCounters counters;
  store::StoreReader reader;
  const store::CfHandles& handles;
  std::unique_ptr<store::GroupCommitter> committer;

  // Shared with the callers and the committer's thread, under `mutex`.
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<ReceiptWork> queue;
  std::deque<std::pair<uint32_t, std::vector<std::string>>> stored;
  std::deque<std::pair<std::shared_ptr<ReceiptGroup>, absl::Status>> committed;
  bool expire_requested = false;
  bool stopping = false;
  // The worker is in a pass: a receipt it decides may park for ids stored meanwhile. Asleep with
  // nothing parked, it needs no word of stored ids (what it decides later reads them durable).
  bool deciding = false;
  uint64_t passes = 0;
  std::atomic<std::size_t> parked_count{0};

  // The worker thread's own.
  template <typename T>
  struct Pending {
    T value;
    uint64_t group = 0;  // the in-flight group that wrote it
  };
  absl::flat_hash_map<std::string, Pending<store::CarrierRef>> refs;
  absl::flat_hash_map<std::string, Pending<store::MessageRecord>> messages;
  absl::flat_hash_map<std::string, std::vector<ReceiptWork>> parked;  // by ref_key
  std::multimap<uint64_t, std::string> deadlines;  // deadline → ref_key (may be stale)
  std::size_t in_flight = 0;
  bool reset_pending = false;  // a commit failed: drain, forget the overlay, resume
  uint64_t next_group = 1;
  std::thread thread;
};

}  // namespace confab::outbound
