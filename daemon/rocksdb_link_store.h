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
// - RecordClick never waits for the disk: it counts the click (a merge on the link's counter,
//   humans and bots apart) and appends the click record in one batch queued to the click
//   committer, and returns. Clicks are counted, not guaranteed: the click committer never fsyncs,
//   so a crash of confabd loses the clicks still queued (at most the last few milliseconds'
//   worth), a crash of the machine those not yet in the OS's disk cache as well. A full queue
//   (ResourceExhausted) loses the click too; the redirect logs it and still redirects. A failed
//   click write is logged by the committer's thread.
// - Get reads through StoreReader::GetLink (block cache); a link becomes visible only once
//   InsertIfAbsent's write is done.
// The store must outlive this object; call Stop() (or destroy it) before closing the store.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "daemon/link_store.h"
#include "store/group_commit.h"
#include "store/reader.h"
#include "store/store.h"

namespace confab {

struct RocksDbLinkStoreOptions {
  // Link inserts: sync follows [store].durability (the constructor's default takes it from the
  // store); the group limits are the committer's defaults.
  store::GroupCommitOptions links;
  // Clicks: never synced (see above), groups held open 2 ms to gather more, and a deeper queue,
  // as the redirect may burst.
  store::GroupCommitOptions clicks;

  // Options for `store`: link inserts synced iff its durability is fsync.
  static RocksDbLinkStoreOptions For(const store::Store& store);
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
  absl::Status RecordClick(std::string_view code, const LinkClick& click) override;

  // Writes the queued clicks and link inserts, then stops both committers; later inserts and
  // clicks fail with FailedPrecondition. Idempotent.
  void Stop();

  store::GroupCommitStats click_stats() const { return clicks_.stats(); }

 private:
  store::Store& store_;
  store::StoreReader reader_;
  store::GroupCommitter links_;
  store::GroupCommitter clicks_;
  // Tells apart clicks on one code in the same millisecond (their key is code, time, nonce).
  std::atomic<uint32_t> nonce_;
  absl::Mutex mutex_;
  // Codes whose insert is between its absence check and its completed write.
  absl::flat_hash_set<std::string> in_flight_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace confab
