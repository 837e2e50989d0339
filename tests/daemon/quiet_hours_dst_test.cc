// Quiet-hours windows across DST changes, half-hour zones and zones without DST, one zone at a
// time, at fixed instants (daemon/quiet_window.cc).
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_format.h"
#include "daemon/quiet_hours.h"
#include "tests/daemon/quiet_hours_test_util.h"

namespace confab::quiet {
namespace {

using testing::At;
using testing::Utc;
using testing::Window;

struct DstCase {
  const char* name;
  const char* zone;
  LocalWindow window;
  const char* now;
  bool open;
  const char* next_opening;
  const char* local;   // wall clock at `now`, "HH:MM"
  int offset_minutes;  // UTC offset at `now`
};

class QuietHoursDstTest : public ::testing::TestWithParam<DstCase> {};

TEST_P(QuietHoursDstTest, OpensAtTheRightInstant) {
  const DstCase& c = GetParam();
  ZoneCache cache;
  RecipientZones zones = testing::ZonesOf(cache, {c.zone});
  WindowState state = EvaluateWindow(zones.zones, 0, c.window, At(c.now));
  EXPECT_EQ(state.open_now, c.open);
  EXPECT_EQ(Utc(state.next_opening), Utc(At(c.next_opening)));
  ASSERT_EQ(state.local_times.size(), 1u);
  const ZoneTime& local = state.local_times[0];
  EXPECT_EQ(absl::StrFormat("%02d:%02d", local.local.hour(), local.local.minute()), c.local);
  EXPECT_EQ(local.utc_offset, absl::Minutes(c.offset_minutes));
  EXPECT_EQ(local.in_window, c.open);
}

const LocalWindow kDay = Window(8, 0, 20, 0);

INSTANTIATE_TEST_SUITE_P(
    Cases, QuietHoursDstTest,
    ::testing::Values(
        // US spring forward, 2026-03-08 02:00 EST → 03:00 EDT (07:00Z).
        DstCase{"NyNightBeforeSpringForward", "America/New_York", kDay, "2026-03-08T06:30:00Z",
                false, "2026-03-08T12:00:00Z", "01:30", -300},
        DstCase{"NyDayBefore", "America/New_York", kDay, "2026-03-07T02:00:00Z", false,
                "2026-03-07T13:00:00Z", "21:00", -300},
        DstCase{"NyOpeningOnSpringForwardDay", "America/New_York", kDay, "2026-03-08T12:00:00Z",
                true, "2026-03-08T12:00:00Z", "08:00", -240},
        // A window opening at 02:30, which does not exist that day: opens at the jump.
        DstCase{"NyOpeningInTheGap", "America/New_York", Window(2, 30, 20, 0),
                "2026-03-08T05:00:00Z", false, "2026-03-08T07:00:00Z", "00:00", -300},
        // US fall back, 2026-11-01 02:00 EDT → 01:00 EST (06:00Z): 01:30 happens twice.
        DstCase{"NyFirstRepeatedHour", "America/New_York", kDay, "2026-11-01T05:30:00Z", false,
                "2026-11-01T13:00:00Z", "01:30", -240},
        DstCase{"NySecondRepeatedHour", "America/New_York", kDay, "2026-11-01T06:30:00Z", false,
                "2026-11-01T13:00:00Z", "01:30", -300},
        DstCase{"NyOpeningInRepeatedHourFirstPass", "America/New_York", Window(1, 30, 20, 0),
                "2026-11-01T05:15:00Z", false, "2026-11-01T05:30:00Z", "01:15", -240},
        DstCase{"NyOpeningInRepeatedHourSecondPass", "America/New_York", Window(1, 30, 20, 0),
                "2026-11-01T06:15:00Z", false, "2026-11-01T06:30:00Z", "01:15", -300},
        // Europe, 2026-03-29 and 2026-10-25 at 01:00Z.
        DstCase{"ParisSpringForward", "Europe/Paris", kDay, "2026-03-28T20:00:00Z", false,
                "2026-03-29T06:00:00Z", "21:00", 60},
        DstCase{"ParisFallBack", "Europe/Paris", kDay, "2026-10-24T19:00:00Z", false,
                "2026-10-25T07:00:00Z", "21:00", 120},
        DstCase{"LondonSpringForward", "Europe/London", kDay, "2026-03-28T21:00:00Z", false,
                "2026-03-29T07:00:00Z", "21:00", 0},
        // No DST.
        DstCase{"PhoenixOnUsSpringForward", "America/Phoenix", kDay, "2026-03-08T10:00:00Z", false,
                "2026-03-08T15:00:00Z", "03:00", -420},
        DstCase{"PhoenixSummerEvening", "America/Phoenix", kDay, "2026-07-01T03:30:00Z", false,
                "2026-07-01T15:00:00Z", "20:30", -420},
        // Half-hour zones.
        DstCase{"KolkataAfterTheWindow", "Asia/Kolkata", kDay, "2026-01-15T15:00:00Z", false,
                "2026-01-16T02:30:00Z", "20:30", 330},
        DstCase{"KolkataBeforeTheWindow", "Asia/Kolkata", kDay, "2026-01-15T01:00:00Z", false,
                "2026-01-15T02:30:00Z", "06:30", 330},
        DstCase{"KolkataInside", "Asia/Kolkata", kDay, "2026-01-15T10:00:00Z", true,
                "2026-01-15T10:00:00Z", "15:30", 330},
        DstCase{"AdelaideDstEnds", "Australia/Adelaide", kDay, "2026-04-04T10:00:00Z", false,
                "2026-04-04T22:30:00Z", "20:30", 630},
        DstCase{"AdelaideDstStarts", "Australia/Adelaide", kDay, "2026-10-03T11:00:00Z", false,
                "2026-10-03T21:30:00Z", "20:30", 570},
        // Lord Howe: a 30-minute DST shift, 2026-04-05 02:00 → 01:30.
        DstCase{"LordHoweDstEnds", "Australia/Lord_Howe", kDay, "2026-04-04T10:00:00Z", false,
                "2026-04-04T21:30:00Z", "21:00", 660}),
    [](const ::testing::TestParamInfo<DstCase>& param) { return std::string(param.param.name); });

// Between the two passes of the repeated hour the clock falls back out of a 01:30 window.
TEST(QuietHoursDst, RepeatedHourClosesTheWindowAgain) {
  ZoneCache cache;
  RecipientZones zones = testing::ZonesOf(cache, {"America/New_York"});
  const LocalWindow window = Window(1, 30, 20, 0);
  EXPECT_TRUE(EvaluateWindow(zones.zones, 0, window, At("2026-11-01T05:59:00Z")).open_now);
  EXPECT_FALSE(EvaluateWindow(zones.zones, 0, window, At("2026-11-01T06:00:00Z")).open_now);
  EXPECT_TRUE(EvaluateWindow(zones.zones, 0, window, At("2026-11-01T06:30:00Z")).open_now);
}

}  // namespace
}  // namespace confab::quiet
