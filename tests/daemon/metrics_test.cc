// The metrics registry: exact Prometheus text for each type, escaping, identity of series,
// histogram bucket edges and exact sums under concurrent updates.

#include "daemon/metrics.h"

#include <cmath>
#include <limits>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace confab::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MetricsTest, RendersCountersWithAndWithoutLabels) {
  Registry registry;
  registry.GetCounter("confab_binds_total", "Binds that succeeded.").Add(3);
  registry.GetCounter("confab_mo_total", "MOs received.", {{"carrier", "a"}}).Add();
  registry.GetCounter("confab_mo_total", "MOs received.", {{"carrier", "b"}}).Add(2);
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP confab_binds_total Binds that succeeded.\n"
            "# TYPE confab_binds_total counter\n"
            "confab_binds_total 3\n"
            "# HELP confab_mo_total MOs received.\n"
            "# TYPE confab_mo_total counter\n"
            "confab_mo_total{carrier=\"a\"} 1\n"
            "confab_mo_total{carrier=\"b\"} 2\n");
}

TEST(MetricsTest, RendersGaugesAndCallbacks) {
  Registry registry;
  Gauge& gauge = registry.GetGauge("confab_queue", "Queued items.");
  gauge.Set(10);
  gauge.Add(-12);
  EXPECT_EQ(gauge.value(), -2);
  double rtt = 0.25;
  registry.AddGaugeCallback("confab_rtt_seconds", "Last RTT.", {{"bind", "0"}},
                            [&rtt] { return rtt; });
  registry.AddGaugeCallback("confab_rtt_seconds", "Last RTT.", {{"bind", "1"}},
                            [] { return std::numeric_limits<double>::infinity(); });
  const std::string expected_head =
      "# HELP confab_queue Queued items.\n"
      "# TYPE confab_queue gauge\n"
      "confab_queue -2\n"
      "# HELP confab_rtt_seconds Last RTT.\n"
      "# TYPE confab_rtt_seconds gauge\n";
  EXPECT_EQ(registry.RenderPrometheus(), expected_head +
                                             "confab_rtt_seconds{bind=\"0\"} 0.25\n"
                                             "confab_rtt_seconds{bind=\"1\"} +Inf\n");
  rtt = 1e-5;  // read at scrape time, not at registration
  EXPECT_THAT(registry.RenderPrometheus(), HasSubstr("confab_rtt_seconds{bind=\"0\"} 1e-05\n"));
  // Registering the same labels again replaces the callback.
  registry.AddGaugeCallback("confab_rtt_seconds", "Last RTT.", {{"bind", "0"}}, [] { return 3; });
  EXPECT_THAT(registry.RenderPrometheus(), HasSubstr("confab_rtt_seconds{bind=\"0\"} 3\n"));
}

TEST(MetricsTest, RendersHistogramsCumulativeWithSumAndCount) {
  Registry registry;
  Histogram& h =
      registry.GetHistogram("confab_commit_seconds", "Commit latency.", {0.25, 0.5}, {{"db", "x"}});
  h.Observe(0.125);
  h.Observe(0.25);
  h.Observe(0.375);
  h.Observe(2);
  EXPECT_EQ(h.count(), 4u);
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP confab_commit_seconds Commit latency.\n"
            "# TYPE confab_commit_seconds histogram\n"
            "confab_commit_seconds_bucket{db=\"x\",le=\"0.25\"} 2\n"
            "confab_commit_seconds_bucket{db=\"x\",le=\"0.5\"} 3\n"
            "confab_commit_seconds_bucket{db=\"x\",le=\"+Inf\"} 4\n"
            "confab_commit_seconds_sum{db=\"x\"} 2.75\n"
            "confab_commit_seconds_count{db=\"x\"} 4\n");
}

TEST(MetricsTest, HistogramBucketEdgesFollowLeSemantics) {
  Histogram h({1.0, 2.0, 5.0});
  h.Observe(1.0);                       // == bound: that bucket
  h.Observe(std::nextafter(1.0, 2.0));  // just above: the next one
  h.Observe(2.0);
  h.Observe(5.0);
  h.Observe(std::nextafter(5.0, 6.0));  // above the last bound: +Inf only
  h.Observe(-3.0);                      // below the first bound: the first bucket
  h.Observe(std::nan(""));              // NaN: +Inf only
  EXPECT_EQ(h.bucket(0), 2u);
  EXPECT_EQ(h.bucket(1), 2u);
  EXPECT_EQ(h.bucket(2), 1u);
  EXPECT_EQ(h.bucket(3), 2u);
  EXPECT_EQ(h.count(), 7u);
}

