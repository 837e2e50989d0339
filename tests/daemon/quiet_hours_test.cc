// Quiet hours (daemon/quiet_hours.h): intersection of zones, policies, keyword replies, profile
// zones, reasons. DST cases are in quiet_hours_dst_test.cc.
#include "daemon/quiet_hours.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "tests/daemon/quiet_hours_test_util.h"

namespace confab::quiet {
namespace {

using testing::At;
using ::testing::HasSubstr;
using testing::Utc;
using testing::Window;

struct IntersectionCase {
  const char* name;
  std::vector<std::string> zones;
  LocalWindow window;
  const char* now;
  bool open;
  const char* next_opening;
};

class IntersectionTest : public ::testing::TestWithParam<IntersectionCase> {};

TEST_P(IntersectionTest, OpenOnlyWhenEveryZoneIsInside) {
  const IntersectionCase& c = GetParam();
  ZoneCache cache;
  RecipientZones zones = testing::ZonesOf(cache, c.zones);
  WindowState state = EvaluateWindow(zones.zones, 0, c.window, At(c.now));
  EXPECT_EQ(state.open_now, c.open);
  EXPECT_EQ(Utc(state.next_opening), Utc(At(c.next_opening)));
  EXPECT_FALSE(state.intersection_empty);
  EXPECT_EQ(state.local_times.size(), c.zones.size());
}

const LocalWindow kDay = Window(8, 0, 20, 0);

INSTANTIATE_TEST_SUITE_P(
    Cases, IntersectionTest,
    ::testing::Values(
        // New York and Los Angeles in June: 08:00–20:00 in both = 11:00–20:00 Eastern
        // = 15:00Z–00:00Z.
        IntersectionCase{"NyLaBeforeOpening",
                         {"America/New_York", "America/Los_Angeles"},
                         kDay,
                         "2026-06-15T14:30:00Z",
                         false,
                         "2026-06-15T15:00:00Z"},
        IntersectionCase{"NyLaAtOpening",
                         {"America/New_York", "America/Los_Angeles"},
                         kDay,
                         "2026-06-15T15:00:00Z",
                         true,
                         "2026-06-15T15:00:00Z"},
        IntersectionCase{"NyLaLastSecond",
                         {"America/New_York", "America/Los_Angeles"},
                         kDay,
                         "2026-06-15T23:59:59Z",
                         true,
                         "2026-06-15T23:59:59Z"},
        IntersectionCase{"NyLaAfterClosingGoesToTomorrow",
                         {"America/New_York", "America/Los_Angeles"},
                         kDay,
                         "2026-06-16T00:00:00Z",
                         false,
                         "2026-06-16T15:00:00Z"},
        // Tokyo (+9) and Sydney (+10 in June): 23:00Z–10:00Z, across midnight UTC.
        IntersectionCase{"TokyoSydneyWrapsUtcMidnight",
                         {"Asia/Tokyo", "Australia/Sydney"},
                         kDay,
                         "2026-06-15T22:30:00Z",
                         false,
                         "2026-06-15T23:00:00Z"},
        IntersectionCase{"TokyoSydneyInside",
                         {"Asia/Tokyo", "Australia/Sydney"},
                         kDay,
                         "2026-06-16T05:00:00Z",
                         true,
                         "2026-06-16T05:00:00Z"},
        IntersectionCase{"TokyoSydneyAfter",
                         {"Asia/Tokyo", "Australia/Sydney"},
                         kDay,
                         "2026-06-16T10:30:00Z",
                         false,
                         "2026-06-16T23:00:00Z"},
        // New York and London while only the US is on DST (12:00Z–20:00Z), then both
        // (12:00Z–19:00Z).
        IntersectionCase{"NyLondonUsDstOnly",
                         {"America/New_York", "Europe/London"},
                         kDay,
                         "2026-03-20T11:00:00Z",
                         false,
                         "2026-03-20T12:00:00Z"},
        IntersectionCase{"NyLondonBothDst",
                         {"America/New_York", "Europe/London"},
                         kDay,
                         "2026-04-01T19:30:00Z",
                         false,
                         "2026-04-02T12:00:00Z"},
        // A window across local midnight (22:00–06:00), London on BST.
        IntersectionCase{"NightWindowInside",
                         {"Europe/London"},
                         Window(22, 0, 6, 0),
                         "2026-06-15T22:00:00Z",
                         true,
                         "2026-06-15T22:00:00Z"},
        IntersectionCase{"NightWindowOutside",
                         {"Europe/London"},
                         Window(22, 0, 6, 0),
                         "2026-06-15T06:00:00Z",
                         false,
                         "2026-06-15T21:00:00Z"}),
    [](const ::testing::TestParamInfo<IntersectionCase>& param) {
      return std::string(param.param.name);
    });

// London, Tokyo and Los Angeles share no 09:00–17:00: London's (the primary) applies alone.
TEST(QuietHours, EmptyIntersectionFallsBackToThePrimaryZone) {
  QuietHours quiet;
  RecipientZones zones = testing::ZonesOf(
      quiet.zone_cache(), {"Europe/London", "Asia/Tokyo", "America/Los_Angeles"}, /*primary=*/0);
  CheckInput input{At("2026-01-15T10:00:00Z"), Policy::kDefer, Window(9, 0, 17, 0), false};
  absl::StatusOr<Verdict> inside = quiet.Check(zones, input);
  ASSERT_TRUE(inside.ok());
  EXPECT_TRUE(inside->allowed_now);
  EXPECT_EQ(inside->action, Action::kSend);
  EXPECT_TRUE(inside->intersection_empty);
  EXPECT_EQ(inside->window_zone, "Europe/London");
  EXPECT_THAT(inside->reason, HasSubstr("no common window across 3 zones"));

  input.now = At("2026-01-15T18:00:00Z");
  absl::StatusOr<Verdict> outside = quiet.Check(zones, input);
  ASSERT_TRUE(outside.ok());
  EXPECT_FALSE(outside->allowed_now);
  EXPECT_EQ(outside->action, Action::kDefer);
  EXPECT_EQ(Utc(outside->defer_until), "2026-01-16T09:00:00Z");
}

struct PolicyCase {
  Policy policy;
  bool keyword_reply;
  const char* now;
  Action action;
  const char* defer_until;  // "" when not deferred
};

class PolicyTest : public ::testing::TestWithParam<PolicyCase> {};

TEST_P(PolicyTest, ActsPerPolicy) {
  const PolicyCase& c = GetParam();
  QuietHours quiet;
  RecipientZones zones = testing::ZonesOf(quiet.zone_cache(), {"America/Los_Angeles"});
  absl::StatusOr<Verdict> v = quiet.Check(zones, {At(c.now), c.policy, kDay, c.keyword_reply});
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(ActionName(v->action), ActionName(c.action));
  if (*c.defer_until == '\0') {
    EXPECT_EQ(v->defer_until, absl::InfinitePast());
  } else {
    EXPECT_EQ(Utc(v->defer_until), c.defer_until);
  }
}

// 04:14Z is 21:14 PDT (outside); 18:00Z is 11:00 PDT (inside). The window opens 15:00Z.
INSTANTIATE_TEST_SUITE_P(
    Cases, PolicyTest,
    ::testing::Values(PolicyCase{Policy::kWarn, false, "2026-06-15T04:14:00Z",
                                 Action::kSendWithWarning, ""},
                      PolicyCase{Policy::kDefer, false, "2026-06-15T04:14:00Z", Action::kDefer,
                                 "2026-06-15T15:00:00Z"},
                      PolicyCase{Policy::kOff, false, "2026-06-15T04:14:00Z", Action::kSend, ""},
                      PolicyCase{Policy::kWarn, false, "2026-06-15T18:00:00Z", Action::kSend, ""},
                      PolicyCase{Policy::kDefer, false, "2026-06-15T18:00:00Z", Action::kSend, ""},
                      // Keyword replies are never held or flagged.
                      PolicyCase{Policy::kDefer, true, "2026-06-15T04:14:00Z", Action::kSend, ""},
                      PolicyCase{Policy::kWarn, true, "2026-06-15T04:14:00Z", Action::kSend, ""}));

TEST(QuietHours, ReasonNamesLocalTimeAndNextOpening) {
  QuietHours quiet;
  RecipientZones zones = testing::ZonesOf(quiet.zone_cache(), {"America/Los_Angeles"});
  absl::StatusOr<Verdict> v =
      quiet.Check(zones, {At("2026-06-15T04:14:00Z"), Policy::kWarn, kDay, false});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->reason,
            "outside quiet hours (08:00-20:00 local): 21:14 in America/Los_Angeles; next window "
            "opens 2026-06-15T15:00Z (08:00 in America/Los_Angeles); sent with a warning");
  EXPECT_FALSE(v->allowed_now);
  ASSERT_EQ(v->zones.size(), 1u);
  EXPECT_EQ(v->zones[0].local, absl::CivilSecond(2026, 6, 14, 21, 14, 0));
}

TEST(QuietHours, ProfileZoneOverridesTheNumber) {
  QuietHours quiet;
  absl::StatusOr<RecipientZones> zones = quiet.ZonesFor("Asia/Kolkata", "+12127365000", "US");
  ASSERT_TRUE(zones.ok());
  ASSERT_EQ(zones->zones.size(), 1u);
  EXPECT_EQ(zones->zones[0]->id(), "Asia/Kolkata");
  EXPECT_EQ(zones->source, ZoneSource::kProfile);
  // 10:00Z is 15:30 in Kolkata (inside) but 06:00 in New York (outside).
  absl::StatusOr<Verdict> v =
      quiet.Check(*zones, {At("2026-06-15T10:00:00Z"), Policy::kDefer, kDay, false});
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->allowed_now);
}

