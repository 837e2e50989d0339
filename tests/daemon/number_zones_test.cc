// Zone inference from subscriber numbers (daemon/number_zones.h) against the real
// libphonenumber geocoder data and ICU tzdata shipped with Debian 12.
#include "daemon/number_zones.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "daemon/time_zones.h"
#include "daemon/zone_tables.h"

namespace confab::quiet {
namespace {

using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

struct Case {
  const char* number;
  const char* default_region;
  const char* region;
  std::vector<std::string> zones;
  ZoneSource source;
};

class NumberZonesTest : public ::testing::TestWithParam<Case> {};

TEST_P(NumberZonesTest, InfersZones) {
  const Case& c = GetParam();
  NumberZoneResolver resolver;
  NumberZones got = resolver.Resolve(c.number, c.default_region);
  EXPECT_EQ(got.region, c.region) << "area: " << got.area;
  EXPECT_THAT(got.zones, ElementsAreArray(c.zones)) << "area: " << got.area;
  EXPECT_EQ(ZoneSourceName(got.source), ZoneSourceName(c.source)) << "area: " << got.area;
  if (!c.zones.empty()) {
    EXPECT_EQ(got.primary, c.zones.front());
  }
}

constexpr ZoneSource kArea = ZoneSource::kNumberArea;

INSTANTIATE_TEST_SUITE_P(
    Numbers, NumberZonesTest,
    ::testing::Values(
        // United States, by the geocoder's state ("New York, NY", "California", "Texas").
        Case{"+12127365000", "US", "US", {"America/New_York"}, kArea},
        Case{"+14155550123", "US", "US", {"America/Los_Angeles"}, kArea},
        Case{"+13105551234", "US", "US", {"America/Los_Angeles"}, kArea},
        Case{"+16022531234", "US", "US", {"America/Phoenix"}, kArea},
        Case{"+18089561234", "US", "US", {"Pacific/Honolulu"}, kArea},
        Case{"+19072761234", "US", "US", {"America/Anchorage"}, kArea},
        Case{"+19565551234", "US", "US", {"America/Chicago", "America/Denver"}, kArea},
        Case{"2127365000", "US", "US", {"America/New_York"}, kArea},  // national form
        // Canada, including an area code shared by three territories (their union).
        Case{"+14169671111", "US", "CA", {"America/Toronto"}, kArea},
        Case{"+16046811234", "US", "CA", {"America/Vancouver"}, kArea},
        Case{"+15149821234", "US", "CA", {"America/Toronto"}, kArea},
        Case{"+18675551234",
             "US",
             "CA",
             {"America/Yellowknife", "America/Iqaluit", "America/Rankin_Inlet",
              "America/Cambridge_Bay", "America/Whitehorse"},
             kArea},
        // Single-zone countries: ICU's one canonical zone (ICU 72 keeps CLDR's "Calcutta").
        Case{"+442079460000", "US", "GB", {"Europe/London"}, kArea},
        Case{"+33142685300", "US", "FR", {"Europe/Paris"}, kArea},
        Case{"+918022222222", "US", "IN", {"Asia/Calcutta"}, kArea},
        // Spain: mainland and Canary Islands by prefix; a mobile could be either.
        Case{"+34915551234", "US", "ES", {"Europe/Madrid"}, kArea},
        Case{"+34928123456", "US", "ES", {"Atlantic/Canary"}, kArea},
        Case{"+34612345678",
             "US",
             "ES",
             {"Europe/Madrid", "Africa/Ceuta", "Atlantic/Canary"},
             ZoneSource::kNumberRegion},
        // Australia: capitals by name, towns by national prefix.
        Case{"+61292501234", "US", "AU", {"Australia/Sydney"}, kArea},
        Case{"+61882001234", "US", "AU", {"Australia/Adelaide"}, kArea},
        Case{"+61889801234", "US", "AU", {"Australia/Darwin"}, kArea},
        Case{"+61398765432", "US", "AU", {"Australia/Melbourne", "Australia/Hobart"}, kArea},
        Case{"+61732001234", "US", "AU", {"Australia/Brisbane"}, kArea},
        Case{"+61895001234", "US", "AU", {"Australia/Perth"}, kArea},
        // Brazil and Mexico ("Recife - PE" and "Monterrey, NL" forms).
        Case{"+5511987654321", "US", "BR", {"America/Sao_Paulo"}, kArea},
        Case{"+559232123456", "US", "BR", {"America/Manaus"}, kArea},
        Case{"+556532123456", "US", "BR", {"America/Cuiaba"}, kArea},
        Case{"+526621234567", "US", "MX", {"America/Hermosillo"}, kArea},
        Case{"+528112345678", "US", "MX", {"America/Monterrey"}, kArea},
        // Nothing at all (see below for the brand's default country): unknown.
        Case{"not a number", "ZZ", "", {}, ZoneSource::kUnknown}));

// Numbers the tables cannot narrow get every zone of their country, the primary first.
TEST(NumberZones, UnnarrowedNumberGetsEveryZoneOfItsCountry) {
  NumberZoneResolver resolver;
  struct {
    const char* number;
    const char* region;
    const char* primary;
    size_t min_zones;
    ZoneSource source;
  } cases[] = {
      {"+61412345678", "AU", "Australia/Sydney", 10, ZoneSource::kNumberRegion},     // mobile
      {"+526641234567", "MX", "America/Mexico_City", 8, ZoneSource::kNumberRegion},  // "Mexico"
      {"+18005551234", "US", "America/New_York", 20, ZoneSource::kNumberRegion},     // toll free
      // A short code, read as a national number of the default country: that country.
      {"12345", "US", "America/New_York", 20, ZoneSource::kNumberRegion},
      // Not a number at all: the brand's default country.
      {"STOP", "US", "America/New_York", 20, ZoneSource::kDefaultRegion},
  };
  for (const auto& c : cases) {
    NumberZones got = resolver.Resolve(c.number, "US");
    EXPECT_EQ(got.region, c.region) << c.number;
    ASSERT_GE(got.zones.size(), c.min_zones) << c.number;
    EXPECT_EQ(got.zones.front(), c.primary) << c.number;
    EXPECT_EQ(got.primary, c.primary) << c.number;
    EXPECT_EQ(ZoneSourceName(got.source), ZoneSourceName(c.source)) << c.number;
  }
}

TEST(NumberZones, EveryTableZoneIsKnownToIcu) {
  for (std::string_view zone : AllTableZones()) {
    EXPECT_TRUE(ValidateZoneId(zone).ok()) << zone;
  }
}

TEST(NumberZones, CacheIsPerRegionAndAreaAndBounded) {
  NumberZoneResolver resolver(/*cache_capacity=*/2);
  resolver.Resolve("+12127365000", "US");  // New York, NY
  resolver.Resolve("+12127365001", "US");  // same area
  EXPECT_EQ(resolver.cache_size(), 1u);
  resolver.Resolve("+14155550123", "US");
  EXPECT_EQ(resolver.cache_size(), 2u);
  resolver.Resolve("+16046811234", "US");
  EXPECT_LE(resolver.cache_size(), 2u);
  // Still right after the cache was emptied.
  EXPECT_THAT(resolver.Resolve("+12127365000", "US").zones, ElementsAreArray({"America/New_York"}));
}

TEST(NumberZones, UnknownDefaultRegionGivesNoZones) {
  NumberZoneResolver resolver;
  NumberZones got = resolver.Resolve("", "");
  EXPECT_THAT(got.zones, IsEmpty());
  EXPECT_EQ(got.source, ZoneSource::kUnknown);
}

}  // namespace
}  // namespace confab::quiet
