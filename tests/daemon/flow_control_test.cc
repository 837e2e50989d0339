// Flow control of a carrier lane with a fake clock: the token bucket on parts per second, and
// the AIMD response to throttling.

#include "daemon/flow_control.h"

#include "gtest/gtest.h"

namespace confab::outbound {
namespace {

using std::chrono::milliseconds;

const SteadyTime kT0 = SteadyTime(std::chrono::hours(1));

TEST(FlowControlTest, UncappedLaneNeverWaits) {
  FlowControl flow({});
  for (int i = 0; i < 10000; ++i) {
    ASSERT_EQ(flow.Take(3, kT0), kT0);
  }
}

TEST(FlowControlTest, BucketAllowsTheConfiguredPartsPerSecond) {
  FlowControl flow({.max_rate = 100, .burst_seconds = 0.1});
  int sent = 0;
  SteadyTime now = kT0;
  // One simulated second in 1 ms steps: the burst (10) plus 100 per second.
  for (int ms = 0; ms <= 1000; ++ms, now += milliseconds(1)) {
    while (flow.Take(1, now) == now) {
      ++sent;
    }
  }
  EXPECT_GE(sent, 100);
  EXPECT_LE(sent, 111);
}

TEST(FlowControlTest, AMultiPartMessageCostsOneTokenPerPart) {
  FlowControl flow({.max_rate = 10, .burst_seconds = 1});  // 10 tokens
  EXPECT_EQ(flow.Take(3, kT0), kT0);
  EXPECT_EQ(flow.Take(3, kT0), kT0);
  EXPECT_EQ(flow.Take(3, kT0), kT0);
  const SteadyTime later = flow.Take(3, kT0);  // 1 token left: wait for 2 more (200 ms)
  EXPECT_GT(later, kT0);
  EXPECT_LE(later, kT0 + milliseconds(201));
}

TEST(FlowControlTest, ThrottlingHalvesTheRatePausesAndRecoversAdditively) {
  FlowControl flow({.max_rate = 1000, .min_rate = 10, .throttle_pause = milliseconds(200)});
  const SteadyTime resume = flow.OnThrottled(kT0);
  EXPECT_EQ(flow.rate(), 500);
  EXPECT_GE(resume, kT0 + milliseconds(100));  // 200 ms jittered by 0.5–1.5
  EXPECT_LE(resume, kT0 + milliseconds(300));
  EXPECT_EQ(flow.Take(1, kT0 + milliseconds(50)), resume);  // paused
  flow.OnThrottled(resume);
  EXPECT_EQ(flow.rate(), 250);
  EXPECT_EQ(flow.throttle_events(), 2u);
  // Accepted parts raise the rate again by 5% of the cap per second, up to the cap.
  flow.OnAccepted(resume + std::chrono::seconds(2));
  EXPECT_DOUBLE_EQ(flow.rate(), 350);
  flow.OnAccepted(resume + std::chrono::seconds(60));
  EXPECT_DOUBLE_EQ(flow.rate(), 1000);
}

TEST(FlowControlTest, UncappedLaneRecoversToItsObservedRateAndUncapsAgain) {
  FlowControl flow({.min_rate = 1});
  SteadyTime now = kT0;
  for (int i = 0; i < 1000; ++i) {  // 1,000 parts/s accepted for a second
    now += milliseconds(1);
    flow.OnAccepted(now);
  }
  for (int i = 0; i < 6; ++i) {  // repeated throttling: 500, 250, … down to the floor
    now = flow.OnThrottled(now);
  }
  EXPECT_LT(flow.rate(), 20);
  EXPECT_GT(flow.rate(), 0);
  // 5% of the observed 1,000 parts/s per second: back within ~20 s, then uncapped again.
  for (int s = 0; s < 25; ++s) {
    now += std::chrono::seconds(1);
    flow.OnAccepted(now);
  }
  EXPECT_EQ(flow.rate(), 0);
  EXPECT_EQ(flow.Take(100, now), now);
}

TEST(FlowControlTest, ThrottlingNeverGoesBelowTheFloor) {
  FlowControl flow({.max_rate = 16, .min_rate = 5});
  SteadyTime now = kT0;
  for (int i = 0; i < 10; ++i) {
    now = flow.OnThrottled(now);
  }
  EXPECT_EQ(flow.rate(), 5);
}

}  // namespace
}  // namespace confab::outbound
