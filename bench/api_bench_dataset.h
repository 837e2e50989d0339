#pragma once

// api_bench's dataset: a RocksDB store with many conversations, populated once per directory
// and size (see api_bench.cc for the mix).

#include <cstddef>
#include <cstdint>
#include <string>

#include "store/store.h"

namespace confab::bench {

constexpr uint64_t kNowMs = 1'800'000'000'000;
constexpr uint64_t kBrands[] = {15550100000, 15550100001, 15550100002};
constexpr uint64_t kFirstProfile = 16500000000;

struct Flags {
  std::string store = "/tmp/confab-api-bench";
  uint64_t conversations = 1'000'000;
  int serve_port = 0;
  int workers = 1;
  bool direct = false;
  std::size_t cache_pages = 64;  // --serve: the listing cache's size, as in the daemon
  int commits_per_second = 0;    // --serve: store writes while serving (cache invalidation)
};
extern Flags flags;

// The store at flags.store, populated with flags.conversations threads unless a marker file
// says it already is; exits the process when it cannot be opened or written.
store::Store& Dataset();

}  // namespace confab::bench
