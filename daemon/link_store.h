#pragma once

// Where short links live (product §7): one record per code, and the clicks on it. Kept small so
// that it maps onto one RocksDB column family for records (key = code, insert-if-absent in a
// transaction or with a read-then-write under a lock) and one for clicks (key = code + time).
// Implementations are thread-safe: the redirect listener reads from several I/O threads while
// the send path inserts. The daemon's is RocksDbLinkStore (daemon/rocksdb_link_store.h).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "store/schema.h"

namespace confab {

struct LinkRecord {
  std::string url;  // the redirect target: the URL as written, "http://" added to scheme-less forms
  // The outbound message the link was shortened in: its thread is (brand number, profile) as
  // store NumberIds (store::NumberText gives them back as text), so clicks attribute to both.
  store::MessageKey message;
  absl::Time created;  // kept to the millisecond by the durable store
  absl::Time expires;  // the code answers 404 from this time on
};

struct LinkClick {
  absl::Time time;
  std::string user_agent;
  bool is_bot = false;  // a known link-preview fetcher, counted apart from people
};

class LinkStore {
 public:
  virtual ~LinkStore() = default;
  // Stores `record` under `code` unless the code is taken. True if stored, false if taken.
  virtual absl::StatusOr<bool> InsertIfAbsent(std::string_view code, const LinkRecord& record) = 0;
  // The record of `code`, or nullopt if there is none (expired records may still be returned:
  // the caller checks `expires`).
  virtual absl::StatusOr<std::optional<LinkRecord>> Get(std::string_view code) const = 0;
  // Appends a click to `code`'s history. `code` is what the caller's Get has just found: a
  // store may trust that and not look the code up again (RocksDbLinkStore does not: a second
  // read per redirect), so a click on a code Get did not find is the caller's bug. A store that
  // does check answers NotFound for it. Taken by value: a queueing store keeps the user agent.
  virtual absl::Status RecordClick(std::string_view code, LinkClick click) = 0;
};

// In memory, for tests and benchmarks; lost on restart.
class InMemoryLinkStore : public LinkStore {
 public:
  absl::StatusOr<bool> InsertIfAbsent(std::string_view code, const LinkRecord& record) override;
  absl::StatusOr<std::optional<LinkRecord>> Get(std::string_view code) const override;
  absl::Status RecordClick(std::string_view code, LinkClick click) override;  // checks: NotFound

  // The clicks recorded for `code`, oldest first (empty for an unknown code).
  std::vector<LinkClick> Clicks(std::string_view code) const;
  std::size_t size() const;

 private:
  struct Entry {
    LinkRecord record;
    std::vector<LinkClick> clicks;
  };
  mutable absl::Mutex mutex_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace confab
