#pragma once

// The wall clock in the unit the store keeps times in: milliseconds since the Unix epoch.
// Components take a clock function (tests pass a fake one); this is the real one.

#include <chrono>
#include <cstdint>

namespace confab {

inline uint64_t UnixMillisNow() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace confab
