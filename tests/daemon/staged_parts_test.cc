// The decider's part store (daemon/staged_parts.h): what the timer pass finds as incomplete
// messages, across staged, committed, erased and restarted states, with one scan of the family.

#include "daemon/staged_parts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "store/memory_store.h"

namespace confab::pipeline {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// The store, counting the scans of the whole parts family (a message's own parts are read by a
// scan of its prefix; those are not counted).
class CountingSource final : public store::KvSource {
 public:
  explicit CountingSource(const store::MemoryStore& store) : store_(store) {}
  absl::StatusOr<std::optional<std::string>> Get(store::Cf cf,
                                                 std::string_view key) const override {
    return store_.Get(cf, key);
  }
  absl::Status Scan(
      store::Cf cf, std::string_view prefix, std::string_view start,
      absl::FunctionRef<bool(std::string_view key, std::string_view value)> visit) const override {
    parts_scans += cf == store::Cf::kParts && prefix.empty();
    message_scans += cf == store::Cf::kParts && !prefix.empty();
    return store_.Scan(cf, prefix, start, visit);
  }
  uint64_t Version() const override { return store_.Version(); }
  mutable int parts_scans = 0;    // the whole family
  mutable int message_scans = 0;  // one message's parts

 private:
  const store::MemoryStore& store_;
};

smpp::WallTime At(int64_t ms) { return smpp::WallTime(std::chrono::milliseconds(ms)); }

smpp::PartKey Key(uint64_t profile, uint16_t ref, bool ref16 = false) {
  return MakePartKey({15550100000, profile}, {ref, 3, 1, ref16});
}

smpp::StoredPart Part(uint8_t seq, int64_t at_ms) {
  smpp::StoredPart part;
  part.seq = seq;
  part.payload = {'x'};
  part.received_at = At(at_ms);
  return part;
}

class StagedPartsTest : public ::testing::Test {
 protected:
  // Runs `stage` as group `id` and commits it (Retire), as the decider does.
  template <typename Stage>
  void Commit(StagedPartStore& parts, uint64_t id, Stage stage) {
    store::WriteSet writes(store_.handles());
    const std::vector<std::string> touched = StageOnly(parts, id, writes, stage);
    ASSERT_TRUE(store_.Apply(writes.Release()).ok());
    parts.Retire(id, touched);
  }
  // Runs `stage` as group `id` into `writes`, not committed; the keys it touched.
  template <typename Stage>
  static std::vector<std::string> StageOnly(StagedPartStore& parts, uint64_t id,
                                            store::WriteSet& writes, Stage stage) {
    parts.Bind(&writes, id);
    stage(parts);
    return parts.TakeTouched();
  }
  // The profiles of the messages whose first part came by `ms`.
  static std::vector<std::string> Due(StagedPartStore& parts, int64_t ms) {
    absl::StatusOr<std::vector<smpp::PartKey>> keys = parts.KeysFirstReceivedBy(At(ms));
    EXPECT_TRUE(keys.ok()) << keys.status();
    std::vector<std::string> out;
    for (const smpp::PartKey& key : keys.value_or(std::vector<smpp::PartKey>())) {
      out.push_back(key.source + (key.ref16 ? "/16" : ""));
    }
    return out;
  }

