#pragma once

// The inbox (SCHEMA.md "inbox"): every conversation's listing position — state, unread, activity
// second, thread — in key order, held in memory and derived from the profile records.
//
// A position is a function of its profile record (ProfileRecord::InboxPosition), so the store
// needs no copy of it on disk: Store::Open builds the index from the profiles, and a write that
// moves a conversation carries the move in its batch as a LogData record (WriteSet::PutProfile:
// in the WAL with the profile, never in a memtable). The store that wrote the batch applies its
// moves once the write succeeded (Store::Write, MemoryStore::Apply). Keeping the inbox on disk
// cost a delete at a random place in a 16 MiB skiplist and a put for nearly every inbound
// message: ~3.5 µs of the writer thread's CPU per MO (bench/RESULTS.md).
//
// Thread-safe: one writer at a time applies moves; readers scan concurrently. Moves must be
// applied in the order they were decided (each removes the position the one before it put), which
// holds when one thread writes them (Store::Write).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "absl/container/btree_set.h"
#include "absl/functional/function_ref.h"
#include "store/schema.h"

namespace rocksdb {
class WriteBatch;
}

namespace confab::store {

// The LogData blob of one conversation's move: out of `removed` (if any), into `added` (if any).
std::string EncodeInboxMove(const std::optional<InboxKey>& removed,
                            const std::optional<InboxKey>& added);

// One step of a move decoded from a LogData blob: the encoded inbox key, put or removed.
struct InboxStep {
  bool put = false;
  std::string_view key;  // kInboxKeySize bytes, pointing into the blob
};

// Calls `step` for each step of `blob`, in order. False (and no call) when `blob` is not an inbox
// move: another LogData record, or a malformed one.
bool DecodeInboxMove(std::string_view blob, absl::FunctionRef<void(const InboxStep&)> step);

class InboxIndex {
 public:
  // Adds a position while the index is built (Store::Open); false for a malformed key.
  bool Insert(std::string_view key);
  // Applies, in order, the moves that `batch` carries; its other records are not looked at.
  void Apply(const rocksdb::WriteBatch& batch);

  // KvSource::Scan over the index (values are empty). The visitor runs without the index's lock:
  // the keys are copied out a chunk at a time, so a slow reader never holds up a writer, and
  // each chunk is a consistent view.
  void Scan(std::string_view prefix, std::string_view start,
            absl::FunctionRef<bool(std::string_view key, std::string_view value)> visit) const;

  // Grows with every applied batch that moved something (part of Store::Version()).
  uint64_t generation() const;
  std::size_t size() const;

 private:
  using Key = std::array<char, kInboxKeySize>;
  struct KeyLess {
    bool operator()(const Key& a, const Key& b) const;
  };
  static std::optional<Key> ToKey(std::string_view key);

  mutable std::shared_mutex mutex_;
  absl::btree_set<Key, KeyLess> keys_;
  uint64_t generation_ = 0;
};

}  // namespace confab::store
