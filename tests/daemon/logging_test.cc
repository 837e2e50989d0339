// Log levels: every name the config accepts is one the daemon can set.

#include "daemon/logging.h"

#include "config/config.h"
#include "gtest/gtest.h"

namespace confab {
namespace {

TEST(LoggingTest, EveryConfigLevelNameIsAccepted) {
  for (config::LogLevel level :
       {config::LogLevel::kTrace, config::LogLevel::kDebug, config::LogLevel::kInfo,
        config::LogLevel::kWarn, config::LogLevel::kError}) {
    EXPECT_TRUE(SetLogLevel(config::LogLevelName(level)).ok()) << config::LogLevelName(level);
  }
  EXPECT_TRUE(SetLogLevel("info").ok());
}

TEST(LoggingTest, UnknownLevelIsRefusedWithTheChoices) {
  const absl::Status status = SetLogLevel("warning");
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("trace, debug, info, warn, error"), absl::string_view::npos);
}

}  // namespace
}  // namespace confab
