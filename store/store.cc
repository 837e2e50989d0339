#include "store/store.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "rocksdb/options.h"
#include "store/cf_options.h"
#include "store/records.h"
#include "store/rocksdb_status.h"

namespace confab::store {
namespace {

rocksdb::Slice ToSlice(std::string_view view) { return rocksdb::Slice(view.data(), view.size()); }
std::string_view ToView(const rocksdb::Slice& slice) { return {slice.data(), slice.size()}; }

// The families to open: every one already in the store (RocksDB must open them all, including
// any a newer version created) plus ours.
std::vector<rocksdb::ColumnFamilyDescriptor> Descriptors(const std::string& path,
                                                         const StoreRocksOptions& rocks) {
  std::vector<std::string> names;
  rocksdb::Status listed =
      rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(rocks.db), path, &names);
  if (!listed.ok()) {
    names.clear();  // a new store: only "default" exists once created
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> out;
  out.emplace_back(rocksdb::kDefaultColumnFamilyName, rocks.other);
  for (std::size_t i = 0; i < kCfCount; ++i) {
    out.emplace_back(std::string(CfName(static_cast<Cf>(i))), rocks.families[i]);
  }
  for (const std::string& name : names) {
    bool known = false;
    for (const auto& descriptor : out) {
      known = known || descriptor.name == name;
    }
    if (!known) {
      out.emplace_back(name, rocks.other);
    }
  }
  return out;
}

// A compaction burst (tens of milliseconds of CPU every few seconds under load) otherwise
// preempts the threads answering carriers and clicks: on two cores it pushed the redirect
// listener's p99 over 2 ms (bench/RESULTS.md). At nice 19 it takes the idle CPU instead, and under
// sustained saturation RocksDB's own L0 slowdown is what paces writers.
void LowerCompactionPriority(CompactionPriority priority) {
  if (priority == CompactionPriority::kNormal) {
    return;
  }
  const rocksdb::CpuPriority cpu = priority == CompactionPriority::kIdle
                                       ? rocksdb::CpuPriority::kIdle
                                       : rocksdb::CpuPriority::kLow;
  // NotSupported only on platforms without per-thread priorities: compaction then keeps normal
  // priority, which costs latency, not correctness.
  (void)rocksdb::Env::Default()->LowerThreadPoolCPUPriority(rocksdb::Env::Priority::LOW, cpu);
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
  const StoreRocksOptions rocks = MakeRocksOptions(options);
  LowerCompactionPriority(options.compaction_priority);
  const std::vector<rocksdb::ColumnFamilyDescriptor> descriptors = Descriptors(options.path, rocks);
  std::vector<rocksdb::ColumnFamilyHandle*> opened;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(rocks.db, options.path, descriptors, &opened, &raw);
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
  std::unique_ptr<rocksdb::DB> db(raw);
  CfHandles handles{};
  std::vector<rocksdb::ColumnFamilyHandle*> owned;
  for (std::size_t i = 0; i < opened.size(); ++i) {
    if (i >= 1 && i <= kCfCount) {
      handles[i - 1] = opened[i];  // descriptors 1..kCfCount are ours, in Cf order
    }
    if (i == 0) {
      db->DestroyColumnFamilyHandle(opened[i]);  // db->DefaultColumnFamily() serves instead
    } else {
      owned.push_back(opened[i]);
    }
  }
  std::unique_ptr<Store> store(new Store(options, std::move(db), std::move(owned), handles));
  RETURN_IF_ERROR(store->BuildInbox());
  return store;
}

absl::Status Store::BuildInbox() {
  rocksdb::ReadOptions read;
  read.fill_cache = false;  // one pass over every profile: keep the cache for what is hot
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(read, handles_[static_cast<std::size_t>(Cf::kProfiles)]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::optional<ThreadId> thread = DecodeThreadKey(ToView(it->key()));
    absl::StatusOr<ProfileRecord> profile = DecodeProfile(ToView(it->value()));
    if (!thread || !profile.ok()) {
      ++inbox_unreadable_;
      continue;
    }
    if (const std::optional<InboxKey> position = profile->InboxPosition(*thread)) {
      inbox_.Insert(EncodeInboxKey(*position));
    }
  }
  return FromRocksDb(it->status(), "reading profiles for the inbox");
}

rocksdb::Status Store::Write(const rocksdb::WriteOptions& options, rocksdb::WriteBatch* batch) {
  if (db_ == nullptr) {
    return rocksdb::Status::InvalidArgument("store is closed");
  }
  rocksdb::Status status = db_->Write(options, batch);
  if (status.ok()) {
    inbox_.Apply(*batch);
  }
  return status;
}

Store::Store(StoreOptions options, std::unique_ptr<rocksdb::DB> db,
             std::vector<rocksdb::ColumnFamilyHandle*> owned, CfHandles handles)
    : options_(std::move(options)),
      db_(std::move(db)),
      owned_(std::move(owned)),
      handles_(handles) {}

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
  for (rocksdb::ColumnFamilyHandle* handle : owned_) {
    db_->DestroyColumnFamilyHandle(handle);
  }
  owned_.clear();
  handles_ = {};
  absl::Status closed = FromRocksDb(db_->Close(), "closing store");
  db_.reset();
  return flushed.ok() ? closed : flushed;
}

// Both parts only grow, so the sum changes whenever either does: after a write, from the moment
// RocksDB shows it (the inbox follows an instant later and bumps the sum again).
uint64_t Store::Version() const { return db_->GetLatestSequenceNumber() + inbox_.generation(); }

absl::StatusOr<std::optional<std::string>> Store::Get(Cf cf, std::string_view key) const {
  if (db_ == nullptr) {
    return absl::FailedPreconditionError("store is closed");
  }
  std::string value;
  rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), handles_[static_cast<std::size_t>(cf)],
                                    ToSlice(key), &value);
  if (status.IsNotFound()) {
    return std::nullopt;
  }
  if (!status.ok()) {
    return FromRocksDb(status, absl::StrCat("reading ", std::string(CfName(cf))));
  }
  return value;
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string successor(prefix);
  while (!successor.empty()) {
    if (static_cast<unsigned char>(successor.back()) != 0xFF) {
      successor.back() = static_cast<char>(static_cast<unsigned char>(successor.back()) + 1);
      return successor;
    }
    successor.pop_back();  // …FF has no successor of its length: bound by the shorter prefix
  }
  return successor;
}

