#include "store/group_sort.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "rocksdb/db.h"
#include "store/memory_store.h"
#include "store/reader.h"
#include "store/write_set.h"

namespace confab::store {
namespace {

// Lists a batch's records as "cf:op:key[=value]".
class Lister final : public rocksdb::WriteBatch::Handler {
 public:
  rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    out.push_back(std::to_string(cf) + ":put:" + key.ToString() + "=" + value.ToString());
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(uint32_t cf, const rocksdb::Slice& key) override {
    out.push_back(std::to_string(cf) + ":del:" + key.ToString());
    return rocksdb::Status::OK();
  }
  rocksdb::Status MergeCF(uint32_t cf, const rocksdb::Slice& key,
                          const rocksdb::Slice& value) override {
    out.push_back(std::to_string(cf) + ":merge:" + key.ToString() + "=" + value.ToString());
    return rocksdb::Status::OK();
  }
  std::vector<std::string> out;
};

std::vector<std::string> List(const rocksdb::WriteBatch& batch) {
  Lister lister;
  EXPECT_TRUE(batch.Iterate(&lister).ok());
  return lister.out;
}

TEST(GroupSortTest, OrdersByFamilyThenKeyAndKeepsSubmissionOrderPerKey) {
  MemoryStore store;  // only for its handles (ids)
  auto* profiles = store.handles()[static_cast<std::size_t>(Cf::kProfiles)];
  auto* inbox = store.handles()[static_cast<std::size_t>(Cf::kInbox)];
  rocksdb::WriteBatch group;
  ASSERT_TRUE(group.Put(inbox, "b", "1").ok());
  ASSERT_TRUE(group.Put(profiles, "k", "first").ok());
  ASSERT_TRUE(group.Delete(inbox, "a").ok());
  ASSERT_TRUE(group.Delete(profiles, "k").ok());
  ASSERT_TRUE(group.Put(profiles, "a", "x").ok());
  ASSERT_TRUE(group.Put(profiles, "k", "last").ok());
  ASSERT_TRUE(group.Merge(inbox, "a", "m").ok());
  rocksdb::WriteBatch sorted;
  ASSERT_TRUE(SortGroup({&group}, sorted));
  const std::string p = std::to_string(profiles->GetID());
  const std::string i = std::to_string(inbox->GetID());
  EXPECT_EQ(List(sorted), (std::vector<std::string>{p + ":put:a=x", p + ":put:k=first",
                                                    p + ":del:k", p + ":put:k=last", i + ":del:a",
                                                    i + ":merge:a=m", i + ":put:b=1"}));
  EXPECT_EQ(sorted.Count(), group.Count());
}

TEST(GroupSortTest, BatchesSortTogetherKeepingTheirOrderForOneKey) {
  MemoryStore store;
  auto* profiles = store.handles()[static_cast<std::size_t>(Cf::kProfiles)];
  auto* inbox = store.handles()[static_cast<std::size_t>(Cf::kInbox)];
  rocksdb::WriteBatch first;
  ASSERT_TRUE(first.Put(profiles, "k", "first").ok());
  ASSERT_TRUE(first.Put(inbox, "b", "1").ok());
  rocksdb::WriteBatch second;
  ASSERT_TRUE(second.Delete(profiles, "k").ok());
  ASSERT_TRUE(second.Put(profiles, "a", "x").ok());
  rocksdb::WriteBatch third;
  ASSERT_TRUE(third.Put(profiles, "k", "last").ok());
  rocksdb::WriteBatch sorted;
  ASSERT_TRUE(SortGroup({&first, &second, &third}, sorted));
  const std::string p = std::to_string(profiles->GetID());
  const std::string i = std::to_string(inbox->GetID());
  EXPECT_EQ(List(sorted),
            (std::vector<std::string>{p + ":put:a=x", p + ":put:k=first", p + ":del:k",
                                      p + ":put:k=last", i + ":put:b=1"}));
  EXPECT_EQ(sorted.Count(), 5u);
}

TEST(GroupSortTest, AGroupWithARangeDeleteIsLeftAsItIs) {
  MemoryStore store;
  auto* timers = store.handles()[static_cast<std::size_t>(Cf::kTimers)];
  rocksdb::WriteBatch group;
  ASSERT_TRUE(group.Put(timers, "b", "1").ok());
  ASSERT_TRUE(group.DeleteRange(timers, "a", "c").ok());
  rocksdb::WriteBatch sorted;
  ASSERT_TRUE(sorted.Put(timers, "untouched", "").ok());
  EXPECT_FALSE(SortGroup({&group}, sorted));
  EXPECT_EQ(sorted.Count(), 1u);
}

TEST(GroupSortTest, SortedAndUnsortedGroupsLeaveTheSameStore) {
  MemoryStore plain;
  MemoryStore sorted_store;
  auto stage = [](const MemoryStore& store) {
    WriteSet set(store.handles());
    for (uint64_t i = 0; i < 50; ++i) {
      const ThreadId thread{1, (i * 37) % 11};  // repeats: several MOs per thread
      ProfileRecord before;
      before.state = ConversationState::kOpen;
      before.last_activity_ms = i * 1000;
      ProfileRecord after = before;
      after.last_activity_ms = (i + 1) * 1000;
      after.next_message_seq = static_cast<uint32_t>(i);
      set.PutProfile(thread, i == 0 ? nullptr : &before, after);
      set.PutMessage({thread, static_cast<uint32_t>(i)}, MessageRecord{});
      set.AddClick("Ab3dE6gH", i, static_cast<uint32_t>(i), {i % 2 == 0, "UA"});
    }
    return set.Release();
  };
  rocksdb::WriteBatch group = stage(plain);
  ASSERT_TRUE(plain.Apply(group).ok());
  rocksdb::WriteBatch to_sort = stage(sorted_store);
  rocksdb::WriteBatch sorted;
  ASSERT_TRUE(SortGroup({&to_sort}, sorted));
  ASSERT_TRUE(sorted_store.Apply(sorted).ok());
  for (std::size_t cf = 0; cf < kCfCount; ++cf) {
    std::vector<std::pair<std::string, std::string>> a;
    std::vector<std::pair<std::string, std::string>> b;
    ASSERT_TRUE(plain
                    .Scan(static_cast<Cf>(cf), "", "",
                          [&](std::string_view k, std::string_view v) {
                            a.emplace_back(k, v);
                            return true;
                          })
                    .ok());
    ASSERT_TRUE(sorted_store
                    .Scan(static_cast<Cf>(cf), "", "",
                          [&](std::string_view k, std::string_view v) {
                            b.emplace_back(k, v);
                            return true;
                          })
                    .ok());
    EXPECT_EQ(a, b) << CfName(static_cast<Cf>(cf));
  }
  EXPECT_EQ(*StoreReader(sorted_store).GetClickCounts("Ab3dE6gH"), (ClickCounts{25, 25}));
}

}  // namespace
}  // namespace confab::store
