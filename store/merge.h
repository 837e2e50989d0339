#pragma once

// The click counter merge operator: a link's ClickCounts are bumped with Merge operands (each an
// encoded ClickCounts to add), so a click is one blind write and never a read-modify-write.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace rocksdb {
class MergeOperator;
}

namespace confab::store {

// Adds `operand` to `existing` (absent = zero). Returns nullopt if either is not a valid
// ClickCounts encoding (RocksDB then reports corruption, which the reader maps to DataLoss).
std::optional<std::string> AddClickCounts(std::optional<std::string_view> existing,
                                          std::string_view operand);

std::shared_ptr<rocksdb::MergeOperator> NewClickCountsMergeOperator();

}  // namespace confab::store
