#pragma once

// The store's values as plain structs, with a versioned compact encoding (store/SCHEMA.md).
// Every encoding starts with a version byte (now 1). Decode* accepts exactly what Encode*
// produced: an unknown version, a truncated or over-long field, an out-of-range enum or trailing
// bytes is DataLoss — never a crash, never a partly-filled record.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "store/schema.h"

namespace confab::store {

inline constexpr uint8_t kRecordVersion = 1;
// Inbound idempotency hashes remembered per thread (the dedup window, see ProfileRecord).
inline constexpr std::size_t kDedupSlots = 4;

enum class Consent : uint8_t { kNever = 0, kSubscribed = 1, kUnsubscribed = 2 };

struct DedupEntry {
  uint64_t hash = 0;   // of the inbound message's idempotency key
  uint64_t at_ms = 0;  // when it was accepted
  friend bool operator==(const DedupEntry&, const DedupEntry&) = default;
};

// One per (brand number, profile): consent, the conversation head, the attribution candidate,
// the auto-response loop guard and the dedup window — so that an inbound message reads one
// record and writes it back once.
struct ProfileRecord {
  Consent consent = Consent::kNever;
  bool blocked = false;
  ConversationState state = ConversationState::kNone;  // kNone: no conversation yet
  bool unread = false;
  uint64_t last_activity_ms = 0;
  uint64_t snooze_until_ms = 0;  // meaningful while state == kSnoozed
  uint64_t last_auto_response_ms = 0;
  uint32_t next_message_seq = 0;  // seq of the next message in this thread
  uint32_t next_audit_seq = 0;    // seq of the next consent audit record
  // The last campaign/flow message received and not yet answered (product §5); kNone if none.
  AttributionKind candidate_kind = AttributionKind::kNone;
  uint64_t candidate_id = 0;
  uint64_t candidate_sent_ms = 0;
  uint32_t candidate_message_seq = 0;
  std::string time_zone;          // IANA name set by the API; empty = inferred from the number
  std::vector<DedupEntry> dedup;  // newest last, at most kDedupSlots

  // Whether an inbound message with this idempotency hash was accepted within ttl_ms of now.
  bool SeenInbound(uint64_t hash, uint64_t now_ms, uint64_t ttl_ms) const;
  // Remembers `hash`, dropping entries older than ttl_ms and then the oldest beyond kDedupSlots.
  void RememberInbound(uint64_t hash, uint64_t now_ms, uint64_t ttl_ms);
  // Where this conversation sits in the inbox index; nullopt when it has no conversation.
  std::optional<InboxKey> InboxPosition(const ThreadId& thread) const;

  friend bool operator==(const ProfileRecord&, const ProfileRecord&) = default;
};

enum class Direction : uint8_t { kInbound = 0, kOutbound = 1 };
enum class MessageKind : uint8_t {
  kConversation = 0,
  kKeyword,
  kAutoResponse,
  kKeywordReply,
  kAgentReply,
  kCampaign,
  kFlow,
};
enum class TextEncoding : uint8_t { kGsm7 = 0, kLatin1 = 1, kUcs2 = 2 };
enum class DeliveryState : uint8_t {
  kReceived = 0,  // inbound
  kQueued,        // outbound, in the outbox
  kDeferred,      // outbound, held for quiet hours
  kSubmitted,     // submit_sm_resp OK
  kDelivered,
  kUndelivered,
  kFailed,    // refused by the carrier (submit_sm_resp error) or gave up
  kExpired,   // receipt: validity ran out (EXPIRED)
  kRejected,  // receipt: the SMSC rejected it (REJECTD)
  kUnknown,   // receipt: the SMSC does not know the outcome (UNKNOWN)
};
// Whether a message in `state` will not change any more. kSubmitted and before are not final.
constexpr bool IsFinal(DeliveryState state) { return state >= DeliveryState::kDelivered; }

struct MessageRecord {
  Direction direction = Direction::kInbound;
  MessageKind kind = MessageKind::kConversation;
  TextEncoding encoding = TextEncoding::kGsm7;
  uint8_t segments = 1;
  DeliveryState delivery = DeliveryState::kReceived;
  bool incomplete = false;  // reassembly timed out: delivered with parts missing
  uint64_t created_ms = 0;
  uint64_t updated_ms = 0;                                    // last delivery state change
  AttributionKind attribution_kind = AttributionKind::kNone;  // campaign/flow it belongs to
  uint64_t attribution_id = 0;
  std::string carrier_message_id;
  std::string text;  // UTF-8
  // Classification of an inbound message (product §2.5); rule_id 0 = none recorded.
  uint32_t rule_id = 0;
  std::string language;
  uint32_t span_begin = 0;
  uint32_t span_length = 0;
  uint32_t table_version = 0;
  // Outbound, from delivery receipts (daemon/receipts.h): parts of this message with a final
  // receipt so far, and the carrier's error from the receipt that decided a negative state
  // (its "err:" text) — or the ESME status name of a permanent submit refusal (the
  // dispatcher); at most 16 characters. Stored only when set.
  uint8_t parts_final = 0;
  std::string delivery_error;

