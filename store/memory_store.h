#pragma once

// An in-memory store with the same keys, values and write path as the RocksDB one: writes
// arrive as rocksdb::WriteBatch (staged by WriteSet with this store's handles) and are applied
// all-or-nothing. For unit tests and micro-benchmarks of the inbound pipeline; not durable.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>

#include "absl/status/status.h"
#include "rocksdb/status.h"
#include "store/kv.h"

namespace rocksdb {
class WriteBatch;
struct WriteOptions;
}  // namespace rocksdb

namespace confab::store {

class MemoryStore final : public KvSource {
 public:
  MemoryStore();
  ~MemoryStore() override;
  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

  const CfHandles& handles() const { return handles_; }

  // Applies every Put, Delete and Merge of `batch`, or nothing: InvalidArgument if the batch
  // names a column family that is not this store's or holds an operation it does not support;
  // DataLoss if a merge operand is invalid. Thread-safe.
  absl::Status Apply(const rocksdb::WriteBatch& batch);
  // The GroupWriter form of Apply, for GroupCommitter.
  rocksdb::Status Write(const rocksdb::WriteOptions& options, rocksdb::WriteBatch* batch);

  // Number of entries in `cf`.
  std::size_t Size(Cf cf) const;

  absl::StatusOr<std::optional<std::string>> Get(Cf cf, std::string_view key) const override;
  absl::Status Scan(
      Cf cf, std::string_view prefix, std::string_view start,
      absl::FunctionRef<bool(std::string_view key, std::string_view value)> visit) const override;
  uint64_t Version() const override;

 private:
  class Handle;
  class Applier;
  using Table = std::map<std::string, std::string, std::less<>>;

  std::array<std::unique_ptr<Handle>, kCfCount> owned_handles_;
  CfHandles handles_{};
  mutable std::shared_mutex mutex_;
  std::array<Table, kCfCount> tables_;
  std::atomic<uint64_t> version_{0};
};

}  // namespace confab::store
