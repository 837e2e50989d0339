#include "daemon/esme_status.h"

#include <optional>
#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "base/string_view.h"

namespace confab {
namespace {

constexpr std::string_view kPayloadUrl = "confab/esme-status";

bool FromSmsc(smpp::CommandId request) {
  return request == smpp::CommandId::kDeliverSm || request == smpp::CommandId::kDataSm;
}

bool IsTransient(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kCancelled:
      return true;
    default:
      return false;
  }
}

}  // namespace

absl::Status EsmeError(absl::StatusCode code, smpp::CommandStatus esme, std::string_view message) {
  absl::Status status(code, Sv(message));
  status.SetPayload(Sv(kPayloadUrl), absl::Cord(std::to_string(static_cast<uint32_t>(esme))));
  return status;
}

smpp::CommandStatus EsmeStatusFor(const absl::Status& status, smpp::CommandId request) {
  if (status.ok()) {
    return smpp::CommandStatus::kOk;
  }
  if (auto payload = status.GetPayload(Sv(kPayloadUrl))) {
    uint32_t value = 0;
    if (absl::SimpleAtoi(std::string(*payload), &value)) {
      return static_cast<smpp::CommandStatus>(value);
    }
  }
  if (status.code() == absl::StatusCode::kResourceExhausted) {
    return smpp::CommandStatus::kThrottled;
  }
  if (IsTransient(status.code())) {
    return FromSmsc(request) ? smpp::CommandStatus::kXTAppn : smpp::CommandStatus::kSysErr;
  }
  return FromSmsc(request) ? smpp::CommandStatus::kXPAppn : smpp::CommandStatus::kSubmitFail;
}

}  // namespace confab
