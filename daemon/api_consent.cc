// PUT /v1/profiles/{brand}/{profile}/consent — consent set by the API (product §2, §6), audited
// with cause api like every other change.

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/clock.h"
#include "daemon/api_actions_internal.h"
#include "daemon/api_json.h"
#include "daemon/mo_rules.h"
#include "daemon/pipeline.h"

namespace confab::api::actions {
namespace {

constexpr std::size_t kMaxNoteBytes = 1024;

struct ConsentChange {
  store::Consent to = store::Consent::kNever;
  std::string note;
};

absl::StatusOr<ConsentChange> ChangeOf(const ApiCall& call) {
  absl::StatusOr<boost::json::object> body = JsonBody(call);
  if (!body.ok()) {
    return body.status();
  }
  ConsentChange change;
  const boost::json::value* consent = body->if_contains("consent");
  const std::string_view name =
      consent != nullptr && consent->is_string() ? View(consent->as_string()) : "";
  // The names the API writes (ConsentName) are the ones it reads; "never" cannot be set.
  bool named = false;
  for (const store::Consent to : {store::Consent::kSubscribed, store::Consent::kUnsubscribed}) {
    if (name == ConsentName(to)) {
      change.to = to;
      named = true;
    }
  }
  if (!named) {
    return absl::InvalidArgumentError("consent must be subscribed or unsubscribed");
  }
  if (const boost::json::value* note = body->if_contains("note")) {
    if (!note->is_string() || note->as_string().size() > kMaxNoteBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("note must be a string of at most ", kMaxNoteBytes, " bytes"));
    }
    change.note = std::string(View(note->as_string()));
  }
  return change;
}

struct Outcome {
  store::ProfileRecord profile;
  std::optional<std::pair<uint32_t, store::AuditRecord>> audit;  // none: consent unchanged
};

void SetConsent(const ApiDeps& deps, ApiCall call, Respond respond) {
  absl::StatusOr<Target> target = TargetOf(call, deps);
  absl::StatusOr<ConsentChange> change =
      target.ok() ? ChangeOf(call) : absl::StatusOr<ConsentChange>(target.status());
  if (!change.ok()) {
    std::move(respond)(ErrorResponse(change.status()));
    return;
  }
  const store::ThreadId thread = target->thread;
  const uint64_t now_ms = deps.clock ? deps.clock() : UnixMillisNow();
  auto outcome = std::make_shared<Outcome>();
  deps.pipeline->Mutate(
      thread,
      [thread, now_ms, outcome, change = *std::move(change)](
          std::optional<store::ProfileRecord>& profile, store::WriteSet& writes) mutable {
        if (!profile) {
          profile.emplace();  // consent can be recorded before the profile ever writes
        }
        if (profile->consent != change.to) {
          store::AuditRecord audit;
          audit.at_ms = now_ms;
          audit.from = profile->consent;
          audit.to = change.to;
          audit.cause = store::ConsentCause::kApi;
          audit.raw_text = change.note;
          const uint32_t seq =
              pipeline::ChangeConsent(thread, change.to, store::ConsentCause::kApi, now_ms,
                                      std::nullopt, std::move(change.note), *profile, writes);
          outcome->audit.emplace(seq, std::move(audit));
        }
        outcome->profile = *profile;
        return absl::OkStatus();
      },
      [thread, outcome, respond = std::move(respond)](absl::Status status) mutable {
        if (!status.ok()) {
          std::move(respond)(ErrorResponse(status));
          return;
        }
        boost::json::object json;
        json["brand"] = store::NumberText(thread.brand);
        json["profile"] = store::NumberText(thread.profile);
        json["consent"] = ConsentName(outcome->profile.consent);
        json["changed"] = outcome->audit.has_value();
        json["audit"] =
            outcome->audit
                ? boost::json::value(AuditJson(outcome->audit->first, outcome->audit->second))
                : boost::json::value(nullptr);
        std::move(respond)(Json(json));
      });
}

}  // namespace

void InstallConsentRoutes(ApiRoutes& routes, const ApiDeps& deps) {
  routes.Add("PUT", "/v1/profiles/{brand}/{profile}/consent", Access::kConversations,
             [deps](ApiCall call, Respond respond) {
               SetConsent(deps, std::move(call), std::move(respond));
             });
}

}  // namespace confab::api::actions
