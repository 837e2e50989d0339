#pragma once

// The daemon's LinkStore: short links in the store's `links` family and their clicks in
// `clicks` (store/SCHEMA.md), both written through group committers of this store's own.
//
// Guarantees:
// - InsertIfAbsent is insert-if-absent under any concurrency: a code counts as taken while it is
//   in the store or while another caller's insert of it is in flight, and the check and the
//   claim happen under one lock. It returns true only once the record is written, and durable
//   when [store].durability is fsync (the text carrying the link must not go out before the
//   link exists). It blocks the caller for one group commit (~1 ms with fsync). A code that is
//   not 8 characters is InvalidArgument.
// - Get answers from a bounded LRU cache of links found before (link_cache_bytes), else reads
//   through StoreReader::GetLink (block cache) and caches what it found. Only found links are
//   cached, never a miss, so a link inserted after a miss is found at once and a code without a
//   record is never answered from the cache. A link record never changes once written (codes
//   are insert-if-absent and nothing deletes or rewrites one), so the cache is never stale; the
//   caller checks `expires` on every answer, cached or not. A link becomes visible only once
//   InsertIfAbsent's write is done.
// - RecordClick trusts that the caller's Get has just found `code` (no second read) and only
//   appends the click to an in-memory queue: O(1), no RocksDB call and, but for the first click
//   after an idle spell, no wake-up of another thread. A click thread of this store's own takes
//   the queue every click_flush_interval, builds one batch (per click: the counter merge, humans
//   and bots apart, and the click record) and hands it to the click committer. Clicks are
//   counted, not guaranteed: the click committer never fsyncs, so a crash of confabd loses the
//   clicks still queued (at most the last click_flush_interval's worth), a crash of the machine
//   those not yet in the OS's disk cache as well. A full queue (click_queue_limit) refuses the
//   click with ResourceExhausted; the redirect logs it and still redirects. A failed click
//   write is logged by the committer's thread.
// The store must outlive this object; call Stop() (or destroy it) before closing the store.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "daemon/link_store.h"
#include "store/group_commit.h"
#include "store/object_cache.h"
#include "store/reader.h"
#include "store/store.h"

namespace rocksdb {
class Cache;
}  // namespace rocksdb

namespace confab {

struct RocksDbLinkStoreOptions {
  // Link inserts: sync follows [store].durability (the constructor's default takes it from the
  // store); the group limits are the committer's defaults.
  store::GroupCommitOptions links;
  // Clicks: never synced (see above). The click thread already gathers a flush interval's
  // clicks into one batch, so the committer holds no group open.
  store::GroupCommitOptions clicks;
  // Memory for cached link records (URL, key and bookkeeping charged per entry, ~150 B plus the
  // URL): 8 MiB holds ~40,000 links of 60-character URLs, the hot links of many campaigns.
  // 0 turns the cache off (every Get reads the store).
  std::size_t link_cache_bytes = 8u << 20;
  // How often the click thread writes the queued clicks: one RocksDB batch per interval
  // instead of one per click (the write costs CPU the I/O threads share on a small machine).
  // 20 ms, not 2: each batch wakes two threads (this one and the committer's), and on 2 vCPUs
  // a woken thread can hold the core a redirect is waiting for; at 70,000 clicks/s a batch is
  // ~1,400 clicks, well under click_queue_limit.
  std::chrono::microseconds click_flush_interval = std::chrono::milliseconds(20);
  // Clicks queued in memory and not yet handed to the committer; beyond it RecordClick refuses.
  std::size_t click_queue_limit = 100000;

  // Options for `store`: link inserts synced iff its durability is fsync.
  static RocksDbLinkStoreOptions For(const store::Store& store);
};

// What became of the clicks RecordClick accepted or refused (since construction).
struct ClickQueueStats {
  uint64_t queued = 0;            // accepted by RecordClick
  uint64_t refused = 0;           // ResourceExhausted: the queue was full
  uint64_t batches = 0;           // handed to the click committer, one per flush that had clicks
  uint64_t written = 0;           // clicks whose batch the committer wrote
  uint64_t lost = 0;              // clicks whose batch failed or was refused by the committer
  std::size_t largest_batch = 0;  // in clicks
};

class RocksDbLinkStore final : public LinkStore {
 public:
  RocksDbLinkStore(store::Store* store, RocksDbLinkStoreOptions options);
  explicit RocksDbLinkStore(store::Store* store)
      : RocksDbLinkStore(store, RocksDbLinkStoreOptions::For(*store)) {}
  ~RocksDbLinkStore() override;  // Stop()

  RocksDbLinkStore(const RocksDbLinkStore&) = delete;
  RocksDbLinkStore& operator=(const RocksDbLinkStore&) = delete;

  absl::StatusOr<bool> InsertIfAbsent(std::string_view code, const LinkRecord& record) override;
  absl::StatusOr<std::optional<LinkRecord>> Get(std::string_view code) const override;
  absl::Status RecordClick(std::string_view code, LinkClick click) override;

  // Writes the queued clicks and link inserts, then stops the click thread and both
  // committers; later inserts and clicks fail with FailedPrecondition. Idempotent.
  void Stop();

  ClickQueueStats click_stats() const;
  // Bytes the link cache holds now (never more than link_cache_bytes, give or take one entry
  // per cache shard); 0 with the cache off.
  std::size_t link_cache_usage() const;

 private:
  struct QueuedClick {
    std::string code;  // 8 characters: within the small-string buffer, no allocation
    LinkClick click;
  };

  void CacheLink(std::string_view code, const LinkRecord& record) const;
  std::optional<LinkRecord> CachedLink(std::string_view code) const;
  void RunClickThread();
  void WriteClicks(std::vector<QueuedClick>& clicks);

  store::Store& store_;
  store::StoreReader reader_;
  const RocksDbLinkStoreOptions options_;
  mutable store::ObjectCache<LinkRecord> cache_;  // holds nothing when link_cache_bytes is 0
  store::GroupCommitter links_;
  store::GroupCommitter clicks_;
  absl::Mutex mutex_;
  // Codes whose insert is between its absence check and its completed write.
  absl::flat_hash_set<std::string> in_flight_ ABSL_GUARDED_BY(mutex_);

  // The click queue. A std::condition_variable, notified only when the queue stops being empty
  // or on Stop, so that the I/O threads' appends cost a lock and a push_back.
  mutable std::mutex click_mutex_;
  std::condition_variable click_wake_;
  std::vector<QueuedClick> click_queue_;  // guarded by click_mutex_
  bool click_stopping_ = false;           // guarded by click_mutex_
  ClickQueueStats click_stats_;           // queued, refused: click_mutex_; the rest: below
  std::atomic<uint64_t> clicks_written_{0};
  std::atomic<uint64_t> clicks_lost_{0};
  // Tells apart clicks on one code in the same millisecond (their key is code, time, nonce);
  // the click thread's alone.
  uint32_t nonce_;
  std::thread click_thread_;
};

}  // namespace confab
