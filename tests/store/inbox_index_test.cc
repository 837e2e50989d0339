#include "store/inbox_index.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rocksdb/write_batch.h"

namespace confab::store {
namespace {

constexpr uint64_t kBrand = 15550100000;

InboxKey Position(uint64_t profile, uint32_t activity_s, bool unread = true,
                  ConversationState state = ConversationState::kOpen) {
  return InboxKey{state, unread, activity_s, ThreadId{kBrand, profile}};
}

std::vector<std::string> ScanAll(const InboxIndex& index, std::string_view prefix,
                                 std::string_view start = "") {
  std::vector<std::string> out;
  index.Scan(prefix, start, [&](std::string_view key, std::string_view value) {
    EXPECT_TRUE(value.empty());
    out.emplace_back(key);
    return true;
  });
  return out;
}

TEST(InboxIndexTest, MovesAreAppliedInTheirBatchOrderAndOtherLogDataIsIgnored) {
  InboxIndex index;
  rocksdb::WriteBatch batch;
  ASSERT_TRUE(batch.PutLogData(EncodeInboxMove(std::nullopt, Position(1, 100))).ok());
  ASSERT_TRUE(batch.PutLogData("another writer's note").ok());
  ASSERT_TRUE(batch.Put("key", "value").ok());
  ASSERT_TRUE(batch.PutLogData(EncodeInboxMove(Position(1, 100), Position(1, 200))).ok());
  ASSERT_TRUE(batch.PutLogData(EncodeInboxMove(std::nullopt, Position(2, 150))).ok());
  // Back into a bucket it left in the same batch: the order of the steps decides.
  ASSERT_TRUE(batch.PutLogData(EncodeInboxMove(Position(2, 150), Position(2, 151))).ok());
  ASSERT_TRUE(batch.PutLogData(EncodeInboxMove(Position(2, 151), Position(2, 150))).ok());
  const uint64_t before = index.generation();
  index.Apply(batch);
  EXPECT_GT(index.generation(), before);
  const std::string open_unread = InboxPrefix(ConversationState::kOpen, true);
  // Newest activity first: ~activity in the key.
  EXPECT_EQ(ScanAll(index, open_unread),
            (std::vector<std::string>{EncodeInboxKey(Position(1, 200)),
                                      EncodeInboxKey(Position(2, 150))}));

  rocksdb::WriteBatch close;
  ASSERT_TRUE(
      close
          .PutLogData(EncodeInboxMove(
              Position(1, 200), Position(1, 200, /*unread=*/false, ConversationState::kClosed)))
          .ok());
  index.Apply(close);
  EXPECT_EQ(ScanAll(index, open_unread),
            std::vector<std::string>{EncodeInboxKey(Position(2, 150))});
  EXPECT_EQ(ScanAll(index, InboxPrefix(ConversationState::kClosed, false)),
            std::vector<std::string>{
                EncodeInboxKey(Position(1, 200, false, ConversationState::kClosed))});
  EXPECT_EQ(index.size(), 2u);
}

TEST(InboxIndexTest, ABatchWithoutMovesLeavesTheGenerationAlone) {
  InboxIndex index;
  rocksdb::WriteBatch batch;
  ASSERT_TRUE(batch.Put("key", "value").ok());
  ASSERT_TRUE(batch.PutLogData("not a move").ok());
  const uint64_t before = index.generation();
  index.Apply(batch);
  EXPECT_EQ(index.generation(), before);
  EXPECT_EQ(index.size(), 0u);
}

TEST(InboxIndexTest, MalformedMovesAreNotInboxMoves) {
  int steps = 0;
  const auto count = [&](const InboxStep&) { ++steps; };
  const std::string good = EncodeInboxMove(Position(1, 1), Position(1, 2));
  EXPECT_TRUE(DecodeInboxMove(good, count));
  EXPECT_EQ(steps, 2);
  steps = 0;
  EXPECT_FALSE(DecodeInboxMove("", count));
  EXPECT_FALSE(DecodeInboxMove(good.substr(0, good.size() - 1), count));  // truncated key
  std::string bad_kind = good;
  bad_kind[1] = 7;
  EXPECT_FALSE(DecodeInboxMove(bad_kind, count));
  std::string other_tag = good;
  other_tag[0] = 'x';
  EXPECT_FALSE(DecodeInboxMove(other_tag, count));
  EXPECT_EQ(steps, 0) << "a malformed blob yields no step at all";
}

// Scans copy keys out a chunk at a time; a scan over several chunks must see every key once, in
// order, from its start key on, and stop where the visitor says.
TEST(InboxIndexTest, AScanAcrossChunksSeesEveryKeyOnceFromItsStart) {
  InboxIndex index;
  std::vector<std::string> expected;
  for (uint32_t i = 0; i < 1000; ++i) {
    const std::string key = EncodeInboxKey(Position(1000 + i, 5000 - i));
    ASSERT_TRUE(index.Insert(key));
    expected.push_back(key);
  }
  ASSERT_TRUE(index.Insert(EncodeInboxKey(Position(1, 1, /*unread=*/false))));  // other prefix
  EXPECT_FALSE(index.Insert("short"));
  const std::string prefix = InboxPrefix(ConversationState::kOpen, true);
  EXPECT_EQ(ScanAll(index, prefix), expected);
  EXPECT_EQ(ScanAll(index, prefix, expected[300]),
            std::vector<std::string>(expected.begin() + 300, expected.end()));
  // A start longer than a key begins after the key it extends.
  EXPECT_EQ(ScanAll(index, prefix, expected[300] + "x"),
            std::vector<std::string>(expected.begin() + 301, expected.end()));
  std::size_t visited = 0;
  index.Scan(prefix, "", [&](std::string_view, std::string_view) { return ++visited < 200; });
  EXPECT_EQ(visited, 200u);
}

}  // namespace
}  // namespace confab::store
