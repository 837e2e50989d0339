// The value forms of config/values.h: durations, times of day, addresses, templates.

#include "config/values.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace confab::config::internal {
namespace {

using ::testing::ElementsAre;
using ::testing::Optional;

TEST(ParseConfigDurationTest, AcceptsAbseilFormsAndWholeDays) {
  EXPECT_THAT(ParseConfigDuration("30s"), Optional(absl::Seconds(30)));
  EXPECT_THAT(ParseConfigDuration("250ms"), Optional(absl::Milliseconds(250)));
  EXPECT_THAT(ParseConfigDuration("10m"), Optional(absl::Minutes(10)));
  EXPECT_THAT(ParseConfigDuration("24h"), Optional(absl::Hours(24)));
  EXPECT_THAT(ParseConfigDuration("1h30m"), Optional(absl::Minutes(90)));
  EXPECT_THAT(ParseConfigDuration("90d"), Optional(absl::Hours(2160)));
  EXPECT_THAT(ParseConfigDuration("1d12h"), Optional(absl::Hours(36)));
  EXPECT_THAT(ParseConfigDuration("0"), Optional(absl::ZeroDuration()));
  EXPECT_THAT(ParseConfigDuration("0d"), Optional(absl::ZeroDuration()));
  EXPECT_THAT(ParseConfigDuration("-5s"), Optional(absl::Seconds(-5)));
}

TEST(ParseConfigDurationTest, RefusesEverythingElse) {
  for (const char* text : {"", "5", "d", "10x", "inf", "-inf", "1d-5h", "1dd", "9999999d", "30 s",
                           "s30", "1.5d", "d5"}) {
    EXPECT_EQ(ParseConfigDuration(text), std::nullopt) << text;
  }
}

TEST(ParseTimeOfDayTest, AcceptsHhMmWithinTheDay) {
  EXPECT_THAT(ParseTimeOfDay("08:00"), Optional(TimeOfDay{8, 0}));
  EXPECT_THAT(ParseTimeOfDay("00:00"), Optional(TimeOfDay{0, 0}));
  EXPECT_THAT(ParseTimeOfDay("23:59"), Optional(TimeOfDay{23, 59}));
  for (const char* text : {"24:00", "8:00", "08:60", "ab:cd", "08-00", "08:00:00", ""}) {
    EXPECT_EQ(ParseTimeOfDay(text), std::nullopt) << text;
  }
  EXPECT_EQ(FormatTimeOfDay({7, 5}), "07:05");
}

TEST(AddressFormsTest, IpAndCidr) {
  EXPECT_TRUE(IsIpAddress("127.0.0.1"));
  EXPECT_TRUE(IsIpAddress("::1"));
  EXPECT_FALSE(IsIpAddress("localhost"));
  EXPECT_FALSE(IsIpAddress("256.0.0.1"));
  for (const char* ok : {"10.0.0.0/8", "0.0.0.0/0", "192.0.2.1/32", "::/0", "2001:db8::/32"}) {
    EXPECT_TRUE(IsCidr(ok)) << ok;
  }
  for (const char* bad : {"10.0.0.0", "10.0.0.0/33", "10.0.0.0/", "x/8", "::/129", "10.0.0.0/-1",
                          "10.0.0.0/8/8", "10.0.0.0/ 8"}) {
    EXPECT_FALSE(IsCidr(bad)) << bad;
  }
}

TEST(AddressFormsTest, HostsAndPorts) {
  for (const char* ok :
       {"go.example.com", "go.example.com:8443", "127.0.0.1:80", "localhost", "a-b.example"}) {
    EXPECT_TRUE(IsHostAndPort(ok)) << ok;
  }
  for (const char* bad :
       {"https://go.example.com", "go.example.com/x", "go.example.com:0",
        "go.example.com:", "go.example.com:70000", "-a.example", "a..b", "", "a b.example"}) {
    EXPECT_FALSE(IsHostAndPort(bad)) << bad;
  }
}

TEST(AddressFormsTest, EmailAndHttpUrl) {
  EXPECT_TRUE(IsEmailAddress("help@acme.example"));
  for (const char* bad : {"help", "@acme.example", "help@acme", "a@b@c.example", "a b@c.example",
                          "help@-x.example"}) {
    EXPECT_FALSE(IsEmailAddress(bad)) << bad;
  }
  for (const char* ok : {"https://hooks.acme.example/sms?x=1", "http://127.0.0.1:9000/hook",
                         "https://[::1]:8443/x"}) {
    EXPECT_TRUE(IsHttpUrl(ok)) << ok;
  }
  for (const char* bad :
       {"ftp://x.example", "https://", "https:// x.example", "hooks.example/x", "https://[zz]/"}) {
    EXPECT_FALSE(IsHttpUrl(bad)) << bad;
  }
}

TEST(ScanTemplateTest, FindsPlaceholdersAndUnclosedBraces) {
  const TemplateScan scan = ScanTemplate("{{organization_prefix}}: mail {{ email }} {x} }}");
  EXPECT_EQ(scan.error, "");
  EXPECT_THAT(scan.placeholders, ElementsAre("organization_prefix", "email"));
  EXPECT_EQ(ScanTemplate("Hi {{email").error, "unclosed {{");
  EXPECT_THAT(ScanTemplate("no placeholders").placeholders, ElementsAre());
}

}  // namespace
}  // namespace confab::config::internal
