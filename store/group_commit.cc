#include "store/group_commit.h"

#include <utility>

#include "base/thread_name.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "store/group_sort.h"
#include "store/rocksdb_status.h"

namespace confab::store {
namespace {

// RocksDB's WriteBatch representation, which is also its WAL record format (and so stable):
// fixed64 sequence, fixed32 count (little-endian), then the records.
constexpr std::size_t kBatchHeader = 12;
constexpr std::size_t kCountOffset = 8;

uint32_t ReadCount(const std::string& rep) {
  uint32_t count = 0;
  for (int i = 3; i >= 0; --i) {
    count = (count << 8) | static_cast<uint8_t>(rep[kCountOffset + static_cast<std::size_t>(i)]);
  }
  return count;
}

void WriteCount(std::string& rep, uint32_t count) {
  for (std::size_t i = 0; i < 4; ++i) {
    rep[kCountOffset + i] = static_cast<char>((count >> (8 * i)) & 0xFF);
  }
}

}  // namespace

void AppendBatch(std::string& into, const rocksdb::WriteBatch& from) {
  const std::string& rep = from.Data();
  if (into.size() < kBatchHeader) {
    into.assign(rep);
    return;
  }
  into.append(rep, kBatchHeader, std::string::npos);
  WriteCount(into, ReadCount(into) + ReadCount(rep));
}

GroupCommitter::GroupCommitter(rocksdb::DB* db, GroupCommitOptions options)
    : GroupCommitter([db](const rocksdb::WriteOptions& write_options,
                          rocksdb::WriteBatch* batch) { return db->Write(write_options, batch); },
                     options) {}

GroupCommitter::GroupCommitter(GroupWriter writer, GroupCommitOptions options)
    : writer_(std::move(writer)), options_(options), thread_([this] {
        NameThisThread(options_.thread_name);
        Run();
      }) {}

GroupCommitter::~GroupCommitter() { Stop(); }

absl::Status GroupCommitter::Submit(rocksdb::WriteBatch batch, CommitDone done) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      return absl::FailedPreconditionError("store is stopping");
    }
    if (queue_.size() >= options_.queue_limit) {
      ++stats_.refused_batches;
      return absl::ResourceExhaustedError("commit queue full");
    }
    queue_.push_back({std::move(batch), std::move(done)});
  }
  wake_.notify_one();
  return absl::OkStatus();
}

void GroupCommitter::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      return;
    }
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void GroupCommitter::Resume() {
  std::lock_guard lock(mutex_);
  held_ = absl::OkStatus();
}

std::size_t GroupCommitter::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

GroupCommitStats GroupCommitter::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

std::size_t GroupCommitter::TakeGroup(std::unique_lock<std::mutex>& lock,
                                      std::deque<Pending>& group) {
  if (options_.max_group_delay.count() > 0 && queue_.size() < options_.max_group_batches &&
      !stopping_) {
    wake_.wait_for(lock, options_.max_group_delay,
                   [this] { return stopping_ || queue_.size() >= options_.max_group_batches; });
  }
  std::size_t bytes = 0;
  while (!queue_.empty() && group.size() < options_.max_group_batches) {
    const std::size_t size = queue_.front().batch.GetDataSize();
    if (!group.empty() && bytes + size > options_.max_group_bytes) {
      break;
    }
    bytes += size;
    group.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return group.size();
}

void GroupCommitter::Run() {
  std::deque<Pending> group;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) {
        return;  // stopping, and everything queued has been written
      }
      TakeGroup(lock, group);
    }
    WriteGroup(group);
    group.clear();
  }
}

void GroupCommitter::WriteGroup(std::deque<Pending>& group) {
  absl::Status held;
  {
    std::lock_guard lock(mutex_);
    held = held_;
  }
  if (!held.ok()) {
    Complete(group, held);
    return;
  }
  rocksdb::WriteOptions write_options;
  write_options.sync = options_.sync;
  rocksdb::Status status;
  rocksdb::WriteBatch sorted;
  if (group.size() == 1) {
    // A single batch may itself hold many units of work (the pipeline stages a whole group in
    // one): sorting pays off the same.
    rocksdb::WriteBatch& only = group.front().batch;
    status = options_.sort_groups && only.Count() > 1 && SortGroup(only, sorted)
                 ? writer_(write_options, &sorted)
                 : writer_(write_options, &only);
  } else {
    // One merged batch: one WAL record, one fsync, atomic for the whole group.
    std::string rep;
    rep.reserve(group.size() * (group.front().batch.GetDataSize() + 16));
    for (const Pending& pending : group) {
      AppendBatch(rep, pending.batch);
    }
    rocksdb::WriteBatch merged(std::move(rep));
    if (options_.sort_groups && SortGroup(merged, sorted)) {
      status = writer_(write_options, &sorted);
    } else {
      status = writer_(write_options, &merged);
    }
  }
  const absl::Status result = FromRocksDb(status, "group commit");
  if (!result.ok() && options_.hold_after_failure) {
    std::lock_guard lock(mutex_);
    held_ = result;
  }
  Complete(group, result);
}

void GroupCommitter::Complete(std::deque<Pending>& group, const absl::Status& result) {
  {
    std::lock_guard lock(mutex_);
    ++stats_.groups;
    stats_.batches += group.size();
    if (!result.ok()) {
      stats_.failed_batches += group.size();
    }
    stats_.largest_group = std::max(stats_.largest_group, group.size());
  }
  for (Pending& pending : group) {
    std::move(pending.done)(result);
  }
}

}  // namespace confab::store
