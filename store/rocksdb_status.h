#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "rocksdb/status.h"

namespace confab::store {

// Maps a RocksDB status to an absl::Status, prefixing the message with `context` (e.g. the
// operation and path). A lock held by another process becomes FailedPrecondition.
absl::Status FromRocksDb(const rocksdb::Status& status, std::string_view context);

}  // namespace confab::store
