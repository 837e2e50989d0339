#pragma once

// The durable store: one RocksDB instance under a directory that no other process may use, with
// one column family per access path (store/schema.h, store/SCHEMA.md).

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/inbox_index.h"
#include "store/kv.h"

namespace rocksdb {
class DB;
class Status;
class WriteBatch;
struct WriteOptions;
}  // namespace rocksdb

namespace confab::store {

enum class Durability {
  kFsync,  // every group commit fsyncs the WAL: an acknowledged write survives power loss
  kOs,     // the WAL is written but not fsynced: survives a crash of confabd, not of the machine
};

// The CPU priority of RocksDB's compaction threads (its LOW pool; flushes keep normal priority,
// since writes stall when memtables cannot be flushed).
enum class CompactionPriority {
  kNormal,
  kLow,   // nice 19: compaction runs on CPU that the I/O and commit threads leave idle
  kIdle,  // SCHED_IDLE: only when nothing else wants a core
};

struct StoreOptions {
  std::string path;
  Durability durability = Durability::kFsync;
  // Applied to the process's default RocksDB environment, so to every store this process opens;
  // RocksDB can only lower it (a later Open asking for more priority leaves it lowered).
  CompactionPriority compaction_priority = CompactionPriority::kLow;
  // One LRU cache for data, index and filter blocks of every column family.
  std::size_t block_cache_bytes = 64u << 20;
  // The memtable budget of all column families together (a WriteBufferManager enforces it).
  std::size_t write_buffer_bytes = 64u << 20;
  int max_open_files = 512;
};

// The smallest key after every key that starts with `prefix` (an iterator's upper bound); ""
// when there is none (an empty prefix, or one of 0xFF bytes only).
std::string PrefixSuccessor(std::string_view prefix);

class Store final : public KvSource {
 public:
  // Opens (creating if needed) the store at options.path, and builds the inbox from the
  // profiles (store/inbox_index.h; ~1 s per million conversations). Errors:
  //   FailedPrecondition — another process (a running confabd) holds the store's lock;
  //   PermissionDenied / Unavailable — the path cannot be created, read or written;
  //   DataLoss — RocksDB reports corruption.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const StoreOptions& options);

  ~Store() override;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Makes everything written so far durable (WAL fsync), whatever the durability setting.
  absl::Status Flush();
  // Flushes and closes; further use is an error. Also done by the destructor.
  absl::Status Close();

  const StoreOptions& options() const { return options_; }
  bool is_open() const { return db_ != nullptr; }
  rocksdb::DB* db() { return db_.get(); }
  // Every column family's handle (valid until Close); WriteSet stages writes with them.
  const CfHandles& handles() const { return handles_; }

  // The store's write path (GroupWriter form, for GroupCommitter): writes `batch`, then applies
  // the inbox moves it carries. Writing through db() directly leaves the inbox behind. Moves are
  // applied in the order their writes return, so batches that move conversations must come from
  // one thread: in the daemon every profile write is the pipeline's, on the commit writer thread.
  rocksdb::Status Write(const rocksdb::WriteOptions& options, rocksdb::WriteBatch* batch);

  // Profile records Open skipped while building the inbox because they do not decode (their
  // conversations are missing from the listing; reading them reports DataLoss).
  std::size_t inbox_unreadable() const { return inbox_unreadable_; }
  // Conversations in the inbox now.
  std::size_t inbox_size() const { return inbox_.size(); }

  // KvSource. FailedPrecondition once closed. The inbox family is served from memory.
  absl::StatusOr<std::optional<std::string>> Get(Cf cf, std::string_view key) const override;
  absl::Status Scan(
      Cf cf, std::string_view prefix, std::string_view start,
      absl::FunctionRef<bool(std::string_view key, std::string_view value)> visit) const override;
  uint64_t Version() const override;

 private:
  Store(StoreOptions options, std::unique_ptr<rocksdb::DB> db,
        std::vector<rocksdb::ColumnFamilyHandle*> owned, CfHandles handles);

  absl::Status BuildInbox();

  StoreOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  InboxIndex inbox_;
  std::size_t inbox_unreadable_ = 0;
  std::vector<rocksdb::ColumnFamilyHandle*> owned_;  // every open handle but the default's
  CfHandles handles_{};
};

}  // namespace confab::store
