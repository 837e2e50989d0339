// Outbound texts from the API (agent replies, campaign and flow sends): checked, finalized and
// queued in one mutation of the thread.
//
// Why the seq is predicted. A short link names the message it was shortened in (clicks attribute
// to it), so the text is shortened before the mutation, for the seq the thread's record promises
// (next_message_seq as committed) — link inserts wait for a commit and must never run on the
// pipeline's decider thread. The mutation then checks that promise against the record the
// decider holds; if an MO took the seq meanwhile, it stages nothing, and the texts are shortened
// again (on the actions worker) for the seq it saw. Links of the abandoned attempt name a seq
// that was never sent with them: unreachable, they expire.

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/clock.h"
#include "base/status_macros.h"
#include "daemon/api_actions_internal.h"
#include "daemon/dispatcher.h"
#include "daemon/mo_rules.h"
#include "daemon/pipeline.h"
#include "daemon/quiet_hours.h"
#include "daemon/shortener.h"
#include "smpp/segment.h"
#include "store/reader.h"

namespace confab::api::actions {
namespace {

constexpr int kMaxAttempts = 4;

struct Attempt {
  ApiDeps deps;
  std::weak_ptr<Worker> worker;  // owned by the routes: a send in flight never keeps it
  OutboundRequest request;
  OutboundDone done;
  uint64_t now_ms = 0;
  QuietOutcome quiet;
  int attempts = 0;
  std::optional<uint32_t> seen_seq;  // the next_message_seq a refused mutation found
};

QuietOutcome QuietFor(const ApiDeps& deps, const config::NumberConfig& brand,
                      const store::ThreadId& thread,
                      const std::optional<store::ProfileRecord>& profile, uint64_t now_ms) {
  const quiet::CheckInput input = quiet::CheckInputFromConfig(
      brand.quiet_hours, absl::FromUnixMillis(static_cast<int64_t>(now_ms)),
      /*keyword_reply=*/false);
  QuietOutcome outcome;
  outcome.policy = std::string(quiet::PolicyName(input.policy));
  if (input.policy == quiet::Policy::kOff) {
    outcome.verdict = "off";
    outcome.reason = "quiet hours are off for this brand number";
    return outcome;
  }
  outcome.verdict = "unknown";  // sent: quiet hours cannot be applied
  if (deps.quiet_hours == nullptr) {
    outcome.reason = "quiet hours are not available";
    return outcome;
  }
  absl::StatusOr<quiet::RecipientZones> zones = deps.quiet_hours->ZonesFor(
      profile ? profile->time_zone : "", store::NumberText(thread.profile), brand.default_country);
  if (!zones.ok()) {
    outcome.reason = std::string(zones.status().message());
    return outcome;
  }
  absl::StatusOr<quiet::Verdict> verdict = deps.quiet_hours->Check(*zones, input);
  if (!verdict.ok()) {
    outcome.reason = std::string(verdict.status().message());
    return outcome;
  }
  outcome.reason = verdict->reason;
  if (verdict->source == quiet::ZoneSource::kUnknown) {
    return outcome;
  }
  if (verdict->action == quiet::Action::kDefer) {
    outcome.verdict = "defer";
    outcome.defer_until_ms = static_cast<uint64_t>(absl::ToUnixMillis(verdict->defer_until));
  } else {
    outcome.verdict = verdict->allowed_now ? "inside" : "outside";
  }
  return outcome;
}

// The texts as they will go out, for messages first_seq, first_seq + 1, …
absl::StatusOr<std::vector<PreparedText>> Prepare(const Attempt& attempt, uint32_t first_seq) {
  const OutboundRequest& request = attempt.request;
  const bool shorten = attempt.deps.shortener != nullptr && request.brand->link_shortening;
  std::vector<PreparedText> prepared;
  for (std::size_t i = 0; i < request.texts.size(); ++i) {
    PreparedText text;
    const uint32_t seq = first_seq + static_cast<uint32_t>(i);
    if (!shorten) {
      text.text = request.texts[i];
    } else if (request.dry_run) {
      ShortenPreview preview = attempt.deps.shortener->Preview(request.texts[i]);
      text.text = std::move(preview.text);
      text.links = preview.links;
    } else {
      absl::StatusOr<ShortenResult> result =
          attempt.deps.shortener->Shorten(request.texts[i], LinkContext{{request.thread, seq}});
      if (!result.ok()) {
        return absl::UnavailableError(
            absl::StrCat("shortening the links of text ", i, ": ", result.status().message()));
      }
      text.text = std::move(result->text);
      text.links = result->links.size();
    }
    // As the dispatcher will cut it (its carrier's concatenation options may differ only in the
    // UDH form, which does not change the count for the default 8-bit reference).
    absl::StatusOr<smpp::SegmentedMessage> segmented =
        smpp::SegmentText(text.text, smpp::SegmentOptions{}, [] { return uint16_t{0}; });
    if (!segmented.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("text ", i, " cannot be sent: ", segmented.status().message()));
    }
    text.encoding = pipeline::StoredEncoding(segmented->encoding);
    text.segments = segmented->parts.size();
    text.quiet = attempt.quiet;
    const bool defer = attempt.quiet.verdict == "defer";
    text.due_ms = defer ? attempt.quiet.defer_until_ms : attempt.now_ms;
    text.delivery = defer ? store::DeliveryState::kDeferred : store::DeliveryState::kQueued;
    if (!request.dry_run) {
      text.seq = seq;
    }
    prepared.push_back(std::move(text));
  }
  return prepared;
}

void Run(const std::shared_ptr<Attempt>& attempt, uint32_t first_seq) {
  ++attempt->attempts;
  attempt->seen_seq.reset();
  absl::StatusOr<std::vector<PreparedText>> prepared = Prepare(*attempt, first_seq);
  if (!prepared.ok() || attempt->request.dry_run) {
    std::move(attempt->done)(std::move(prepared));
    return;
  }
  auto texts = std::make_shared<std::vector<PreparedText>>(*std::move(prepared));
  const bool links = std::any_of(texts->begin(), texts->end(),
                                 [](const PreparedText& text) { return text.links > 0; });
  const uint32_t route =
      attempt->deps.route ? attempt->deps.route(attempt->request.thread.brand) : 0;
  auto mutation = [attempt, texts, first_seq, links, route](
                      std::optional<store::ProfileRecord>& profile,
                      store::WriteSet& writes) -> absl::Status {
    const OutboundRequest& request = attempt->request;
    RETURN_IF_ERROR(CheckOutbound(profile, request.kind));
    if (profile->next_message_seq != first_seq) {
      if (links) {
        attempt->seen_seq = profile->next_message_seq;
        return absl::AbortedError("the thread's next message seq moved while links were made");
      }
      for (std::size_t i = 0; i < texts->size(); ++i) {
        (*texts)[i].seq = profile->next_message_seq + static_cast<uint32_t>(i);
      }
    }
    for (const PreparedText& text : *texts) {
      store::MessageRecord record;
      record.direction = store::Direction::kOutbound;
      record.kind = request.kind;
      record.encoding = text.encoding;
      record.segments = static_cast<uint8_t>(std::min<std::size_t>(text.segments, 255));
      record.delivery = text.delivery;
      record.created_ms = attempt->now_ms;
      record.updated_ms = attempt->now_ms;
      record.attribution_kind = request.attribution;
      record.attribution_id = request.attribution_id;
      record.text = text.text;
      const store::MessageKey key{request.thread, *text.seq};
      writes.PutMessage(key, record);
      store::OutboxItem item;  // the reference form: the message is in `messages` already
      item.route = route;
      writes.PutOutbox({text.due_ms, key}, item);
    }
    const uint32_t last_seq = *texts->back().seq;
    profile->next_message_seq = last_seq + 1;
    if (request.kind == store::MessageKind::kAgentReply) {
      profile->last_activity_ms = std::max(profile->last_activity_ms, attempt->now_ms);
    } else {
      // Product §5: the next inbound within the window is attributed to this message.
      profile->candidate_kind = request.attribution;
      profile->candidate_id = request.attribution_id;
      profile->candidate_sent_ms = attempt->now_ms;
      profile->candidate_message_seq = last_seq;
    }
    return absl::OkStatus();
  };
  attempt->deps.pipeline->Mutate(
      attempt->request.thread, std::move(mutation), [attempt, texts](absl::Status status) {
        if (status.ok()) {
          uint64_t due = UINT64_MAX;
          for (const PreparedText& text : *texts) {
            due = std::min(due, text.due_ms);
          }
          if (attempt->deps.dispatcher != nullptr) {
            attempt->deps.dispatcher->Kick(due);
          }
          std::move(attempt->done)(std::move(*texts));
          return;
        }
        if (std::shared_ptr<Worker> worker = attempt->worker.lock();
            worker && attempt->seen_seq && attempt->attempts < kMaxAttempts) {
          const uint32_t seq = *attempt->seen_seq;
          worker->Post([attempt, seq] { Run(attempt, seq); });
          return;
        }
        std::move(attempt->done)(
            attempt->seen_seq
                ? absl::UnavailableError("the conversation kept changing; send the reply again")
                : status);
      });
}

}  // namespace

