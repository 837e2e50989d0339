#pragma once

// Internal to the dispatcher (dispatcher.cc, dispatcher_submit.cc): one outbox message on its
// way out, the per-carrier lane, and the worker's state.

#include <array>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "daemon/dispatcher.h"
#include "smpp/backoff.h"
#include "store/reader.h"
#include "store/records.h"
#include "store/write_set.h"

namespace confab::outbound {

struct PartState {
  smpp::MessagePart part;
  bool in_flight = false;
  bool accepted = false;
  std::string carrier_id;  // from submit_sm_resp
  uint32_t attempts = 0;   // transient failures so far
  SteadyTime retry_at{};
};

struct Outgoing {
  store::OutboxKey key;
  std::string key_bytes;  // EncodeOutboxKey(key): the in-flight index
  uint32_t route = 0;
  store::MessageRecord record;
  std::string source;       // the brand number
  std::string destination;  // the subscriber, E.164
  uint8_t data_coding = 0;
  std::vector<PartState> parts;
  std::size_t parts_in_flight = 0;
  // Set once the message's fate is known; recorded when no part is in flight any more.
  std::optional<store::DeliveryState> final_state;
  bool recording = false;  // its batch is with the committer
  // Quiet hours (policy defer): not sent; the outbox item moves to this due time (ms) and the
  // message reads kDeferred meanwhile.
  uint64_t defer_until_ms = 0;
  bool carried = false;  // the outbox item carries the message (a pipeline reply)
};

// The dispatcher's figures of one bind slot (Dispatcher::BindStats), kept under binds_mutex.
struct BindLog {
  Dispatcher::BindStats stats;
  static constexpr std::size_t kSeconds = 10;  // the TPS window
  std::array<int64_t, kSeconds> second{};      // which steady second each bucket counts
  std::array<uint64_t, kSeconds> parts{};
  metrics::Counter* parts_total = nullptr;
  metrics::Counter* throttled = nullptr;
  metrics::Gauge* in_flight = nullptr;
};

struct Lane {
  RouteOptions options;
  FlowControl flow;
  std::deque<std::shared_ptr<Outgoing>> ready;  // messages with parts still to submit
  std::size_t next_session = 0;
  std::size_t parts_in_flight = 0;
  metrics::Gauge* window_in_use = nullptr;
  metrics::Counter* throttled = nullptr;
  metrics::Counter* parts = nullptr;  // submitted: the carrier's TPS is its rate()
  metrics::Histogram* rtt_seconds = nullptr;
  metrics::Gauge* queue_depth = nullptr;
  std::vector<BindLog> binds;  // by slot, grown on first use; guarded by State::binds_mutex
};

// What sessions and the committer report back to the worker.
struct Event {
  std::shared_ptr<Outgoing> message;
  std::size_t part = 0;  // a response to this part...
  uint32_t bind = 0;     // ...on this bind slot
  std::error_code error;
  smpp::CommandStatus status = smpp::CommandStatus::kOk;
  std::string carrier_id;
  std::chrono::nanoseconds rtt{0};
  bool recorded = false;  // ...or the message's batch is durable (or failed: commit_status)
  absl::Status commit_status;
};

struct Dispatcher::State {
  State(const store::KvSource& kv, const store::CfHandles& cf_handles,
        store::GroupCommitter& group_committer, TransmitterSource sessions,
        DispatcherOptions dispatcher_options, metrics::Registry& registry);

