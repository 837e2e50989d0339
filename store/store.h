#pragma once

// The durable store: one RocksDB instance under a directory that no other process may use.

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace rocksdb {
class DB;
}

namespace confab::store {

enum class Durability {
  kFsync,  // every group commit fsyncs the WAL: an acknowledged write survives power loss
  kOs,     // the WAL is written but not fsynced: survives a crash of confabd, not of the machine
};

struct StoreOptions {
  std::string path;
  Durability durability = Durability::kFsync;
  std::size_t block_cache_bytes = 64u << 20;
  std::size_t write_buffer_bytes = 64u << 20;
};

class Store {
 public:
  // Opens (creating if needed) the store at options.path. Errors:
  //   FailedPrecondition — another process (a running confabd) holds the store's lock;
  //   PermissionDenied / Unavailable — the path cannot be created, read or written;
  //   DataLoss — RocksDB reports corruption.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const StoreOptions& options);

  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Makes everything written so far durable (WAL fsync), whatever the durability setting.
  absl::Status Flush();
  // Flushes and closes; further use is an error. Also done by the destructor.
  absl::Status Close();

  const StoreOptions& options() const { return options_; }
  bool is_open() const { return db_ != nullptr; }
  rocksdb::DB* db() { return db_.get(); }

 private:
  Store(StoreOptions options, std::unique_ptr<rocksdb::DB> db);

  StoreOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace confab::store
