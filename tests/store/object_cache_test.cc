#include "store/object_cache.h"

#include <string>

#include "gtest/gtest.h"

namespace confab::store {
namespace {

struct Record {
  std::string text;
  int number = 0;
};

TEST(ObjectCacheTest, AnswersWithACopyOfWhatWasInsertedAndMissesWhatWasNot) {
  ObjectCache<Record> cache(1 << 20);
  cache.Insert("alice", Record{"hello", 1}, sizeof(Record));
  std::optional<Record> found = cache.Lookup("alice");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->text, "hello");
  EXPECT_EQ(found->number, 1);
  found->text = "changed";  // a copy: the cached record stays as it was
  EXPECT_EQ(cache.Lookup("alice")->text, "hello");
  EXPECT_FALSE(cache.Lookup("bob"));
}

TEST(ObjectCacheTest, InsertReplacesEraseAndClearForget) {
  ObjectCache<Record> cache(1 << 20);
  cache.Insert("alice", Record{"old", 1}, sizeof(Record));
  cache.Insert("alice", Record{"new", 2}, sizeof(Record));
  EXPECT_EQ(cache.Lookup("alice")->text, "new");
  cache.Insert("bob", Record{"b", 3}, sizeof(Record));
  cache.Erase("alice");
  EXPECT_FALSE(cache.Lookup("alice"));
  EXPECT_TRUE(cache.Lookup("bob"));
  cache.Clear();
  EXPECT_FALSE(cache.Lookup("bob"));
  EXPECT_EQ(cache.usage(), 0u);
}

TEST(ObjectCacheTest, StaysWithinItsCapacityByEvictingTheLeastRecentlyUsed) {
  constexpr std::size_t kCapacity = 64 << 10;
  ObjectCache<Record> cache(kCapacity);
  for (int i = 0; i < 10000; ++i) {
    cache.Insert("key" + std::to_string(i), Record{"x", i}, 100);
  }
  EXPECT_LE(cache.usage(), kCapacity);
  EXPECT_FALSE(cache.Lookup("key0"));    // the oldest went
  EXPECT_TRUE(cache.Lookup("key9999"));  // the newest stayed
}

TEST(ObjectCacheTest, ACacheOfZeroBytesHoldsNothing) {
  ObjectCache<Record> cache(0);
  cache.Insert("alice", Record{"hello", 1}, sizeof(Record));
  EXPECT_FALSE(cache.Lookup("alice"));
  EXPECT_EQ(cache.usage(), 0u);
  cache.Erase("alice");
  cache.Clear();
}

}  // namespace
}  // namespace confab::store
