// The pipeline's cache of durable profile records: used once a thread's record is durable,
// never holding what a failed commit left undone, and the same decisions with it off.

#include "gmock/gmock.h"
#include "tests/daemon/pipeline_fixture.h"

namespace confab::pipeline::testing {
namespace {

using smpp::CommandStatus;
using ::testing::SizeIs;

constexpr char kAlice[] = "+15551230001";

class PipelineProfileCacheTest : public PipelineFixture {
 protected:
  uint64_t Reads(const char* result) {
    return metrics_
        .GetCounter("confab_profile_cache_total",
                    "Profile reads of the pipeline, by where they were found", {{"result", result}})
        .value();
  }
};

TEST_F(PipelineProfileCacheTest, ASecondMessageReadsTheDurableRecordFromTheCache) {
  ASSERT_EQ(Send(TextMo(kAlice, "Stop")), CommandStatus::kOk);
  EXPECT_EQ(Reads("hit"), 0u);
  EXPECT_EQ(Reads("miss"), 1u);  // a new subscriber: nothing stored, nothing kept

  ASSERT_EQ(Send(TextMo(kAlice, "Start")), CommandStatus::kOk);
  EXPECT_EQ(Reads("hit"), 1u);  // the record the first message left, kept once durable
  EXPECT_EQ(Reads("miss"), 1u);
  // And the second message was decided on it: the opt-in followed the opt-out.
  const auto profile = Profile(kAlice);
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->consent, store::Consent::kSubscribed);
  EXPECT_THAT(Replies(kAlice), SizeIs(2));
}

TEST_F(PipelineProfileCacheTest, AFailedCommitLeavesNothingOfItsOwnInTheCache) {
  ASSERT_EQ(Send(TextMo(kAlice, "Stop")), CommandStatus::kOk);  // kept: unsubscribed
  fail_writes_ = true;
  EXPECT_EQ(Send(TextMo(kAlice, "Start")), CommandStatus::kXTAppn);
  fail_writes_ = false;

  // The carrier retransmits. Had the cache kept the failed group's record (subscribed, with
  // this message's hash remembered), the retransmission would be acknowledged as a duplicate
  // and the opt-in lost.
  ASSERT_EQ(Send(TextMo(kAlice, "Start")), CommandStatus::kOk);
  const auto profile = Profile(kAlice);
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->consent, store::Consent::kSubscribed);
  EXPECT_THAT(Replies(kAlice), SizeIs(2));  // opt-out and opt-in confirmations
}

class PipelineWithoutProfileCacheTest : public PipelineProfileCacheTest {
 protected:
  void SetUp() override {
    profile_cache_bytes_ = 0;
    PipelineProfileCacheTest::SetUp();
  }
};

TEST_F(PipelineWithoutProfileCacheTest, EveryReadGoesToTheStoreAndDecidesTheSame) {
  ASSERT_EQ(Send(TextMo(kAlice, "Stop")), CommandStatus::kOk);
  ASSERT_EQ(Send(TextMo(kAlice, "Start")), CommandStatus::kOk);
  EXPECT_EQ(Reads("hit"), 0u);
  EXPECT_EQ(Reads("miss"), 2u);
  const auto profile = Profile(kAlice);
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->consent, store::Consent::kSubscribed);
  EXPECT_THAT(Replies(kAlice), SizeIs(2));
}

}  // namespace
}  // namespace confab::pipeline::testing
