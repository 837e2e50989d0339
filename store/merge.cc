#include "store/merge.h"

#include "rocksdb/merge_operator.h"
#include "store/records.h"

namespace confab::store {
namespace {

class ClickCountsMergeOperator : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& /*key*/, const rocksdb::Slice* existing_value,
             const rocksdb::Slice& value, std::string* new_value,
             rocksdb::Logger* /*logger*/) const override {
    std::optional<std::string_view> existing;
    if (existing_value != nullptr) {
      existing = std::string_view(existing_value->data(), existing_value->size());
    }
    std::optional<std::string> merged =
        AddClickCounts(existing, std::string_view(value.data(), value.size()));
    if (!merged) {
      return false;
    }
    *new_value = std::move(*merged);
    return true;
  }
  const char* Name() const override { return "confab.ClickCountsAdd"; }
};

}  // namespace

std::optional<std::string> AddClickCounts(std::optional<std::string_view> existing,
                                          std::string_view operand) {
  absl::StatusOr<ClickCounts> add = DecodeClickCounts(operand);
  if (!add.ok()) {
    return std::nullopt;
  }
  ClickCounts sum;
  if (existing) {
    absl::StatusOr<ClickCounts> base = DecodeClickCounts(*existing);
    if (!base.ok()) {
      return std::nullopt;
    }
    sum = *base;
  }
  sum.humans += add->humans;
  sum.bots += add->bots;
  return Encode(sum);
}

std::shared_ptr<rocksdb::MergeOperator> NewClickCountsMergeOperator() {
  return std::make_shared<ClickCountsMergeOperator>();
}

}  // namespace confab::store
