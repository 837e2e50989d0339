#include "daemon/rocksdb_link_store.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <future>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "base/thread_name.h"
#include "daemon/logging.h"
#include "store/write_set.h"

// Debian's abseil has its own string_view type, hence the explicit conversions.

namespace confab {
namespace {

uint64_t ToMillis(absl::Time time) {
  return static_cast<uint64_t>(std::max<int64_t>(0, absl::ToUnixMillis(time)));
}

absl::Time FromMillis(uint64_t ms) {
  // A value past int64 (only a foreign writer could store one) is as good as never.
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  return absl::FromUnixMillis(static_cast<int64_t>(std::min(ms, kMax)));
}

store::LinkRecord ToStore(const LinkRecord& record) {
  return store::LinkRecord{record.url, record.message, ToMillis(record.created),
                           ToMillis(record.expires)};
}

LinkRecord FromStore(store::LinkRecord record) {
  return LinkRecord{std::move(record.url), record.message, FromMillis(record.created_ms),
                    FromMillis(record.expires_ms)};
}

}  // namespace

RocksDbLinkStoreOptions RocksDbLinkStoreOptions::For(const store::Store& store) {
  RocksDbLinkStoreOptions options;
  options.links.sync = store.options().durability == store::Durability::kFsync;
  // Clicks may be lost in a crash (see the header): an fsync per click group would cost the
  // shared WAL ~500 syncs a second under a redirect burst for data we only count.
  options.clicks.sync = false;
  options.links.thread_name = "commit-links";
  options.clicks.thread_name = "commit-clicks";
  return options;
}

RocksDbLinkStore::RocksDbLinkStore(store::Store* store, RocksDbLinkStoreOptions options)
    : store_(*store),
      reader_(*store),
      options_(std::move(options)),
      // Sharded by key hash, each shard its own mutex: the I/O threads rarely meet. RocksDB's
      // own LRU cache, separate from the store's block cache (whose blocks a lookup would still
      // have to search and decode).
      cache_(options_.link_cache_bytes),
      links_(*store, options_.links),
      clicks_(*store, options_.clicks),
      // Random start: clicks in the same millisecond as one from before a restart keep apart.
      nonce_(absl::Uniform<uint32_t>(absl::BitGen())) {
  click_thread_ = std::thread([this] {
    NameThisThread("link-clicks");
    RunClickThread();
  });
}

RocksDbLinkStore::~RocksDbLinkStore() { Stop(); }

void RocksDbLinkStore::Stop() {
  {
    std::lock_guard lock(click_mutex_);
    click_stopping_ = true;
  }
  click_wake_.notify_all();
  if (click_thread_.joinable()) {
    click_thread_.join();  // hands the last clicks to the committer
  }
  links_.Stop();
  clicks_.Stop();
}

absl::StatusOr<bool> RocksDbLinkStore::InsertIfAbsent(std::string_view code,
                                                      const LinkRecord& record) {
  if (code.size() != store::kLinkCodeSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("short link code \"", std::string(code), "\" is not 8 characters"));
  }
  const std::string key(code);
  {
    // The claim: absent from the store and from the inserts in flight, checked and taken under
    // one lock. An insert leaves in_flight_ only once its write is readable, so a later check
    // finds the code in one place or the other.
    absl::MutexLock lock(&mutex_);
    if (in_flight_.contains(key)) {
      return false;
    }
    absl::StatusOr<std::optional<std::string>> existing = store_.Get(store::Cf::kLinks, code);
    if (!existing.ok()) {
      return existing.status();
    }
    if (existing->has_value()) {
      return false;
    }
    in_flight_.insert(key);
  }
  store::WriteSet writes(store_.handles());
  writes.PutLink(code, ToStore(record));
  std::promise<absl::Status> committed;
  std::future<absl::Status> result = committed.get_future();
  absl::Status status = links_.Submit(writes.Release(), [&committed](absl::Status done) mutable {
    committed.set_value(std::move(done));
  });
  if (status.ok()) {
    status = result.get();  // the committer always calls back once a batch is accepted
  }
  {
    absl::MutexLock lock(&mutex_);
    in_flight_.erase(key);
  }
  if (!status.ok()) {
    return absl::Status(status.code(),
                        absl::StrCat("storing short link ", key, ": ", status.message()));
  }
  // Written: a campaign's links are clicked soon after they are sent. Cached as the store
  // gives it back (times to the millisecond), so a hit and a read answer the same.
  CacheLink(code, FromStore(ToStore(record)));
  return true;
}

