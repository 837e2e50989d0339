#pragma once

// The ordered key-value view that StoreReader reads through. Two implementations: Store (RocksDB)
// and MemoryStore (std::map, for unit tests and pipeline micro-benchmarks). Both hold the same
// encoded keys and values, so everything above this layer runs unchanged on either.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "store/schema.h"

namespace rocksdb {
class ColumnFamilyHandle;
}

namespace confab::store {

// The handle of every column family, indexed by Cf; what a WriteSet stages its writes with.
using CfHandles = std::array<rocksdb::ColumnFamilyHandle*, kCfCount>;

class KvSource {
 public:
  virtual ~KvSource() = default;

  // The value under `key`, nullopt if absent. Unavailable/DataLoss on storage errors.
  virtual absl::StatusOr<std::optional<std::string>> Get(Cf cf, std::string_view key) const = 0;

  // Visits, in key order, the entries with key >= `start` that begin with `prefix`, until
  // `visit` returns false. Iterator-based: memory does not grow with the number visited.
  virtual absl::Status Scan(
      Cf cf, std::string_view prefix, std::string_view start,
      absl::FunctionRef<bool(std::string_view key, std::string_view value)> visit) const = 0;

  // A number that grows with every write that becomes visible (RocksDB: the latest sequence
  // number), so two reads with the same Version() see the same contents. Read it before reading
  // the data: what is read then is at least that new. For caches of derived answers.
  virtual uint64_t Version() const = 0;
};

}  // namespace confab::store
