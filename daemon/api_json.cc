#include "daemon/api_json.h"

#include <cstdio>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "daemon/classifier.h"

namespace confab::api {
namespace {

boost::json::value TimeOrNull(uint64_t ms) {
  return ms == 0 ? boost::json::value(nullptr) : boost::json::value(FormatTimeMs(ms));
}

}  // namespace

std::string FormatTimeMs(uint64_t ms) {
  // Civil fields and one snprintf: absl::FormatTime parses its format on every call, and a
  // conversation list formats a few hundred times per page.
  const absl::Time time = absl::FromUnixMillis(static_cast<int64_t>(ms));
  const absl::CivilSecond civil = absl::ToCivilSecond(time, absl::UTCTimeZone());
  char text[32];
  const int length =
      std::snprintf(text, sizeof(text), "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ",
                    static_cast<long long>(civil.year()), civil.month(), civil.day(), civil.hour(),
                    civil.minute(), civil.second(), static_cast<int>(ms % 1000));
  return std::string(text, length > 0 ? static_cast<std::size_t>(length) : 0);
}

std::string_view ConsentName(store::Consent consent) {
  switch (consent) {
    case store::Consent::kNever:
      return "never";
    case store::Consent::kSubscribed:
      return "subscribed";
    case store::Consent::kUnsubscribed:
      return "unsubscribed";
  }
  return "unknown";
}

std::string_view StateName(store::ConversationState state) {
  switch (state) {
    case store::ConversationState::kNone:
      return "none";
    case store::ConversationState::kOpen:
      return "open";
    case store::ConversationState::kSnoozed:
      return "snoozed";
    case store::ConversationState::kClosed:
      return "closed";
  }
  return "unknown";
}

std::string_view DirectionName(store::Direction direction) {
  return direction == store::Direction::kInbound ? "inbound" : "outbound";
}

std::string_view KindName(store::MessageKind kind) {
  static constexpr std::string_view kNames[] = {"conversation",  "keyword",     "auto_response",
                                                "keyword_reply", "agent_reply", "campaign",
                                                "flow"};
  const auto index = static_cast<std::size_t>(kind);
  return index < std::size(kNames) ? kNames[index] : "unknown";
}

std::string_view EncodingName(store::TextEncoding encoding) {
  static constexpr std::string_view kNames[] = {"gsm7", "latin1", "ucs2"};
  const auto index = static_cast<std::size_t>(encoding);
  return index < std::size(kNames) ? kNames[index] : "unknown";
}

std::string_view DeliveryName(store::DeliveryState state) {
  static constexpr std::string_view kNames[] = {"received",  "queued",      "deferred", "submitted",
                                                "delivered", "undelivered", "failed",   "expired",
                                                "rejected",  "unknown"};
  const auto index = static_cast<std::size_t>(state);
  return index < std::size(kNames) ? kNames[index] : "unknown";
}

std::string_view CauseName(store::ConsentCause cause) {
  static constexpr std::string_view kNames[] = {"keyword", "api", "carrier"};
  const auto index = static_cast<std::size_t>(cause);
  return index < std::size(kNames) ? kNames[index] : "unknown";
}

std::string_view AttributionName(store::AttributionKind kind) {
  static constexpr std::string_view kNames[] = {"none", "campaign", "flow"};
  const auto index = static_cast<std::size_t>(kind);
  return index < std::size(kNames) ? kNames[index] : "unknown";
}

std::string TruncateUtf8(std::string_view text, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    // Every byte that is not a continuation byte (10xxxxxx) starts a character.
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (chars == max_chars) {
        return std::string(text.substr(0, i)) + "\u2026";
      }
      ++chars;
    }
  }
  return std::string(text);
}

boost::json::object MessageJson(const store::MessageKey& key, const store::MessageRecord& record,
                                boost::json::storage_ptr storage) {
  boost::json::object out(std::move(storage));
  out.reserve(16);
  out["seq"] = key.seq;
  out["direction"] = DirectionName(record.direction);
  out["kind"] = KindName(record.kind);
  out["encoding"] = EncodingName(record.encoding);
  out["segments"] = record.segments;
  out["delivery"] = DeliveryName(record.delivery);
  out["delivery_error"] = record.delivery_error.empty() ? boost::json::value(nullptr)
                                                        : boost::json::value(record.delivery_error);
  out["parts_final"] = record.parts_final;
  out["incomplete"] = record.incomplete;
  out["created"] = FormatTimeMs(record.created_ms);
  out["updated"] = FormatTimeMs(record.updated_ms);
  if (record.attribution_kind == store::AttributionKind::kNone) {
    out["attribution"] = nullptr;
  } else {
    out["attribution"] = {{"kind", AttributionName(record.attribution_kind)},
                          {"id", record.attribution_id}};
  }
  if (record.rule_id == 0) {
    out["classification"] = nullptr;
  } else {
    out["classification"] = {
        {"rule", classify::RuleName(static_cast<classify::RuleId>(record.rule_id))},
        {"language", record.language},
        {"span_begin", record.span_begin},
        {"span_length", record.span_length},
        {"table_version", record.table_version}};
  }
  out["carrier_message_id"] = record.carrier_message_id.empty()
                                  ? boost::json::value(nullptr)
                                  : boost::json::value(record.carrier_message_id);
  out["text"] = record.text;
  return out;
}

boost::json::object ConversationJson(const store::ThreadId& thread,
                                     const store::ProfileRecord& profile,
                                     boost::json::storage_ptr storage) {
  boost::json::object out(std::move(storage));
  out.reserve(10);
  out["brand"] = store::NumberText(thread.brand);
  out["profile"] = store::NumberText(thread.profile);
  out["state"] = StateName(profile.state);
  out["unread"] = profile.unread;
  out["last_activity"] = TimeOrNull(profile.last_activity_ms);
  out["snooze_until"] = profile.state == store::ConversationState::kSnoozed
                            ? TimeOrNull(profile.snooze_until_ms)
                            : boost::json::value(nullptr);
  out["consent"] = ConsentName(profile.consent);
  out["blocked"] = profile.blocked;
  if (profile.candidate_kind == store::AttributionKind::kNone) {
    out["candidate"] = nullptr;
  } else {
    out["candidate"] = {{"kind", AttributionName(profile.candidate_kind)},
                        {"id", profile.candidate_id},
                        {"sent", FormatTimeMs(profile.candidate_sent_ms)},
                        {"message_seq", profile.candidate_message_seq}};
  }
  return out;
}

boost::json::object PreviewJson(const store::MessageKey& key, const store::MessageRecord& record,
                                boost::json::storage_ptr storage) {
  boost::json::object out(std::move(storage));
  out.reserve(6);
  out["seq"] = key.seq;
  out["direction"] = DirectionName(record.direction);
  out["kind"] = KindName(record.kind);
  out["delivery"] = DeliveryName(record.delivery);
  out["text"] = TruncateUtf8(record.text, kPreviewChars);
  out["created"] = FormatTimeMs(record.created_ms);
  return out;
}

boost::json::object AuditJson(uint32_t audit_seq, const store::AuditRecord& record,
                              boost::json::storage_ptr storage) {
  boost::json::object out(std::move(storage));
  out.reserve(7);
  out["seq"] = audit_seq;
  out["at"] = FormatTimeMs(record.at_ms);
  out["from"] = ConsentName(record.from);
  out["to"] = ConsentName(record.to);
  out["cause"] = CauseName(record.cause);
  out["message_seq"] =
      record.has_message ? boost::json::value(record.message_seq) : boost::json::value(nullptr);
  out["raw_text"] = record.raw_text;
  return out;
}

}  // namespace confab::api
