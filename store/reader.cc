#include "store/reader.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace confab::store {
namespace {

absl::Status BadKey(Cf cf) {
  return absl::DataLossError(
      absl::StrCat("malformed key in the store's ", std::string(CfName(cf)), " family"));
}

// Gets and decodes one record; nullopt when absent.
template <typename Decoder>
auto GetDecoded(const KvSource& source, Cf cf, std::string_view key, Decoder decode)
    -> absl::StatusOr<std::optional<typename decltype(decode(std::string_view()))::value_type>> {
  ASSIGN_OR_RETURN(std::optional<std::string> value, source.Get(cf, key));
  if (!value) {
    return std::nullopt;
  }
  auto decoded = decode(*value);
  if (!decoded.ok()) {
    return decoded.status();
  }
  return std::move(*decoded);
}

// Decodes the values under `prefix` in key order, at most `limit` of them, passing over the keys
// for which `skip(key)` holds; the first undecodable value ends the scan with its status.
template <typename Decoder, typename Skip>
auto ScanDecoded(const KvSource& source, Cf cf, std::string_view prefix, std::size_t limit,
                 Decoder decode, Skip skip)
    -> absl::StatusOr<std::vector<typename decltype(decode(std::string_view()))::value_type>> {
  std::vector<typename decltype(decode(std::string_view()))::value_type> out;
  absl::Status error;
  RETURN_IF_ERROR(
      source.Scan(cf, prefix, prefix, [&](std::string_view key, std::string_view value) {
        if (skip(key)) {
          return true;
        }
        if (out.size() >= limit) {
          return false;
        }
        auto record = decode(value);
        if (!record.ok()) {
          error = record.status();
          return false;
        }
        out.push_back(*std::move(record));
        return true;
      }));
  RETURN_IF_ERROR(error);
  return out;
}

}  // namespace

absl::StatusOr<std::optional<ProfileRecord>> StoreReader::GetProfile(const ThreadId& thread) const {
  return GetDecoded(source_, Cf::kProfiles, ThreadKey(thread), DecodeProfile);
}

absl::StatusOr<std::optional<MessageRecord>> StoreReader::GetMessage(const MessageKey& key) const {
  return GetDecoded(source_, Cf::kMessages, EncodeMessageKey(key), DecodeMessage);
}

absl::StatusOr<std::vector<ThreadMessage>> StoreReader::ListThread(const ThreadId& thread,
                                                                   std::size_t limit) const {
  std::vector<ThreadMessage> out;
  absl::Status error;
  const std::string prefix = ThreadKey(thread);
  RETURN_IF_ERROR(source_.Scan(Cf::kMessages, prefix, prefix,
                               [&](std::string_view key, std::string_view value) {
                                 if (out.size() >= limit) {
                                   return false;
                                 }
                                 std::optional<MessageKey> parsed = DecodeMessageKey(key);
                                 absl::StatusOr<MessageRecord> record = DecodeMessage(value);
                                 if (!parsed) {
                                   error = BadKey(Cf::kMessages);
                                 } else if (!record.ok()) {
                                   error = record.status();
                                 } else {
                                   out.push_back({*parsed, *std::move(record)});
                                 }
                                 return error.ok();
                               }));
  RETURN_IF_ERROR(error);
  return out;
}

absl::StatusOr<InboxPage> StoreReader::ScanInbox(ConversationState state, bool unread,
                                                 std::string_view cursor, std::size_t limit) const {
  const std::string prefix = InboxPrefix(state, unread);
  if (!cursor.empty()) {
    std::optional<InboxKey> at = DecodeInboxKey(cursor);
    if (!at || at->state != state || at->unread != unread) {
      return absl::InvalidArgumentError("inbox cursor does not belong to this listing");
    }
  }
  InboxPage page;
  absl::Status error;
  bool more = false;
  RETURN_IF_ERROR(source_.Scan(Cf::kInbox, prefix, cursor.empty() ? prefix : cursor,
                               [&](std::string_view key, std::string_view) {
                                 if (key == cursor) {
                                   return true;  // the last entry of the previous page
                                 }
                                 if (page.entries.size() >= limit) {
                                   more = true;
                                   return false;
                                 }
                                 std::optional<InboxKey> entry = DecodeInboxKey(key);
                                 if (!entry) {
                                   error = BadKey(Cf::kInbox);
                                   return false;
                                 }
                                 page.entries.push_back(*entry);
                                 return true;
                               }));
  RETURN_IF_ERROR(error);
  if (more && !page.entries.empty()) {
    page.next_cursor = EncodeInboxKey(page.entries.back());
  }
  return page;
}