absl::Status CheckOutbound(const std::optional<store::ProfileRecord>& profile,
                           store::MessageKind kind) {
  if (kind == store::MessageKind::kAgentReply &&
      (!profile || profile->state == store::ConversationState::kNone)) {
    return RuleError(409, "no_conversation",
                     "no conversation with this profile: the brand can never start one");
  }
  if (profile && profile->blocked) {
    return RuleError(409, "blocked", "the profile is blocked");
  }
  if (!profile || profile->consent != store::Consent::kSubscribed) {
    return RuleError(
        409, "not_subscribed",
        absl::StrCat("the profile has not consented (consent: ",
                     std::string(ConsentName(profile ? profile->consent : store::Consent::kNever)),
                     ")"));
  }
  return absl::OkStatus();
}

void QueueOutbound(const ApiDeps& deps, std::shared_ptr<Worker> worker, OutboundRequest request,
                   OutboundDone done) {
  auto attempt = std::make_shared<Attempt>();
  attempt->deps = deps;
  attempt->worker = worker;
  attempt->request = std::move(request);
  attempt->done = std::move(done);
  attempt->now_ms = deps.clock ? deps.clock() : UnixMillisNow();
  // Checked here against what is committed, so that a refused send creates no links; checked
  // again in the mutation against what the pipeline holds.
  absl::StatusOr<std::optional<store::ProfileRecord>> profile =
      store::StoreReader(*deps.source).GetProfile(attempt->request.thread);
  if (!profile.ok()) {
    std::move(attempt->done)(
        absl::UnavailableError(absl::StrCat("reading the profile: ", profile.status().message())));
    return;
  }
  if (absl::Status refused = CheckOutbound(*profile, attempt->request.kind); !refused.ok()) {
    std::move(attempt->done)(refused);
    return;
  }
  attempt->quiet =
      QuietFor(deps, *attempt->request.brand, attempt->request.thread, *profile, attempt->now_ms);
  Run(attempt, (*profile)->next_message_seq);
}

boost::json::object PreparedJson(const store::ThreadId& thread, const PreparedText& text) {
  boost::json::object json;
  json["message_id"] = text.seq ? boost::json::value(*text.seq) : boost::json::value(nullptr);
  json["text"] = text.text;
  json["links"] = text.links;
  json["encoding"] = EncodingName(text.encoding);
  json["segments"] = text.segments;
  json["delivery"] = DeliveryName(text.delivery);
  json["due"] = FormatTimeMs(text.due_ms);
  json["outbox_id"] = text.seq
                          ? boost::json::value(absl::StrCat(store::NumberText(thread.brand), "/",
                                                            store::NumberText(thread.profile), "/",
                                                            text.due_ms, "/", *text.seq))
                          : boost::json::value(nullptr);
  boost::json::object quiet;
  quiet["policy"] = text.quiet.policy;
  quiet["verdict"] = text.quiet.verdict;
  quiet["reason"] = text.quiet.reason;
  quiet["defer_until"] = text.quiet.verdict == "defer"
                             ? boost::json::value(FormatTimeMs(text.quiet.defer_until_ms))
                             : boost::json::value(nullptr);
  json["quiet_hours"] = std::move(quiet);
  return json;
}

}  // namespace confab::api::actions
