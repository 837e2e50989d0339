// Codecs of the small records (everything but profiles and messages).

#include <algorithm>

#include "store/coding.h"
#include "store/record_coding.h"
#include "store/records.h"

namespace confab::store {
namespace {

constexpr std::size_t kMaxRawText = 1 << 20;
constexpr std::size_t kMaxUrl = 8192;
constexpr std::size_t kMaxUserAgent = 512;
constexpr std::size_t kMaxPart = 1024;

std::string Versioned() {
  std::string out;
  out.push_back(static_cast<char>(kRecordVersion));
  return out;
}

std::string_view Clamp(std::string_view field, std::size_t limit) {
  return field.substr(0, std::min(field.size(), limit));
}

}  // namespace

std::string Encode(const AuditRecord& r) {
  std::string out = Versioned();
  PutVarint64(out, r.at_ms);
  out.push_back(static_cast<char>(r.from));
  out.push_back(static_cast<char>(r.to));
  out.push_back(static_cast<char>(r.cause));
  out.push_back(static_cast<char>(r.has_message ? 1 : 0));
  if (r.has_message) {
    PutVarint64(out, r.message_seq);
  }
  PutLengthPrefixed(out, Clamp(r.raw_text, kMaxRawText));
  return out;
}

absl::StatusOr<AuditRecord> DecodeAudit(std::string_view value) {
  ByteReader in(value);
  AuditRecord r;
  uint8_t from = 0;
  uint8_t to = 0;
  uint8_t cause = 0;
  uint8_t has_message = 0;
  bool ok = ReadVersion(in) && in.Varint64(r.at_ms) && in.Byte(from) && from <= 2 && in.Byte(to) &&
            to <= 2 && in.Byte(cause) && cause <= 2 && in.Byte(has_message) && has_message <= 1;
  if (ok && has_message == 1) {
    ok = in.Varint32(r.message_seq);
  }
  if (!ok || !in.LengthPrefixed(r.raw_text, kMaxRawText) || !in.done()) {
    return Corrupt("consent audit");
  }
  r.from = static_cast<Consent>(from);
  r.to = static_cast<Consent>(to);
  r.cause = static_cast<ConsentCause>(cause);
  r.has_message = has_message == 1;
  return r;
}

std::string Encode(const OutboxItem& r) {
  std::string out = Versioned();
  PutVarint64(out, r.attempts);
  PutVarint64(out, r.route);
  if (r.message) {
    out.append(Encode(*r.message));  // the rest of the value
  }
  return out;
}

absl::StatusOr<OutboxItem> DecodeOutbox(std::string_view value) {
  ByteReader in(value);
  OutboxItem r;
  if (!ReadVersion(in) || !in.Varint32(r.attempts) || !in.Varint32(r.route)) {
    return Corrupt("outbox");
  }
  if (!in.done()) {
    std::string_view rest;
    (void)in.Bytes(in.remaining(), rest);
    absl::StatusOr<MessageRecord> message = DecodeMessage(rest);
    if (!message.ok()) {
      return Corrupt("outbox");
    }
    r.message = *std::move(message);
  }
  return r;
}

std::string Encode(const TimerRecord& r) {
  std::string out = Versioned();
  PutVarint64(out, r.payload);
  return out;
}

absl::StatusOr<TimerRecord> DecodeTimer(std::string_view value) {
  ByteReader in(value);
  TimerRecord r;
  if (!ReadVersion(in) || !in.Varint64(r.payload) || !in.done()) {
    return Corrupt("timer");
  }
  return r;
}

std::string Encode(const AttributionRecord& r) {
  std::string out = Versioned();
  PutVarint64(out, r.at_ms);
  PutVarint64(out, r.source_message_seq);
  return out;
}

absl::StatusOr<AttributionRecord> DecodeAttribution(std::string_view value) {
  ByteReader in(value);
  AttributionRecord r;
  if (!ReadVersion(in) || !in.Varint64(r.at_ms) || !in.Varint32(r.source_message_seq) ||
      !in.done()) {
    return Corrupt("attribution");
  }
  return r;
}

std::string Encode(const LinkRecord& r) {
  std::string out = Versioned();
  PutLengthPrefixed(out, Clamp(r.url, kMaxUrl));
  out.append(EncodeMessageKey(r.message));
  PutVarint64(out, r.created_ms);
  PutVarint64(out, r.expires_ms);
  return out;
}

absl::StatusOr<LinkRecord> DecodeLink(std::string_view value) {
  ByteReader in(value);
  LinkRecord r;
  std::string_view message;
  std::optional<MessageKey> key;
  if (!ReadVersion(in) || !in.LengthPrefixed(r.url, kMaxUrl) ||
      !in.Bytes(kMessageKeySize, message) || !(key = DecodeMessageKey(message)) ||
      !in.Varint64(r.created_ms) || !in.Varint64(r.expires_ms) || !in.done()) {
    return Corrupt("link");
  }
  r.message = *key;
  return r;
}

std::string Encode(const ClickRecord& r) {
  std::string out = Versioned();
  out.push_back(static_cast<char>(r.bot ? 1 : 0));
  PutLengthPrefixed(out, Clamp(r.user_agent, kMaxUserAgent));
  return out;
}

absl::StatusOr<ClickRecord> DecodeClick(std::string_view value) {
  ByteReader in(value);
  ClickRecord r;
  uint8_t bot = 0;
  if (!ReadVersion(in) || !in.Byte(bot) || bot > 1 ||
      !in.LengthPrefixed(r.user_agent, kMaxUserAgent) || !in.done()) {
    return Corrupt("click");
  }
  r.bot = bot == 1;
  return r;
}

std::string Encode(const PartRecord& r) {
  std::string out = Versioned();
  PutVarint64(out, r.at_ms);
  PutLengthPrefixed(out, Clamp(r.bytes, kMaxPart));
  return out;
}

absl::StatusOr<PartRecord> DecodePart(std::string_view value) {
  ByteReader in(value);
  PartRecord r;
  if (!ReadVersion(in) || !in.Varint64(r.at_ms) || !in.LengthPrefixed(r.bytes, kMaxPart) ||
      !in.done()) {
    return Corrupt("reassembly part");
  }
  return r;
}

std::string Encode(const ClickCounts& r) {
  std::string out = Versioned();
  PutBigEndian64(out, r.humans);
  PutBigEndian64(out, r.bots);
  return out;
}

absl::StatusOr<ClickCounts> DecodeClickCounts(std::string_view value) {
  ByteReader in(value);
  ClickCounts r;
  if (!ReadVersion(in) || !in.BigEndian64(r.humans) || !in.BigEndian64(r.bots) || !in.done()) {
    return Corrupt("click counter");
  }
  return r;
}

std::string Encode(const CarrierRef& r) {
  std::string out = Versioned();
  out.append(EncodeMessageKey(r.message));
  out.push_back(static_cast<char>(r.part));
  out.push_back(static_cast<char>(r.parts));
  out.push_back(static_cast<char>(r.state));
  return out;
}

absl::StatusOr<CarrierRef> DecodeCarrierRef(std::string_view value) {
  ByteReader in(value);
  CarrierRef r;
  std::string_view key;
  std::optional<MessageKey> message;
  uint8_t state = 0;
  if (!ReadVersion(in) || !in.Bytes(kMessageKeySize, key) || !(message = DecodeMessageKey(key)) ||
      !in.Byte(r.part) || !in.Byte(r.parts) || !in.Byte(state) || !in.done() || r.part == 0 ||
      r.part > r.parts || state < static_cast<uint8_t>(DeliveryState::kSubmitted) ||
      state > static_cast<uint8_t>(DeliveryState::kUnknown)) {
    return Corrupt("carrier reference");
  }
  r.message = *message;
  r.state = static_cast<DeliveryState>(state);
  return r;
}

std::string Encode(const SettingsRecord& r) {
  std::string out = Versioned();
  PutVarint64(out, r.updated_ms);
  PutLengthPrefixed(out, Clamp(r.overrides, kMaxSettingsOverrides));
  return out;
}

absl::StatusOr<SettingsRecord> DecodeSettings(std::string_view value) {
  ByteReader in(value);
  SettingsRecord r;
  if (!ReadVersion(in) || !in.Varint64(r.updated_ms) ||
      !in.LengthPrefixed(r.overrides, kMaxSettingsOverrides) || !in.done()) {
    return Corrupt("settings");
  }
  return r;
}

}  // namespace confab::store
