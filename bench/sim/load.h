#pragma once

// The load generator: plays the carrier towards a daemon (through a Carrier) and measures it.
// It sends `count` MOs from the deterministic mix (mo_mix.h), open loop at `rate` MO/s or closed
// loop with `window` MOs in flight, prints a progress line every second, stops by itself (count
// or `max_duration`), then waits up to `reply_wait` for the replies still due, and reports:
//  - MOs acknowledged (every part's deliver_sm_resp OK) and lost (sent, never acknowledged OK),
//    non-OK statuses and transport errors by name;
//  - replies (MTs from the daemon), matched to their MO by number: a reply from brand B to
//    subscriber S answers the oldest keyword MO from S to B still waiting. A keyword MO expects a
//    reply (an opt-out only when S had not already opted out in this run: a second STOP gets no
//    text); a reply whose text lacks the category's expected substring is WRONG; expected
//    replies that never came are missing. Replies with no keyword MO waiting (auto-responses)
//    are counted as unmatched. Keep `pool` well above the window: an auto-response racing a
//    keyword reply for the same number could be taken for it.
//  - latencies: MO sent -> acknowledged, and MO sent -> reply, in HDR-style histograms.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <iosfwd>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "bench/sim/carrier.h"
#include "bench/sim/histogram.h"
#include "bench/sim/mo_mix.h"

namespace confab::sim {

struct LoadOptions {
  uint64_t count = 10'000;
  MoMixOptions mix;
  double rate = 0;                                 // MO/s; 0 = closed loop
  std::size_t window = 64;                         // closed loop: MOs in flight
  std::chrono::milliseconds max_duration{60'000};  // sending stops after this
  std::chrono::milliseconds reply_wait{5'000};     // after the last ack, for replies still due
  std::chrono::milliseconds bind_wait{30'000};     // for the daemon to bind before starting
  // Substrings the reply to each keyword category must contain; empty = not checked.
  std::string expect_optout = "unsubscribed";
  std::string expect_help = "Help";
  std::string expect_optin = "subscribed";
  // Replies need not come in MO order (a gateway answering from several threads, e.g. Kannel):
  // a reply answers the oldest waiting keyword MO whose expected substring it contains; one
  // containing no category's substring (an auto-response) is unmatched rather than wrong.
  bool match_by_text = false;
  std::ostream* progress = nullptr;  // a line per second; null = quiet
  // Carrier-style retransmission (reliable_mo.h): an MO is sent until every part is acked
  // ESME_ROK (or a permanent error); the run ends when all `count` MOs are done or
  // `max_duration` (from the start) passes.
  bool retransmit = false;
  std::chrono::milliseconds retry_delay{200};
  // One JSON line per MO acknowledged ESME_ROK (all parts), written and flushed when the last
  // ack arrives: {"n":…,"source":…,"destination":…,"text":…,"keyword":…,"category":…,
  // "parts":…,"retransmitted":…}. Null = no journal.
  std::ostream* journal = nullptr;
};

struct LoadReport {
  bool bound = false;
  uint64_t mo_sent = 0;
  uint64_t mo_acked = 0;
  uint64_t mo_lost = 0;
  std::map<std::string, uint64_t> errors;  // status or error name -> MOs
  uint64_t replies = 0;
  uint64_t replies_expected = 0;
  uint64_t replies_right = 0;
  uint64_t replies_wrong = 0;
  uint64_t replies_missing = 0;
  uint64_t replies_unmatched = 0;
  std::map<std::string, uint64_t> sent_by_category;
  uint64_t mo_retransmitted = 0;     // --retransmit: MOs that needed more than one round
  uint64_t parts_retransmitted = 0;  // --retransmit: part sends after the first round
  double send_seconds = 0;           // first send -> last ack
  double total_seconds = 0;
  Histogram ack_latency_ns;
  Histogram reply_latency_ns;
};

// The substring a reply to `category` must contain under `options` (empty: not checked).
const std::string& ExpectedReply(const LoadOptions& options, MoCategory category);

// With match_by_text: which of the keyword MOs waiting for a reply from one number (`waiting`,
// oldest first) a reply with `text` answers. The oldest whose expected substring is in `text`;
// else, when `text` has no category's substring, none (an auto-response: unmatched); else the
// oldest (and the reply is wrong).
std::optional<std::size_t> MatchReplyByText(const std::vector<MoCategory>& waiting,
                                            std::string_view text, const LoadOptions& options);

class LoadRunner {
 public:
  explicit LoadRunner(LoadOptions options) : options_(std::move(options)) {}
  // Feed the carrier's MTs here (Carrier::Start's on_mt).
  void OnMt(const MtMessage& mt);
  // Runs the whole load against `carrier` (blocking) and returns the report.
  LoadReport Run(Carrier& carrier);

 private:
  struct Pending {
    MoCategory category;
    SteadyClock::time_point sent_at;
  };
  void SendOne(Carrier& carrier, MoMix& mix);
  // Completion of one MO (either path), under mutex_.
  void Completed(const MoSpec& spec, uint64_t n, SteadyClock::time_point sent_at, bool acked,
                 int parts, uint32_t parts_retransmitted);
  void CountFailure(std::error_code error, smpp::CommandStatus status);
  void Progress(SteadyClock::time_point start);

  LoadOptions options_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::size_t in_flight_ = 0;
  uint64_t last_progress_acked_ = 0;
  uint64_t last_progress_replies_ = 0;
  SteadyClock::time_point last_ack_;
  std::unordered_map<std::string, std::deque<Pending>> waiting_;  // "S|B" -> keyword MOs
  std::unordered_set<std::string> opted_out_;
  uint64_t waiting_count_ = 0;
  uint64_t next_n_ = 0;
  bool abandon_ = false;  // --retransmit: the run is over, MOs still retrying give up
  LoadReport report_;
};

}  // namespace confab::sim
