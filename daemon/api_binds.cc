// The binds endpoints: CarrierBinds::Status and Control joined with the dispatcher's per-bind
// figures (Dispatcher::Routes), by carrier route and bind slot.

#include "daemon/api_binds.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "boost/json/array.hpp"
#include "daemon/api_json.h"
#include "daemon/carriers.h"
#include "daemon/dispatcher.h"

namespace confab::api {
namespace {

using Command = CarrierBinds::Command;

double Millis(double seconds) { return std::round(seconds * 1e6) / 1e3; }  // µs precision

boost::json::object BindJson(const CarrierBinds::BindStatus& bind,
                             const outbound::Dispatcher::BindStats* sent) {
  boost::json::object out;
  out["bind"] = bind.bind;
  out["state"] = bind.state;
  out["admin"] = CarrierBinds::AdminName(bind.admin);
  out["peer"] = bind.peer;
  out["window"] = bind.window;
  out["window_in_use"] = bind.window_in_use;
  out["inbound_in_use"] = bind.inbound_in_use;
  // The submit round trip when this bind carried MTs; else that of any request (enquire_link).
  out["rtt_ms"] = Millis(sent != nullptr && sent->last_rtt_seconds > 0 ? sent->last_rtt_seconds
                                                                       : bind.last_rtt_seconds);
  out["tps"] = sent != nullptr ? sent->tps : 0.0;
  out["parts_submitted"] = sent != nullptr ? sent->parts_submitted : 0;
  out["parts_in_flight"] = sent != nullptr ? sent->in_flight : 0;
  out["throttled"] = sent != nullptr ? sent->throttled : 0;
  if (sent != nullptr && !sent->last_error.empty()) {
    out["last_error"] = sent->last_error;
    out["last_error_at"] = FormatTimeMs(sent->last_error_ms);
  } else {
    out["last_error"] = nullptr;
    out["last_error_at"] = nullptr;
  }
  return out;
}

// Every carrier (or only `carrier`), in config order, with its binds.
boost::json::array CarriersJson(const ApiDeps& deps, std::string_view carrier = {}) {
  std::vector<outbound::Dispatcher::RouteStats> routes;
  if (deps.dispatcher != nullptr) {
    routes = deps.dispatcher->Routes();
  }
  boost::json::array out;
  boost::json::object* current = nullptr;
  std::optional<uint32_t> current_route;
  for (const CarrierBinds::BindStatus& bind : deps.carriers->Status()) {
    if (!carrier.empty() && bind.carrier != carrier) {
      continue;
    }
    const outbound::Dispatcher::RouteStats* route =
        bind.route < routes.size() ? &routes[bind.route] : nullptr;
    if (current == nullptr || current_route != bind.route) {
      boost::json::object entry;
      entry["name"] = bind.carrier;
      entry["mode"] = bind.mode;
      entry["queue_depth"] = route != nullptr ? route->queued_messages : 0;
      entry["parts_in_flight"] = route != nullptr ? route->parts_in_flight : 0;
      entry["binds"] = boost::json::array();
      out.push_back(std::move(entry));
      current = &out.back().as_object();
      current_route = bind.route;
    }
    const outbound::Dispatcher::BindStats* sent =
        route != nullptr && bind.bind < route->binds.size() ? &route->binds[bind.bind] : nullptr;
    (*current)["binds"].as_array().push_back(BindJson(bind, sent));
  }
  return out;
}

HttpResponse CarrierResponse(const ApiDeps& deps, const std::string& carrier, int status) {
  boost::json::array carriers = CarriersJson(deps, carrier);
  if (carriers.empty()) {
    return JsonError(404, "not_found", absl::StrCat("no carrier named \"", carrier, "\""));
  }
  return Json(carriers[0], status);
}

void ListBinds(const ApiDeps& deps, Respond respond) {
  boost::json::object body;
  body["carriers"] = CarriersJson(deps);
  std::move(respond)(Json(body));
}

void RunCommand(const ApiDeps& deps, Command command, bool one_bind, ApiCall call,
                Respond respond) {
  const std::string carrier(call.Param("carrier"));
  std::optional<uint32_t> bind;
  if (one_bind) {
    const std::string text(call.Param("bind"));
    uint32_t slot = 0;
    if (text.empty() || text.size() > 4 ||
        !std::all_of(text.begin(), text.end(),
                     [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); }) ||
        !absl::SimpleAtoi(text, &slot)) {
      std::move(respond)(JsonError(400, "invalid_argument",
                                   absl::StrCat("bind: \"", text, "\" is not a bind number")));
      return;
    }
    bind = slot;
  }
  absl::StatusOr<std::optional<bool>> wait = QueryBool(call, "wait");
  if (!wait.ok()) {
    std::move(respond)(ErrorFromStatus(wait.status()));
    return;
  }
  const bool wait_drained = command == Command::kDrain && wait->value_or(false);
  // Shared with the drain's completion, which answers instead when ?wait=true.
  auto answer = std::make_shared<Respond>(std::move(respond));
  absl::AnyInvocable<void(absl::Status)> drained;
  if (wait_drained) {
    drained = [deps, carrier, answer](absl::Status status) {
      if (status.ok()) {
        std::move (*answer)(CarrierResponse(deps, carrier, 200));
      } else {
        std::move (*answer)(JsonError(409, "drain_cancelled", std::string(status.message())));
      }
    };
  }
  const absl::Status status = deps.carriers->Control(carrier, bind, command, std::move(drained));
  if (!status.ok()) {
    std::move (*answer)(status.code() == absl::StatusCode::kFailedPrecondition
                            ? JsonError(409, "not_suspended", std::string(status.message()))
                            : ErrorFromStatus(status));
    return;
  }
  if (!wait_drained) {
    std::move (*answer)(CarrierResponse(deps, carrier, command == Command::kDrain ? 202 : 200));
  }
}

}  // namespace

void InstallBindRoutes(ApiRoutes& routes, const ApiDeps& deps) {
  routes.Add("GET", "/v1/binds", Access::kSettings,
             [deps](ApiCall, Respond respond) { ListBinds(deps, std::move(respond)); });
  const std::pair<const char*, Command> commands[] = {
      {"suspend", Command::kSuspend}, {"resume", Command::kResume}, {"drain", Command::kDrain}};
  for (const auto& [name, command] : commands) {
    routes.Add("POST", absl::StrCat("/v1/binds/{carrier}/", name), Access::kSettings,
               [deps, command = command](ApiCall call, Respond respond) {
                 RunCommand(deps, command, false, std::move(call), std::move(respond));
               });
    routes.Add("POST", absl::StrCat("/v1/binds/{carrier}/{bind}/", name), Access::kSettings,
               [deps, command = command](ApiCall call, Respond respond) {
                 RunCommand(deps, command, true, std::move(call), std::move(respond));
               });
  }
}

}  // namespace confab::api