  void Run();
  void Post(Event event);
  // Reads due outbox items into the lanes (bounded by max_messages_in_flight). Sets caught_up.
  void Fill(uint64_t now_ms);
  // One due item, read or handed: skipped when it is in flight or held already, held behind its
  // recipient's message in flight, or launched.
  void Take(const store::OutboxKey& key, store::OutboxItem item);
  // Handed items: taken when caught up and due (true), else left to the scan (false).
  bool TakeHanded(store::OutboxEntry& entry, uint64_t now_ms);
  std::shared_ptr<Outgoing> Prepare(const store::OutboxKey& key, store::OutboxItem item);
  // Encodes and cuts the message for its lane's carrier; false when it cannot be.
  bool Segment(Outgoing& message);
  // A lane without a bound session hands the messages it has not started to the next carrier
  // of their brand number's route that has one.
  void FailOver(std::size_t route, std::vector<std::vector<BoundTransmitter>>& sessions);
  // Prepares an item and puts it in flight (its recipient becomes busy).
  void Launch(const store::OutboxKey& key, store::OutboxItem item, std::string key_bytes,
              std::string recipient);
  // The recipient's message was recorded: its next waiting item goes.
  void LaunchNextFor(const std::string& recipient);
  // Submits what flow control and the windows allow; returns when to look again.
  SteadyTime Pump(SteadyTime now);
  void Submit(Lane& lane, const BoundTransmitter& session, const std::shared_ptr<Outgoing>& message,
              std::size_t part);
  // Per-bind figures (dispatcher_binds.cc).
  BindLog& BindOf(Lane& lane, uint32_t bind);  // binds_mutex held
  void BindSubmitted(Lane& lane, uint32_t bind, SteadyTime now);
  void BindAnswered(Lane& lane, const Event& event);
  void UpdateQueueDepths();
  void OnResponse(Event& event, SteadyTime now);
  void Settle(const std::shared_ptr<Outgoing>& message);  // record it once nothing is in flight
  void Record(const std::shared_ptr<Outgoing>& message);
  void Commit(const std::shared_ptr<Outgoing>& message, store::WriteSet& writes);
  void OnRecorded(Event& event);
  uint64_t NowMs() const { return options.clock(); }

  const store::KvSource& source;
  const store::CfHandles& handles;
  store::GroupCommitter& committer;
  TransmitterSource transmitters;
  DispatcherOptions options;
  store::StoreReader reader;
  RefsStored refs_stored;
  Recorded observer;

  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Event> events;
  std::vector<store::OutboxEntry> handed;
  bool kicked = true;
  uint64_t rewind_to = UINT64_MAX;  // a Kick's earliest due: the scan goes back to it
  bool stopping = false;
  std::thread thread;

  // Worker only.
  std::vector<Lane> lanes;
  absl::flat_hash_map<std::string, std::shared_ptr<Outgoing>> in_flight;  // by outbox key
  absl::flat_hash_set<std::string> busy_threads;  // recipients with a message in flight
  // Items read while their recipient was busy, in order, and their keys; counted with
  // in_flight against max_messages_in_flight.
  absl::flat_hash_map<std::string, std::deque<store::OutboxEntry>> waiting;
  absl::flat_hash_set<std::string> held;
  std::size_t waiting_count = 0;
  std::optional<store::OutboxKey> cursor;  // the scan resumes after it
  // The last scan read everything due (it stopped at the end or at an item not yet due) and no
  // Kick came since: an item handed over now has nothing due before it left unread.
  bool caught_up = false;
  std::vector<std::shared_ptr<Outgoing>> unrecorded;  // their batch failed: recorded again
  std::mt19937_64 rng{0x6f7574626f78ULL};

  mutable std::mutex binds_mutex;  // Lane::binds, queued below
  std::vector<uint64_t> queued;    // per lane: ready.size(), for Routes()
  metrics::Registry& metrics_registry;

  mutable std::mutex stats_mutex;
  Dispatcher::Stats stats;
  metrics::Counter& submitted_parts;
  metrics::Counter& accepted;
  // A keyword reply's or auto-response's MO (its decision, when the reply was queued) → the
  // carrier's submit_sm_resp OK for every part: the gateway's MO → reply latency.
  metrics::Histogram& mo_reply_seconds;
  metrics::Counter& failed;
  metrics::Counter& refused;
  metrics::Counter& unknown;
  metrics::Counter& deferred;
  metrics::Counter& transient;
};

}  // namespace confab::outbound
