// MO mix: deterministic for a seed, advertised proportions, keyword texts classify as keywords.

#include "bench/sim/mo_mix.h"

#include <set>
#include <string>
#include <utility>

#include "bench/sim/echo_daemon.h"
#include "gtest/gtest.h"
#include "smpp/segment.h"

namespace confab::sim {
namespace {

TEST(MoMixTest, SameSeedSameSequenceOtherSeedOtherSequence) {
  MoMix a({.seed = 9, .pool = 100, .brand_numbers = {"+15550100000", "+15550100001"}});
  MoMix b({.seed = 9, .pool = 100, .brand_numbers = {"+15550100000", "+15550100001"}});
  MoMix c({.seed = 10, .pool = 100, .brand_numbers = {"+15550100000", "+15550100001"}});
  int differ = 0;
  for (int i = 0; i < 1000; ++i) {
    MoSpec x = a.Next(), y = b.Next(), z = c.Next();
    ASSERT_EQ(x.source, y.source);
    ASSERT_EQ(x.destination, y.destination);
    ASSERT_EQ(x.text, y.text);
    differ += x.text != z.text || x.source != z.source;
  }
  EXPECT_GT(differ, 500);
}

TEST(MoMixTest, DistinctPerSenderNeverRepeatsATextFromOneSender) {
  MoMix mix({.seed = 3, .pool = 5, .distinct_per_sender = true});
  std::set<std::pair<std::string, std::string>> seen;
  int keywords = 0;
  for (int i = 0; i < 2000; ++i) {  // 400 per sender: far more than the distinct texts
    MoSpec spec = mix.Next();
    EXPECT_TRUE(seen.emplace(spec.source, spec.text).second) << spec.source << ": " << spec.text;
    keywords += spec.category != MoCategory::kConversation;
  }
  EXPECT_GT(keywords, 0);
}

// An open loop reserves its whole run: the set of sent texts must then never rehash mid-run.
TEST(MoMixTest, AReservedMixKeepsItsDistinctSetWithoutGrowingForTheWholeRun) {
  MoMix mix({.seed = 3, .pool = 1000, .distinct_per_sender = true});
  mix.Reserve(5000);
  const std::size_t reserved = mix.distinct_capacity();
  EXPECT_GE(reserved, 5000u);
  for (int i = 0; i < 5000; ++i) {
    mix.Next();
  }
  EXPECT_EQ(mix.distinct_capacity(), reserved);

  MoMix unreserved({.seed = 3, .pool = 1000, .distinct_per_sender = true});
  const std::size_t initial = unreserved.distinct_capacity();
  for (int i = 0; i < 5000; ++i) {
    unreserved.Next();
  }
  EXPECT_GT(unreserved.distinct_capacity(), initial) << "without Reserve the set grows as it goes";
}

TEST(MoMixTest, ProportionsAreAsAdvertised) {
  MoMix mix({.seed = 1, .pool = 500, .brand_numbers = {"+15550100000"}});
  const int n = 100'000;
  int category[kMoCategoryCount] = {};
  int url = 0, spanish = 0, long_text = 0, ucs2 = 0, two_or_three_parts = 0;
  std::set<std::string> sources;
  for (int i = 0; i < n; ++i) {
    MoSpec s = mix.Next();
    ++category[static_cast<int>(s.category)];
    sources.insert(s.source);
    if (s.category != MoCategory::kConversation) {
      // Every keyword text is a keyword of its category by the stand-in's reading.
      ASSERT_EQ(KeywordCategory(s.text), MoCategoryName(s.category)) << s.text;
      continue;
    }
    ASSERT_EQ(KeywordCategory(s.text), "") << s.text;
    url += s.has_url;
    spanish += s.spanish;
    long_text += s.long_text;
    smpp::TextAnalysis a = smpp::AnalyzeText(s.text);
    ucs2 += a.encoding == smpp::TextEncoding::kUcs2;
    if (s.long_text) {
      two_or_three_parts += a.segments == 2 || a.segments == 3;
    }
  }
  auto share = [&](int count, int of) { return static_cast<double>(count) / of; };
  EXPECT_NEAR(share(category[0], n), 0.10, 0.02);
  EXPECT_NEAR(share(category[1], n), 0.05, 0.02);
  EXPECT_NEAR(share(category[2], n), 0.05, 0.02);
  EXPECT_NEAR(share(category[3], n), 0.80, 0.02);
  const int conv = category[3];
  EXPECT_NEAR(share(url, conv), 0.15, 0.02);
  EXPECT_NEAR(share(spanish, conv), 0.15, 0.02);
  EXPECT_NEAR(share(long_text, conv), 0.10, 0.02);
  EXPECT_EQ(ucs2, spanish);                  // accents -> UCS-2
  EXPECT_EQ(two_or_three_parts, long_text);  // long means 2-3 parts
  EXPECT_EQ(sources.size(), 500u);
}

}  // namespace
}  // namespace confab::sim
