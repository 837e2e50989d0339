#include "store/store.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "store/rocksdb_status.h"

namespace confab::store {
namespace {

rocksdb::Options MakeOptions(const StoreOptions& options) {
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.write_buffer_size = options.write_buffer_bytes;
  // Memory stays bounded by config: one shared block cache, index and filter blocks inside it.
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  table.cache_index_and_filter_blocks = true;
  db_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // The WAL is the durability point (group commit fsyncs it), so data files need no fsync
  // per write; RocksDB still syncs them on flush and compaction.
  db_options.manual_wal_flush = false;
  return db_options;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("store path is empty");
  }
  std::error_code ec;
  std::filesystem::create_directories(options.path, ec);
  if (ec) {
    const std::string message =
        absl::StrCat("cannot create store directory ", options.path, ": ", ec.message());
    if (ec == std::errc::permission_denied || ec == std::errc::read_only_file_system) {
      return absl::PermissionDeniedError(message);
    }
    return absl::UnavailableError(message);
  }
  rocksdb::DB* raw = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(MakeOptions(options), options.path, &raw);
  if (!status.ok()) {
    absl::Status mapped = FromRocksDb(status, absl::StrCat("opening store ", options.path));
    if (absl::IsFailedPrecondition(mapped)) {
      return absl::FailedPreconditionError(
          absl::StrCat("store ", options.path,
                       " is in use by another process (is another confabd running "
                       "with the same state directory?): ",
                       status.ToString()));
    }
    return mapped;
  }
  return std::unique_ptr<Store>(new Store(options, std::unique_ptr<rocksdb::DB>(raw)));
}

Store::Store(StoreOptions options, std::unique_ptr<rocksdb::DB> db)
    : options_(std::move(options)), db_(std::move(db)) {}

Store::~Store() { (void)Close(); }

absl::Status Store::Flush() {
  if (db_ == nullptr) {
    return absl::FailedPreconditionError("store is closed");
  }
  return FromRocksDb(db_->FlushWAL(/*sync=*/true), "flushing store WAL");
}

absl::Status Store::Close() {
  if (db_ == nullptr) {
    return absl::OkStatus();
  }
  absl::Status flushed = Flush();
  absl::Status closed = FromRocksDb(db_->Close(), "closing store");
  db_.reset();
  return flushed.ok() ? closed : flushed;
}

}  // namespace confab::store
