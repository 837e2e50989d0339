#pragma once

// WriteSet: the typed writes of one unit of work (one inbound message and everything it
// causes), staged into one rocksdb::WriteBatch that the GroupCommitter makes durable atomically.
// Works with either store: pass Store::handles() or MemoryStore::handles().
//
// The inbound pipeline reads the thread's ProfileRecord (one Get), decides, then stages:
//   PutProfile(thread, &before, after)  — the record, plus the inbox move if its position changed
//   PutMessage(...)                     — the inbound message itself
//   optionally AppendAudit, PutOutbox (an item carrying the reply), PutAttribution
// Dedup needs no write of its own: the idempotency hash lives in the profile record.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rocksdb/write_batch.h"
#include "store/kv.h"
#include "store/records.h"
#include "store/schema.h"

namespace confab::store {

class WriteSet {
 public:
  explicit WriteSet(const CfHandles& handles) : handles_(handles) {}

  // Writes `after` and keeps the inbox in step: when the inbox position (state, unread, activity
  // second) of `before` (nullptr: a new record) differs from that of `after`, stages the move as
  // a LogData record (store/inbox_index.h), which the store applies to its inbox once the batch
  // is written; otherwise the inbox is not touched. A batch must be written through the store's
  // own Write (Store::Write, MemoryStore::Write/Apply) for the inbox to follow.
  void PutProfile(const ThreadId& thread, const ProfileRecord* before, const ProfileRecord& after);
  void PutMessage(const MessageKey& key, const MessageRecord& record);
  // Consent audit: append-only, so there is no delete.
  void AppendAudit(const ThreadId& thread, uint32_t audit_seq, const AuditRecord& record);
  void PutOutbox(const OutboxKey& key, const OutboxItem& item);
  void DeleteOutbox(const OutboxKey& key);
  void PutTimer(const TimerKey& key, const TimerRecord& record);
  void DeleteTimer(const TimerKey& key);
  void PutAttribution(const AttributionKey& key, const AttributionRecord& record);
  void PutLink(std::string_view code, const LinkRecord& record);
  // One click: bumps the link's counters (a merge, no read) and records the click itself.
  void AddClick(std::string_view code, uint64_t at_ms, uint32_t nonce, const ClickRecord& click);
  // The two halves of AddClick, for writers that add up a group's clicks per link first: one
  // merge of the group's counts per link, then each click's record.
  void CountClicks(std::string_view code, const ClickCounts& delta);
  void PutClick(std::string_view code, uint64_t at_ms, uint32_t nonce, const ClickRecord& click);
  // `carrier_message_id` in the form lookups use (daemon/receipts.h: SubmitRefId).
  void PutCarrierRef(uint32_t route, std::string_view carrier_message_id, const CarrierRef& ref);
  void PutPart(const ThreadId& thread, uint16_t ref, uint8_t total, uint8_t part,
               const PartRecord& record);
  void DeletePart(const ThreadId& thread, uint16_t ref, uint8_t total, uint8_t part);
  // A brand number's settings overrides (brand: its NumberId); Delete: back to the config file.
  void PutSettings(uint64_t brand, const SettingsRecord& record);
  void DeleteSettings(uint64_t brand);

  // Operations staged so far (puts + deletes + merges + inbox moves) and their encoded size.
  std::size_t operations() const { return operations_; }
  std::size_t bytes() const { return batch_.GetDataSize(); }
  bool empty() const { return operations_ == 0; }

  rocksdb::WriteBatch& batch() { return batch_; }
  // Hands the staged batch over (for GroupCommitter::Submit); the set is empty afterwards.
  rocksdb::WriteBatch Release();

 private:
  void Put(Cf cf, std::string_view key, std::string_view value);
  void Delete(Cf cf, std::string_view key);

  const CfHandles& handles_;
  rocksdb::WriteBatch batch_;
  std::size_t operations_ = 0;
};

}  // namespace confab::store
