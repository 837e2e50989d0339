#pragma once

// Counts heap allocations made through the global operator new, so that benchmarks can report
// (and tests can assert) "zero allocations" on a hot path. Link confab_alloc_counter to enable.

#include <cstdint>

namespace confab::bench {

// Allocations made by this process so far (all threads).
uint64_t AllocationCount();

}  // namespace confab::bench
