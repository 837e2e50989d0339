// Histogram: percentiles within 1% of a sorted reference, bucket bounds, merge.

#include "bench/sim/histogram.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "gtest/gtest.h"

namespace confab::sim {
namespace {

uint64_t Reference(const std::vector<uint64_t>& sorted, double q) {
  std::size_t rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

TEST(HistogramTest, PercentilesMatchASortedReferenceWithinOnePercent) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(11.0, 1.5);  // ~60 µs median, long tail, in ns
  std::vector<uint64_t> values;
  Histogram h;
  for (int i = 0; i < 200'000; ++i) {
    values.push_back(static_cast<uint64_t>(dist(rng)));
    h.Record(values.back());
  }
  std::sort(values.begin(), values.end());
  for (double q : {0.0, 0.5, 0.9, 0.99, 0.999, 1.0}) {
    const double ref = static_cast<double>(Reference(values, q));
    EXPECT_NEAR(static_cast<double>(h.Percentile(q)), ref, ref * 0.01 + 1) << "q=" << q;
  }
  EXPECT_EQ(h.count(), values.size());
  EXPECT_EQ(h.max(), values.back());
  EXPECT_EQ(h.min(), values.front());
}

TEST(HistogramTest, EveryValueFallsInsideItsBucket) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100'000; ++i) {
    const uint64_t v = rng() >> (rng() % 64);
    const std::size_t index = Histogram::IndexOf(v);
    ASSERT_LT(index, Histogram::kBuckets);
    EXPECT_LE(Histogram::LowOf(index), v);
    EXPECT_GE(Histogram::HighOf(index), v);
    // Relative width below 1/128: the precision the header promises.
    EXPECT_LE(static_cast<double>(Histogram::HighOf(index) - Histogram::LowOf(index)),
              static_cast<double>(Histogram::LowOf(index)) / 128.0 + 1);
  }
  EXPECT_LT(Histogram::IndexOf(UINT64_MAX), Histogram::kBuckets);
}

TEST(HistogramTest, MergeEqualsRecordingEverythingInOne) {
  std::mt19937_64 rng(3);
  Histogram a, b, all;
  for (int i = 0; i < 10'000; ++i) {
    const uint64_t v = rng() % 10'000'000;
    (i % 3 == 0 ? a : b).Record(v);
    all.Record(v);
  }
  a.Merge(b);
  EXPECT_EQ(a.count(), all.count());
  for (double q : {0.1, 0.5, 0.99, 0.999}) {
    EXPECT_EQ(a.Percentile(q), all.Percentile(q));
  }
  EXPECT_EQ(a.max(), all.max());
  EXPECT_EQ(a.min(), all.min());
}

TEST(HistogramTest, EmptyAndSmallValues) {
  Histogram h;
  EXPECT_EQ(h.Percentile(0.5), 0u);
  h.Record(3);
  h.Record(5);
  EXPECT_EQ(h.Percentile(0.5), 3u);  // exact below 256
  EXPECT_EQ(h.Percentile(1.0), 5u);
  EXPECT_EQ(h.Buckets().size(), 2u);
}

}  // namespace
}  // namespace confab::sim
