#include "store/group_commit.h"

#include <mutex>
#include <utility>

#include "rocksdb/db.h"
#include "store/group_commit_writer.h"
#include "store/store.h"

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

GroupCommitter::GroupCommitter(Store& store, GroupCommitOptions options)
    : GroupCommitter(
          [&store](const rocksdb::WriteOptions& write_options, rocksdb::WriteBatch* batch) {
            return store.Write(write_options, batch);
          },
          options) {}

GroupCommitter::GroupCommitter(GroupWriter writer, GroupCommitOptions options)
    : writer_(std::make_shared<Writer>(std::move(writer), options)), options_(options) {}

GroupCommitter::GroupCommitter(GroupCommitter& writer, GroupCommitOptions options)
    : writer_(writer.writer_), options_(options) {
  std::lock_guard lock(writer_->mutex);
  if (writer_->stopping) {
    stopped_ = true;  // the thread is gone: refuse, as after Stop()
  } else {
    ++writer_->streams;
  }
}

GroupCommitter::~GroupCommitter() { Stop(); }

absl::Status GroupCommitter::Submit(rocksdb::WriteBatch batch, CommitDone done) {
  {
    std::lock_guard lock(writer_->mutex);
    if (stopped_) {
      return absl::FailedPreconditionError("store is stopping");
    }
    if (waiting_ >= options_.queue_limit) {
      ++stats_.refused_batches;
      return absl::ResourceExhaustedError("commit queue full");
    }
    writer_->queue.push_back({std::move(batch), std::move(done), this});
    ++waiting_;
    ++unfinished_;
  }
  writer_->wake.notify_one();
  return absl::OkStatus();
}

void GroupCommitter::Stop() {
  bool last = false;
  {
    std::unique_lock lock(writer_->mutex);
    if (stopped_) {
      return;
    }
    stopped_ = true;
    writer_->finished.wait(lock, [this] { return unfinished_ == 0; });
    last = --writer_->streams == 0;
  }
  if (last) {
    writer_->Join();
  }
}

void GroupCommitter::Resume() {
  std::lock_guard lock(writer_->mutex);
  held_ = absl::OkStatus();
}

std::size_t GroupCommitter::queued() const {
  std::lock_guard lock(writer_->mutex);
  return waiting_;
}

GroupCommitStats GroupCommitter::stats() const {
  std::lock_guard lock(writer_->mutex);
  return stats_;
}

}  // namespace confab::store
