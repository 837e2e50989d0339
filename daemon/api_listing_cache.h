#pragma once

// Answered inbox pages (GET /v1/conversations), kept while the store does not change.
//
// Agents' inboxes ask for the same first pages over and over; between two writes to the store the
// answer cannot differ, so a page is answered from here when it was built at the store's current
// Version() (store/kv.h) and built anew otherwise. Any write makes every page stale, so an answer
// is never older than the last write the request could see: the cache changes the cost, never
// the answer. Bounded: beyond `max_pages` the least recently used page goes.

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "daemon/metrics.h"

namespace confab::api::conversations {

class ListingCache {
 public:
  // `metrics` (nullable) gets confab_api_listing_cache_total{result="hit"|"miss"}.
  explicit ListingCache(std::size_t max_pages, metrics::Registry* metrics = nullptr);

  // The body built for `key` at `version`, or null (and counted a miss).
  std::shared_ptr<const std::string> Find(std::string_view key, uint64_t version);
  // Keeps `body`, built for `key` from reads that started at `version`.
  void Insert(std::string key, uint64_t version, std::shared_ptr<const std::string> body);

  uint64_t hits() const { return hits_->value(); }
  uint64_t misses() const { return misses_->value(); }

 private:
  struct Page {
    uint64_t version = 0;
    std::shared_ptr<const std::string> body;
    std::list<std::string>::iterator recency;  // its key's place in recency_
  };

  const std::size_t max_pages_;
  std::unique_ptr<metrics::Counter> own_hits_;  // when no registry is given
  std::unique_ptr<metrics::Counter> own_misses_;
  metrics::Counter* hits_;
  metrics::Counter* misses_;
  std::mutex mutex_;
  std::list<std::string> recency_;  // keys, most recently used first
  absl::flat_hash_map<std::string, Page> pages_;
};

}  // namespace confab::api::conversations