absl::Status Store::Scan(
    Cf cf, std::string_view prefix, std::string_view start,
    absl::FunctionRef<bool(std::string_view key, std::string_view value)> visit) const {
  if (db_ == nullptr) {
    return absl::FailedPreconditionError("store is closed");
  }
  if (cf == Cf::kInbox) {
    inbox_.Scan(prefix, start, visit);
    return absl::OkStatus();
  }
  rocksdb::ReadOptions read;
  read.fill_cache = true;
  // The iterator stops at the prefix's end by itself: without a bound, a scan that finds
  // nothing (the parts of a new long message, looked up for every part) walks every deleted
  // entry after its seek point before reaching a live key, and families whose records are
  // deleted as fast as they are written (parts, outbox) are mostly such entries.
  const std::string upper = PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  if (!upper.empty()) {
    read.iterate_upper_bound = &upper_slice;
  }
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(read, handles_[static_cast<std::size_t>(cf)]));
  const std::string_view from = start < prefix ? prefix : start;
  for (it->Seek(ToSlice(from)); it->Valid(); it->Next()) {
    const std::string_view key = ToView(it->key());
    if (key.substr(0, prefix.size()) != prefix || !visit(key, ToView(it->value()))) {
      break;
    }
  }
  return FromRocksDb(it->status(), absl::StrCat("scanning ", std::string(CfName(cf))));
}

}  // namespace confab::store
