// Conversation states (product §4): open, close, snooze, read, unread; block and unblock a
// profile. Each is one mutation of the thread, answered with the conversation head once durable.

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "daemon/api_actions_internal.h"
#include "daemon/pipeline.h"

namespace confab::api::actions {
namespace {

using store::ConversationState;

// Changes a profile (nullopt: none stored) at `now_ms`; stages nothing when it fails.
using Change = std::function<absl::Status(const store::ThreadId& thread,
                                          std::optional<store::ProfileRecord>& profile,
                                          store::WriteSet& writes)>;

uint64_t NowMs(const ApiDeps& deps) { return deps.clock ? deps.clock() : UnixMillisNow(); }

absl::Status NeedConversation(const std::optional<store::ProfileRecord>& profile) {
  if (!profile || profile->state == ConversationState::kNone) {
    return RuleError(404, "no_conversation", "no conversation with this profile");
  }
  return absl::OkStatus();
}

// Leaves the snoozed state: its wake-up timer goes (the timer pass would find it stale anyway).
void EndSnooze(const store::ThreadId& thread, store::ProfileRecord& profile,
               store::WriteSet& writes) {
  if (profile.state == ConversationState::kSnoozed) {
    writes.DeleteTimer({profile.snooze_until_ms, store::TimerKind::kSnoozeWake, thread});
  }
  profile.snooze_until_ms = 0;
}

void Apply(const ApiDeps& deps, ApiCall call, Respond respond, Change change) {
  absl::StatusOr<Target> target = TargetOf(call, deps);
  if (!target.ok()) {
    std::move(respond)(ErrorResponse(target.status()));
    return;
  }
  const store::ThreadId thread = target->thread;
  auto after = std::make_shared<store::ProfileRecord>();
  deps.pipeline->Mutate(
      thread,
      [thread, after, change = std::move(change)](std::optional<store::ProfileRecord>& profile,
                                                  store::WriteSet& writes) -> absl::Status {
        absl::Status status = change(thread, profile, writes);
        if (status.ok() && profile) {
          *after = *profile;
        }
        return status;
      },
      [thread, after, respond = std::move(respond)](absl::Status status) mutable {
        std::move(respond)(status.ok() ? Json(ConversationJson(thread, *after))
                                       : ErrorResponse(status));
      });
}

Change SetState(ConversationState state) {
  return [state](const store::ThreadId& thread, std::optional<store::ProfileRecord>& profile,
                 store::WriteSet& writes) {
    if (absl::Status status = NeedConversation(profile); !status.ok()) {
      return status;
    }
    EndSnooze(thread, *profile, writes);
    profile->state = state;
    return absl::OkStatus();
  };
}

Change SetUnread(bool unread) {
  return [unread](const store::ThreadId&, std::optional<store::ProfileRecord>& profile,
                  store::WriteSet&) {
    if (absl::Status status = NeedConversation(profile); !status.ok()) {
      return status;
    }
    profile->unread = unread;
    return absl::OkStatus();
  };
}

// Product §4: block closes the conversation (the pipeline then stores the profile's inbound
// without reopening it, notifying or auto-responding; opt-out keywords still count). Unblock
// lifts that; the conversation stays closed until the profile writes or an agent opens it.
Change SetBlocked(bool blocked) {
  return [blocked](const store::ThreadId& thread, std::optional<store::ProfileRecord>& profile,
                   store::WriteSet& writes) {
    if (!profile) {
      profile.emplace();  // a number can be blocked before it ever writes
    }
    profile->blocked = blocked;
    if (blocked && profile->state != ConversationState::kNone) {
      EndSnooze(thread, *profile, writes);
      profile->state = ConversationState::kClosed;
    }
    return absl::OkStatus();
  };
}

// The snooze's end from {"preset": ...} or {"until": ...}, in the future.
absl::StatusOr<uint64_t> SnoozeUntil(const ApiCall& call, uint64_t now_ms) {
  absl::StatusOr<boost::json::object> body = JsonBody(call);
  if (!body.ok()) {
    return body.status();
  }
  const boost::json::value* preset = body->if_contains("preset");
  const boost::json::value* until = body->if_contains("until");
  if ((preset == nullptr) == (until == nullptr)) {
    return absl::InvalidArgumentError("the body needs exactly one of preset or until");
  }
  const absl::Time now = absl::FromUnixMillis(static_cast<int64_t>(now_ms));
  if (until != nullptr) {
    if (!until->is_string()) {
      return absl::InvalidArgumentError("until must be an RFC 3339 string");
    }
    absl::StatusOr<uint64_t> ms = ParseTime(View(until->as_string()), "until");
    if (ms.ok() && *ms <= now_ms) {
      return absl::InvalidArgumentError("until must be in the future");
    }
    return ms;
  }
  const std::string name = preset->is_string() ? std::string(preset->as_string()) : "";
  if (name == "later_today") {
    return now_ms + 3 * 3600 * 1000;
  }
  if (name == "next_week") {
    return now_ms + 7 * 24 * 3600 * 1000ULL;
  }
  if (name != "tomorrow") {
    return absl::InvalidArgumentError("preset must be one of later_today, tomorrow, next_week");
  }
  std::string zone_name = "UTC";
  if (const boost::json::value* zone = body->if_contains("time_zone")) {
    if (!zone->is_string()) {
      return absl::InvalidArgumentError("time_zone must be an IANA time zone name");
    }
    zone_name = std::string(zone->as_string());
  }
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(zone_name, &zone)) {
    return absl::InvalidArgumentError(
        absl::StrCat("time_zone '", zone_name, "' is not an IANA time zone name"));
  }
  // 09:00 of the agent's next calendar day (a DST gap at 09:00 resolves forward).
  const absl::CivilDay tomorrow = absl::ToCivilDay(now, zone) + 1;
  const absl::Time at = absl::FromCivil(absl::CivilHour(tomorrow) + 9, zone);
  return static_cast<uint64_t>(absl::ToUnixMillis(at));
}

void Snooze(const ApiDeps& deps, ApiCall call, Respond respond) {
  absl::StatusOr<uint64_t> until = SnoozeUntil(call, NowMs(deps));
  if (!until.ok()) {
    std::move(respond)(ErrorResponse(until.status()));
    return;
  }
  Change change = [until = *until](const store::ThreadId& thread,
                                   std::optional<store::ProfileRecord>& profile,
                                   store::WriteSet& writes) {
    if (absl::Status status = NeedConversation(profile); !status.ok()) {
      return status;
    }
    EndSnooze(thread, *profile, writes);
    profile->state = ConversationState::kSnoozed;
    profile->snooze_until_ms = until;
    // The pipeline's timer pass reopens the conversation at `until` if it is still snoozed
    // until then (payload = the snooze_until it was set for).
    writes.PutTimer({until, store::TimerKind::kSnoozeWake, thread}, {until});
    return absl::OkStatus();
  };
  Apply(deps, std::move(call), std::move(respond), std::move(change));
}

}  // namespace

void InstallStateRoutes(ApiRoutes& routes, const ApiDeps& deps) {
  const std::string conversation = "/v1/conversations/{brand}/{profile}/";
  const std::string profile = "/v1/profiles/{brand}/{profile}/";
  const std::pair<std::string, Change> changes[] = {
      {conversation + "open", SetState(ConversationState::kOpen)},
      {conversation + "close", SetState(ConversationState::kClosed)},
      {conversation + "read", SetUnread(false)},
      {conversation + "unread", SetUnread(true)},
      {profile + "block", SetBlocked(true)},
      {profile + "unblock", SetBlocked(false)},
  };
  for (const auto& [path, change] : changes) {
    routes.Add("POST", path, Access::kConversations,
               [deps, change = change](ApiCall call, Respond respond) {
                 Apply(deps, std::move(call), std::move(respond), change);
               });
  }
  routes.Add(
      "POST", conversation + "snooze", Access::kConversations,
      [deps](ApiCall call, Respond respond) { Snooze(deps, std::move(call), std::move(respond)); });
}

}  // namespace confab::api::actions
