// LoadConfig's errors: unreadable files, TOML syntax, unknown keys, type errors, and how load
// and validation errors are reported together.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "config/config.h"
#include "tests/config/config_test_util.h"

namespace confab::config {
namespace {

using ::confab::config::testing::ErrorFor;
using ::confab::config::testing::LoadText;
using ::testing::HasSubstr;
using ::testing::Optional;

TEST(LoadErrorsTest, AMissingFileIsInvalidArgumentNamingThePath) {
  const std::string path = ::testing::TempDir() + "/no_such_dir/nope.toml";
  auto config = LoadConfig(path);
  ASSERT_FALSE(config.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(config.status()));
  EXPECT_THAT(config.status().message(), HasSubstr(path));
  EXPECT_THAT(config.status().message(), HasSubstr("No such file or directory"));
}

TEST(LoadErrorsTest, ADirectoryIsRefusedNamingThePath) {
  auto config = LoadConfig(::testing::TempDir());
  ASSERT_FALSE(config.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(config.status()));
  EXPECT_THAT(config.status().message(), HasSubstr("is a directory"));
}

TEST(LoadErrorsTest, ASyntaxErrorGivesFileLineAndColumn) {
  auto config = LoadText("[daemon]\nlog_level = \"info\"\nio_threads = = 2\n");
  ASSERT_FALSE(config.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(config.status()));
  EXPECT_THAT(config.status().message(), HasSubstr("TOML syntax error"));
  EXPECT_THAT(config.status().message(), HasSubstr("line 3, column 14"));
  EXPECT_THAT(config.status().message(), HasSubstr(".toml"));
}

TEST(LoadErrorsTest, LoadConfigFromStringReadsTextLikeAFile) {
  auto from_text = LoadConfigFromString(testing::kValid, "inline.toml");
  auto from_file = LoadText(testing::kValid);
  ASSERT_TRUE(from_text.ok()) << from_text.status();
  ASSERT_TRUE(from_file.ok()) << from_file.status();
  EXPECT_TRUE(Validate(*from_text).ok());
  const ReloadPlan plan = PlanReload(*from_file, *from_text);
  EXPECT_THAT(plan.live, ::testing::IsEmpty());
  EXPECT_THAT(plan.needs_restart, ::testing::IsEmpty());
  ASSERT_FALSE(from_text->carriers.empty());
  EXPECT_EQ(from_text->carriers[0].name, "a");
}

TEST(LoadErrorsTest, LoadConfigFromStringNamesTheGivenPathInSyntaxErrors) {
  auto config = LoadConfigFromString("[daemon\n", "inline.toml");
  ASSERT_FALSE(config.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(config.status()));
  EXPECT_THAT(config.status().message(), HasSubstr("TOML syntax error"));
  EXPECT_THAT(config.status().message(), HasSubstr("(file inline.toml, line "));
}

TEST(LoadErrorsTest, UnknownKeysAreReportedAtEveryLevel) {
  auto config = LoadText(R"(colour = "red"
[daemon]
log_levle = "info"

[[admin.token]]
token = "0123456789abcdef"
rol = "owner"

[[carrier]]
name = "a"
host = "smsc.example.net"
system_id = "x"

[[carrier]]
name = "b"
hots = "smsc.example.net"

[[number]]
[number.quiet_hours]
strat = "08:00"
[number.templates.help]
de = "Hilfe"
)");
  ASSERT_FALSE(config.ok());
  const std::string message(config.status().message());
  EXPECT_THAT(ErrorFor(message, "colour"), Optional(std::string("colour: unknown key (line 1)")));
  EXPECT_THAT(ErrorFor(message, "daemon.log_levle"),
              Optional(std::string("daemon.log_levle: unknown key (line 3)")));
  EXPECT_THAT(ErrorFor(message, "admin.token[0].rol"),
              Optional(std::string("admin.token[0].rol: unknown key (line 7)")));
  EXPECT_THAT(ErrorFor(message, "carrier[1].hots"),
              Optional(std::string("carrier[1].hots: unknown key (line 16)")));
  EXPECT_THAT(ErrorFor(message, "number[0].quiet_hours.strat"),
              Optional(std::string("number[0].quiet_hours.strat: unknown key (line 20)")));
  EXPECT_THAT(ErrorFor(message, "number[0].templates.help.de"),
              Optional(std::string("number[0].templates.help.de: unknown key (line 22)")));
}

TEST(LoadErrorsTest, TypeErrorsNameTheExpectedType) {
  auto config = LoadText(R"([admin]
port = "80"
body_limit_bytes = -1
max_connections = 99999999999
[links]
enabled = "yes"
bot_user_agents = ["a", 1]
expiry = 90
[[carrier]]
window = 1.5
[[number]]
carriers = "a"
contains_rule = 1
[number.quiet_hours]
start = 8
)");
  ASSERT_FALSE(config.ok());
  const std::string message(config.status().message());
  EXPECT_THAT(ErrorFor(message, "admin.port"),
              Optional(std::string("admin.port: expected an integer (line 2)")));
  EXPECT_THAT(ErrorFor(message, "admin.body_limit_bytes"),
              Optional(std::string("admin.body_limit_bytes: must not be negative (line 3)")));
  EXPECT_THAT(ErrorFor(message, "admin.max_connections"),
              Optional(std::string("admin.max_connections: integer out of range (line 4)")));
  EXPECT_THAT(ErrorFor(message, "links.enabled"),
              Optional(std::string("links.enabled: expected true or false (line 6)")));
  EXPECT_THAT(
      ErrorFor(message, "links.bot_user_agents"),
      Optional(std::string("links.bot_user_agents: expected an array of strings (line 7)")));
  EXPECT_THAT(ErrorFor(message, "links.expiry"), Optional(HasSubstr("expected a duration")));
  EXPECT_THAT(ErrorFor(message, "carrier[0].window"),
              Optional(std::string("carrier[0].window: expected an integer (line 10)")));
  EXPECT_THAT(ErrorFor(message, "number[0].carriers"),
              Optional(std::string("number[0].carriers: expected an array of strings (line 12)")));
  EXPECT_THAT(ErrorFor(message, "number[0].contains_rule"),
              Optional(HasSubstr("expected true or false (line 13)")));
  EXPECT_THAT(ErrorFor(message, "number[0].quiet_hours.start"),
              Optional(std::string(
                  "number[0].quiet_hours.start: expected a time of day \"HH:MM\" (line 15)")));
}

TEST(LoadErrorsTest, WrongShapesOfTablesAreReported) {
  auto config = LoadText("daemon = 5\n[carrier]\nname = \"a\"\n");
  ASSERT_FALSE(config.ok());
  const std::string message(config.status().message());
  EXPECT_THAT(ErrorFor(message, "daemon"),
              Optional(std::string("daemon: expected a table (line 1)")));
  EXPECT_THAT(ErrorFor(message, "carrier"),
              Optional(std::string("carrier: expected an array of tables ([[carrier]]) (line 2)")));
}

// The daemon's --check-config case: a validation error and a load error in one run, in file
// order.
TEST(LoadErrorsTest, LoadAndValidationErrorsAreReportedTogetherInFileOrder) {
  auto config = LoadText("[admin]\nport = 70000\n\n[daemon]\nlog_levle = \"info\"\n");
  ASSERT_FALSE(config.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(config.status()));
  EXPECT_EQ(config.status().message(),
            "admin.port: must be 0..65535 (is 70000) (line 2)\n"
            "daemon.log_levle: unknown key (line 5)");
}

TEST(LoadErrorsTest, AKeyThatFailedToLoadGetsNoSecondValidationError) {
  // name keeps its default "" after the type error; "must be set" would only repeat it.
  auto config = LoadText("[[carrier]]\nname = 5\nhost = \"h.example\"\nsystem_id = \"x\"\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(), "carrier[0].name: expected a string (line 2)");
}

TEST(LoadErrorsTest, TimesOfDayMayAlsoBeTomlLocalTimes) {
  auto config = LoadText("[[number]]\n[number.quiet_hours]\nstart = 07:30:00\nend = 21:15:00\n");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->numbers[0].quiet_hours.start, (TimeOfDay{7, 30}));
  EXPECT_EQ(config->numbers[0].quiet_hours.end, (TimeOfDay{21, 15}));
}

TEST(LoadErrorsTest, EmptyArraysAreAcceptedForArraysOfTablesAndStrings) {
  auto config = LoadText("carrier = []\nnumber = []\n[links]\nbot_user_agents = []\n");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->carriers.empty());
  EXPECT_TRUE(config->links.bot_user_agents.empty());
}

}  // namespace
}  // namespace confab::config
