// GET /v1/conversations/{brand}/{profile} (the profile panel and the thread) and
// GET /v1/profiles/{brand}/{profile}/consent (consent and its audit trail).

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "boost/json/array.hpp"
#include "daemon/api_conversations_internal.h"
#include "daemon/api_json.h"
#include "daemon/number_zones.h"
#include "daemon/quiet_hours.h"
#include "store/reader.h"

namespace confab::api::conversations {
namespace {

constexpr std::size_t kDefaultAuditLimit = 100;
constexpr std::size_t kMaxAuditLimit = 500;

// The thread of the path and its brand's settings, or the error answer.
struct Target {
  store::ThreadId thread;
  std::shared_ptr<const config::NumberConfig> brand;
};
std::optional<HttpResponse> ResolveTarget(const ApiDeps& deps, const ApiCall& call,
                                          Target& target) {
  absl::StatusOr<store::ThreadId> thread = ThreadFromParams(call);
  if (!thread.ok()) {
    return ErrorFromStatus(thread.status());
  }
  target.thread = *thread;
  target.brand = deps.brand(thread->brand);
  if (target.brand == nullptr) {
    return JsonError(404, "unknown_brand", "the brand number is not configured");
  }
  return std::nullopt;
}

// Where the profile is, as quiet hours see it: its own zone, else what the number says.
boost::json::object TimeZoneJson(const ApiDeps& deps, const store::ThreadId& thread,
                                 const store::ProfileRecord& profile,
                                 const config::NumberConfig& brand) {
  boost::json::object out;
  if (!profile.time_zone.empty()) {
    out["zone"] = profile.time_zone;
    out["source"] = quiet::ZoneSourceName(quiet::ZoneSource::kProfile);
    out["zones"] = boost::json::array{boost::json::string(profile.time_zone)};
    out["region"] = nullptr;
    out["location"] = nullptr;
    return out;
  }
  quiet::NumberZones zones;
  if (deps.quiet_hours != nullptr) {
    zones = deps.quiet_hours->resolver().Resolve(store::NumberText(thread.profile),
                                                 brand.default_country);
  }
  out["zone"] =
      zones.primary.empty() ? boost::json::value(nullptr) : boost::json::value(zones.primary);
  out["source"] = quiet::ZoneSourceName(zones.source);
  boost::json::array list;
  for (const std::string& zone : zones.zones) {
    list.emplace_back(zone);
  }
  out["zones"] = std::move(list);
  out["region"] =
      zones.region.empty() ? boost::json::value(nullptr) : boost::json::value(zones.region);
  out["location"] =
      zones.area.empty() ? boost::json::value(nullptr) : boost::json::value(zones.area);
  return out;
}

// Message events over the thread view (product §4: received, sent, delivered, failed,
// undelivered). "sent" counts every outbound message the carrier accepted (submitted or any
// receipt state); "undelivered" every negative receipt (undelivered, expired, rejected);
// "pending" outbound messages still queued or held for quiet hours.
boost::json::object ActivityJson(const std::vector<store::ThreadMessage>& messages) {
  int64_t received = 0, sent = 0, delivered = 0, failed = 0, undelivered = 0, pending = 0;
  uint64_t last_received = 0, last_sent = 0;
  for (const store::ThreadMessage& message : messages) {
    const store::MessageRecord& r = message.record;
    if (r.direction == store::Direction::kInbound) {
      ++received;
      last_received = std::max(last_received, r.created_ms);
      continue;
    }
    switch (r.delivery) {
      case store::DeliveryState::kQueued:
      case store::DeliveryState::kDeferred:
        ++pending;
        continue;
      case store::DeliveryState::kFailed:
        ++failed;
        continue;
      case store::DeliveryState::kDelivered:
        ++delivered;
        break;
      case store::DeliveryState::kUndelivered:
      case store::DeliveryState::kExpired:
      case store::DeliveryState::kRejected:
        ++undelivered;
        break;
      default:
        break;
    }
    ++sent;
    last_sent = std::max(last_sent, r.created_ms);
  }
  auto time_or_null = [](uint64_t ms) {
    return ms == 0 ? boost::json::value(nullptr) : boost::json::value(FormatTimeMs(ms));
  };
  return {{"messages", messages.size()},
          {"received", received},
          {"sent", sent},
          {"delivered", delivered},
          {"failed", failed},
          {"undelivered", undelivered},
          {"pending", pending},
          {"last_received", time_or_null(last_received)},
          {"last_sent", time_or_null(last_sent)}};
}

}  // namespace

HttpResponse ConversationPanel(const ApiDeps& deps, const ApiCall& call) {
  Target target;
  if (std::optional<HttpResponse> error = ResolveTarget(deps, call, target)) {
    return *std::move(error);
  }
  const store::StoreReader reader(*deps.source);
  absl::StatusOr<std::optional<store::ProfileRecord>> profile = reader.GetProfile(target.thread);
  if (!profile.ok()) {
    return ErrorFromStatus(profile.status());
  }
  if (!*profile || (*profile)->state == store::ConversationState::kNone) {
    return JsonError(404, "no_conversation",
                     "there is no conversation between this brand number and this profile");
  }
  absl::StatusOr<std::vector<store::ThreadMessage>> messages =
      reader.ListThread(target.thread, store::kThreadViewLimit);
  if (!messages.ok()) {
    return ErrorFromStatus(messages.status());
  }
  boost::json::object body = ConversationJson(target.thread, **profile);
  body["time_zone"] = TimeZoneJson(deps, target.thread, **profile, *target.brand);
  body["recent_activity"] = ActivityJson(*messages);
  boost::json::array& list = body["messages"].emplace_array();
  list.reserve(messages->size());
  for (const store::ThreadMessage& message : *messages) {
    list.push_back(MessageJson(message.key, message.record));
  }
  return Json(body);
}

HttpResponse ConsentTrail(const ApiDeps& deps, const ApiCall& call) {
  Target target;
  if (std::optional<HttpResponse> error = ResolveTarget(deps, call, target)) {
    return *std::move(error);
  }
  std::optional<uint32_t> after;
  if (std::optional<std::string> text = call.Query("after")) {
    uint32_t value = 0;
    if (!absl::SimpleAtoi(*text, &value)) {
      return JsonError(400, "invalid_argument",
                       "query parameter after must be an audit seq (an integer)");
    }
    after = value;
  }
  std::size_t limit = kDefaultAuditLimit;
  if (std::optional<std::string> text = call.Query("limit")) {
    if (!absl::SimpleAtoi(*text, &limit) || limit < 1 || limit > kMaxAuditLimit) {
      return JsonError(
          400, "invalid_argument",
          absl::StrCat("query parameter limit must be an integer from 1 to ", kMaxAuditLimit));
    }
  }
  const store::StoreReader reader(*deps.source);
  absl::StatusOr<std::optional<store::ProfileRecord>> profile = reader.GetProfile(target.thread);
  if (!profile.ok()) {
    return ErrorFromStatus(profile.status());
  }
  if (!*profile) {
    return JsonError(404, "no_profile", "this profile never wrote to this brand number");
  }
  absl::StatusOr<std::vector<std::pair<uint32_t, store::AuditRecord>>> audit =
      reader.ListAuditPage(target.thread, after, limit + 1);
  if (!audit.ok()) {
    return ErrorFromStatus(audit.status());
  }
  const bool more = audit->size() > limit;
  audit->resize(std::min(audit->size(), limit));
  boost::json::object body;
  body["brand"] = store::NumberText(target.thread.brand);
  body["profile"] = store::NumberText(target.thread.profile);
  body["consent"] = ConsentName((*profile)->consent);
  body["blocked"] = (*profile)->blocked;
  body["audit_total"] = (*profile)->next_audit_seq;
  boost::json::array& list = body["audit"].emplace_array();
  for (const auto& [seq, record] : *audit) {
    list.push_back(AuditJson(seq, record));
  }
  body["next_after"] = more ? boost::json::value(audit->back().first) : boost::json::value(nullptr);
  return Json(body);
}

}  // namespace confab::api::conversations