  friend bool operator==(const MessageRecord&, const MessageRecord&) = default;
};

// An item to send: the message is messages[key.message] — or, for a reply the pipeline queues
// with the MO (auto-response, keyword reply: never held), `message` itself, which the sender
// writes into the thread when it submits it (it rewrites the record then anyway, with the
// carrier id and the submitted state). That keeps the reply to one write on the MO's path.
struct OutboxItem {
  uint32_t attempts = 0;
  uint32_t route = 0;  // carrier route index from config
  std::optional<MessageRecord> message;
  friend bool operator==(const OutboxItem&, const OutboxItem&) = default;
};

// An outbox item under its key: what a scan of the outbox reads, and what a writer hands the
// outbound dispatcher once it is durable.
using OutboxEntry = std::pair<OutboxKey, OutboxItem>;

enum class ConsentCause : uint8_t { kKeyword = 0, kApi = 1, kCarrier = 2 };

struct AuditRecord {
  uint64_t at_ms = 0;
  Consent from = Consent::kNever;
  Consent to = Consent::kNever;
  ConsentCause cause = ConsentCause::kKeyword;
  bool has_message = false;  // the inbound message that caused it
  uint32_t message_seq = 0;
  std::string raw_text;
  friend bool operator==(const AuditRecord&, const AuditRecord&) = default;
};

struct TimerRecord {
  uint64_t payload = 0;  // snooze: the snooze_until it was set for; deferred send: message seq
  friend bool operator==(const TimerRecord&, const TimerRecord&) = default;
};

struct AttributionRecord {
  uint64_t at_ms = 0;               // when the inbound arrived
  uint32_t source_message_seq = 0;  // the campaign/flow message in the same thread
  friend bool operator==(const AttributionRecord&, const AttributionRecord&) = default;
};

struct LinkRecord {
  std::string url;
  MessageKey message;  // the outbound message the link was shortened in
  uint64_t created_ms = 0;
  uint64_t expires_ms = 0;
  friend bool operator==(const LinkRecord&, const LinkRecord&) = default;
};

struct ClickCounts {
  uint64_t humans = 0;
  uint64_t bots = 0;  // known link-preview bots
  friend bool operator==(const ClickCounts&, const ClickCounts&) = default;
};

struct ClickRecord {
  bool bot = false;
  std::string user_agent;
  friend bool operator==(const ClickRecord&, const ClickRecord&) = default;
};

// A carrier reference's value: which part of which outbound message a carrier message id names,
// and what that part's receipts said so far (kSubmitted until a final one arrives).
struct CarrierRef {
  MessageKey message;
  uint8_t part = 1;   // 1-based
  uint8_t parts = 1;  // parts the message was submitted in
  DeliveryState state = DeliveryState::kSubmitted;
  friend bool operator==(const CarrierRef&, const CarrierRef&) = default;
};

struct PartRecord {
  uint64_t at_ms = 0;
  std::string bytes;  // the part's user data, still in its data_coding
  friend bool operator==(const PartRecord&, const PartRecord&) = default;
};

// A brand number's settings as changed through the admin API (store/SCHEMA.md "settings"): the
// overridden keys only, as a JSON object whose layout daemon/brand_settings.h owns. The store
// keeps it opaque; the JSON is ≤ kMaxSettingsOverrides bytes.
inline constexpr std::size_t kMaxSettingsOverrides = 64 << 10;
struct SettingsRecord {
  uint64_t updated_ms = 0;
  std::string overrides;
  friend bool operator==(const SettingsRecord&, const SettingsRecord&) = default;
};

std::string Encode(const ProfileRecord& record);
std::string Encode(const MessageRecord& record);
std::string Encode(const AuditRecord& record);
std::string Encode(const OutboxItem& record);
std::string Encode(const TimerRecord& record);
std::string Encode(const AttributionRecord& record);
std::string Encode(const LinkRecord& record);
std::string Encode(const ClickRecord& record);
std::string Encode(const PartRecord& record);
// Fixed 17 bytes (version + two big-endian counters): the click counter merge operand.
std::string Encode(const ClickCounts& record);
std::string Encode(const CarrierRef& record);
std::string Encode(const SettingsRecord& record);

absl::StatusOr<ProfileRecord> DecodeProfile(std::string_view value);
absl::StatusOr<MessageRecord> DecodeMessage(std::string_view value);
absl::StatusOr<AuditRecord> DecodeAudit(std::string_view value);
absl::StatusOr<OutboxItem> DecodeOutbox(std::string_view value);
absl::StatusOr<TimerRecord> DecodeTimer(std::string_view value);
absl::StatusOr<AttributionRecord> DecodeAttribution(std::string_view value);
absl::StatusOr<LinkRecord> DecodeLink(std::string_view value);
absl::StatusOr<ClickRecord> DecodeClick(std::string_view value);
absl::StatusOr<PartRecord> DecodePart(std::string_view value);
absl::StatusOr<ClickCounts> DecodeClickCounts(std::string_view value);
// Also DataLoss for part 0, part > parts or a state before kSubmitted.
absl::StatusOr<CarrierRef> DecodeCarrierRef(std::string_view value);
absl::StatusOr<SettingsRecord> DecodeSettings(std::string_view value);

}  // namespace confab::store
