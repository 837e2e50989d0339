#include "store/store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/perf_context.h"
#include "rocksdb/perf_level.h"
#include "store/cf_options.h"
#include "store/records.h"
#include "store/write_set.h"
#include "tests/base/thread_list.h"

namespace confab::store {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("store_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  StoreOptions Options() const {
    StoreOptions options;
    options.path = (dir_ / "db").string();
    options.block_cache_bytes = 1 << 20;
    options.write_buffer_bytes = 1 << 20;
    return options;
  }

  std::filesystem::path dir_;
};

TEST_F(StoreTest, OpensCreatesAndKeepsDataAcrossReopen) {
  {
    auto store = Store::Open(Options());
    ASSERT_TRUE(store.ok()) << store.status();
    rocksdb::WriteOptions write;
    write.sync = true;
    ASSERT_TRUE((*store)->db()->Put(write, "k", "v").ok());
    ASSERT_TRUE((*store)->Close().ok());
    EXPECT_FALSE((*store)->is_open());
  }
  auto reopened = Store::Open(Options());
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  std::string value;
  ASSERT_TRUE((*reopened)->db()->Get(rocksdb::ReadOptions(), "k", &value).ok());
  EXPECT_EQ(value, "v");
}

TEST_F(StoreTest, SecondOpenOfTheSamePathIsRefusedAsInUse) {
  auto first = Store::Open(Options());
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = Store::Open(Options());
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(second.status())) << second.status();
  EXPECT_NE(second.status().message().find("in use by another process"), std::string::npos)
      << second.status();
}

TEST_F(StoreTest, UnusablePathIsAClearError) {
  std::filesystem::create_directories(dir_);
  // A regular file where the store directory should be.
  const std::string blocker = (dir_ / "db").string();
  FILE* f = std::fopen(blocker.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fclose(f);
  auto store = Store::Open(Options());
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find(blocker), std::string::npos) << store.status();
}

TEST_F(StoreTest, EmptyPathIsInvalid) {
  StoreOptions options;
  auto store = Store::Open(options);
  EXPECT_TRUE(absl::IsInvalidArgument(store.status()));
}

TEST_F(StoreTest, FlushAfterCloseIsAnError) {
  auto store = Store::Open(Options());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Flush().ok());
  ASSERT_TRUE((*store)->Close().ok());
  EXPECT_TRUE(absl::IsFailedPrecondition((*store)->Flush()));
}

TEST_F(StoreTest, CompactionThreadsRunAtLowPriorityByDefault) {
  auto store = Store::Open(Options());
  ASSERT_TRUE(store.ok()) << store.status();
  rocksdb::DB* db = (*store)->db();
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 100; ++i) {
      ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "key" + std::to_string(i), "value").ok());
    }
    ASSERT_TRUE(db->Flush(rocksdb::FlushOptions()).ok());
  }
  // A forced compaction runs on the LOW pool, whose threads take the lowered priority when they
  // pick up work.
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  ASSERT_TRUE(db->CompactRange(compact, nullptr, nullptr).ok());
  const std::vector<testing::ThreadInfo> threads = testing::ThreadsOfThisProcess();
  EXPECT_TRUE(std::any_of(threads.begin(), threads.end(), [](const testing::ThreadInfo& thread) {
    return thread.name == "rocksdb:low" && thread.nice == 19;
  })) << "no compaction thread at nice 19";
}

TEST(RocksOptionsTest, FlushedAndCompactedFilesAreSyncedInOneMebibyteSteps) {
  const StoreRocksOptions rocks = MakeRocksOptions(StoreOptions{});
  EXPECT_EQ(rocks.db.bytes_per_sync, uint64_t{1} << 20);
  // Not the WAL: group commit syncs it per group.
  EXPECT_EQ(rocks.db.wal_bytes_per_sync, 0u);
}

