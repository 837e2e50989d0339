#include "store/group_sort.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rocksdb/comparator.h"
#include "rocksdb/db.h"

namespace confab::store {
namespace {

// WriteBatch's public API names a family by handle; this one carries just the id.
class IdHandle final : public rocksdb::ColumnFamilyHandle {
 public:
  explicit IdHandle(uint32_t id) : id_(id) {}
  const std::string& GetName() const override { return name_; }
  uint32_t GetID() const override { return id_; }
  rocksdb::Status GetDescriptor(rocksdb::ColumnFamilyDescriptor*) override {
    return rocksdb::Status::NotSupported("id-only handle");
  }
  const rocksdb::Comparator* GetComparator() const override {
    return rocksdb::BytewiseComparator();
  }

 private:
  uint32_t id_;
  std::string name_;
};

enum class Op : uint8_t { kPut, kDelete, kSingleDelete, kMerge };

struct Record {
  uint32_t order;  // position in the group: keeps records of one key in submission order
  uint32_t cf;
  Op op;
  rocksdb::Slice key;
  rocksdb::Slice value;
};

class Collector final : public rocksdb::WriteBatch::Handler {
 public:
  rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    records.push_back({Next(), cf, Op::kPut, key, value});
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(uint32_t cf, const rocksdb::Slice& key) override {
    records.push_back({Next(), cf, Op::kDelete, key, {}});
    return rocksdb::Status::OK();
  }
  rocksdb::Status SingleDeleteCF(uint32_t cf, const rocksdb::Slice& key) override {
    records.push_back({Next(), cf, Op::kSingleDelete, key, {}});
    return rocksdb::Status::OK();
  }
  rocksdb::Status MergeCF(uint32_t cf, const rocksdb::Slice& key,
                          const rocksdb::Slice& value) override {
    records.push_back({Next(), cf, Op::kMerge, key, value});
    return rocksdb::Status::OK();
  }
  // Not a record of any family (an inbox move, store/inbox_index.h): kept in order, apart.
  void LogData(const rocksdb::Slice& blob) override { log_data.push_back(blob); }
  // Anything else (range deletes, blob indexes, transaction markers) makes Iterate fail through
  // the base class's defaults, and the group is written unsorted.

  std::vector<Record> records;
  std::vector<rocksdb::Slice> log_data;

 private:
  uint32_t Next() { return static_cast<uint32_t>(records.size()); }
};

}  // namespace

bool SortGroup(const std::vector<const rocksdb::WriteBatch*>& group, rocksdb::WriteBatch& out) {
  std::size_t count = 0;
  std::size_t bytes = 0;
  for (const rocksdb::WriteBatch* batch : group) {
    count += batch->Count();
    bytes += batch->GetDataSize();
  }
  Collector collector;
  collector.records.reserve(count);
  for (const rocksdb::WriteBatch* batch : group) {
    if (!batch->Iterate(&collector).ok()) {
      return false;
    }
  }
  std::vector<Record>& records = collector.records;
  // std::sort with the position as the last criterion: stable, without stable_sort's temporary
  // buffer (allocated with nothrow new, which the benchmarks' allocation counter does not pair).
  std::sort(records.begin(), records.end(), [](const Record& a, const Record& b) {
    if (a.cf != b.cf) {
      return a.cf < b.cf;
    }
    const int by_key = a.key.compare(b.key);
    return by_key != 0 ? by_key < 0 : a.order < b.order;
  });
  std::map<uint32_t, std::unique_ptr<IdHandle>> handles;
  rocksdb::WriteBatch sorted(bytes);
  for (const Record& record : records) {
    std::unique_ptr<IdHandle>& handle = handles[record.cf];
    if (!handle) {
      handle = std::make_unique<IdHandle>(record.cf);
    }
    rocksdb::Status status;
    switch (record.op) {
      case Op::kPut:
        status = sorted.Put(handle.get(), record.key, record.value);
        break;
      case Op::kDelete:
        status = sorted.Delete(handle.get(), record.key);
        break;
      case Op::kSingleDelete:
        status = sorted.SingleDelete(handle.get(), record.key);
        break;
      case Op::kMerge:
        status = sorted.Merge(handle.get(), record.key, record.value);
        break;
    }
    if (!status.ok()) {
      return false;
    }
  }
  for (const rocksdb::Slice& blob : collector.log_data) {
    if (!sorted.PutLogData(blob).ok()) {
      return false;
    }
  }
  out = std::move(sorted);
  return true;
}

}  // namespace confab::store
