#pragma once

// The oracle's assertion in every fuzz target: a broken invariant aborts, which libFuzzer reports
// as a crash and saves with the input that caused it (assert() would vanish in a release build).

#include <cstdlib>

namespace confab::fuzz {

inline void Check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

}  // namespace confab::fuzz
