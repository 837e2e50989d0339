#pragma once

// The store's column families and key layout (store/SCHEMA.md documents every one, with sizes).
// Keys are fixed-width big-endian so that bytewise order is the order readers need:
//   thread    = brand(8) profile(8)                               — one conversation
//   message   = thread(16) ~seq(4)                                — newest first in a thread
//   inbox     = state(1) unread(1) ~activity_s(4) thread(16)      — newest activity first
//   outbox    = due_ms(8) thread(16) seq(4)                       — oldest due first
//   timer     = due_ms(8) kind(1) thread(16)                      — oldest due first
//   audit     = thread(16) audit_seq(4)                           — append-only, oldest first
// A number (brand or profile) is a NumberId: the E.164 digits as an integer, or a short code
// with the top bit set and its digit count (so "0123" and "123" differ).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace confab::store {

enum class Cf : uint8_t {
  kProfiles = 0,  // thread → ProfileRecord (consent + conversation head + dedup ring)
  kMessages,      // message key → MessageRecord
  kAudit,         // audit key → AuditRecord (consent changes, append-only)
  kInbox,         // inbox key → empty; in memory (store/inbox_index.h), its RocksDB family unused
  kAttribution,   // attribution key → AttributionRecord
  kOutbox,        // outbox key → OutboxItem
  kTimers,        // timer key → TimerRecord
  kLinks,         // code → LinkRecord
  kClicks,        // code(8) ~at_ms(8) nonce(4) → ClickRecord (append-only)
  kCarrierRefs,   // route(4) carrier message id → message key
  kParts,         // thread(16) ref(2) total(1) part(1) → part bytes (reassembly)
  kSettings,      // brand(8) → SettingsRecord (a brand number's settings changed by the API)
  kClickCounts,   // code(8) → ClickCounts (merge: add)
};
inline constexpr std::size_t kCfCount = 13;

// The RocksDB column family name of `cf` (stable: it is on disk).
std::string_view CfName(Cf cf);

// Encodes "+<digits>" (E.164, up to 15 digits) or "<digits>" (a short code, 1–15 digits).
absl::StatusOr<uint64_t> NumberId(std::string_view number);
// The text form NumberId was made from.
std::string NumberText(uint64_t id);

struct ThreadId {
  uint64_t brand = 0;
  uint64_t profile = 0;
  friend bool operator==(const ThreadId&, const ThreadId&) = default;
  friend auto operator<=>(const ThreadId&, const ThreadId&) = default;
};

struct MessageKey {
  ThreadId thread;
  uint32_t seq = 0;  // per thread, from ProfileRecord::next_message_seq
  friend bool operator==(const MessageKey&, const MessageKey&) = default;
};

enum class ConversationState : uint8_t { kNone = 0, kOpen = 1, kSnoozed = 2, kClosed = 3 };

struct InboxKey {
  ConversationState state = ConversationState::kOpen;
  bool unread = false;
  uint32_t activity_s = 0;  // last activity, seconds since the epoch (ordering bucket)
  ThreadId thread;
  friend bool operator==(const InboxKey&, const InboxKey&) = default;
};

struct OutboxKey {
  uint64_t due_ms = 0;
  MessageKey message;
  friend bool operator==(const OutboxKey&, const OutboxKey&) = default;
};

enum class TimerKind : uint8_t { kSnoozeWake = 1, kDeferredSend = 2, kReassemblyTimeout = 3 };

struct TimerKey {
  uint64_t due_ms = 0;
  TimerKind kind = TimerKind::kSnoozeWake;
  ThreadId thread;
  friend bool operator==(const TimerKey&, const TimerKey&) = default;
};

enum class AttributionKind : uint8_t { kNone = 0, kCampaign = 1, kFlow = 2 };

struct AttributionKey {
  AttributionKind kind = AttributionKind::kCampaign;
  uint64_t source_id = 0;  // campaign or flow id
  MessageKey inbound;      // the attributed inbound message
  friend bool operator==(const AttributionKey&, const AttributionKey&) = default;
};

inline constexpr std::size_t kThreadKeySize = 16;
inline constexpr std::size_t kMessageKeySize = 20;
inline constexpr std::size_t kInboxKeySize = 22;
inline constexpr std::size_t kOutboxKeySize = 28;
inline constexpr std::size_t kTimerKeySize = 25;
inline constexpr std::size_t kAuditKeySize = 20;
inline constexpr std::size_t kAttributionKeySize = 29;
inline constexpr std::size_t kLinkCodeSize = 8;
inline constexpr std::size_t kClickKeySize = 20;  // code(8) ~at_ms(8) nonce(4)

std::string ThreadKey(const ThreadId& thread);
std::string EncodeMessageKey(const MessageKey& key);
std::string AuditKey(const ThreadId& thread, uint32_t audit_seq);
std::string EncodeInboxKey(const InboxKey& key);
// EncodeInboxKey, appended to `out` (no string of its own).
void AppendInboxKey(std::string& out, const InboxKey& key);
// The prefix of every inbox key with this state and unread flag.
std::string InboxPrefix(ConversationState state, bool unread);
std::string EncodeOutboxKey(const OutboxKey& key);
std::string EncodeTimerKey(const TimerKey& key);
std::string EncodeAttributionKey(const AttributionKey& key);
std::string CarrierRefKey(uint32_t route, std::string_view carrier_message_id);
std::string PartKey(const ThreadId& thread, uint16_t ref, uint8_t total, uint8_t part);
std::string ClickKey(std::string_view code, uint64_t at_ms, uint32_t nonce);
inline constexpr std::size_t kSettingsKeySize = 8;
std::string SettingsKey(uint64_t brand);

// Parsers: nullopt when the key has the wrong size or fields (a foreign or corrupt key).
std::optional<ThreadId> DecodeThreadKey(std::string_view key);
std::optional<MessageKey> DecodeMessageKey(std::string_view key);
std::optional<InboxKey> DecodeInboxKey(std::string_view key);
std::optional<OutboxKey> DecodeOutboxKey(std::string_view key);
std::optional<TimerKey> DecodeTimerKey(std::string_view key);
std::optional<AttributionKey> DecodeAttributionKey(std::string_view key);
std::optional<uint64_t> DecodeSettingsKey(std::string_view key);

}  // namespace confab::store
