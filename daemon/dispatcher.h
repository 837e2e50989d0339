#pragma once

// The outbound dispatcher (issue #4): takes what the outbox holds, in due order and one message
// at a time per recipient, checks it against the compliance guard, encodes and segments it per
// carrier, submits its parts through the carrier's bound sessions under flow control, and
// records the outcome durably.
//
// Threads. One worker thread reads and writes the store (never an I/O thread) and decides; the
// sessions' completions are posted back to it. Submitting is Session::Submit, which encodes on
// the worker and writes on the session's strand.
//
// Outcomes, written in one batch per message with the outbox delete:
//   every part accepted → the message record (delivery submitted, carrier id of the first part)
//                         and a carrier reference per part, for the receipts;
//   a permanent error   → delivery failed (the ESME status kept in the log and metrics);
//   compliance refusal  → delivery failed, never submitted;
//   quiet hours, defer  → not submitted: the outbox item moves to when the window opens and
//                         the message reads deferred (durable: it survives a restart);
//   no response         → per the carrier's resend policy: resend the part (resend,
//                         query_then_resend — query_sm needs the message id that the lost
//                         response would have carried, so it falls back to resending), or
//                         mark the message unknown (none) — never a blind resend otherwise.
// Transient errors (ESME_RTHROTTLED, ESME_RMSGQFUL, ESME_RSYSERR, a bind lost mid-window) are
// retried, part by part, with jittered exponential backoff within the carrier's retry budget
// (RouteOptions max_attempts, retry_base, retry_cap), on any bound session of the carrier
// (a bind that goes down hands its work to the others); throttling also halves the lane's rate.
//
// After a restart the outbox is scanned again from its start: what was submitted but not yet
// recorded is submitted again (at-least-once across a crash; the window of exposure is one
// commit, about a millisecond).

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "config/config.h"
#include "daemon/carriers_transmitter.h"
#include "daemon/flow_control.h"
#include "daemon/metrics.h"
#include "smpp/segment.h"
#include "smpp/session.h"
#include "store/group_commit.h"
#include "store/kv.h"
#include "store/records.h"

namespace confab::outbound {

// Shortens the links of a text about to be sent (product §7), or returns it unchanged (the
// brand number has shortening off); an error leaves the message in the outbox for later.
using Shorten = std::function<absl::StatusOr<std::string>(const store::MessageKey& message,
                                                          const std::string& text)>;

// Quiet hours (product §6) for a message that needs consent (agent reply, campaign, flow):
// 0 when it may go now (inside the window, or policy warn/off), else the time (ms since the
// epoch) to hold it until (policy defer). Keyword replies and auto-responses are never asked.
using QuietHoursGate = std::function<uint64_t(
    const store::MessageKey& message, const store::ProfileRecord& profile, uint64_t now_ms)>;

struct RouteOptions {
  std::string name;  // the carrier, for logs and metrics
  FlowOptions flow;
  smpp::SegmentOptions segment;
  bool as_deliver_sm = false;  // listen mode: MTs go to the carrier (an ESME) as deliver_sm
  config::ResendPolicy resend = config::ResendPolicy::kQueryThenResend;
  uint32_t window = 10;  // per session: parts in flight on one bind
  // How the carrier's receipts write our submit_sm_resp ids; references are stored in the form
  // receipts are looked up in (outbound::SubmitRefId).
  config::ReceiptIdFormat receipt_id_format = config::ReceiptIdFormat::kAsIs;
  // The retry budget of a part after transient errors ([[carrier]] retry_*): at most
  // `max_attempts` tries, full-jitter exponential backoff from retry_base up to retry_cap.
  uint32_t max_attempts = 8;
  std::chrono::milliseconds retry_base{500};
  std::chrono::milliseconds retry_cap{60'000};
};

struct DispatcherOptions {
  std::vector<RouteOptions> routes;              // by route index (config.carriers order)
  std::chrono::milliseconds poll_interval{100};  // outbox scan when nothing kicked us
  // A scan from the outbox's start, as a safety net for items written behind the scan without a
  // Kick. Rare: the outbox's deleted entries make such a scan cost more the more was sent.
  std::chrono::milliseconds rescan_interval{10'000};
  std::size_t max_messages_in_flight = 4096;  // read from the outbox, not yet recorded
  std::function<uint64_t()> clock;            // ms since the epoch; null = the system clock
  // Applied before encoding, so the segment count is that of the shortened text. Null: none.
  Shorten shorten;
  QuietHoursGate quiet_hours;  // null: no quiet hours
  // Each brand number's carriers in order of preference ([[number]].carriers), by NumberId.
  // When a message's carrier has no bound session, it goes to the next one that has.
  std::map<uint64_t, std::vector<uint32_t>> brand_routes;
};

// The bound sessions that can carry MTs for a route now, with their bind slots
// (CarrierBinds::Transmitters: the operator's suspended and drained binds are not among them).
using TransmitterSource = std::function<std::vector<BoundTransmitter>(uint32_t)>;
// Told when carrier references became durable, with their SubmitRefId forms (the receipt
// processor un-parks receipts).
using RefsStored = std::function<void(uint32_t route, std::vector<std::string> ids)>;
// Told when a message's outcome is durable (its outbox item is gone): for events and tests.
using Recorded = std::function<void(const store::MessageKey& message, store::DeliveryState state)>;

class Dispatcher {
 public:
  // `committer` must not be the pipeline's (that one holds after a failure for the pipeline).
  Dispatcher(const store::KvSource& source, const store::CfHandles& handles,
             store::GroupCommitter& committer, TransmitterSource transmitters,
             DispatcherOptions options, metrics::Registry& metrics);
  ~Dispatcher();  // Stop()
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Set before Start().
  void SetRefsStored(RefsStored callback);
  void SetObserver(Recorded callback);
  void Start();
  // Stops submitting; waits for the responses in flight (at most the response timeout) and
  // records them; what is left stays in the outbox for the next start.
  void Stop();
  // New outbox items are durable (the pipeline's commits, the API), the earliest due at
  // `earliest_due_ms`: look now, from there, not at the next poll.
  void Kick(uint64_t earliest_due_ms = 0);
  // Durable outbox items handed over by their writer (the pipeline's replies), so that no scan
  // has to read them back. Taken at once when the scan has seen everything due before them and
  // there is room in flight; otherwise left to the scan, as Kick(their earliest due) would.
  void Hand(std::vector<store::OutboxEntry> items);