TEST(QuietHours, InvalidProfileZoneIsRefused) {
  QuietHours quiet;
  for (const char* bad : {"Mars/Olympus_Mons", "Etc/Unknown", "New York", "+05:00x"}) {
    absl::StatusOr<RecipientZones> zones = quiet.ZonesFor(bad, "+12127365000", "US");
    EXPECT_EQ(zones.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_FALSE(ValidateZoneId(bad).ok()) << bad;
  }
  EXPECT_TRUE(ValidateZoneId("America/Phoenix").ok());
  EXPECT_TRUE(ValidateZoneId("UTC").ok());
}

TEST(QuietHours, NumberInferenceEndToEnd) {
  QuietHours quiet;
  absl::StatusOr<RecipientZones> zones = quiet.ZonesFor("", "+19565551234", "US");  // Texas
  ASSERT_TRUE(zones.ok());
  EXPECT_EQ(zones->source, ZoneSource::kNumberArea);
  EXPECT_EQ(zones->region, "US");
  // 13:30Z is 08:30 CDT but 07:30 MDT: El Paso is still asleep; opens 14:00Z.
  absl::StatusOr<Verdict> v =
      quiet.Check(*zones, {At("2026-06-15T13:30:00Z"), Policy::kDefer, kDay, false});
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->allowed_now);
  EXPECT_EQ(Utc(v->defer_until), "2026-06-15T14:00:00Z");
  EXPECT_THAT(v->reason, HasSubstr("07:30 in America/Denver"));
}

