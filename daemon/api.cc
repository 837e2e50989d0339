#include "daemon/api.h"

#include <cctype>

#include "absl/strings/numbers.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"

namespace confab::api {
bool Allows(config::Role role, Access access) {
  switch (access) {
    case Access::kConversations:
      return role == config::Role::kOwner || role == config::Role::kAdmin ||
             role == config::Role::kManager || role == config::Role::kSupport;
    case Access::kSettings:
      return role == config::Role::kOwner || role == config::Role::kAdmin;
    case Access::kMetrics:
      return true;
  }
  return false;
}

std::string_view ApiCall::Param(std::string_view name) const {
  for (const auto& [key, value] : path_params) {
    if (key == name) {
      return value;
    }
  }
  return {};
}

std::optional<std::string> ApiCall::Query(std::string_view name) const {
  const std::string_view target = http.target;
  const std::size_t question = target.find('?');
  if (question == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view rest = target.substr(question + 1);
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    const std::size_t equals = pair.find('=');
    const std::string key = PercentDecode(pair.substr(0, equals), true);
    if (key == name) {
      return equals == std::string_view::npos ? std::string()
                                              : PercentDecode(pair.substr(equals + 1), true);
    }
  }
  return std::nullopt;
}

HttpResponse Json(const boost::json::value& body, int status) {
  return JsonResponse(status, boost::json::serialize(body));
}

HttpResponse ErrorFromStatus(const absl::Status& status) {
  const std::string message(status.message());
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return JsonError(500, "internal", "an OK status is no error");
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return JsonError(400, "invalid_argument", message);
    case absl::StatusCode::kUnauthenticated:
      return JsonError(401, "unauthenticated", message);
    case absl::StatusCode::kPermissionDenied:
      return JsonError(403, "forbidden", message);
    case absl::StatusCode::kNotFound:
      return JsonError(404, "not_found", message);
    case absl::StatusCode::kFailedPrecondition:
      return JsonError(409, "refused", message);
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return JsonError(409, "conflict", message);
    case absl::StatusCode::kResourceExhausted:
      return JsonError(429, "too_many_requests", message);
    case absl::StatusCode::kUnavailable:
      return JsonError(503, "unavailable", message);
    default:
      return JsonError(500, "internal", message);
  }
}

absl::StatusOr<boost::json::object> JsonBody(const ApiCall& call) {
  if (call.http.body.empty()) {
    return absl::InvalidArgumentError("the request needs a JSON object body");
  }
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(call.http.body, ec);
  if (ec) {
    return absl::InvalidArgumentError("the body is not JSON: " + ec.message());
  }
  if (!value.is_object()) {
    return absl::InvalidArgumentError("the body must be a JSON object");
  }
  return std::move(value.as_object());
}

absl::StatusOr<store::ThreadId> ThreadFromParams(const ApiCall& call) {
  store::ThreadId thread;
  for (const char* name : {"brand", "profile"}) {
    const std::string_view text = call.Param(name);
    absl::StatusOr<uint64_t> id = store::NumberId(text);
    if (text.empty() || !id.ok()) {
      return absl::InvalidArgumentError(std::string("path parameter ") + name + " '" +
                                        std::string(text) +
                                        "' is not an E.164 number (+15551234567) or a short code");
    }
    (name[0] == 'b' ? thread.brand : thread.profile) = *id;
  }
  return thread;
}

absl::StatusOr<std::optional<bool>> QueryBool(const ApiCall& call, std::string_view name) {
  std::optional<std::string> value = call.Query(name);
  if (!value) {
    return std::optional<bool>();
  }
  if (*value == "1" || *value == "true") {
    return std::optional<bool>(true);
  }
  if (*value == "0" || *value == "false") {
    return std::optional<bool>(false);
  }
  return absl::InvalidArgumentError("query parameter " + std::string(name) +
                                    " must be true or false, not '" + *value + "'");
}

}  // namespace confab::api