absl::StatusOr<std::vector<OutboxEntry>> StoreReader::ScanOutbox(
    const std::optional<OutboxKey>& after, std::size_t limit) const {
  std::vector<OutboxEntry> out;
  absl::Status error;
  const std::string start = after ? EncodeOutboxKey(*after) : std::string();
  RETURN_IF_ERROR(
      source_.Scan(Cf::kOutbox, {}, start, [&](std::string_view key, std::string_view value) {
        if (after && key == start) {
          return true;
        }
        if (out.size() >= limit) {
          return false;
        }
        std::optional<OutboxKey> parsed = DecodeOutboxKey(key);
        absl::StatusOr<OutboxItem> item = DecodeOutbox(value);
        if (!parsed) {
          error = BadKey(Cf::kOutbox);
        } else if (!item.ok()) {
          error = item.status();
        } else {
          out.emplace_back(*parsed, *item);
        }
        return error.ok();
      }));
  RETURN_IF_ERROR(error);
  return out;
}

absl::StatusOr<std::vector<std::pair<TimerKey, TimerRecord>>> StoreReader::DueTimers(
    uint64_t now_ms, std::size_t limit) const {
  std::vector<std::pair<TimerKey, TimerRecord>> out;
  absl::Status error;
  RETURN_IF_ERROR(
      source_.Scan(Cf::kTimers, {}, {}, [&](std::string_view key, std::string_view value) {
        if (out.size() >= limit) {
          return false;
        }
        std::optional<TimerKey> parsed = DecodeTimerKey(key);
        if (!parsed) {
          error = BadKey(Cf::kTimers);
          return false;
        }
        if (parsed->due_ms > now_ms) {
          return false;
        }
        absl::StatusOr<TimerRecord> record = DecodeTimer(value);
        if (!record.ok()) {
          error = record.status();
          return false;
        }
        out.emplace_back(*parsed, *record);
        return true;
      }));
  RETURN_IF_ERROR(error);
  return out;
}

absl::StatusOr<std::vector<AuditRecord>> StoreReader::ListAudit(const ThreadId& thread,
                                                                std::size_t limit) const {
  return ScanDecoded(source_, Cf::kAudit, ThreadKey(thread), limit, DecodeAudit,
                     [](std::string_view) { return false; });
}

absl::StatusOr<std::vector<std::pair<uint32_t, AuditRecord>>> StoreReader::ListAuditPage(
    const ThreadId& thread, std::optional<uint32_t> after_seq, std::size_t limit) const {
  std::vector<std::pair<uint32_t, AuditRecord>> out;
  absl::Status error;
  const std::string prefix = ThreadKey(thread);
  const std::string start = after_seq ? AuditKey(thread, *after_seq) : prefix;
  RETURN_IF_ERROR(
      source_.Scan(Cf::kAudit, prefix, start, [&](std::string_view key, std::string_view value) {
        if (after_seq && key == start) {
          return true;
        }
        if (out.size() >= limit) {
          return false;
        }
        absl::StatusOr<AuditRecord> record = DecodeAudit(value);
        if (key.size() != kAuditKeySize) {
          error = BadKey(Cf::kAudit);
        } else if (!record.ok()) {
          error = record.status();
        } else {
          const auto* seq = reinterpret_cast<const unsigned char*>(key.data() + kThreadKeySize);
          out.emplace_back((uint32_t{seq[0]} << 24) | (uint32_t{seq[1]} << 16) |
                               (uint32_t{seq[2]} << 8) | uint32_t{seq[3]},
                           *std::move(record));
        }
        return error.ok();
      }));
  RETURN_IF_ERROR(error);
  return out;
}

absl::StatusOr<std::vector<ThreadId>> StoreReader::ListAttributedThreads(
    AttributionKind kind, uint64_t source_id, std::optional<ThreadId> after,
    std::size_t limit) const {
  std::vector<ThreadId> out;
  absl::Status error;
  // kind(1) id(8): the attribution key of any message, cut to its source.
  const std::string prefix =
      EncodeAttributionKey({kind, source_id, {}}).substr(0, kAttributionKeySize - 20);
  // Past every key of `after`: its thread with the largest inbound seq.
  const std::string start =
      after ? EncodeAttributionKey({kind, source_id, {*after, UINT32_MAX}}) : prefix;
  RETURN_IF_ERROR(
      source_.Scan(Cf::kAttribution, prefix, start, [&](std::string_view key, std::string_view) {
        std::optional<AttributionKey> parsed = DecodeAttributionKey(key);
        if (!parsed) {
          error = BadKey(Cf::kAttribution);
          return false;
        }
        const ThreadId& thread = parsed->inbound.thread;
        if ((after && thread == *after) || (!out.empty() && out.back() == thread)) {
          return true;  // keys of one thread are adjacent: one entry per thread
        }
        if (out.size() >= limit) {
          return false;
        }
        out.push_back(thread);
        return true;
      }));
  RETURN_IF_ERROR(error);
  return out;
}

