#pragma once

// JSON encodings of store records shared by every admin API group (issue #5), so that a message,
// a conversation head or a consent audit entry looks the same wherever it appears.
//
// Conventions: times are RFC 3339 UTC strings with milliseconds ("2027-01-15T08:00:00.000Z");
// enums are lowercase snake_case names (the Name functions below); numbers (brand, profile) are
// their text form (E.164 "+15551234567" or short-code digits); a field that does not apply is
// null, never absent, so that clients see one shape.

#include <cstdint>
#include <string>
#include <string_view>

#include "boost/json/object.hpp"
#include "boost/json/storage_ptr.hpp"
#include "store/records.h"
#include "store/schema.h"

namespace confab::api {

// RFC 3339 UTC with milliseconds, "%Y-%m-%dT%H:%M:%E3SZ".
std::string FormatTimeMs(uint64_t ms);

std::string_view ConsentName(store::Consent consent);  // never, subscribed, unsubscribed
// none, open, snoozed, closed
std::string_view StateName(store::ConversationState state);
std::string_view DirectionName(store::Direction direction);  // inbound, outbound
// conversation, keyword, auto_response, keyword_reply, agent_reply, campaign, flow
std::string_view KindName(store::MessageKind kind);
std::string_view EncodingName(store::TextEncoding encoding);  // gsm7, latin1, ucs2
// received, queued, deferred, submitted, delivered, undelivered, failed, expired, rejected,
// unknown
std::string_view DeliveryName(store::DeliveryState state);
std::string_view CauseName(store::ConsentCause cause);          // keyword, api, carrier
std::string_view AttributionName(store::AttributionKind kind);  // none, campaign, flow

// The longest prefix of `text` with at most `max_chars` UTF-8 characters, cut on a character
// boundary; "…" is appended when something was cut.
std::string TruncateUtf8(std::string_view text, std::size_t max_chars);

// One message of a thread:
//   {"seq", "direction", "kind", "encoding", "segments", "delivery", "delivery_error",
//    "parts_final", "incomplete", "created", "updated", "attribution": {"kind", "id"} | null,
//    "classification": {"rule", "language", "span_begin", "span_length", "table_version"} | null,
//    "carrier_message_id" (null when none), "text"}
// `delivery_error` is null unless a receipt or a refusal set it.
boost::json::object MessageJson(const store::MessageKey& key, const store::MessageRecord& record,
                                boost::json::storage_ptr storage = {});

// A conversation head (what the inbox list shows besides the preview):
//   {"brand", "profile", "state", "unread", "last_activity", "snooze_until" (null unless
//    snoozed), "consent", "blocked", "candidate": {"kind", "id", "sent", "message_seq"} | null}
boost::json::object ConversationJson(const store::ThreadId& thread,
                                     const store::ProfileRecord& profile,
                                     boost::json::storage_ptr storage = {});

// A message shortened for a list: {"seq", "direction", "kind", "delivery", "text" (at most
// kPreviewChars characters), "created"}.
inline constexpr std::size_t kPreviewChars = 160;
boost::json::object PreviewJson(const store::MessageKey& key, const store::MessageRecord& record,
                                boost::json::storage_ptr storage = {});

// One consent audit entry: {"seq", "at", "from", "to", "cause", "message_seq" (null when no
// message caused it), "raw_text"}.
boost::json::object AuditJson(uint32_t audit_seq, const store::AuditRecord& record,
                              boost::json::storage_ptr storage = {});

}  // namespace confab::api