  struct Stats {
    uint64_t submitted_parts = 0;
    uint64_t accepted_messages = 0;
    uint64_t failed_messages = 0;
    uint64_t refused_messages = 0;  // compliance guard
    uint64_t unknown_messages = 0;
    uint64_t deferred_messages = 0;  // held for quiet hours (moved in the outbox)
    uint64_t transient_errors = 0;
    uint64_t throttled = 0;
    uint64_t resent_parts = 0;
    uint64_t handed_taken = 0;  // handed items taken without a scan
  };
  Stats stats() const;

  // What the dispatcher did on one bind slot of a carrier (slots it never submitted on are
  // absent). Also in /metrics, labelled carrier and bind: confab_outbound_bind_parts_total,
  // confab_outbound_bind_throttled_total, confab_outbound_bind_errors_total{error},
  // confab_outbound_bind_in_flight (the last RTT per bind is the carrier's
  // confab_carrier_last_rtt_seconds; the histogram confab_outbound_submit_rtt_seconds{carrier}).
  struct BindStats {
    uint32_t bind = 0;
    uint64_t parts_submitted = 0;
    double tps = 0;               // parts submitted per second, averaged over the last 10 seconds
    uint64_t in_flight = 0;       // parts submitted on it, not yet answered
    uint64_t throttled = 0;       // ESME_RTHROTTLED / ESME_RMSGQFUL answers
    double last_rtt_seconds = 0;  // submit_sm → resp of the last part answered
    // The last answer that was not ESME_ROK: the status name ("ESME_RTHROTTLED"), or
    // "response timeout", or "bind lost"; empty when none. `last_error_ms`: when (epoch ms).
    std::string last_error;
    uint64_t last_error_ms = 0;
  };
  struct RouteStats {
    std::string carrier;
    // Messages waiting for this carrier: read from the outbox, with parts still to submit
    // (including those in retry backoff). Also confab_outbound_queue_depth{carrier}.
    uint64_t queued_messages = 0;
    uint64_t parts_in_flight = 0;
    std::vector<BindStats> binds;  // by slot
  };
  // By route (config.carriers order). Thread-safe.
  std::vector<RouteStats> Routes() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace confab::outbound