TEST_F(StoreTest, AProfileThatIsNotThereIsAnsweredByTheMemtableBloomFilter) {
  auto store = Store::Open(Options());
  ASSERT_TRUE(store.ok()) << store.status();
  rocksdb::DB* db = (*store)->db();
  rocksdb::ColumnFamilyHandle* profiles =
      (*store)->handles()[static_cast<std::size_t>(Cf::kProfiles)];
  ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), profiles, "present", "1").ok());
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableCount);
  rocksdb::get_perf_context()->Reset();
  std::string value;
  EXPECT_TRUE(db->Get(rocksdb::ReadOptions(), profiles, "absent", &value).IsNotFound());
  EXPECT_EQ(rocksdb::get_perf_context()->bloom_memtable_miss_count, 1u);
  ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), profiles, "present", &value).ok());
  EXPECT_EQ(value, "1");
  EXPECT_EQ(rocksdb::get_perf_context()->bloom_memtable_hit_count, 1u);
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
}

// The inbox is not on disk: a reopened store derives it from the profile records, so it holds
// exactly the positions of the last writes, whatever the moves in between were; a profile that
// does not decode is counted and left out, not a reason to refuse to open.
TEST_F(StoreTest, TheInboxIsRebuiltFromTheProfilesWhenTheStoreOpens) {
  const ThreadId moved{15550100000, 15551230001};
  const ThreadId closed{15550100000, 15551230002};
  const ThreadId garbage{15550100000, 15551230003};
  ProfileRecord open_unread;
  open_unread.state = ConversationState::kOpen;
  open_unread.unread = true;
  open_unread.last_activity_ms = 1'700'000'000'000;
  ProfileRecord later = open_unread;
  later.last_activity_ms += 60'000;
  ProfileRecord done = open_unread;
  done.state = ConversationState::kClosed;
  done.unread = false;
  const auto inbox = [](const Store& store, ConversationState state, bool unread) {
    std::vector<InboxKey> out;
    EXPECT_TRUE(store
                    .Scan(Cf::kInbox, InboxPrefix(state, unread), "",
                          [&](std::string_view key, std::string_view) {
                            out.push_back(*DecodeInboxKey(key));
                            return true;
                          })
                    .ok());
    return out;
  };
  std::vector<InboxKey> open_before;
  std::vector<InboxKey> closed_before;
  {
    auto store = Store::Open(Options());
    ASSERT_TRUE(store.ok()) << store.status();
    WriteSet first((*store)->handles());
    first.PutProfile(moved, nullptr, open_unread);
    first.PutProfile(closed, nullptr, open_unread);
    rocksdb::WriteBatch batch = first.Release();
    ASSERT_TRUE((*store)->Write(rocksdb::WriteOptions(), &batch).ok());
    WriteSet second((*store)->handles());
    second.PutProfile(moved, &open_unread, later);
    second.PutProfile(closed, &open_unread, done);
    batch = second.Release();
    const uint64_t version = (*store)->Version();
    ASSERT_TRUE((*store)->Write(rocksdb::WriteOptions(), &batch).ok());
    EXPECT_GT((*store)->Version(), version);
    open_before = inbox(**store, ConversationState::kOpen, true);
    closed_before = inbox(**store, ConversationState::kClosed, false);
    ASSERT_TRUE((*store)
                    ->db()
                    ->Put(rocksdb::WriteOptions(),
                          (*store)->handles()[static_cast<std::size_t>(Cf::kProfiles)],
                          ThreadKey(garbage), "\x01garbage")
                    .ok());
    EXPECT_EQ((*store)->inbox_unreadable(), 0u);
  }
  ASSERT_EQ(open_before.size(), 1u);
  EXPECT_EQ(open_before[0].thread, moved);
  EXPECT_EQ(open_before[0].activity_s, later.last_activity_ms / 1000);
  ASSERT_EQ(closed_before.size(), 1u);
  EXPECT_EQ(closed_before[0].thread, closed);

  auto reopened = Store::Open(Options());
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(inbox(**reopened, ConversationState::kOpen, true), open_before);
  EXPECT_EQ(inbox(**reopened, ConversationState::kClosed, false), closed_before);
  EXPECT_EQ((*reopened)->inbox_unreadable(), 1u);
  // Nothing of the inbox went to its RocksDB family.
  std::unique_ptr<rocksdb::Iterator> it((*reopened)->db()->NewIterator(
      rocksdb::ReadOptions(), (*reopened)->handles()[static_cast<std::size_t>(Cf::kInbox)]));
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
}

