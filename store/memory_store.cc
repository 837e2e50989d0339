#include "store/memory_store.h"

#include <mutex>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "rocksdb/comparator.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "store/inbox_index.h"
#include "store/merge.h"

namespace confab::store {
namespace {

// Ids far from RocksDB's small sequential ones, so a batch staged with a real store's handles
// is refused here rather than applied to the wrong table.
constexpr uint32_t kIdBase = 0x4D000000;

std::string_view ToView(const rocksdb::Slice& slice) { return {slice.data(), slice.size()}; }

}  // namespace

class MemoryStore::Handle final : public rocksdb::ColumnFamilyHandle {
 public:
  Handle(std::string name, uint32_t id) : name_(std::move(name)), id_(id) {}
  const std::string& GetName() const override { return name_; }
  uint32_t GetID() const override { return id_; }
  rocksdb::Status GetDescriptor(rocksdb::ColumnFamilyDescriptor*) override {
    return rocksdb::Status::NotSupported("in-memory store");
  }
  const rocksdb::Comparator* GetComparator() const override {
    return rocksdb::BytewiseComparator();
  }

 private:
  std::string name_;
  uint32_t id_;
};

// Collects a batch's operations, validating each, so that they can be applied all at once.
class MemoryStore::Applier final : public rocksdb::WriteBatch::Handler {
 public:
  enum class Op { kPut, kDelete, kMerge };
  struct Entry {
    Op op;
    std::size_t table;
    std::string_view key;
    std::string_view value;
  };

  rocksdb::Status PutCF(uint32_t id, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    return Add(Op::kPut, id, key, value);
  }
  rocksdb::Status DeleteCF(uint32_t id, const rocksdb::Slice& key) override {
    return Add(Op::kDelete, id, key, {});
  }
  rocksdb::Status SingleDeleteCF(uint32_t id, const rocksdb::Slice& key) override {
    return Add(Op::kDelete, id, key, {});
  }
  rocksdb::Status MergeCF(uint32_t id, const rocksdb::Slice& key,
                          const rocksdb::Slice& value) override {
    return Add(Op::kMerge, id, key, value);
  }
  // An inbox move (store/inbox_index.h): here the inbox is a table like the others.
  void LogData(const rocksdb::Slice& blob) override {
    (void)DecodeInboxMove(ToView(blob), [&](const InboxStep& step) {
      entries.push_back(
          {step.put ? Op::kPut : Op::kDelete, static_cast<std::size_t>(Cf::kInbox), step.key, {}});
    });
  }

  std::vector<Entry> entries;

 private:
  rocksdb::Status Add(Op op, uint32_t id, const rocksdb::Slice& key, const rocksdb::Slice& value) {
    if (id < kIdBase || id - kIdBase >= kCfCount) {
      return rocksdb::Status::InvalidArgument(
          absl::StrCat("column family ", id, " is not an in-memory store family"));
    }
    entries.push_back({op, id - kIdBase, ToView(key), ToView(value)});
    return rocksdb::Status::OK();
  }
};

MemoryStore::MemoryStore() {
  for (std::size_t i = 0; i < kCfCount; ++i) {
    owned_handles_[i] = std::make_unique<Handle>(std::string(CfName(static_cast<Cf>(i))),
                                                 kIdBase + static_cast<uint32_t>(i));
    handles_[i] = owned_handles_[i].get();
  }
}

MemoryStore::~MemoryStore() = default;

absl::Status MemoryStore::Apply(const rocksdb::WriteBatch& batch) {
  Applier applier;
  rocksdb::Status parsed = batch.Iterate(&applier);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("write batch refused: ", parsed.ToString()));
  }
  std::unique_lock lock(mutex_);
  // Merges are computed against a copy of what they touch first, so a bad operand leaves the
  // store as it was.
  std::map<std::pair<std::size_t, std::string>, std::optional<std::string>> staged;
  auto current = [&](std::size_t table, std::string_view key) -> std::optional<std::string_view> {
    auto found = staged.find({table, std::string(key)});
    if (found != staged.end()) {
      return found->second ? std::optional<std::string_view>(*found->second) : std::nullopt;
    }
    auto it = tables_[table].find(key);
    return it == tables_[table].end() ? std::nullopt : std::optional<std::string_view>(it->second);
  };
  for (const Applier::Entry& entry : applier.entries) {
    std::optional<std::string> next;
    if (entry.op == Applier::Op::kPut) {
      next = std::string(entry.value);
    } else if (entry.op == Applier::Op::kMerge) {
      next = AddClickCounts(current(entry.table, entry.key), entry.value);
      if (!next) {
        return absl::DataLossError("invalid merge operand or value in write batch");
      }
    }
    staged[{entry.table, std::string(entry.key)}] = std::move(next);
  }
  for (auto& [where, value] : staged) {
    Table& table = tables_[where.first];
    if (value) {
      table.insert_or_assign(where.second, std::move(*value));
    } else {
      table.erase(where.second);
    }
  }
  version_.fetch_add(1, std::memory_order_release);  // under the lock: readers see it after
  return absl::OkStatus();
}

uint64_t MemoryStore::Version() const { return version_.load(std::memory_order_acquire); }

rocksdb::Status MemoryStore::Write(const rocksdb::WriteOptions& /*options*/,
                                   rocksdb::WriteBatch* batch) {
  absl::Status applied = Apply(*batch);
  if (applied.ok()) {
    return rocksdb::Status::OK();
  }
  const std::string message(applied.message());
  return absl::IsDataLoss(applied) ? rocksdb::Status::Corruption(message)
                                   : rocksdb::Status::InvalidArgument(message);
}

std::size_t MemoryStore::Size(Cf cf) const {
  std::shared_lock lock(mutex_);
  return tables_[static_cast<std::size_t>(cf)].size();
}

absl::StatusOr<std::optional<std::string>> MemoryStore::Get(Cf cf, std::string_view key) const {
  std::shared_lock lock(mutex_);
  const Table& table = tables_[static_cast<std::size_t>(cf)];
  auto it = table.find(key);
  if (it == table.end()) {
    return std::nullopt;
  }
  return it->second;
}

absl::Status MemoryStore::Scan(
    Cf cf, std::string_view prefix, std::string_view start,
    absl::FunctionRef<bool(std::string_view key, std::string_view value)> visit) const {
  std::shared_lock lock(mutex_);
  const Table& table = tables_[static_cast<std::size_t>(cf)];
  const std::string_view from = start < prefix ? prefix : start;
  for (auto it = table.lower_bound(from); it != table.end(); ++it) {
    const std::string_view key = it->first;
    if (key.substr(0, prefix.size()) != prefix || !visit(key, it->second)) {
      break;
    }
  }
  return absl::OkStatus();
}

}  // namespace confab::store
