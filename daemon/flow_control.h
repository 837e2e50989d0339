#pragma once

// Flow control of one carrier's submissions (issue #4): a token bucket on message parts per
// second (a 3-part message costs 3 tokens) whose rate adapts AIMD-style to the carrier's
// throttling answers. The SMPP window caps what is in flight on top of this. Not thread-safe:
// one per carrier lane, used from one thread. Time is passed in (tests use a fake clock).

#include <chrono>
#include <cstdint>
#include <random>

namespace confab::outbound {

using SteadyTime = std::chrono::steady_clock::time_point;

struct FlowOptions {
  double max_rate = 0;                // parts/s configured (carrier tps); 0 = no cap
  double min_rate = 1;                // the rate never drops below this after throttling
  double burst_seconds = 0.1;         // bucket depth: this many seconds' worth of parts
  double increase_per_second = 0.05;  // additive increase: this share of max_rate per second
  double decrease_factor = 0.5;       // multiplicative decrease per throttling answer
  std::chrono::milliseconds throttle_pause{200};  // base pause after ESME_RTHROTTLED, jittered
};

class FlowControl {
 public:
  explicit FlowControl(FlowOptions options, uint64_t seed = 1);

  // When `parts` tokens are available: `now` if they are (and they are taken), else the time
  // to ask again. A message larger than the bucket waits for a full bucket and then goes.
  SteadyTime Take(uint32_t parts, SteadyTime now);

  // The carrier answered ESME_RTHROTTLED or ESME_RMSGQFUL: the rate halves (down to min_rate;
  // with no configured cap the observed send rate is the starting point) and sending pauses
  // for a jittered throttle_pause. Returns the end of the pause.
  SteadyTime OnThrottled(SteadyTime now);
  // A part was accepted: the rate creeps back up towards max_rate.
  void OnAccepted(SteadyTime now);

  double rate() const { return rate_; }  // parts/s now; 0 = uncapped
  uint64_t throttle_events() const { return throttle_events_; }

 private:
  void Refill(SteadyTime now);

  FlowOptions options_;
  double rate_;  // 0 = uncapped
  double tokens_;
  SteadyTime last_refill_{};
  SteadyTime paused_until_{};
  SteadyTime last_increase_{};
  double observed_rate_ = 0;  // parts/s accepted, smoothed (for the uncapped case)
  SteadyTime observed_since_{};
  uint64_t observed_parts_ = 0;
  uint64_t throttle_events_ = 0;
  double ceiling_ = 0;  // uncapped lanes: the rate observed when first throttled
  std::mt19937_64 rng_;
};

}  // namespace confab::outbound
