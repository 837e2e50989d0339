// Atomicity of write sets through the group committer, on both stores, and the in-memory store's
// all-or-nothing apply.

#include "store/write_set.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <vector>

#include "store/group_commit.h"
#include "store/reader.h"
#include "tests/store/backend.h"

namespace confab::store {
namespace {

using testing::Backend;
using testing::BackendKind;

constexpr uint64_t kNow = 1'700'000'000'000;
constexpr uint64_t kBrand = 15550000001;

// A conversation MO as the pipeline stages it: message, profile (+ inbox entry), and the
// auto-reply queued in the outbox.
void StageConversationMo(WriteSet& set, const ThreadId& thread) {
  ProfileRecord after;
  after.state = ConversationState::kOpen;
  after.unread = true;
  after.last_activity_ms = kNow;
  after.next_message_seq = 2;
  after.RememberInbound(thread.profile, kNow, 600'000);
  MessageRecord inbound;
  inbound.text = "hello";
  set.PutMessage({thread, 0}, inbound);
  set.PutProfile(thread, nullptr, after);
  MessageRecord reply;
  reply.direction = Direction::kOutbound;
  reply.kind = MessageKind::kAutoResponse;
  reply.delivery = DeliveryState::kQueued;
  set.PutOutbox({kNow, {thread, 1}}, {0, 1, reply});
}

class WriteSetAtomicityTest : public ::testing::TestWithParam<BackendKind> {
 protected:
  WriteSetAtomicityTest() : backend_(GetParam()) {}

  // What one MO left in the store: 0 (nothing) to 4 (all its records).
  int RecordsOf(const ThreadId& thread) {
    StoreReader reader(backend_.source());
    int found = 0;
    found += reader.GetProfile(thread)->has_value() ? 1 : 0;
    found += reader.GetMessage({thread, 0})->has_value() ? 1 : 0;
    absl::StatusOr<InboxPage> inbox = reader.ScanInbox(ConversationState::kOpen, true, "", 100);
    auto outbox = reader.ScanOutbox(std::nullopt, 100);
    if (!inbox.ok() || !outbox.ok()) {
      return -1;
    }
    for (const InboxKey& entry : inbox->entries) {
      found += entry.thread == thread ? 1 : 0;
    }
    for (const auto& [key, item] : *outbox) {
      found += key.message.thread == thread && item.message.has_value() ? 1 : 0;
    }
    return found;
  }

  Backend backend_;
};

TEST_P(WriteSetAtomicityTest, AFailedGroupWritesNoneOfItsBatchesAndTheNextGroupWritesAll) {
  std::promise<void> release_first;
  std::shared_future<void> first_released = release_first.get_future().share();
  std::atomic<int> calls{0};
  GroupCommitter committer(
      [&](const rocksdb::WriteOptions& options, rocksdb::WriteBatch* batch) {
        const int call = calls.fetch_add(1);
        if (call == 0) {
          first_released.wait();  // holds the writer so the next batches form one group
          return backend_.WriteBatch(options, batch);
        }
        if (call == 1) {
          return rocksdb::Status::IOError("injected: disk full");
        }
        return backend_.WriteBatch(options, batch);
      },
      {});
  std::vector<std::promise<absl::Status>> results(7);
  auto submit = [&](uint64_t profile, std::size_t slot) {
    WriteSet set(backend_.handles());
    StageConversationMo(set, {kBrand, profile});
    ASSERT_EQ(set.operations(), 4u);
    ASSERT_TRUE(
        committer
            .Submit(set.Release(), [&results, slot](absl::Status s) { results[slot].set_value(s); })
            .ok());
  };
  submit(1, 0);  // group 1, held
  while (calls.load() == 0) {
    std::this_thread::yield();  // until the writer has taken group 1
  }
  for (uint64_t profile = 2; profile <= 4; ++profile) {
    submit(profile, profile - 1);  // group 2: three MOs, fails as one
  }
  ASSERT_EQ(committer.queued(), 3u);
  release_first.set_value();
  EXPECT_TRUE(results[0].get_future().get().ok());
  for (std::size_t slot = 1; slot <= 3; ++slot) {
    EXPECT_FALSE(results[slot].get_future().get().ok()) << slot;
  }
  EXPECT_EQ(RecordsOf({kBrand, 1}), 4);
  for (uint64_t profile = 2; profile <= 4; ++profile) {
    EXPECT_EQ(RecordsOf({kBrand, profile}), 0) << "profile " << profile;
  }
  // The pipeline retries (or the carrier redelivers): the same write sets now land whole.
  for (uint64_t profile = 2; profile <= 4; ++profile) {
    submit(profile, profile + 2);
  }
  committer.Stop();
  for (std::size_t slot = 4; slot <= 6; ++slot) {
    EXPECT_TRUE(results[slot].get_future().get().ok()) << slot;
  }
  for (uint64_t profile = 2; profile <= 4; ++profile) {
    EXPECT_EQ(RecordsOf({kBrand, profile}), 4) << "profile " << profile;
  }
  EXPECT_EQ(committer.stats().failed_batches, 3u);
}

INSTANTIATE_TEST_SUITE_P(Stores, WriteSetAtomicityTest,
                         ::testing::Values(BackendKind::kRocksDb, BackendKind::kMemory),
                         testing::BackendName);

TEST(MemoryStoreTest, ABatchWithABadMergeOperandAppliesNothing) {
  MemoryStore store;
  WriteSet set(store.handles());
  set.PutLink("Ab3dE6gH", {"https://example.com", {}, 1, 2});
  set.batch().Merge(store.handles()[static_cast<std::size_t>(Cf::kClickCounts)], "Ab3dE6gH", "bad");
  EXPECT_TRUE(absl::IsDataLoss(store.Apply(set.batch())));
  EXPECT_EQ(store.Size(Cf::kLinks), 0u);
  EXPECT_EQ(store.Size(Cf::kClickCounts), 0u);
}

TEST(MemoryStoreTest, ABatchForAnotherStoresFamiliesAppliesNothing) {
  MemoryStore store;
  rocksdb::WriteBatch batch;
  batch.Put("default-family", "x");  // column family 0: not one of ours
  WriteSet set(store.handles());
  set.PutLink("Ab3dE6gH", {"https://example.com", {}, 1, 2});
  EXPECT_TRUE(absl::IsInvalidArgument(store.Apply(batch)));
  rocksdb::WriteBatch mixed = set.Release();
  mixed.Put("default-family", "x");
  EXPECT_TRUE(absl::IsInvalidArgument(store.Apply(mixed)));
  EXPECT_EQ(store.Size(Cf::kLinks), 0u);
}

TEST(MemoryStoreTest, LaterOperationsInABatchWin) {
  MemoryStore store;
  WriteSet set(store.handles());
  const ThreadId thread{kBrand, 1};
  TimerKey timer{kNow, TimerKind::kSnoozeWake, thread};
  set.PutTimer(timer, {1});
  set.DeleteTimer(timer);
  set.PutOutbox({kNow, {thread, 0}}, {1, 1, std::nullopt});
  set.PutOutbox({kNow, {thread, 0}}, {2, 2, std::nullopt});
  ASSERT_TRUE(store.Apply(set.batch()).ok());
  EXPECT_EQ(store.Size(Cf::kTimers), 0u);
  StoreReader reader(store);
  EXPECT_EQ(reader.ScanOutbox(std::nullopt, 5)->at(0).second, (OutboxItem{2, 2, std::nullopt}));
}

}  // namespace
}  // namespace confab::store
