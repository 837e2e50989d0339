#include "store/write_set.h"

#include <utility>

#include "store/inbox_index.h"

namespace confab::store {
namespace {

rocksdb::Slice ToSlice(std::string_view view) { return rocksdb::Slice(view.data(), view.size()); }

}  // namespace

void WriteSet::Put(Cf cf, std::string_view key, std::string_view value) {
  // WriteBatch::Put can only fail on sizes beyond 4 GiB, which no record here approaches.
  (void)batch_.Put(handles_[static_cast<std::size_t>(cf)], ToSlice(key), ToSlice(value));
  ++operations_;
}

void WriteSet::Delete(Cf cf, std::string_view key) {
  (void)batch_.Delete(handles_[static_cast<std::size_t>(cf)], ToSlice(key));
  ++operations_;
}

void WriteSet::PutProfile(const ThreadId& thread, const ProfileRecord* before,
                          const ProfileRecord& after) {
  Put(Cf::kProfiles, ThreadKey(thread), Encode(after));
  const std::optional<InboxKey> old_position =
      before != nullptr ? before->InboxPosition(thread) : std::nullopt;
  const std::optional<InboxKey> new_position = after.InboxPosition(thread);
  if (old_position == new_position) {
    return;  // same bucket: the common case for a burst of messages in one conversation
  }
  // The move rides in the WAL with the record; the store applies it to its in-memory inbox
  // (store/inbox_index.h) once the batch is written.
  (void)batch_.PutLogData(EncodeInboxMove(old_position, new_position));
  ++operations_;
}

void WriteSet::PutMessage(const MessageKey& key, const MessageRecord& record) {
  Put(Cf::kMessages, EncodeMessageKey(key), Encode(record));
}

void WriteSet::AppendAudit(const ThreadId& thread, uint32_t audit_seq, const AuditRecord& record) {
  Put(Cf::kAudit, AuditKey(thread, audit_seq), Encode(record));
}

void WriteSet::PutOutbox(const OutboxKey& key, const OutboxItem& item) {
  Put(Cf::kOutbox, EncodeOutboxKey(key), Encode(item));
}

void WriteSet::DeleteOutbox(const OutboxKey& key) { Delete(Cf::kOutbox, EncodeOutboxKey(key)); }

void WriteSet::PutTimer(const TimerKey& key, const TimerRecord& record) {
  Put(Cf::kTimers, EncodeTimerKey(key), Encode(record));
}

void WriteSet::DeleteTimer(const TimerKey& key) { Delete(Cf::kTimers, EncodeTimerKey(key)); }

void WriteSet::PutAttribution(const AttributionKey& key, const AttributionRecord& record) {
  Put(Cf::kAttribution, EncodeAttributionKey(key), Encode(record));
}

void WriteSet::PutLink(std::string_view code, const LinkRecord& record) {
  Put(Cf::kLinks, code, Encode(record));
}

void WriteSet::AddClick(std::string_view code, uint64_t at_ms, uint32_t nonce,
                        const ClickRecord& click) {
  CountClicks(code, ClickCounts{click.bot ? 0u : 1u, click.bot ? 1u : 0u});
  PutClick(code, at_ms, nonce, click);
}

void WriteSet::CountClicks(std::string_view code, const ClickCounts& delta) {
  const std::string operand = Encode(delta);
  (void)batch_.Merge(handles_[static_cast<std::size_t>(Cf::kClickCounts)], ToSlice(code),
                     ToSlice(operand));
  ++operations_;
}

void WriteSet::PutClick(std::string_view code, uint64_t at_ms, uint32_t nonce,
                        const ClickRecord& click) {
  Put(Cf::kClicks, ClickKey(code, at_ms, nonce), Encode(click));
}

void WriteSet::PutCarrierRef(uint32_t route, std::string_view carrier_message_id,
                             const CarrierRef& ref) {
  Put(Cf::kCarrierRefs, CarrierRefKey(route, carrier_message_id), Encode(ref));
}

void WriteSet::PutPart(const ThreadId& thread, uint16_t ref, uint8_t total, uint8_t part,
                       const PartRecord& record) {
  Put(Cf::kParts, PartKey(thread, ref, total, part), Encode(record));
}

void WriteSet::DeletePart(const ThreadId& thread, uint16_t ref, uint8_t total, uint8_t part) {
  Delete(Cf::kParts, PartKey(thread, ref, total, part));
}

void WriteSet::PutSettings(uint64_t brand, const SettingsRecord& record) {
  Put(Cf::kSettings, SettingsKey(brand), Encode(record));
}

void WriteSet::DeleteSettings(uint64_t brand) { Delete(Cf::kSettings, SettingsKey(brand)); }

rocksdb::WriteBatch WriteSet::Release() {
  rocksdb::WriteBatch out = std::move(batch_);
  batch_ = rocksdb::WriteBatch();
  operations_ = 0;
  return out;
}

}  // namespace confab::store
