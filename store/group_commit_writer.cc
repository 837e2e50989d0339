#include "store/group_commit_writer.h"

#include <algorithm>
#include <string>
#include <utility>

#include "base/thread_name.h"
#include "rocksdb/options.h"
#include "store/group_sort.h"
#include "store/rocksdb_status.h"

namespace confab::store {

GroupCommitter::Writer::Writer(GroupWriter write, const GroupCommitOptions& options)
    : write_(std::move(write)), options_(options), thread_([this] {
        NameThisThread(options_.thread_name);
        Run();
      }) {}

GroupCommitter::Writer::~Writer() { Join(); }

void GroupCommitter::Writer::Join() {
  {
    std::lock_guard lock(mutex);
    stopping = true;
  }
  wake.notify_one();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void GroupCommitter::Writer::Run() {
  std::vector<Pending> group;
  for (;;) {
    {
      std::unique_lock lock(mutex);
      wake.wait(lock, [this] { return stopping || !queue.empty(); });
      if (queue.empty()) {
        return;  // every stream has stopped, and each waited for its batches
      }
      TakeGroup(lock, group);
    }
    const std::vector<absl::Status> results = WriteGroup(group);
    Complete(group, results);
    group.clear();
  }
}

void GroupCommitter::Writer::TakeGroup(std::unique_lock<std::mutex>& lock,
                                       std::vector<Pending>& group) {
  if (options_.max_group_delay.count() > 0 && queue.size() < options_.max_group_batches) {
    wake.wait_for(lock, options_.max_group_delay,
                  [this] { return queue.size() >= options_.max_group_batches; });
  }
  std::size_t bytes = 0;
  while (!queue.empty() && group.size() < options_.max_group_batches) {
    const std::size_t size = queue.front().batch.GetDataSize();
    if (!group.empty() && bytes + size > options_.max_group_bytes) {
      break;
    }
    bytes += size;
    --queue.front().stream->waiting_;
    group.push_back(std::move(queue.front()));
    queue.pop_front();
  }
}

std::vector<absl::Status> GroupCommitter::Writer::WriteGroup(const std::vector<Pending>& group) {
  // A held stream's batches fail unwritten: they build on what its failed batch would have
  // written. The other streams' batches of the group are written all the same.
  std::vector<absl::Status> results(group.size());
  std::vector<const rocksdb::WriteBatch*> batches;
  batches.reserve(group.size());
  {
    std::lock_guard lock(mutex);
    for (std::size_t i = 0; i < group.size(); ++i) {
      results[i] = group[i].stream->held_;
      if (results[i].ok()) {
        batches.push_back(&group[i].batch);
      }
    }
  }
  if (batches.empty()) {
    return results;
  }
  const absl::Status written = FromRocksDb(Write(batches), "group commit");
  if (written.ok()) {
    return results;
  }
  std::lock_guard lock(mutex);
  for (std::size_t i = 0; i < group.size(); ++i) {
    if (results[i].ok()) {
      results[i] = written;
      GroupCommitter& stream = *group[i].stream;
      if (stream.options_.hold_after_failure) {
        stream.held_ = written;
      }
    }
  }
  return results;
}

rocksdb::Status GroupCommitter::Writer::Write(
    const std::vector<const rocksdb::WriteBatch*>& batches) {
  rocksdb::WriteOptions write_options;
  write_options.sync = options_.sync;
  // A single batch may itself hold many units of work (the pipeline stages a whole group in
  // one): sorting pays off the same. Sorting reads the batches where they are, so a sorted
  // group is copied once.
  rocksdb::WriteBatch sorted;
  if (options_.sort_groups && (batches.size() > 1 || batches.front()->Count() > 1) &&
      SortGroup(batches, sorted)) {
    return write_(write_options, &sorted);
  }
  if (batches.size() == 1) {
    // The group's own batch (a Pending's), which DB::Write may stamp with its sequence.
    return write_(write_options, const_cast<rocksdb::WriteBatch*>(batches.front()));
  }
  // One merged batch: one WAL record, one fsync, atomic for the whole group.
  std::string rep;
  rep.reserve(batches.size() * (batches.front()->GetDataSize() + 16));
  for (const rocksdb::WriteBatch* batch : batches) {
    AppendBatch(rep, *batch);
  }
  rocksdb::WriteBatch merged(std::move(rep));
  return write_(write_options, &merged);
}

void GroupCommitter::Writer::Complete(std::vector<Pending>& group,
                                      const std::vector<absl::Status>& results) {
  {
    std::lock_guard lock(mutex);
    std::vector<GroupCommitter*> counted;  // streams whose `groups` this group has bumped
    for (std::size_t i = 0; i < group.size(); ++i) {
      GroupCommitter& stream = *group[i].stream;
      if (std::find(counted.begin(), counted.end(), &stream) == counted.end()) {
        counted.push_back(&stream);
        ++stream.stats_.groups;
        stream.stats_.largest_group = std::max(stream.stats_.largest_group, group.size());
      }
      ++stream.stats_.batches;
      if (!results[i].ok()) {
        ++stream.stats_.failed_batches;
      }
    }
  }
  for (std::size_t i = 0; i < group.size(); ++i) {
    std::move(group[i].done)(results[i]);
  }
  {
    std::lock_guard lock(mutex);
    for (Pending& pending : group) {
      --pending.stream->unfinished_;
    }
  }
  finished.notify_all();
}

}  // namespace confab::store
