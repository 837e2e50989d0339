#pragma once

// The admin API's handler contract (issue #5, product §4–§9). Every /v1 endpoint is an
// ApiHandler registered with an Access level; the admin server authenticates the bearer token,
// checks the role, routes by method and path pattern, and runs the handler on the API's worker
// thread (never an I/O thread: handlers may read RocksDB). A handler answers by calling its
// Respond exactly once, from any thread, at once or later (a write answers once the pipeline
// has made it durable).
//
// Errors always have the one shape {"error": {"code": "...", "message": "..."}} (JsonError):
// 400 bad JSON or field, 401 token, 403 role, 404, 409 a rule refused it, 413, 429, 503 store.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "boost/json/object.hpp"
#include "boost/json/value.hpp"
#include "config/config.h"
#include "daemon/http_types.h"
#include "store/kv.h"
#include "store/schema.h"

namespace confab {
class CarrierBinds;
class Shortener;
namespace pipeline {
class Pipeline;
}
namespace outbound {
class Dispatcher;
}
namespace metrics {
class Registry;
}
namespace quiet {
class QuietHours;
}
}  // namespace confab

namespace confab::api {

// What a route needs the token's role to allow (product §9).
enum class Access {
  kConversations,  // owner, admin, manager, support: conversations, replies, states, blocks,
                   // consent, campaign sends
  kSettings,       // owner, admin: brand number settings, carrier binds
  kMetrics,        // every role (analyst reads metrics only)
};
bool Allows(config::Role role, Access access);

// A routed, authenticated call. The handler owns it (it may outlive the connection's read).
struct ApiCall {
  HttpRequest http;
  // The pattern's {name} segments, percent-decoded: "/v1/conversations/{brand}/{profile}".
  std::vector<std::pair<std::string, std::string>> path_params;
  config::Role role = config::Role::kSupport;
  std::string token_name;  // the token's label, for logs and audit ("" when it has none)

  // The path parameter `name`, or "" when the pattern has none of that name.
  std::string_view Param(std::string_view name) const;
  // The query parameter `name`, percent-decoded ('+' is a space); nullopt when absent.
  std::optional<std::string> Query(std::string_view name) const;
};

// Answers a call exactly once; callable from any thread.
using Respond = absl::AnyInvocable<void(HttpResponse) &&>;
using ApiHandler = std::function<void(ApiCall call, Respond respond)>;

// Where handlers are registered. `pattern` is a path whose segments may be "{name}"
// (matching one non-empty segment). The same path with another method answers 405.
class ApiRoutes {
 public:
  virtual ~ApiRoutes() = default;
  virtual void Add(std::string method, std::string pattern, Access access, ApiHandler handler) = 0;
};

// The daemon's parts that handlers use. Pointers are never null in the daemon (tests set what
// they use). Every write to a thread (profile, messages, outbox, audit) goes through
// pipeline->Mutate, so it is ordered with the MOs of that thread and durable before the answer;
// after queuing outbox items, call dispatcher->Kick(earliest_due_ms).
struct ApiDeps {
  const store::KvSource* source = nullptr;  // committed state, for reads (store::StoreReader)
  pipeline::Pipeline* pipeline = nullptr;
  outbound::Dispatcher* dispatcher = nullptr;
  CarrierBinds* carriers = nullptr;
  metrics::Registry* metrics = nullptr;
  Shortener* shortener = nullptr;  // null when [links] is disabled
  // Non-const: QuietHours::ZonesFor fills its (thread-safe) zone caches.
  quiet::QuietHours* quiet_hours = nullptr;
  // The brand number's effective settings (config plus what the API changed); null when the
  // number is not configured.
  std::function<std::shared_ptr<const config::NumberConfig>(uint64_t brand)> brand;
  // Every configured brand number, in config order.
  std::function<std::vector<std::shared_ptr<const config::NumberConfig>>()> brands;
  // The carrier route (index in config.carriers) of the brand number's first carrier, as the
  // pipeline's BrandNumber::route: where API-queued messages go. Null: route 0.
  std::function<uint32_t(uint64_t brand)> route;
  std::function<uint64_t()> clock;  // ms since the epoch
};

// --- Helpers every handler uses -----------------------------------------------------------

// A JSON body: 200 by default.
HttpResponse Json(const boost::json::value& body, int status = 200);

// The HTTP error for a Status: InvalidArgument 400 "invalid_argument", Unauthenticated 401,
// PermissionDenied 403, NotFound 404 "not_found", FailedPrecondition 409 "refused",
// AlreadyExists 409 "conflict", ResourceExhausted 429, Unavailable 503 "unavailable",
// anything else 500 "internal". The message is the status's message.
HttpResponse ErrorFromStatus(const absl::Status& status);

// The request body as a JSON object; InvalidArgument naming what is wrong otherwise (empty
// body, not JSON, not an object).
absl::StatusOr<boost::json::object> JsonBody(const ApiCall& call);

// The thread named by path parameters {brand} and {profile} (E.164 "+15551234567" or short-code
// digits); InvalidArgument naming the parameter otherwise.
absl::StatusOr<store::ThreadId> ThreadFromParams(const ApiCall& call);

using confab::PercentDecode;  // http_types.h

// A boolean query parameter: absent → nullopt; "1"/"true" → true; "0"/"false" → false;
// anything else InvalidArgument naming it.
absl::StatusOr<std::optional<bool>> QueryBool(const ApiCall& call, std::string_view name);

}  // namespace confab::api
