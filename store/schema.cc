#include "store/schema.h"

#include "absl/strings/str_cat.h"
#include "store/coding.h"

namespace confab::store {
namespace {

constexpr uint64_t kShortCodeBit = uint64_t{1} << 63;
constexpr int kDigitCountShift = 56;
constexpr uint64_t kValueMask = (uint64_t{1} << kDigitCountShift) - 1;
constexpr std::size_t kMaxDigits = 15;

void PutThread(std::string& out, const ThreadId& thread) {
  PutBigEndian64(out, thread.brand);
  PutBigEndian64(out, thread.profile);
}

bool ReadThread(ByteReader& reader, ThreadId& thread) {
  return reader.BigEndian64(thread.brand) && reader.BigEndian64(thread.profile);
}

bool ReadMessage(ByteReader& reader, MessageKey& key, bool descending) {
  if (!ReadThread(reader, key.thread) || !reader.BigEndian32(key.seq)) {
    return false;
  }
  if (descending) {
    key.seq = ~key.seq;
  }
  return true;
}

}  // namespace

std::string_view CfName(Cf cf) {
  static constexpr std::array<std::string_view, kCfCount> kNames = {
      "profiles", "messages", "audit",        "inbox", "attribution", "outbox",      "timers",
      "links",    "clicks",   "carrier_refs", "parts", "settings",    "click_counts"};
  return kNames[static_cast<std::size_t>(cf)];
}

absl::StatusOr<uint64_t> NumberId(std::string_view number) {
  const bool e164 = !number.empty() && number.front() == '+';
  std::string_view digits = e164 ? number.substr(1) : number;
  if (digits.empty() || digits.size() > kMaxDigits) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a phone number or short code: ", std::string(number)));
  }
  uint64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') {
      return absl::InvalidArgumentError(
          absl::StrCat("not a phone number or short code: ", std::string(number)));
    }
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (e164) {
    if (digits.front() == '0') {
      return absl::InvalidArgumentError(
          absl::StrCat("E.164 number starts with 0: ", std::string(number)));
    }
    return value;
  }
  return kShortCodeBit | (static_cast<uint64_t>(digits.size()) << kDigitCountShift) | value;
}

std::string NumberText(uint64_t id) {
  if ((id & kShortCodeBit) == 0) {
    return absl::StrCat("+", id);
  }
  const std::size_t width = static_cast<std::size_t>((id >> kDigitCountShift) & 0x7F);
  std::string digits = absl::StrCat(id & kValueMask);
  if (digits.size() < width) {
    digits.insert(0, width - digits.size(), '0');
  }
  return digits;
}

std::string ThreadKey(const ThreadId& thread) {
  std::string key;
  key.reserve(kThreadKeySize);
  PutThread(key, thread);
  return key;
}

std::string EncodeMessageKey(const MessageKey& key) {
  std::string out;
  out.reserve(kMessageKeySize);
  PutThread(out, key.thread);
  PutBigEndian32(out, ~key.seq);
  return out;
}

std::string AuditKey(const ThreadId& thread, uint32_t audit_seq) {
  std::string out;
  out.reserve(kAuditKeySize);
  PutThread(out, thread);
  PutBigEndian32(out, audit_seq);
  return out;
}

std::string InboxPrefix(ConversationState state, bool unread) {
  std::string out;
  out.push_back(static_cast<char>(state));
  out.push_back(static_cast<char>(unread ? 1 : 0));
  return out;
}

std::string EncodeInboxKey(const InboxKey& key) {
  std::string out;
  out.reserve(kInboxKeySize);
  AppendInboxKey(out, key);
  return out;
}

void AppendInboxKey(std::string& out, const InboxKey& key) {
  out += InboxPrefix(key.state, key.unread);  // two bytes: no allocation of its own
  PutBigEndian32(out, ~key.activity_s);
  PutThread(out, key.thread);
}

std::string EncodeOutboxKey(const OutboxKey& key) {
  std::string out;
  out.reserve(kOutboxKeySize);
  PutBigEndian64(out, key.due_ms);
  PutThread(out, key.message.thread);
  PutBigEndian32(out, key.message.seq);
  return out;
}

