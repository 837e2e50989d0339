#pragma once

// StoreReader: typed reads over either store (Store or MemoryStore, via KvSource). Every list
// is one bounded iterator pass (at most `limit` records in memory), so nothing is loaded whole,
// at start or later. A value that does not decode is DataLoss, naming the family.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "store/kv.h"
#include "store/records.h"
#include "store/schema.h"

namespace confab::store {

// The thread view shows this many messages (product §4).
inline constexpr std::size_t kThreadViewLimit = 50;

struct ThreadMessage {
  MessageKey key;
  MessageRecord record;
};

struct InboxPage {
  std::vector<InboxKey> entries;  // newest activity first
  // Pass back to get the next page; empty when this page reached the end.
  std::string next_cursor;
};

class StoreReader {
 public:
  explicit StoreReader(const KvSource& source) : source_(source) {}

  absl::StatusOr<std::optional<ProfileRecord>> GetProfile(const ThreadId& thread) const;
  absl::StatusOr<std::optional<MessageRecord>> GetMessage(const MessageKey& key) const;
  // The newest `limit` messages of the thread, newest first.
  absl::StatusOr<std::vector<ThreadMessage>> ListThread(const ThreadId& thread,
                                                        std::size_t limit = kThreadViewLimit) const;
  // Conversations in `state` with this unread flag, newest activity first. `cursor` is empty for
  // the first page, else a page's next_cursor: the scan resumes strictly after the last entry
  // returned, so entries are never repeated across pages even while others move to the front.
  // InvalidArgument for a cursor that is not one of ours for this state and flag.
  absl::StatusOr<InboxPage> ScanInbox(ConversationState state, bool unread, std::string_view cursor,
                                      std::size_t limit) const;
  // Outbox items in due order, strictly after `after` (nullopt: from the start).
  absl::StatusOr<std::vector<OutboxEntry>> ScanOutbox(const std::optional<OutboxKey>& after,
                                                      std::size_t limit) const;
  // Timers due at or before now_ms, oldest first.
  absl::StatusOr<std::vector<std::pair<TimerKey, TimerRecord>>> DueTimers(uint64_t now_ms,
                                                                          std::size_t limit) const;
  // Consent audit of a thread, oldest first.
  absl::StatusOr<std::vector<AuditRecord>> ListAudit(const ThreadId& thread,
                                                     std::size_t limit) const;
  // Consent audit of a thread with each entry's audit seq, oldest first, starting strictly after
  // `after_seq` (nullopt: from the first): a page of at most `limit` entries.
  absl::StatusOr<std::vector<std::pair<uint32_t, AuditRecord>>> ListAuditPage(
      const ThreadId& thread, std::optional<uint32_t> after_seq, std::size_t limit) const;
  // The distinct threads with an inbound message attributed to campaign/flow `source_id` of
  // `kind`, in thread order, strictly after `after` (nullopt: from the first); at most `limit`.
  absl::StatusOr<std::vector<ThreadId>> ListAttributedThreads(AttributionKind kind,
                                                              uint64_t source_id,
                                                              std::optional<ThreadId> after,
                                                              std::size_t limit) const;
  absl::StatusOr<std::optional<LinkRecord>> GetLink(std::string_view code) const;
  absl::StatusOr<ClickCounts> GetClickCounts(std::string_view code) const;
  // The newest `limit` click records of a link, newest first.
  absl::StatusOr<std::vector<ClickRecord>> ListClicks(std::string_view code,
                                                      std::size_t limit) const;
  // `carrier_message_id` in the form it was stored under (WriteSet::PutCarrierRef).
  absl::StatusOr<std::optional<CarrierRef>> FindCarrierRef(
      uint32_t route, std::string_view carrier_message_id) const;
  absl::StatusOr<std::optional<AttributionRecord>> GetAttribution(const AttributionKey& key) const;
  // The parts of one concatenated message received so far: (part number, record), in order.
  absl::StatusOr<std::vector<std::pair<uint8_t, PartRecord>>> ListParts(const ThreadId& thread,
                                                                        uint16_t ref,
                                                                        uint8_t total) const;
  absl::StatusOr<std::optional<SettingsRecord>> GetSettings(uint64_t brand) const;
  // Every brand number's stored settings (brand NumberId, record), in NumberId order; at most
  // `limit` (there is one per configured brand number at most, and a few stale ones).
  absl::StatusOr<std::vector<std::pair<uint64_t, SettingsRecord>>> ListSettings(
      std::size_t limit) const;

 private:
  const KvSource& source_;
};

}  // namespace confab::store
