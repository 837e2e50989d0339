#include "base/status_macros.h"

#include <gtest/gtest.h>

namespace confab {
namespace {

absl::Status FailIfNegative(int value) {
  if (value < 0) {
    return absl::InvalidArgumentError("negative");
  }
  return absl::OkStatus();
}

absl::StatusOr<int> Half(int value) {
  RETURN_IF_ERROR(FailIfNegative(value));
  if (value % 2 != 0) {
    return absl::InvalidArgumentError("odd");
  }
  return value / 2;
}

absl::StatusOr<int> Quarter(int value) {
  ASSIGN_OR_RETURN(int half, Half(value));
  ASSIGN_OR_RETURN(auto quarter, Half(half));
  return quarter;
}

TEST(StatusMacrosTest, ReturnIfErrorPassesTheFirstErrorThrough) {
  EXPECT_EQ(Half(-2).status().message(), "negative");
  EXPECT_EQ(Half(3).status().message(), "odd");
  EXPECT_EQ(*Half(8), 4);
}

TEST(StatusMacrosTest, AssignOrReturnAssignsOrStops) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().message(), "odd");  // 6 -> 3 -> odd
  EXPECT_EQ(Quarter(-4).status().message(), "negative");
}

}  // namespace
}  // namespace confab