  store::MemoryStore store_;
  CountingSource source_{store_};
};

TEST_F(StagedPartsTest, IncompleteMessagesFollowCommitsWithOneScanOfTheFamily) {
  StagedPartStore parts(source_);
  Commit(parts, 1, [](StagedPartStore& p) { ASSERT_TRUE(p.Put(Key(1, 7), Part(1, 1000)).ok()); });
  EXPECT_THAT(Due(parts, 999), IsEmpty());
  EXPECT_THAT(Due(parts, 1000), ElementsAre("1"));
  // Completed (erased) and a new one started, 16-bit reference, in one group.
  Commit(parts, 2, [](StagedPartStore& p) {
    ASSERT_TRUE(p.Erase(Key(1, 7)).ok());
    ASSERT_TRUE(p.Put(Key(2, 300, true), Part(2, 2000)).ok());
  });
  EXPECT_THAT(Due(parts, 5000), ElementsAre("2/16"));
  // A later part does not move the first one's time.
  Commit(parts, 3,
         [](StagedPartStore& p) { ASSERT_TRUE(p.Put(Key(2, 300, true), Part(3, 4000)).ok()); });
  EXPECT_THAT(Due(parts, 2000), ElementsAre("2/16"));
  // Staged, not yet durable: seen; forgotten with a failed commit.
  store::WriteSet writes(store_.handles());
  parts.Bind(&writes, 4);
  ASSERT_TRUE(parts.Put(Key(3, 9), Part(1, 3000)).ok());
  EXPECT_THAT(Due(parts, 5000), UnorderedElementsAre("2/16", "3"));
  EXPECT_EQ(source_.parts_scans, 1);
  parts.Clear();  // read from the store again after a failed commit
  EXPECT_THAT(Due(parts, 5000), ElementsAre("2/16"));
  EXPECT_EQ(source_.parts_scans, 2);
}

TEST_F(StagedPartsTest, AStoreWithPartsFromBeforeARestartIsReadOnce) {
  {
    StagedPartStore before(source_);
    Commit(before, 1, [](StagedPartStore& p) {
      ASSERT_TRUE(p.Put(Key(1, 7), Part(1, 1000)).ok());
      ASSERT_TRUE(p.Put(Key(2, 8, true), Part(2, 1500)).ok());
    });
  }
  source_.parts_scans = 0;
  StagedPartStore after(source_);
  EXPECT_THAT(Due(after, 1200), ElementsAre("1"));
  Commit(after, 1, [](StagedPartStore& p) { ASSERT_TRUE(p.Erase(Key(1, 7)).ok()); });
  EXPECT_THAT(Due(after, 2000), ElementsAre("2/16"));
  EXPECT_EQ(source_.parts_scans, 1);
}

TEST_F(StagedPartsTest, APrefixTouchedByTwoGroupsIsCountedWhenTheLaterOneCommits) {
  StagedPartStore parts(source_);
  EXPECT_THAT(Due(parts, 0), IsEmpty());  // the index exists from here on
  store::WriteSet first(store_.handles());
  const std::vector<std::string> first_keys = StageOnly(parts, 1, first, [](StagedPartStore& p) {
    ASSERT_TRUE(p.Put(Key(1, 7), Part(1, 1000)).ok());
  });
  store::WriteSet second(store_.handles());
  const std::vector<std::string> second_keys =
      StageOnly(parts, 2, second, [](StagedPartStore& p) { ASSERT_TRUE(p.Erase(Key(1, 7)).ok()); });
  ASSERT_TRUE(store_.Apply(first.Release()).ok());
  parts.Retire(1, first_keys);  // group 2 still holds the prefix: its erase is still staged
  EXPECT_THAT(Due(parts, 5000), IsEmpty());
  ASSERT_TRUE(store_.Apply(second.Release()).ok());
  parts.Retire(2, second_keys);
  EXPECT_THAT(Due(parts, 5000), IsEmpty());
}

TEST_F(StagedPartsTest, AfterAFailedCommitAnEarlierCommittedGroupIsStillFound) {
  StagedPartStore parts(source_);
  EXPECT_THAT(Due(parts, 0), IsEmpty());
  store::WriteSet first(store_.handles());
  const std::vector<std::string> first_keys = StageOnly(parts, 1, first, [](StagedPartStore& p) {
    ASSERT_TRUE(p.Put(Key(1, 7), Part(1, 1000)).ok());
  });
  store::WriteSet second(store_.handles());
  StageOnly(parts, 2, second,
            [](StagedPartStore& p) { ASSERT_TRUE(p.Put(Key(1, 7), Part(2, 1100)).ok()); });
  ASSERT_TRUE(store_.Apply(first.Release()).ok());
  parts.Retire(1, first_keys);  // the prefix's entry now belongs to group 2
  parts.Clear();                // group 2 failed
  EXPECT_THAT(Due(parts, 5000), ElementsAre("1"));
}

TEST_F(StagedPartsTest, OnlyAMessageWithDurablePartsIsReadFromTheStore) {
  StagedPartStore parts(source_);
  Commit(parts, 1, [](StagedPartStore& p) { ASSERT_TRUE(p.Put(Key(1, 7), Part(1, 1000)).ok()); });
  EXPECT_EQ(source_.message_scans, 0);  // its first part: nothing stored to read
  std::vector<smpp::StoredPart> both;
  Commit(parts, 2, [&both](StagedPartStore& p) {
    ASSERT_TRUE(p.Put(Key(1, 7), Part(2, 1100)).ok());
    absl::StatusOr<std::vector<smpp::StoredPart>> all = p.GetAll(Key(1, 7));
    ASSERT_TRUE(all.ok());
    both = *all;
  });
  EXPECT_EQ(both.size(), 2u);  // the stored first part and the staged second
  EXPECT_GE(source_.message_scans, 1);
}

TEST_F(StagedPartsTest, AnUndecodableEntryIsLeftOutAndTheOthersStillExpire) {
  {
    store::WriteSet writes(store_.handles());
    writes.batch().Put(store_.handles()[static_cast<std::size_t>(store::Cf::kParts)], "garbage",
                       "x");
    ASSERT_TRUE(store_.Apply(writes.Release()).ok());
  }
  StagedPartStore parts(source_);
  Commit(parts, 1, [](StagedPartStore& p) { ASSERT_TRUE(p.Put(Key(1, 7), Part(1, 1000)).ok()); });
  EXPECT_THAT(Due(parts, 2000), ElementsAre("1"));
}

}  // namespace
}  // namespace confab::pipeline
