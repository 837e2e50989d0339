#include "store/inbox_index.h"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <vector>

#include "rocksdb/write_batch.h"

namespace confab::store {
namespace {

// Blob layout: the tag, then one or two steps of (kind byte, encoded inbox key). The tag tells
// an inbox move from any other LogData record a batch may carry.
constexpr char kMoveTag = 'i';
constexpr char kRemoveStep = 0;
constexpr char kPutStep = 1;
constexpr std::size_t kStepSize = 1 + kInboxKeySize;

// Keys copied out per lock hold while scanning.
constexpr std::size_t kScanChunk = 128;

class MoveApplier final : public rocksdb::WriteBatch::Handler {
 public:
  explicit MoveApplier(absl::FunctionRef<void(const InboxStep&)> step) : step_(step) {}

  void LogData(const rocksdb::Slice& blob) override {
    moved_ = DecodeInboxMove({blob.data(), blob.size()}, step_) || moved_;
  }
  // Every other record is the store's business, not the index's.
  rocksdb::Status PutCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(uint32_t, const rocksdb::Slice&) override {
    return rocksdb::Status::OK();
  }
  rocksdb::Status SingleDeleteCF(uint32_t, const rocksdb::Slice&) override {
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteRangeCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
    return rocksdb::Status::OK();
  }
  rocksdb::Status MergeCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
    return rocksdb::Status::OK();
  }

  bool moved() const { return moved_; }

 private:
  absl::FunctionRef<void(const InboxStep&)> step_;
  bool moved_ = false;
};

}  // namespace

std::string EncodeInboxMove(const std::optional<InboxKey>& removed,
                            const std::optional<InboxKey>& added) {
  std::string out;
  out.reserve(1 + 2 * kStepSize);
  out.push_back(kMoveTag);
  if (removed) {
    out.push_back(kRemoveStep);
    AppendInboxKey(out, *removed);
  }
  if (added) {
    out.push_back(kPutStep);
    AppendInboxKey(out, *added);
  }
  return out;
}

bool DecodeInboxMove(std::string_view blob, absl::FunctionRef<void(const InboxStep&)> step) {
  if (blob.empty() || blob.front() != kMoveTag || (blob.size() - 1) % kStepSize != 0) {
    return false;
  }
  for (std::size_t at = 1; at < blob.size(); at += kStepSize) {
    if (blob[at] != kRemoveStep && blob[at] != kPutStep) {
      return false;
    }
  }
  for (std::size_t at = 1; at < blob.size(); at += kStepSize) {
    step({blob[at] == kPutStep, blob.substr(at + 1, kInboxKeySize)});
  }
  return true;
}

bool InboxIndex::KeyLess::operator()(const Key& a, const Key& b) const {
  return std::memcmp(a.data(), b.data(), kInboxKeySize) < 0;
}

std::optional<InboxIndex::Key> InboxIndex::ToKey(std::string_view key) {
  if (key.size() != kInboxKeySize) {
    return std::nullopt;
  }
  Key out;
  std::memcpy(out.data(), key.data(), kInboxKeySize);
  return out;
}

bool InboxIndex::Insert(std::string_view key) {
  const std::optional<Key> fixed = ToKey(key);
  if (!fixed) {
    return false;
  }
  std::unique_lock lock(mutex_);
  keys_.insert(*fixed);
  ++generation_;
  return true;
}

void InboxIndex::Apply(const rocksdb::WriteBatch& batch) {
  // Decoded before the lock is taken: the steps point into the batch, which outlives this call.
  std::vector<InboxStep> steps;
  auto keep = [&](const InboxStep& step) { steps.push_back(step); };
  MoveApplier applier(keep);
  (void)batch.Iterate(&applier);
  if (steps.empty()) {
    return;
  }
  std::unique_lock lock(mutex_);
  for (const InboxStep& step : steps) {
    Key key;
    std::memcpy(key.data(), step.key.data(), kInboxKeySize);
    if (step.put) {
      keys_.insert(key);
    } else {
      keys_.erase(key);
    }
  }
  ++generation_;
}

void InboxIndex::Scan(
    std::string_view prefix, std::string_view start,
    absl::FunctionRef<bool(std::string_view key, std::string_view value)> visit) const {
  std::string from(start < prefix ? prefix : start);
  // The first chunk starts at `from`, later ones strictly after their predecessor's last key. A
  // start longer than a key is after the key it begins with.
  bool inclusive = from.size() <= kInboxKeySize;
  from.resize(std::min(from.size(), kInboxKeySize));
  std::vector<Key> chunk;
  chunk.reserve(kScanChunk);
  for (;;) {
    chunk.clear();
    {
      std::shared_lock lock(mutex_);
      // A bound shorter than a key compares by its bytes, then as the smaller: pad it with
      // zeros, which sorts it first among the keys it prefixes.
      Key bound{};
      std::memcpy(bound.data(), from.data(), from.size());
      auto it = keys_.lower_bound(bound);
      if (!inclusive && it != keys_.end() &&
          std::string_view(it->data(), kInboxKeySize) == std::string_view(from)) {
        ++it;
      }
      for (; it != keys_.end() && chunk.size() < kScanChunk; ++it) {
        chunk.push_back(*it);
      }
    }
    for (const Key& key : chunk) {
      const std::string_view view(key.data(), kInboxKeySize);
      if (view.substr(0, prefix.size()) != prefix || !visit(view, {})) {
        return;
      }
    }
    if (chunk.size() < kScanChunk) {
      return;
    }
    from.assign(chunk.back().data(), kInboxKeySize);
    inclusive = false;
  }
}

uint64_t InboxIndex::generation() const {
  std::shared_lock lock(mutex_);
  return generation_;
}

std::size_t InboxIndex::size() const {
  std::shared_lock lock(mutex_);
  return keys_.size();
}

}  // namespace confab::store
