#include "smpp/backoff.h"

#include <algorithm>

namespace confab::smpp {

std::chrono::milliseconds BackoffCeiling(std::chrono::milliseconds base,
                                         std::chrono::milliseconds cap, uint32_t attempt) {
  if (base.count() <= 0 || cap.count() <= 0) {
    return std::chrono::milliseconds(std::max<int64_t>(0, std::min(base, cap).count()));
  }
  // Doubling stops at the cap, so the loop is short and never overflows.
  int64_t ceiling = base.count();
  for (uint32_t i = 0; i < attempt && ceiling < cap.count(); ++i) {
    ceiling *= 2;
  }
  return std::chrono::milliseconds(std::min(ceiling, cap.count()));
}

std::chrono::milliseconds FullJitterDelay(std::chrono::milliseconds base,
                                          std::chrono::milliseconds cap, uint32_t attempt,
                                          std::mt19937_64& rng) {
  int64_t ceiling = BackoffCeiling(base, cap, attempt).count();
  std::uniform_int_distribution<int64_t> uniform(0, ceiling);
  return std::chrono::milliseconds(uniform(rng));
}

}  // namespace confab::smpp