absl::StatusOr<std::optional<LinkRecord>> RocksDbLinkStore::Get(std::string_view code) const {
  if (std::optional<LinkRecord> cached = CachedLink(code)) {
    return cached;
  }
  absl::StatusOr<std::optional<store::LinkRecord>> record = reader_.GetLink(code);
  if (!record.ok()) {
    return record.status();
  }
  if (!record->has_value()) {
    return std::optional<LinkRecord>();  // a miss is not cached: the code may be inserted next
  }
  LinkRecord found = FromStore(**std::move(record));
  CacheLink(code, found);
  return std::optional<LinkRecord>(std::move(found));
}

void RocksDbLinkStore::CacheLink(std::string_view code, const LinkRecord& record) const {
  // Charged what the entry costs: the record, its URL and the key (the cache adds its own
  // per-entry metadata to the charge).
  cache_.Insert(code, record, sizeof(LinkRecord) + record.url.capacity());
}

std::optional<LinkRecord> RocksDbLinkStore::CachedLink(std::string_view code) const {
  return cache_.Lookup(code);
}

std::size_t RocksDbLinkStore::link_cache_usage() const { return cache_.usage(); }

absl::Status RocksDbLinkStore::RecordClick(std::string_view code, LinkClick click) {
  bool was_empty = false;
  {
    std::lock_guard lock(click_mutex_);
    if (click_stopping_) {
      return absl::FailedPreconditionError("the link store is stopped");
    }
    if (click_queue_.size() >= options_.click_queue_limit) {
      ++click_stats_.refused;
      return absl::ResourceExhaustedError(
          absl::StrCat("click queue full (", options_.click_queue_limit, " clicks)"));
    }
    was_empty = click_queue_.empty();
    click_queue_.push_back(QueuedClick{std::string(code), std::move(click)});
    ++click_stats_.queued;
  }
  if (was_empty) {
    click_wake_.notify_one();  // the click thread sleeps while there is nothing to write
  }
  return absl::OkStatus();
}

void RocksDbLinkStore::RunClickThread() {
  std::vector<QueuedClick> taken;
  std::unique_lock lock(click_mutex_);
  for (;;) {
    click_wake_.wait(lock, [this] { return click_stopping_ || !click_queue_.empty(); });
    if (!click_stopping_) {
      // Gather the flush interval's clicks; Stop cuts it short. Nobody notifies while the
      // queue is not empty, so this wakes once, at the deadline or on Stop.
      click_wake_.wait_for(lock, options_.click_flush_interval, [this] { return click_stopping_; });
    }
    if (click_queue_.empty()) {
      return;  // stopping, everything written
    }
    taken.swap(click_queue_);
    ++click_stats_.batches;
    click_stats_.largest_batch = std::max(click_stats_.largest_batch, taken.size());
    lock.unlock();
    WriteClicks(taken);
    taken.clear();  // keeps its capacity: the next swap hands the I/O threads a grown vector
    lock.lock();
  }
}

void RocksDbLinkStore::WriteClicks(std::vector<QueuedClick>& clicks) {
  // A popular link gets many clicks per group: one counter merge per link and group, not per
  // click, halves the group's writes and spares compaction a merge operand per click.
  absl::flat_hash_map<std::string_view, store::ClickCounts> counts;
  for (const QueuedClick& queued : clicks) {
    store::ClickCounts& link = counts[queued.code];
    ++(queued.click.is_bot ? link.bots : link.humans);
  }
  store::WriteSet writes(store_.handles());
  for (const auto& [code, delta] : counts) {
    writes.CountClicks(code, delta);
  }
  for (QueuedClick& queued : clicks) {
    writes.PutClick(queued.code, ToMillis(queued.click.time), nonce_++,
                    store::ClickRecord{queued.click.is_bot, std::move(queued.click.user_agent)});
  }
  const uint64_t count = clicks.size();
  absl::Status submitted = clicks_.Submit(writes.Release(), [this, count](absl::Status done) {
    if (done.ok()) {
      clicks_written_.fetch_add(count, std::memory_order_relaxed);
      return;
    }
    clicks_lost_.fetch_add(count, std::memory_order_relaxed);
    Logger("links")->warn("{} clicks lost: {}", count, done.ToString());
  });
  if (!submitted.ok()) {
    clicks_lost_.fetch_add(count, std::memory_order_relaxed);
    Logger("links")->warn("{} clicks lost: {}", count, submitted.ToString());
  }
}

ClickQueueStats RocksDbLinkStore::click_stats() const {
  ClickQueueStats stats;
  {
    std::lock_guard lock(click_mutex_);
    stats = click_stats_;
  }
  stats.written = clicks_written_.load(std::memory_order_relaxed);
  stats.lost = clicks_lost_.load(std::memory_order_relaxed);
  return stats;
}

}  // namespace confab
