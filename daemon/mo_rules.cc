#include "daemon/mo_rules.h"

#include <utility>

#include "smpp/segment.h"

namespace confab::pipeline {
namespace {

using store::Consent;
using store::ConversationState;

store::MessageRecord InboundRecord(const InboundText& message, const classify::Decision& decision) {
  store::MessageRecord record;
  record.direction = store::Direction::kInbound;
  record.kind =
      decision.is_keyword() ? store::MessageKind::kKeyword : store::MessageKind::kConversation;
  record.encoding = message.encoding;
  record.segments = message.segments;
  record.delivery = store::DeliveryState::kReceived;
  record.incomplete = message.incomplete;
  record.created_ms = message.received_ms;
  record.updated_ms = message.received_ms;
  record.text = message.text;
  // rule_id 0 means "none recorded"; a conversation records rule kNone = 0 as well.
  record.rule_id = static_cast<uint32_t>(decision.rule);
  record.language = std::string(classify::LanguageName(decision.language));
  record.span_begin = decision.span_offset;
  record.span_length = decision.span_length;
  record.table_version = decision.table_version;
  return record;
}

// §5: the first inbound after a campaign/flow message, within the window, is attributed to it.
void Attribute(const BrandNumber& brand, const InboundText& message, uint32_t seq,
               store::ProfileRecord& profile, store::MessageRecord& record, store::WriteSet& writes,
               InboundOutcome& outcome) {
  if (profile.candidate_kind == store::AttributionKind::kNone) {
    return;
  }
  if (message.received_ms >= profile.candidate_sent_ms &&
      message.received_ms - profile.candidate_sent_ms <= brand.attribution_window_ms) {
    record.attribution_kind = profile.candidate_kind;
    record.attribution_id = profile.candidate_id;
    writes.PutAttribution({profile.candidate_kind, profile.candidate_id, {message.thread, seq}},
                          {message.received_ms, profile.candidate_message_seq});
    outcome.attributed = true;
  }
  profile.candidate_kind = store::AttributionKind::kNone;
  profile.candidate_id = 0;
  profile.candidate_sent_ms = 0;
  profile.candidate_message_seq = 0;
}

void KeywordConsent(Consent to, const InboundText& message, uint32_t seq,
                    store::ProfileRecord& profile, store::WriteSet& writes) {
  ChangeConsent(message.thread, to, store::ConsentCause::kKeyword, message.received_ms, seq,
                message.text, profile, writes);
}

store::OutboxEntry QueueReply(const BrandNumber& brand, store::MessageKind kind,
                              const std::string& text, const InboundText& message,
                              store::ProfileRecord& profile, store::WriteSet& writes) {
  const uint32_t seq = profile.next_message_seq++;
  store::OutboxEntry entry{{message.received_ms, {message.thread, seq}}, {}};
  entry.second.route = brand.route;
  entry.second.message = ReplyRecord(kind, text, message.received_ms);
  writes.PutOutbox(entry.first, entry.second);
  return entry;
}

bool AutoResponderAnswers(const BrandNumber& brand, const store::ProfileRecord& profile,
                          uint64_t now_ms) {
  if (profile.blocked || brand.auto_response.empty()) {
    return false;
  }
  switch (brand.auto_responder) {
    case config::AutoResponderMode::kOff:
      return false;
    case config::AutoResponderMode::kNonConsented:
      if (profile.consent == Consent::kSubscribed) {
        return false;
      }
      break;
    case config::AutoResponderMode::kAll:
      break;
  }
  // The loop guard: two robots must not ping-pong.
  return profile.last_auto_response_ms == 0 ||
         now_ms >= profile.last_auto_response_ms + brand.auto_response_interval_ms;
}

void ApplyKeyword(const BrandNumber& brand, const InboundText& message,
                  const classify::Decision& decision, uint32_t seq, store::ProfileRecord& profile,
                  store::WriteSet& writes, InboundOutcome& outcome) {
  bool reply = true;
  if (decision.kind == classify::Kind::kOptOut) {
    // Exactly one confirmation per opt-out: a STOP while unsubscribed changes nothing.
    reply = profile.consent != Consent::kUnsubscribed;
    if (reply) {
      KeywordConsent(Consent::kUnsubscribed, message, seq, profile, writes);
      outcome.consent_changed = true;
    }
  } else if (decision.kind == classify::Kind::kOptIn && profile.consent != Consent::kSubscribed) {
    KeywordConsent(Consent::kSubscribed, message, seq, profile, writes);
    outcome.consent_changed = true;
  }
  const std::string& text = brand.ReplyFor(decision.kind, decision.language);
  if (reply && !text.empty()) {
    outcome.reply =
        QueueReply(brand, store::MessageKind::kKeywordReply, text, message, profile, writes);
    outcome.reply_queued = true;
  }
}

void ApplyConversation(const BrandNumber& brand, const InboundText& message,
                       store::ProfileRecord& profile, store::WriteSet& writes,
                       InboundOutcome& outcome) {
  if (profile.blocked) {
    outcome.blocked = true;  // stored, nothing else (§4)
    return;
  }
  if (profile.state != ConversationState::kOpen) {
    profile.state = ConversationState::kOpen;
    profile.snooze_until_ms = 0;  // a pending wake-up timer is recognised as stale
    outcome.conversation_opened = true;
  }
  outcome.became_unread = !profile.unread;
  profile.unread = true;
  profile.last_activity_ms = std::max(profile.last_activity_ms, message.received_ms);
  if (AutoResponderAnswers(brand, profile, message.received_ms)) {
    outcome.reply = QueueReply(brand, store::MessageKind::kAutoResponse, brand.auto_response,
                               message, profile, writes);
    profile.last_auto_response_ms = message.received_ms;
    outcome.auto_response = true;
  }
}

}  // namespace

uint32_t ChangeConsent(const store::ThreadId& thread, store::Consent to, store::ConsentCause cause,
                       uint64_t at_ms, std::optional<uint32_t> message_seq, std::string raw_text,
                       store::ProfileRecord& profile, store::WriteSet& writes) {
  store::AuditRecord audit;
  audit.at_ms = at_ms;
  audit.from = profile.consent;
  audit.to = to;
  audit.cause = cause;
  audit.has_message = message_seq.has_value();
  audit.message_seq = message_seq.value_or(0);
  audit.raw_text = std::move(raw_text);
  const uint32_t audit_seq = profile.next_audit_seq++;
  writes.AppendAudit(thread, audit_seq, audit);
  profile.consent = to;
  return audit_seq;
}

store::TextEncoding StoredEncoding(smpp::TextEncoding encoding) {
  switch (encoding) {
    case smpp::TextEncoding::kUcs2:
      return store::TextEncoding::kUcs2;
    case smpp::TextEncoding::kLatin1:
      return store::TextEncoding::kLatin1;
    default:
      return store::TextEncoding::kGsm7;
  }
}

store::MessageRecord ReplyRecord(store::MessageKind kind, std::string text, uint64_t now_ms) {
  const smpp::TextAnalysis analysis = smpp::AnalyzeText(text);
  store::MessageRecord record;
  record.direction = store::Direction::kOutbound;
  record.kind = kind;
  record.encoding = StoredEncoding(analysis.encoding);
  record.segments = static_cast<uint8_t>(std::min<std::size_t>(analysis.segments, 255));
  record.delivery = store::DeliveryState::kQueued;
  record.created_ms = now_ms;
  record.updated_ms = now_ms;
  record.text = std::move(text);
  return record;
}

InboundOutcome ApplyInbound(const BrandNumber& brand, const InboundText& message,
                            const classify::Decision& decision, store::ProfileRecord& profile,
                            store::WriteSet& writes) {
  InboundOutcome outcome;
  outcome.kind = decision.kind;
  const uint32_t seq = profile.next_message_seq++;
  outcome.message_seq = seq;
  store::MessageRecord record = InboundRecord(message, decision);
  Attribute(brand, message, seq, profile, record, writes, outcome);
  writes.PutMessage({message.thread, seq}, record);
  if (decision.is_keyword()) {
    ApplyKeyword(brand, message, decision, seq, profile, writes, outcome);
  } else {
    ApplyConversation(brand, message, profile, writes, outcome);
  }
  return outcome;
}

}  // namespace confab::pipeline
