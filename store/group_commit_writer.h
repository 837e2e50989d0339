#pragma once

// The thread and the queue behind GroupCommitter (internal to store/): one or more streams
// share one Writer, and its thread writes their batches in groups.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "store/group_commit.h"

namespace confab::store {

struct GroupCommitter::Pending {
  rocksdb::WriteBatch batch;
  CommitDone done;
  GroupCommitter* stream;
};

class GroupCommitter::Writer {
 public:
  Writer(GroupWriter write, const GroupCommitOptions& options);
  ~Writer();  // Join()

  // Lets the thread finish what is queued, then joins it. Idempotent.
  void Join();

  std::mutex mutex;
  std::condition_variable wake;      // for the writer thread: a batch is queued, or stopping
  std::condition_variable finished;  // for Stop(): a group's `done`s have run
  std::deque<Pending> queue;
  std::size_t streams = 1;
  bool stopping = false;  // every stream has stopped (so the queue is empty)

 private:
  void Run();
  void TakeGroup(std::unique_lock<std::mutex>& lock, std::vector<Pending>& group);
  // Returns each batch's result.
  std::vector<absl::Status> WriteGroup(const std::vector<Pending>& group);
  rocksdb::Status Write(const std::vector<const rocksdb::WriteBatch*>& batches);
  // Counts the group in its streams' stats, runs every batch's done with its result, then lets
  // the streams' Stop() see that the batches are finished.
  void Complete(std::vector<Pending>& group, const std::vector<absl::Status>& results);

  GroupWriter write_;
  GroupCommitOptions options_;
  std::thread thread_;  // last: starts once the rest is built
};

}  // namespace confab::store
