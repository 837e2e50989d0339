#include "daemon/api_listing_cache.h"

#include <utility>

#include "absl/strings/string_view.h"

namespace confab::api::conversations {

ListingCache::ListingCache(std::size_t max_pages, metrics::Registry* metrics)
    : max_pages_(max_pages) {
  if (metrics != nullptr) {
    constexpr std::string_view kHelp =
        "Inbox pages answered from the listing cache (hit) or built from the store (miss)";
    hits_ = &metrics->GetCounter("confab_api_listing_cache_total", kHelp, {{"result", "hit"}});
    misses_ = &metrics->GetCounter("confab_api_listing_cache_total", kHelp, {{"result", "miss"}});
  } else {
    own_hits_ = std::make_unique<metrics::Counter>();
    own_misses_ = std::make_unique<metrics::Counter>();
    hits_ = own_hits_.get();
    misses_ = own_misses_.get();
  }
}

std::shared_ptr<const std::string> ListingCache::Find(std::string_view key, uint64_t version) {
  {
    std::lock_guard lock(mutex_);
    // absl::string_view is not std::string_view in Debian's abseil build.
    auto found = pages_.find(absl::string_view(key.data(), key.size()));
    if (found != pages_.end() && found->second.version == version) {
      recency_.splice(recency_.begin(), recency_, found->second.recency);
      hits_->Add();
      return found->second.body;
    }
  }
  misses_->Add();
  return nullptr;
}

void ListingCache::Insert(std::string key, uint64_t version,
                          std::shared_ptr<const std::string> body) {
  if (max_pages_ == 0) {
    return;
  }
  std::lock_guard lock(mutex_);
  auto found = pages_.find(key);
  if (found != pages_.end()) {
    // Two requests may build the same page; keep the one built from the newer reads.
    if (found->second.version <= version) {
      found->second.version = version;
      found->second.body = std::move(body);
    }
    recency_.splice(recency_.begin(), recency_, found->second.recency);
    return;
  }
  if (pages_.size() >= max_pages_) {
    pages_.erase(recency_.back());
    recency_.pop_back();
  }
  recency_.push_front(key);
  pages_.emplace(std::move(key), Page{version, std::move(body), recency_.begin()});
}

}  // namespace confab::api::conversations
