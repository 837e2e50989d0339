#include "store/records.h"

#include <algorithm>

#include "store/coding.h"
#include "store/record_coding.h"

namespace confab::store {
namespace {

constexpr std::size_t kMaxTimeZone = 64;
constexpr std::size_t kMaxCarrierId = 255;
constexpr std::size_t kMaxText = 1 << 20;
constexpr std::size_t kMaxLanguage = 16;
constexpr std::size_t kMaxDeliveryError = 16;

// Over-long fields are cut at their limit so that whatever is written can be read back.
std::string_view Clamp(std::string_view field, std::size_t limit) {
  return field.substr(0, std::min(field.size(), limit));
}

// Profile flags byte: consent (bits 0–1), blocked (2), state (3–4), unread (5).
uint8_t ProfileFlags(const ProfileRecord& r) {
  return static_cast<uint8_t>(static_cast<uint8_t>(r.consent) | (r.blocked ? 1 << 2 : 0) |
                              (static_cast<uint8_t>(r.state) << 3) | (r.unread ? 1 << 5 : 0));
}

// Message flags byte: incomplete (0), has classification (1), has attribution (2), has the
// receipt block (3). Higher bits must be 0.
constexpr uint8_t kIncomplete = 1;
constexpr uint8_t kClassified = 2;
constexpr uint8_t kAttributed = 4;
constexpr uint8_t kReceipts = 8;
constexpr uint8_t kMessageFlagsEnd = 16;

}  // namespace

bool ProfileRecord::SeenInbound(uint64_t hash, uint64_t now_ms, uint64_t ttl_ms) const {
  return std::any_of(dedup.begin(), dedup.end(), [&](const DedupEntry& entry) {
    return entry.hash == hash && now_ms - std::min(now_ms, entry.at_ms) < ttl_ms;
  });
}

void ProfileRecord::RememberInbound(uint64_t hash, uint64_t now_ms, uint64_t ttl_ms) {
  std::erase_if(dedup, [&](const DedupEntry& entry) {
    return now_ms - std::min(now_ms, entry.at_ms) >= ttl_ms;
  });
  while (dedup.size() >= kDedupSlots) {
    dedup.erase(dedup.begin());
  }
  dedup.push_back({hash, now_ms});
}

std::optional<InboxKey> ProfileRecord::InboxPosition(const ThreadId& thread) const {
  if (state == ConversationState::kNone) {
    return std::nullopt;
  }
  return InboxKey{state, unread, static_cast<uint32_t>(last_activity_ms / 1000), thread};
}

std::string Encode(const ProfileRecord& r) {
  std::string out;
  out.reserve(48 + r.dedup.size() * 14);
  out.push_back(static_cast<char>(kRecordVersion));
  out.push_back(static_cast<char>(ProfileFlags(r)));
  PutVarint64(out, r.last_activity_ms);
  PutVarint64(out, r.snooze_until_ms);
  PutVarint64(out, r.last_auto_response_ms);
  PutVarint64(out, r.next_message_seq);
  PutVarint64(out, r.next_audit_seq);
  out.push_back(static_cast<char>(r.candidate_kind));
  if (r.candidate_kind != AttributionKind::kNone) {
    PutVarint64(out, r.candidate_id);
    PutVarint64(out, r.candidate_sent_ms);
    PutVarint64(out, r.candidate_message_seq);
  }
  PutLengthPrefixed(out, Clamp(r.time_zone, kMaxTimeZone));
  const std::size_t count = std::min(r.dedup.size(), kDedupSlots);
  out.push_back(static_cast<char>(count));
  for (std::size_t i = r.dedup.size() - count; i < r.dedup.size(); ++i) {
    PutBigEndian64(out, r.dedup[i].hash);
    PutVarint64(out, r.dedup[i].at_ms);
  }
  return out;
}

absl::StatusOr<ProfileRecord> DecodeProfile(std::string_view value) {
  ByteReader in(value);
  ProfileRecord r;
  uint8_t flags = 0;
  uint8_t kind = 0;
  uint8_t count = 0;
  bool ok = ReadVersion(in) && in.Byte(flags) && (flags >> 6) == 0 && (flags & 3) <= 2 &&
            in.Varint64(r.last_activity_ms) && in.Varint64(r.snooze_until_ms) &&
            in.Varint64(r.last_auto_response_ms) && in.Varint32(r.next_message_seq) &&
            in.Varint32(r.next_audit_seq) && in.Byte(kind) && kind <= 2;
  if (ok && kind != 0) {
    ok = in.Varint64(r.candidate_id) && in.Varint64(r.candidate_sent_ms) &&
         in.Varint32(r.candidate_message_seq);
  }
  ok = ok && in.LengthPrefixed(r.time_zone, kMaxTimeZone) && in.Byte(count) && count <= kDedupSlots;
  for (uint8_t i = 0; ok && i < count; ++i) {
    DedupEntry entry;
    ok = in.BigEndian64(entry.hash) && in.Varint64(entry.at_ms);
    r.dedup.push_back(entry);
  }
  if (!ok || !in.done()) {
    return Corrupt("profile");
  }
  r.consent = static_cast<Consent>(flags & 3);
  r.blocked = (flags & 4) != 0;
  r.state = static_cast<ConversationState>((flags >> 3) & 3);
  r.unread = (flags & 32) != 0;
  r.candidate_kind = static_cast<AttributionKind>(kind);
  return r;
}

std::string Encode(const MessageRecord& r) {
  std::string out;
  out.reserve(32 + r.text.size() + r.carrier_message_id.size());
  const bool classified = r.rule_id != 0;
  const bool attributed = r.attribution_kind != AttributionKind::kNone;
  const bool receipts = r.parts_final != 0 || !r.delivery_error.empty();
  out.push_back(static_cast<char>(kRecordVersion));
  out.push_back(static_cast<char>(r.direction));
  out.push_back(static_cast<char>(r.kind));
  out.push_back(static_cast<char>(r.encoding));
  out.push_back(static_cast<char>(r.segments));
  out.push_back(static_cast<char>(r.delivery));
  out.push_back(static_cast<char>((r.incomplete ? kIncomplete : 0) |
                                  (classified ? kClassified : 0) | (attributed ? kAttributed : 0) |
                                  (receipts ? kReceipts : 0)));
  PutVarint64(out, r.created_ms);
  // Stored as a delta: most messages never change state after creation (one byte).
  PutVarint64(out, r.updated_ms - std::min(r.updated_ms, r.created_ms));
  if (attributed) {
    out.push_back(static_cast<char>(r.attribution_kind));
    PutVarint64(out, r.attribution_id);
  }
  PutLengthPrefixed(out, Clamp(r.carrier_message_id, kMaxCarrierId));
  PutLengthPrefixed(out, r.text);
  if (classified) {
    PutVarint64(out, r.rule_id);
    PutLengthPrefixed(out, Clamp(r.language, kMaxLanguage));
    PutVarint64(out, r.span_begin);
    PutVarint64(out, r.span_length);
    PutVarint64(out, r.table_version);
  }
  // Last, so that a message without receipts costs nothing and older records read unchanged.
  if (receipts) {
    out.push_back(static_cast<char>(r.parts_final));
    PutLengthPrefixed(out, Clamp(r.delivery_error, kMaxDeliveryError));
  }
  return out;
}

absl::StatusOr<MessageRecord> DecodeMessage(std::string_view value) {
  ByteReader in(value);
  MessageRecord r;
  uint8_t direction = 0;
  uint8_t kind = 0;
  uint8_t encoding = 0;
  uint8_t delivery = 0;
  uint8_t flags = 0;
  uint64_t updated_delta = 0;
  bool ok = ReadVersion(in) && in.Byte(direction) && direction <= 1 && in.Byte(kind) &&
            kind <= static_cast<uint8_t>(MessageKind::kFlow) && in.Byte(encoding) &&
            encoding <= 2 && in.Byte(r.segments) && in.Byte(delivery) &&
            delivery <= static_cast<uint8_t>(DeliveryState::kUnknown) && in.Byte(flags) &&
            flags < kMessageFlagsEnd && in.Varint64(r.created_ms) && in.Varint64(updated_delta);
  uint8_t attribution = 0;
  if (ok && (flags & kAttributed) != 0) {
    ok = in.Byte(attribution) && attribution >= 1 && attribution <= 2 &&
         in.Varint64(r.attribution_id);
  }
  ok = ok && in.LengthPrefixed(r.carrier_message_id, kMaxCarrierId) &&
       in.LengthPrefixed(r.text, kMaxText);
  if (ok && (flags & kClassified) != 0) {
    ok = in.Varint32(r.rule_id) && r.rule_id != 0 && in.LengthPrefixed(r.language, kMaxLanguage) &&
         in.Varint32(r.span_begin) && in.Varint32(r.span_length) && in.Varint32(r.table_version);
  }
  if (ok && (flags & kReceipts) != 0) {
    // A set flag with nothing in the block would not re-encode the same: reject it.
    ok = in.Byte(r.parts_final) && in.LengthPrefixed(r.delivery_error, kMaxDeliveryError) &&
         (r.parts_final != 0 || !r.delivery_error.empty());
  }
  if (!ok || !in.done() || r.created_ms + updated_delta < r.created_ms) {
    return Corrupt("message");
  }
  r.direction = static_cast<Direction>(direction);
  r.kind = static_cast<MessageKind>(kind);
  r.encoding = static_cast<TextEncoding>(encoding);
  r.delivery = static_cast<DeliveryState>(delivery);
  r.incomplete = (flags & kIncomplete) != 0;
  r.attribution_kind = static_cast<AttributionKind>(attribution);
  r.updated_ms = r.created_ms + updated_delta;
  return r;
}

}  // namespace confab::store