absl::StatusOr<std::optional<LinkRecord>> StoreReader::GetLink(std::string_view code) const {
  if (code.size() != kLinkCodeSize) {
    return std::nullopt;  // not a code we hand out
  }
  return GetDecoded(source_, Cf::kLinks, code, DecodeLink);
}

absl::StatusOr<ClickCounts> StoreReader::GetClickCounts(std::string_view code) const {
  if (code.size() != kLinkCodeSize) {
    return ClickCounts{};
  }
  ASSIGN_OR_RETURN(std::optional<ClickCounts> counts,
                   GetDecoded(source_, Cf::kClickCounts, code, DecodeClickCounts));
  return counts.value_or(ClickCounts{});
}

absl::StatusOr<std::vector<ClickRecord>> StoreReader::ListClicks(std::string_view code,
                                                                 std::size_t limit) const {
  if (code.size() != kLinkCodeSize) {
    return std::vector<ClickRecord>();
  }
  // Passes over a counter left here by the layout before click_counts (pre-release stores).
  return ScanDecoded(source_, Cf::kClicks, code, limit, DecodeClick,
                     [](std::string_view key) { return key.size() != kClickKeySize; });
}

absl::StatusOr<std::optional<CarrierRef>> StoreReader::FindCarrierRef(
    uint32_t route, std::string_view carrier_message_id) const {
  return GetDecoded(source_, Cf::kCarrierRefs, CarrierRefKey(route, carrier_message_id),
                    DecodeCarrierRef);
}

absl::StatusOr<std::optional<AttributionRecord>> StoreReader::GetAttribution(
    const AttributionKey& key) const {
  return GetDecoded(source_, Cf::kAttribution, EncodeAttributionKey(key), DecodeAttribution);
}

absl::StatusOr<std::vector<std::pair<uint8_t, PartRecord>>> StoreReader::ListParts(
    const ThreadId& thread, uint16_t ref, uint8_t total) const {
  std::vector<std::pair<uint8_t, PartRecord>> out;
  absl::Status error;
  const std::string prefix = PartKey(thread, ref, total, 0).substr(0, kThreadKeySize + 3);
  RETURN_IF_ERROR(
      source_.Scan(Cf::kParts, prefix, prefix, [&](std::string_view key, std::string_view value) {
        absl::StatusOr<PartRecord> record = DecodePart(value);
        if (key.size() != kThreadKeySize + 4) {
          error = BadKey(Cf::kParts);
        } else if (!record.ok()) {
          error = record.status();
        } else {
          out.emplace_back(static_cast<uint8_t>(key.back()), *std::move(record));
        }
        // A message has at most 255 parts: the scan is bounded.
        return error.ok();
      }));
  RETURN_IF_ERROR(error);
  return out;
}

absl::StatusOr<std::optional<SettingsRecord>> StoreReader::GetSettings(uint64_t brand) const {
  return GetDecoded(source_, Cf::kSettings, SettingsKey(brand), DecodeSettings);
}

absl::StatusOr<std::vector<std::pair<uint64_t, SettingsRecord>>> StoreReader::ListSettings(
    std::size_t limit) const {
  std::vector<std::pair<uint64_t, SettingsRecord>> out;
  absl::Status error;
  RETURN_IF_ERROR(
      source_.Scan(Cf::kSettings, "", "", [&](std::string_view key, std::string_view value) {
        if (out.size() >= limit) {
          return false;
        }
        const std::optional<uint64_t> brand = DecodeSettingsKey(key);
        absl::StatusOr<SettingsRecord> record = DecodeSettings(value);
        if (!brand) {
          error = BadKey(Cf::kSettings);
        } else if (!record.ok()) {
          error = record.status();
        } else {
          out.emplace_back(*brand, *std::move(record));
        }
        return error.ok();
      }));
  RETURN_IF_ERROR(error);
  return out;
}

}  // namespace confab::store
