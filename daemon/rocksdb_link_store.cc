#include "daemon/rocksdb_link_store.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <future>
#include <limits>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
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
  // shared WAL ~1,000 syncs a second under a redirect burst for data we only count.
  options.clicks.sync = false;
  options.clicks.queue_limit = 100000;
  // Without a delay an unsynced write is so quick that groups hold ~2 clicks: ~19,000 RocksDB
  // writes a second at 35,000 redirects/s, CPU the I/O threads need. Holding a group open 2 ms
  // gathers ~100 per write (bench/RESULTS.md); nobody waits for a click.
  options.clicks.max_group_delay = std::chrono::milliseconds(2);
  return options;
}

RocksDbLinkStore::RocksDbLinkStore(store::Store* store, RocksDbLinkStoreOptions options)
    : store_(*store),
      reader_(*store),
      links_(store->db(), options.links),
      clicks_(store->db(), options.clicks),
      // Random start: clicks in the same millisecond as one from before a restart keep apart.
      nonce_(absl::Uniform<uint32_t>(absl::BitGen())) {}

RocksDbLinkStore::~RocksDbLinkStore() { Stop(); }

void RocksDbLinkStore::Stop() {
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
  absl::MutexLock lock(&mutex_);
  in_flight_.erase(key);
  if (!status.ok()) {
    return absl::Status(status.code(),
                        absl::StrCat("storing short link ", key, ": ", status.message()));
  }
  return true;
}

absl::StatusOr<std::optional<LinkRecord>> RocksDbLinkStore::Get(std::string_view code) const {
  absl::StatusOr<std::optional<store::LinkRecord>> record = reader_.GetLink(code);
  if (!record.ok()) {
    return record.status();
  }
  if (!record->has_value()) {
    return std::optional<LinkRecord>();
  }
  return std::optional<LinkRecord>(FromStore(**std::move(record)));
}

absl::Status RocksDbLinkStore::RecordClick(std::string_view code, const LinkClick& click) {
  // The counter is a merge and the record a put: neither needs the link, so check it exists
  // (a Get of a key the redirect has just read: block cache or memtable).
  absl::StatusOr<std::optional<std::string>> link = store_.Get(store::Cf::kLinks, code);
  if (!link.ok()) {
    return link.status();
  }
  if (!link->has_value()) {
    return absl::NotFoundError(absl::StrCat("no short link ", std::string(code)));
  }
  store::WriteSet writes(store_.handles());
  writes.AddClick(code, ToMillis(click.time), nonce_.fetch_add(1, std::memory_order_relaxed),
                  store::ClickRecord{click.is_bot, click.user_agent});
  // Not waited for: the redirect answers now, the click is written with the next group.
  return clicks_.Submit(writes.Release(), [code = std::string(code)](absl::Status done) {
    if (!done.ok()) {
      Logger("links")->warn("click on {} lost: {}", code, done.ToString());
    }
  });
}

}  // namespace confab