std::string EncodeTimerKey(const TimerKey& key) {
  std::string out;
  out.reserve(kTimerKeySize);
  PutBigEndian64(out, key.due_ms);
  out.push_back(static_cast<char>(key.kind));
  PutThread(out, key.thread);
  return out;
}

std::string EncodeAttributionKey(const AttributionKey& key) {
  std::string out;
  out.reserve(kAttributionKeySize);
  out.push_back(static_cast<char>(key.kind));
  PutBigEndian64(out, key.source_id);
  PutThread(out, key.inbound.thread);
  PutBigEndian32(out, key.inbound.seq);
  return out;
}

std::string CarrierRefKey(uint32_t route, std::string_view carrier_message_id) {
  std::string out;
  out.reserve(4 + carrier_message_id.size());
  PutBigEndian32(out, route);
  out.append(carrier_message_id);
  return out;
}

std::string PartKey(const ThreadId& thread, uint16_t ref, uint8_t total, uint8_t part) {
  std::string out;
  out.reserve(kThreadKeySize + 4);
  PutThread(out, thread);
  out.push_back(static_cast<char>(ref >> 8));
  out.push_back(static_cast<char>(ref & 0xFF));
  out.push_back(static_cast<char>(total));
  out.push_back(static_cast<char>(part));
  return out;
}

std::string ClickKey(std::string_view code, uint64_t at_ms, uint32_t nonce) {
  std::string out(code);
  PutBigEndian64(out, ~at_ms);
  PutBigEndian32(out, nonce);
  return out;
}

std::string SettingsKey(uint64_t brand) {
  std::string key;
  key.reserve(kSettingsKeySize);
  PutBigEndian64(key, brand);
  return key;
}

std::optional<uint64_t> DecodeSettingsKey(std::string_view key) {
  ByteReader reader(key);
  uint64_t brand = 0;
  if (!reader.BigEndian64(brand) || !reader.done()) {
    return std::nullopt;
  }
  return brand;
}

std::optional<ThreadId> DecodeThreadKey(std::string_view key) {
  ByteReader reader(key);
  ThreadId thread;
  if (!ReadThread(reader, thread) || !reader.done()) {
    return std::nullopt;
  }
  return thread;
}

std::optional<MessageKey> DecodeMessageKey(std::string_view key) {
  ByteReader reader(key);
  MessageKey out;
  if (!ReadMessage(reader, out, /*descending=*/true) || !reader.done()) {
    return std::nullopt;
  }
  return out;
}

std::optional<InboxKey> DecodeInboxKey(std::string_view key) {
  ByteReader reader(key);
  InboxKey out;
  uint8_t state = 0;
  uint8_t unread = 0;
  if (!reader.Byte(state) || !reader.Byte(unread) || !reader.BigEndian32(out.activity_s) ||
      !ReadThread(reader, out.thread) || !reader.done() || state < 1 || state > 3 || unread > 1) {
    return std::nullopt;
  }
  out.state = static_cast<ConversationState>(state);
  out.unread = unread == 1;
  out.activity_s = ~out.activity_s;
  return out;
}

std::optional<OutboxKey> DecodeOutboxKey(std::string_view key) {
  ByteReader reader(key);
  OutboxKey out;
  if (!reader.BigEndian64(out.due_ms) || !ReadMessage(reader, out.message, false) ||
      !reader.done()) {
    return std::nullopt;
  }
  return out;
}

std::optional<TimerKey> DecodeTimerKey(std::string_view key) {
  ByteReader reader(key);
  TimerKey out;
  uint8_t kind = 0;
  if (!reader.BigEndian64(out.due_ms) || !reader.Byte(kind) || !ReadThread(reader, out.thread) ||
      !reader.done() || kind < 1 || kind > 3) {
    return std::nullopt;
  }
  out.kind = static_cast<TimerKind>(kind);
  return out;
}

std::optional<AttributionKey> DecodeAttributionKey(std::string_view key) {
  ByteReader reader(key);
  AttributionKey out;
  uint8_t kind = 0;
  if (!reader.Byte(kind) || !reader.BigEndian64(out.source_id) ||
      !ReadMessage(reader, out.inbound, false) || !reader.done() || kind < 1 || kind > 2) {
    return std::nullopt;
  }
  out.kind = static_cast<AttributionKind>(kind);
  return out;
}

}  // namespace confab::store
