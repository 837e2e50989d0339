#pragma once

// RocksDB options for the store and each of its column families (internal to store/).

#include <array>

#include "rocksdb/options.h"
#include "store/schema.h"
#include "store/store.h"

namespace confab::store {

struct StoreRocksOptions {
  rocksdb::DBOptions db;
  std::array<rocksdb::ColumnFamilyOptions, kCfCount> families;
  rocksdb::ColumnFamilyOptions other;  // "default" and any family this version does not know
};

// Memory is bounded by `options`: one block cache shared by all families (index and filter
// blocks inside it) and one write buffer manager over all memtables.
StoreRocksOptions MakeRocksOptions(const StoreOptions& options);

}  // namespace confab::store
