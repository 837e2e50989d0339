#pragma once

// Group commit: many writers' batches made durable by one RocksDB write and one WAL fsync.
//
// One writer thread takes every batch queued since its last write (up to max_group_batches and
// max_group_bytes), merges them into one WriteBatch, and writes it with sync = (durability is
// fsync). While that fsync runs (~0.8 ms here), new batches queue up and form the next group, so
// the group size follows the load and no timer is needed; max_group_delay optionally holds a
// group open a little longer to gather more. A merged group is atomic: after an error nothing of
// it is written, and every batch of the group gets the error. Data becomes visible to readers
// only once it is durable (the WAL is synced before the memtable is updated).
//
// Several committers can share one writer thread (the joining constructor): each is a stream
// with its own queue limit, failure hold and counts, and their batches ride the same groups.
// Two writer threads over one database instead collide in RocksDB's own write queue: one
// waits out the other's fsync before starting its own, and their records meet in the
// memtable's concurrent insert path, which searches every key from the top.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "rocksdb/status.h"
#include "rocksdb/write_batch.h"

namespace rocksdb {
class DB;
struct WriteOptions;
}  // namespace rocksdb

namespace confab::store {

class Store;

// A joining stream (see GroupCommitter) takes only queue_limit and hold_after_failure from its
// options; the rest shape the groups and the thread, and are its writer's.
struct GroupCommitOptions {
  bool sync = true;  // fsync the WAL per group ([store].durability = "fsync")
  std::size_t max_group_batches = 1000;
  std::size_t max_group_bytes = 8u << 20;
  std::chrono::microseconds max_group_delay{0};  // extra wait for more batches; 0 = none
  // This stream's queued batches; beyond it Submit refuses (backpressure).
  std::size_t queue_limit = 20000;
  // Write a merged group's records in (family, key) order (store/group_sort.h): cheaper
  // memtable inserts for the same effect (the writer thread's cost per MO drops ~2x).
  bool sort_groups = true;
  // After a failed write, fail every batch of this stream — queued or submitted later — with
  // that error, without writing it, until Resume(). For a writer whose batches build on the
  // ones before (the inbound pipeline decides from state its earlier batches wrote): it learns
  // of the failure, drops what it derived from the lost batches, then resumes.
  bool hold_after_failure = false;
  std::string thread_name = "commit";  // of the writer thread (15 bytes are kept)
};

// Called once per submitted batch, on the writer thread, when the batch is durable or failed.
// It must not block: post to your own executor.
using CommitDone = absl::AnyInvocable<void(absl::Status) &&>;

// How a group is written; tests substitute one that fails.
using GroupWriter =
    std::function<rocksdb::Status(const rocksdb::WriteOptions&, rocksdb::WriteBatch*)>;

// Per stream: `groups` counts the groups that carried at least one of its batches, and
// largest_group the most batches (of every stream) in one of them.
struct GroupCommitStats {
  uint64_t groups = 0;
  uint64_t batches = 0;
  uint64_t failed_batches = 0;
  uint64_t refused_batches = 0;  // Submit over queue_limit
  std::size_t largest_group = 0;
};

class GroupCommitter {
 public:
  // Writes through `store`'s own write path (Store::Write: RocksDB, then the inbox).
  GroupCommitter(Store& store, GroupCommitOptions options);
  GroupCommitter(GroupWriter writer, GroupCommitOptions options);
  // A stream into `writer`'s groups: its own queue_limit, hold_after_failure and stats; the
  // group shape (sync, max_group_*, sort_groups, thread name) is the writer's. `writer` may be
  // stopped or destroyed first: the thread runs until the last of its streams stops.
  GroupCommitter(GroupCommitter& writer, GroupCommitOptions options);
  ~GroupCommitter();  // Stop()

  // Queues `batch`; `done` runs once it is durable (OK) or failed. Returns ResourceExhausted at
  // once (and does not call `done`) when queue_limit batches of this stream are waiting,
  // FailedPrecondition after Stop(). Thread-safe.
  absl::Status Submit(rocksdb::WriteBatch batch, CommitDone done);

  // hold_after_failure: write again (batches submitted from now on).
  void Resume();

  // Refuses new batches, returns once every batch of this stream is written (or failed) and its
  // `done` has run; the last stream of a writer also stops the writer thread. Idempotent; not
  // from a `done` callback.
  void Stop();

  std::size_t queued() const;  // this stream's batches waiting for a group
  GroupCommitStats stats() const;

 private:
  struct Pending;
  class Writer;

  std::shared_ptr<Writer> writer_;
  GroupCommitOptions options_;
  // Guarded by the writer's mutex.
  bool stopped_ = false;
  std::size_t waiting_ = 0;     // queued, not yet taken into a group
  std::size_t unfinished_ = 0;  // queued or in a group whose `done`s have not all run
  absl::Status held_;           // hold_after_failure: what every batch gets until Resume()
  GroupCommitStats stats_;
};

// Appends the records of `from` to `into` (both in RocksDB's WriteBatch wire format: a 12-byte
// header of sequence and count, then the records). Exposed for tests.
void AppendBatch(std::string& into, const rocksdb::WriteBatch& from);

}  // namespace confab::store
