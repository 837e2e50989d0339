#include "daemon/staged_parts.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "daemon/logging.h"
#include "store/reader.h"
#include "store/schema.h"

namespace confab::pipeline {
namespace {

constexpr std::size_t kPrefixSize = store::kThreadKeySize + 3;  // thread ref total
constexpr std::size_t kPartHeader = 3;                          // data_coding udh_octets ref16

uint64_t ToMs(smpp::WallTime time) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count());
}

smpp::WallTime FromMs(uint64_t ms) {
  return smpp::WallTime(std::chrono::milliseconds(static_cast<int64_t>(ms)));
}

store::PartRecord ToRecord(const smpp::StoredPart& part, bool ref16) {
  store::PartRecord record;
  record.at_ms = ToMs(part.received_at);
  record.bytes.reserve(kPartHeader + part.payload.size());
  record.bytes.push_back(static_cast<char>(part.data_coding));
  record.bytes.push_back(static_cast<char>(part.udh_octets));
  record.bytes.push_back(static_cast<char>(ref16 ? 1 : 0));
  record.bytes.append(part.payload.begin(), part.payload.end());
  return record;
}

absl::StatusOr<smpp::StoredPart> FromRecord(uint8_t seq, const store::PartRecord& record) {
  if (record.bytes.size() < kPartHeader) {
    return absl::DataLossError("parts: a stored part is shorter than its header");
  }
  smpp::StoredPart part;
  part.seq = seq;
  part.data_coding = static_cast<uint8_t>(record.bytes[0]);
  part.udh_octets = static_cast<uint8_t>(record.bytes[1]);
  part.payload.assign(record.bytes.begin() + kPartHeader, record.bytes.end());
  part.received_at = FromMs(record.at_ms);
  return part;
}

std::string Prefix(const store::ThreadId& thread, uint16_t ref, uint8_t total) {
  return store::PartKey(thread, ref, total, 0).substr(0, kPrefixSize);
}

}  // namespace

smpp::PartKey MakePartKey(const store::ThreadId& thread, const smpp::ConcatInfo& concat) {
  smpp::PartKey key;
  key.destination = absl::StrCat(thread.brand);
  key.source = absl::StrCat(thread.profile);
  key.ref = concat.ref;
  key.total = concat.total;
  key.ref16 = concat.ref16;
  return key;
}

absl::StatusOr<StagedPartStore::Location> StagedPartStore::Locate(const smpp::PartKey& key) {
  Location location;
  if (!absl::SimpleAtoi(key.destination, &location.thread.brand) ||
      !absl::SimpleAtoi(key.source, &location.thread.profile)) {
    return absl::InvalidArgumentError("part key does not name a thread");
  }
  location.ref = key.ref;
  location.total = key.total;
  return location;
}

StagedPartStore::Pending& StagedPartStore::Touch(const std::string& prefix) {
  Pending& pending = pending_[prefix];
  pending.group = group_;
  touched_.push_back(prefix);
  return pending;
}

absl::StatusOr<std::map<uint8_t, smpp::StoredPart>> StagedPartStore::Current(
    const std::string& prefix, const Location& location) {
  std::map<uint8_t, smpp::StoredPart> parts;
  auto it = pending_.find(prefix);
  ASSIGN_OR_RETURN(const FirstParts* durable, Durable());
  // The index knows whether anything of this message is durable, so the first part of a long
  // message (the usual case) costs no store read. A prefix whose durable parts the index does
  // not show yet (committed, but its entry since touched by a later group) has them all in
  // its pending entry too.
  if ((it == pending_.end() || !it->second.erased) && durable->contains(prefix)) {
    ASSIGN_OR_RETURN(auto stored, store::StoreReader(source_).ListParts(
                                      location.thread, location.ref, location.total));
    for (const auto& [seq, record] : stored) {
      ASSIGN_OR_RETURN(parts[seq], FromRecord(seq, record));
    }
  }
  if (it != pending_.end()) {
    for (const auto& [seq, part] : it->second.parts) {
      parts[seq] = part;
    }
  }
  return parts;
}

absl::StatusOr<bool> StagedPartStore::Put(const smpp::PartKey& key, const smpp::StoredPart& part) {
  ASSIGN_OR_RETURN(const Location location, Locate(key));
  const std::string prefix = Prefix(location.thread, location.ref, location.total);
  ASSIGN_OR_RETURN(auto current, Current(prefix, location));
  if (current.contains(part.seq)) {
    return false;
  }
  writes_->PutPart(location.thread, location.ref, location.total, part.seq,
                   ToRecord(part, key.ref16));
  Pending& pending = Touch(prefix);
  pending.parts[part.seq] = part;
  pending.ref16 = key.ref16;
  return true;
}