TEST(QuietHours, UnknownZoneSendsAndSaysWhy) {
  QuietHours quiet;
  absl::StatusOr<RecipientZones> zones = quiet.ZonesFor("", "junk", "ZZ");
  ASSERT_TRUE(zones.ok());
  EXPECT_EQ(zones->source, ZoneSource::kUnknown);
  absl::StatusOr<Verdict> v =
      quiet.Check(*zones, {At("2026-06-15T04:14:00Z"), Policy::kDefer, kDay, false});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->action, Action::kSend);
  EXPECT_EQ(v->reason, "recipient time zone unknown: quiet hours not applied");
}

TEST(QuietHours, WindowIsValidated) {
  EXPECT_TRUE(ValidateWindow(Window(8, 0, 20, 0)).ok());
  EXPECT_TRUE(ValidateWindow(Window(0, 0, 24, 0)).ok());
  EXPECT_TRUE(ValidateWindow(Window(22, 0, 6, 0)).ok());
  EXPECT_FALSE(ValidateWindow(Window(8, 0, 8, 0)).ok());
  EXPECT_FALSE(ValidateWindow({-1, 600}).ok());
  EXPECT_FALSE(ValidateWindow({600, 1441}).ok());
  QuietHours quiet;
  RecipientZones zones = testing::ZonesOf(quiet.zone_cache(), {"UTC"});
  EXPECT_EQ(quiet.Check(zones, {At("2026-06-15T04:14:00Z"), Policy::kWarn, {9 * 60, 9 * 60}, false})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(QuietHours, CheckInputFromConfig) {
  config::QuietHoursConfig config;
  config.policy = config::QuietHoursPolicy::kDefer;
  config.start = {7, 30};
  config.end = {21, 0};
  CheckInput input = CheckInputFromConfig(config, At("2026-06-15T04:14:00Z"), true);
  EXPECT_EQ(input.policy, Policy::kDefer);
  EXPECT_EQ(input.window.start_minute, 7 * 60 + 30);
  EXPECT_EQ(input.window.end_minute, 21 * 60);
  EXPECT_TRUE(input.keyword_reply);
  EXPECT_EQ(CheckInputFromConfig(config::QuietHoursConfig{}, absl::UnixEpoch(), false).policy,
            Policy::kWarn);
}

TEST(ZoneCache, ReusesZonesAndStaysBounded) {
  ZoneCache cache(/*capacity=*/2);
  auto first = cache.Get("Europe/Paris");
  auto again = cache.Get("Europe/Paris");
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->get(), again->get());
  ASSERT_TRUE(cache.Get("Asia/Tokyo").ok());
  ASSERT_TRUE(cache.Get("UTC").ok());
  EXPECT_LE(cache.size(), 2u);
  EXPECT_EQ((*first)->OffsetAt(At("2026-06-15T00:00:00Z")), absl::Hours(2));  // still alive
  EXPECT_FALSE(cache.Get("Nowhere/Land").ok());
}

}  // namespace
}  // namespace confab::quiet