TEST(MetricsTest, HistogramBoundsAreSortedAndDeduplicated) {
  Histogram h({5.0, 1.0, 5.0, std::numeric_limits<double>::infinity(), 2.0});
  EXPECT_EQ(h.bounds(), (std::vector<double>{1.0, 2.0, 5.0}));
}

TEST(MetricsTest, LatencyBucketsSpanTenMicrosecondsToTenSecondsAndPrintExactly) {
  std::vector<double> buckets = LatencyBuckets();
  ASSERT_FALSE(buckets.empty());
  EXPECT_EQ(buckets.front(), 1e-5);
  EXPECT_EQ(buckets.back(), 10.0);
  EXPECT_TRUE(std::is_sorted(buckets.begin(), buckets.end()));
  Registry registry;
  registry.GetHistogram("lat_seconds", "Latency.", buckets);
  std::string text = registry.RenderPrometheus();
  EXPECT_THAT(text, HasSubstr("lat_seconds_bucket{le=\"2e-05\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("lat_seconds_bucket{le=\"0.2\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("lat_seconds_bucket{le=\"10\"} 0\n"));
  EXPECT_THAT(text, Not(HasSubstr("000000001")));  // no float noise in any bound
}

TEST(MetricsTest, EscapesLabelValuesAndHelp) {
  Registry registry;
  registry.GetCounter("c_total", "Line one\nback\\slash \"quoted\"", {{"v", "a\\b\"c\nd"}});
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP c_total Line one\\nback\\\\slash \"quoted\"\n"
            "# TYPE c_total counter\n"
            "c_total{v=\"a\\\\b\\\"c\\nd\"} 0\n");
}

TEST(MetricsTest, SameNameAndLabelsReturnTheSameObject) {
  Registry registry;
  Counter& a = registry.GetCounter("x_total", "X.", {{"k", "1"}, {"j", "2"}});
  Counter& b = registry.GetCounter("x_total", "X.", {{"j", "2"}, {"k", "1"}});  // order ignored
  Counter& c = registry.GetCounter("x_total", "X.", {{"k", "2"}, {"j", "2"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
  Histogram& h1 = registry.GetHistogram("h", "H.", {1.0});
  Histogram& h2 = registry.GetHistogram("h", "H.", {1.0, 2.0});
  EXPECT_EQ(&h1, &h2);
  EXPECT_EQ(h2.bounds().size(), 1u);  // the first registration's bounds
  a.Add(5);
  EXPECT_THAT(registry.RenderPrometheus(), HasSubstr("x_total{j=\"2\",k=\"1\"} 5\n"));
}

TEST(MetricsTest, MisuseKeepsTheFirstRegistrationAndIsNotRendered) {
  Registry registry;
  registry.GetCounter("dual", "First.").Add(1);
  Gauge& wrong = registry.GetGauge("dual", "Second.");
  wrong.Set(42);  // works, but is not exported
  Counter& bad_name = registry.GetCounter("9starts_with_digit", "Bad.");
  bad_name.Add(7);
  registry.GetCounter("bad_label_total", "Bad.", {{"__reserved", "x"}}).Add(1);
  registry.GetHistogram("bad_le", "Bad.", {1.0}, {{"le", "1"}}).Observe(1);
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP dual First.\n"
            "# TYPE dual counter\n"
            "dual 1\n");
  EXPECT_EQ(bad_name.value(), 7u);
}

TEST(MetricsTest, ConcurrentUpdatesSumExactly) {
  Registry registry;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&registry, t] {
      // Each thread looks the objects up itself: registration is concurrent too.
      Counter& counter = registry.GetCounter("n_total", "N.");
      Gauge& gauge = registry.GetGauge("g", "G.");
      Histogram& h = registry.GetHistogram("h_seconds", "H.", {0.5});
      for (int i = 0; i < kPerThread; ++i) {
        counter.Add();
        gauge.Add(t % 2 == 0 ? 2 : -1);
        h.Observe(i % 2 == 0 ? 0.25 : 1.0);
      }
      (void)registry.RenderPrometheus();  // rendering while others update is safe
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  const uint64_t total = uint64_t{kThreads} * kPerThread;
  EXPECT_EQ(registry.GetCounter("n_total", "N.").value(), total);
  EXPECT_EQ(registry.GetGauge("g", "G.").value(), int64_t{kPerThread} * (2 * 2 - 2));
  Histogram& h = registry.GetHistogram("h_seconds", "H.", {0.5});
  EXPECT_EQ(h.count(), total);
  EXPECT_EQ(h.bucket(0), total / 2);
  EXPECT_EQ(h.bucket(1), total / 2);
  EXPECT_DOUBLE_EQ(h.sum(), (total / 2) * 0.25 + (total / 2) * 1.0);
}

}  // namespace
}  // namespace confab::metrics
