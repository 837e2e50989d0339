#pragma once

// Reconnect delays: exponential backoff with FULL jitter — the delay of attempt n is uniform in
// [0, min(cap, base * 2^n)] — so that many clients restarting together spread out instead of
// reconnecting in waves.

#include <chrono>
#include <cstdint>
#include <random>

namespace confab::smpp {

// The ceiling min(cap, base * 2^attempt), without overflow for any attempt.
std::chrono::milliseconds BackoffCeiling(std::chrono::milliseconds base,
                                         std::chrono::milliseconds cap, uint32_t attempt);

// One draw of the full-jitter delay for `attempt` (0 for the first retry).
std::chrono::milliseconds FullJitterDelay(std::chrono::milliseconds base,
                                          std::chrono::milliseconds cap, uint32_t attempt,
                                          std::mt19937_64& rng);

// The attempt counter and RNG of one reconnecting client. Not thread-safe (one per strand).
class Backoff {
 public:
  Backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap, uint64_t seed)
      : base_(base), cap_(cap), rng_(seed) {}

  // The delay before the next attempt; each call counts one more failure.
  std::chrono::milliseconds Next() { return FullJitterDelay(base_, cap_, attempt_++, rng_); }
  void Reset() { attempt_ = 0; }
  uint32_t attempt() const { return attempt_; }

 private:
  std::chrono::milliseconds base_;
  std::chrono::milliseconds cap_;
  uint32_t attempt_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace confab::smpp