TEST_F(StoreTest, FamiliesWrittenPerMessageKeepTheirMemtableWhereARareOneSwitches) {
  StoreOptions options = Options();
  options.write_buffer_bytes = 16u << 20;  // per-message families: 4 MiB; the others: 1 MiB
  auto store = Store::Open(options);
  ASSERT_TRUE(store.ok()) << store.status();
  rocksdb::DB* db = (*store)->db();
  const std::string kib(1000, 'x');
  constexpr uint64_t kWrites = 2000;  // ~2 MiB
  const auto active_entries = [&](Cf cf) {
    rocksdb::ColumnFamilyHandle* handle = (*store)->handles()[static_cast<std::size_t>(cf)];
    for (uint64_t i = 0; i < kWrites; ++i) {
      EXPECT_TRUE(db->Put(rocksdb::WriteOptions(), handle, absl::StrCat("key-", i), kib).ok());
    }
    uint64_t entries = 0;
    EXPECT_TRUE(db->GetIntProperty(handle, "rocksdb.num-entries-active-mem-table", &entries));
    return entries;
  };
  // Each switch would start a new WAL file that a group commit waits for.
  for (Cf cf : {Cf::kProfiles, Cf::kMessages, Cf::kOutbox, Cf::kCarrierRefs, Cf::kParts}) {
    EXPECT_EQ(active_entries(cf), kWrites) << CfName(cf) << " switched its memtable";
  }
  EXPECT_LT(active_entries(Cf::kAudit), kWrites) << "a rarely written family got a large memtable";
}

TEST(PrefixSuccessorTest, IsTheSmallestKeyAfterThePrefixRange) {
  EXPECT_EQ(PrefixSuccessor("ab"), "ac");
  const std::string ff(1, '\xff');
  EXPECT_EQ(PrefixSuccessor("a" + ff), "b");
  EXPECT_EQ(PrefixSuccessor("\x01" + ff + ff), "\x02");
  EXPECT_EQ(PrefixSuccessor(ff + ff), "");
  EXPECT_EQ(PrefixSuccessor(""), "");
}

TEST_F(StoreTest, ScanSeesOnlyItsPrefixAmongDeletedAndNeighbouringKeys) {
  auto store = Store::Open(Options());
  ASSERT_TRUE(store.ok()) << store.status();
  rocksdb::DB* db = (*store)->db();
  rocksdb::ColumnFamilyHandle* parts = (*store)->handles()[static_cast<std::size_t>(Cf::kParts)];
  const rocksdb::WriteOptions write;
  const std::string ff(1, '\xff');
  const std::string prefix = "a" + ff;
  // Live keys before, inside (one at the prefix's 0xFF edge) and after the prefix; many deleted
  // keys inside it.
  for (const std::string& key : {"a" + std::string(1, '\xfe') + "1", prefix + "1", prefix + ff,
                                 std::string("b1"), std::string("a1")}) {
    ASSERT_TRUE(db->Put(write, parts, key, "v").ok());
  }
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(db->Put(write, parts, prefix + std::to_string(100 + i), "v").ok());
    ASSERT_TRUE(db->Delete(write, parts, prefix + std::to_string(100 + i)).ok());
  }
  std::vector<std::string> seen;
  auto visit = [&seen](std::string_view key, std::string_view) {
    seen.emplace_back(key);
    return true;
  };
  ASSERT_TRUE((*store)->Scan(Cf::kParts, prefix, "", visit).ok());
  EXPECT_EQ(seen, (std::vector<std::string>{prefix + "1", prefix + ff}));
  seen.clear();
  ASSERT_TRUE((*store)->Scan(Cf::kParts, "a", prefix, visit).ok());  // from a start key
  EXPECT_EQ(seen, (std::vector<std::string>{prefix + "1", prefix + ff}));
  seen.clear();
  ASSERT_TRUE((*store)->Scan(Cf::kParts, "", "", visit).ok());
  EXPECT_EQ(seen.size(), 5u);  // no prefix: everything
}

}  // namespace
}  // namespace confab::store
