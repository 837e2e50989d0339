// Validation: several errors at once, cross-references, and what is allowed.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <ostream>
#include <string>

#include "config/config.h"
#include "tests/config/config_test_util.h"

namespace confab::config {
namespace {

using ::confab::config::testing::ErrorFor;
using ::confab::config::testing::kValid;
using ::confab::config::testing::LoadAndValidate;
using ::confab::config::testing::LoadText;
using ::testing::HasSubstr;

TEST(ValidateTest, TheBaseFileIsValid) {
  const absl::Status status = LoadAndValidate(kValid);
  EXPECT_TRUE(status.ok()) << status;
}

TEST(ValidateTest, SeveralErrorsAreAllReportedInFileOrder) {
  std::string text = kValid;
  text.replace(text.find("port = 8080"), 11, "port = -5");
  text.replace(text.find("window = 10"), 11, "window = 0");
  text.replace(text.find("carriers = [\"a\"]"), 16, "carriers = [\"x\"]");
  text.replace(text.find("end = \"20:00\""), 13, "end = \"06:00\"");
  const absl::Status status = LoadAndValidate(text);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message(),
            "admin.port: must be 0..65535 (is -5) (line 12)\n"
            "carrier[0].window: must be 1..1000 (is 0) (line 30)\n"
            "number[0].carriers: unknown carrier \"x\" (line 48)\n"
            "number[0].quiet_hours.end: must be after quiet_hours.start (08:00) (line 60)");
}

TEST(ValidateTest, DuplicateNumbersAreRefused) {
  const std::string text = std::string(kValid) +
                           "\n[[number]]\nnumber = \"+15550100000\"\norganization_prefix = \"B\"\n"
                           "email = \"b@b.example\"\nhelp_phone = \"1\"\nprogram_name = \"B\"\n"
                           "carriers = [\"a\"]\n";
  const absl::Status status = LoadAndValidate(text);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message(), "number[1].number: \"+15550100000\" is already number[0] (line 67)");
}

TEST(ValidateTest, AMissingRequiredKeyPointsAtItsTable) {
  // carrier[0] without system_id: the error carries the line of its [[carrier]] header.
  const absl::Status status =
      LoadAndValidate("[[carrier]]\nname = \"a\"\nhost = \"smsc.example.net\"\n");
  EXPECT_EQ(status.message(), "carrier[0].system_id: must be set (line 1)");
}

TEST(ValidateTest, ShortCodesAndListenCarriersSharingAPortAreFine) {
  const absl::Status status = LoadAndValidate(R"(
[[carrier]]
name = "in1"
mode = "listen"
system_id = "one"
allowed_networks = ["0.0.0.0/0", "::/0"]

[[carrier]]
name = "in2"
mode = "listen"
system_id = "two"
allowed_networks = ["10.0.0.0/8"]

[[number]]
number = "12345"
organization_prefix = "Acme"
program_name = "Acme Alerts"
email = "help@acme.example"
help_phone = "12345"
carriers = ["in1", "in2"]
link_shortening = false
)");
  EXPECT_TRUE(status.ok()) << status;
}

TEST(ValidateTest, TwoListenCarriersWithTheSameSystemIdOnOnePortConflict) {
  const absl::Status status = LoadAndValidate(R"([[carrier]]
name = "in1"
mode = "listen"
system_id = "same"
allowed_networks = ["10.0.0.0/8"]
[[carrier]]
name = "in2"
mode = "listen"
system_id = "same"
allowed_networks = ["10.0.0.0/8"]
)");
  EXPECT_EQ(status.message(),
            "carrier[1].system_id: carrier[0] already listens on this port for system_id "
            "\"same\" (line 9)");
}

TEST(ValidateTest, ANumberRoutedOnlyToReceiversCannotSend) {
  auto config = LoadText(kValid);
  ASSERT_TRUE(config.ok()) << config.status();
  config->carriers[0].bind_type = BindType::kReceiver;
  config->carriers[1].bind_type = BindType::kReceiver;
  EXPECT_THAT(ErrorFor(std::string(Validate(*config).message()), "number[0].carriers"),
              ::testing::Optional(HasSubstr("none of these carriers can send")));
}

TEST(ValidateTest, TheAutoResponderTextIsNotCheckedWhenItIsOff) {
  std::string text = kValid;
  text.replace(text.find("mode = \"all\""), 12, "mode = \"off\"\ntext = \"\"");
  EXPECT_TRUE(LoadAndValidate(text).ok()) << LoadAndValidate(text);
}

}  // namespace
}  // namespace confab::config
