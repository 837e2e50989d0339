#include "daemon/flow_control.h"

#include <algorithm>

namespace confab::outbound {
namespace {

double Seconds(SteadyTime from, SteadyTime to) {
  return std::chrono::duration<double>(to - from).count();
}

SteadyTime After(SteadyTime start, double seconds) {
  return start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                     std::chrono::duration<double>(seconds));
}

}  // namespace

FlowControl::FlowControl(FlowOptions options, uint64_t seed)
    : options_(options), rate_(options.max_rate), tokens_(0), rng_(seed) {
  tokens_ = std::max(1.0, rate_ * options_.burst_seconds);
}

void FlowControl::Refill(SteadyTime now) {
  if (last_refill_ == SteadyTime{}) {
    last_refill_ = now;
    last_increase_ = now;
    observed_since_ = now;
    return;
  }
  const double depth = std::max(1.0, rate_ * options_.burst_seconds);
  tokens_ = std::min(depth, tokens_ + rate_ * Seconds(last_refill_, now));
  last_refill_ = now;
}

SteadyTime FlowControl::Take(uint32_t parts, SteadyTime now) {
  if (now < paused_until_) {
    return paused_until_;
  }
  if (rate_ <= 0) {
    return now;  // uncapped: the window alone limits
  }
  Refill(now);
  const double depth = std::max(1.0, rate_ * options_.burst_seconds);
  const double need = std::min(static_cast<double>(parts), depth);
  if (tokens_ + 1e-9 >= need) {
    tokens_ -= static_cast<double>(parts);  // may go negative for a message beyond the depth
    return now;
  }
  return After(now, (need - tokens_) / rate_);
}

SteadyTime FlowControl::OnThrottled(SteadyTime now) {
  ++throttle_events_;
  Refill(now);
  double base = rate_;
  if (base <= 0) {
    // Uncapped so far: start from what the carrier was taking, and recover towards it.
    const double elapsed = Seconds(observed_since_, now);
    base = elapsed > 0 ? static_cast<double>(observed_parts_) / elapsed : options_.min_rate * 10;
    ceiling_ = std::max(ceiling_, base);
  }
  rate_ = std::max(options_.min_rate, base * options_.decrease_factor);
  tokens_ = std::min(tokens_, 0.0);
  last_increase_ = now;
  std::uniform_real_distribution<double> jitter(0.5, 1.5);
  paused_until_ =
      After(now, jitter(rng_) * std::chrono::duration<double>(options_.throttle_pause).count());
  return paused_until_;
}

void FlowControl::OnAccepted(SteadyTime now) {
  if (observed_since_ == SteadyTime{}) {
    observed_since_ = now;
  }
  ++observed_parts_;
  if (rate_ <= 0) {
    return;
  }
  Refill(now);
  // Recovery is additive, a share of the ceiling per second: the configured cap, or (uncapped)
  // the rate the carrier took before it first throttled — not of the current, halved rate,
  // which after a few throttles would crawl back at a part per second.
  const double ceiling = options_.max_rate > 0 ? options_.max_rate : std::max(ceiling_, rate_);
  const double elapsed = Seconds(last_increase_, now);
  if (elapsed > 0 && rate_ < ceiling) {
    const double step = std::max(1.0, ceiling * options_.increase_per_second) * elapsed;
    rate_ = std::min(ceiling, rate_ + step);
    last_increase_ = now;
  }
  if (options_.max_rate <= 0 && rate_ >= ceiling) {
    rate_ = 0;  // back to uncapped: the window alone limits again
  }
}

}  // namespace confab::outbound