absl::StatusOr<std::vector<smpp::StoredPart>> StagedPartStore::GetAll(const smpp::PartKey& key) {
  ASSIGN_OR_RETURN(const Location location, Locate(key));
  ASSIGN_OR_RETURN(auto current,
                   Current(Prefix(location.thread, location.ref, location.total), location));
  std::vector<smpp::StoredPart> parts;
  parts.reserve(current.size());
  for (auto& [seq, part] : current) {
    parts.push_back(std::move(part));
  }
  return parts;
}

absl::Status StagedPartStore::Erase(const smpp::PartKey& key) {
  ASSIGN_OR_RETURN(const Location location, Locate(key));
  const std::string prefix = Prefix(location.thread, location.ref, location.total);
  ASSIGN_OR_RETURN(auto current, Current(prefix, location));
  for (const auto& [seq, part] : current) {
    writes_->DeletePart(location.thread, location.ref, location.total, seq);
  }
  Pending& pending = Touch(prefix);
  pending.erased = true;
  pending.parts.clear();
  return absl::OkStatus();
}

void StagedPartStore::AddFirst(FirstParts& first, const std::string& prefix, FirstPart part) {
  auto [it, added] = first.try_emplace(prefix, part);
  if (!added) {
    it->second.at_ms = std::min(it->second.at_ms, part.at_ms);
  }
}

absl::StatusOr<const StagedPartStore::FirstParts*> StagedPartStore::Durable() {
  if (durable_) {
    return &*durable_;
  }
  FirstParts first;
  std::size_t undecodable = 0;
  RETURN_IF_ERROR(
      source_.Scan(store::Cf::kParts, "", "", [&](std::string_view key, std::string_view value) {
        absl::StatusOr<store::PartRecord> record = store::DecodePart(value);
        if (key.size() != kPrefixSize + 1 || !record.ok() || record->bytes.size() < kPartHeader) {
          ++undecodable;  // left out: one bad entry must not stop every other reassembly
          return true;
        }
        AddFirst(first, std::string(key.substr(0, kPrefixSize)),
                 {record->at_ms, record->bytes[2] != 0});
        return true;
      }));
  if (undecodable > 0) {
    Logger("pipeline")->warn("parts: {} undecodable entries left out of reassembly", undecodable);
  }
  durable_ = std::move(first);
  return &*durable_;
}

absl::StatusOr<std::vector<smpp::PartKey>> StagedPartStore::KeysFirstReceivedBy(
    smpp::WallTime cutoff) {
  ASSIGN_OR_RETURN(const FirstParts* durable, Durable());
  FirstParts first = *durable;  // few: only messages still waiting for parts
  for (const auto& [prefix, pending] : pending_) {
    if (pending.erased) {
      first.erase(prefix);
    }
    for (const auto& [seq, part] : pending.parts) {
      AddFirst(first, prefix, {ToMs(part.received_at), pending.ref16});
    }
  }
  std::vector<smpp::PartKey> keys;
  for (const auto& [prefix, value] : first) {
    if (value.at_ms > ToMs(cutoff)) {
      continue;
    }
    std::optional<store::ThreadId> thread = store::DecodeThreadKey(prefix.substr(0, 16));
    if (!thread) {
      continue;
    }
    const uint16_t ref = static_cast<uint16_t>((static_cast<uint8_t>(prefix[16]) << 8) |
                                               static_cast<uint8_t>(prefix[17]));
    keys.push_back(MakePartKey(*thread, {ref, static_cast<uint8_t>(prefix[18]), 0, value.ref16}));
  }
  return keys;
}

void StagedPartStore::Retire(uint64_t group, const std::vector<std::string>& keys) {
  for (const std::string& prefix : keys) {
    auto it = pending_.find(prefix);
    if (it == pending_.end() || it->second.group != group) {
      continue;  // touched again by a later group: that one's Retire carries it all
    }
    if (durable_) {
      // What the group made durable: the stored parts (gone if erased) plus the staged ones.
      const Pending& pending = it->second;
      if (pending.erased) {
        durable_->erase(prefix);
      }
      for (const auto& [seq, part] : pending.parts) {
        AddFirst(*durable_, prefix, {ToMs(part.received_at), pending.ref16});
      }
    }
    pending_.erase(it);
  }
}

}  // namespace confab::pipeline
