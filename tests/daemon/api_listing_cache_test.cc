// The listing cache (daemon/api_listing_cache.h): pages by key and store version, bounded LRU.

#include "daemon/api_listing_cache.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace confab::api::conversations {
namespace {

std::shared_ptr<const std::string> Body(const std::string& text) {
  return std::make_shared<const std::string>(text);
}

TEST(ListingCacheTest, APageIsFoundOnlyAtTheVersionItWasBuiltAt) {
  ListingCache cache(4);
  EXPECT_EQ(cache.Find("open", 7), nullptr);
  cache.Insert("open", 7, Body("page at 7"));
  ASSERT_NE(cache.Find("open", 7), nullptr);
  EXPECT_EQ(*cache.Find("open", 7), "page at 7");
  EXPECT_EQ(cache.Find("open", 8), nullptr);    // the store moved on
  EXPECT_EQ(cache.Find("closed", 7), nullptr);  // another listing
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(cache.misses(), 3u);
}

TEST(ListingCacheTest, OfTwoBuildsOfOnePageTheNewerStays) {
  ListingCache cache(4);
  cache.Insert("open", 9, Body("page at 9"));
  cache.Insert("open", 8, Body("page at 8"));  // a slower request that read before the write
  EXPECT_EQ(cache.Find("open", 8), nullptr);
  ASSERT_NE(cache.Find("open", 9), nullptr);
  cache.Insert("open", 10, Body("page at 10"));
  ASSERT_NE(cache.Find("open", 10), nullptr);
  EXPECT_EQ(*cache.Find("open", 10), "page at 10");
}

TEST(ListingCacheTest, BeyondItsSizeTheLeastRecentlyUsedPageGoes) {
  ListingCache cache(2);
  cache.Insert("a", 1, Body("A"));
  cache.Insert("b", 1, Body("B"));
  ASSERT_NE(cache.Find("a", 1), nullptr);  // "a" is now the most recently used
  cache.Insert("c", 1, Body("C"));
  EXPECT_EQ(cache.Find("b", 1), nullptr);
  EXPECT_NE(cache.Find("a", 1), nullptr);
  EXPECT_NE(cache.Find("c", 1), nullptr);
}

TEST(ListingCacheTest, SizeZeroKeepsNothing) {
  ListingCache cache(0);
  cache.Insert("open", 1, Body("page"));
  EXPECT_EQ(cache.Find("open", 1), nullptr);
}

TEST(ListingCacheTest, CountsGoToTheRegistryWhenGiven) {
  metrics::Registry registry;
  ListingCache cache(2, &registry);
  cache.Insert("open", 1, Body("page"));
  (void)cache.Find("open", 1);
  (void)cache.Find("open", 2);
  const std::string text = registry.RenderPrometheus();
  EXPECT_NE(text.find("confab_api_listing_cache_total{result=\"hit\"} 1"), std::string::npos)
      << text;
  EXPECT_NE(text.find("confab_api_listing_cache_total{result=\"miss\"} 1"), std::string::npos)
      << text;
}

}  // namespace
}  // namespace confab::api::conversations
