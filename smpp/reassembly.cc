#include "smpp/reassembly.h"

#include <algorithm>

namespace confab::smpp {

absl::StatusOr<bool> InMemoryPartStore::Put(const PartKey& key, const StoredPart& part) {
  auto [it, created] = messages_.try_emplace(key);
  Entry& entry = it->second;
  if (created || part.received_at < entry.first_received) {
    entry.first_received = part.received_at;
  }
  return entry.parts.try_emplace(part.seq, part).second;
}

absl::StatusOr<std::vector<StoredPart>> InMemoryPartStore::GetAll(const PartKey& key) {
  std::vector<StoredPart> parts;
  if (auto it = messages_.find(key); it != messages_.end()) {
    parts.reserve(it->second.parts.size());
    for (const auto& [seq, part] : it->second.parts) {
      parts.push_back(part);
    }
  }
  return parts;
}

absl::Status InMemoryPartStore::Erase(const PartKey& key) {
  messages_.erase(key);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<PartKey>> InMemoryPartStore::KeysFirstReceivedBy(WallTime cutoff) {
  std::vector<PartKey> keys;
  for (const auto& [key, entry] : messages_) {
    if (entry.first_received <= cutoff) {
      keys.push_back(key);
    }
  }
  return keys;
}

absl::StatusOr<Reassembler::AddResult> Reassembler::Add(const PartKey& key,
                                                        const StoredPart& part) {
  if (key.total == 0 || part.seq == 0 || part.seq > key.total) {
    return absl::InvalidArgumentError("part sequence number outside 1..total");
  }
  absl::StatusOr<bool> stored = store_.Put(key, part);
  if (!stored.ok()) {
    return stored.status();
  }
  if (!*stored) {
    return AddResult{.outcome = Outcome::kDuplicate, .message = std::nullopt};
  }
  absl::StatusOr<std::vector<StoredPart>> parts = store_.GetAll(key);
  if (!parts.ok()) {
    return parts.status();
  }
  if (parts->size() < key.total) {
    return AddResult{.outcome = Outcome::kStored, .message = std::nullopt};
  }
  absl::StatusOr<ReassembledMessage> message = Collect(key);
  if (!message.ok()) {
    return message.status();
  }
  return AddResult{.outcome = Outcome::kCompleted, .message = *std::move(message)};
}

absl::StatusOr<ReassembledMessage> Reassembler::Collect(const PartKey& key) {
  absl::StatusOr<std::vector<StoredPart>> parts = store_.GetAll(key);
  if (!parts.ok()) {
    return parts.status();
  }
  ReassembledMessage message;
  message.key = key;
  message.parts = *std::move(parts);
  std::sort(message.parts.begin(), message.parts.end(),
            [](const StoredPart& a, const StoredPart& b) { return a.seq < b.seq; });
  std::size_t next = 0;
  for (unsigned seq = 1; seq <= key.total; ++seq) {
    if (next < message.parts.size() && message.parts[next].seq == seq) {
      ++next;
    } else {
      message.missing.push_back(static_cast<uint8_t>(seq));
    }
  }
  if (absl::Status erased = store_.Erase(key); !erased.ok()) {
    return erased;
  }
  return message;
}

absl::StatusOr<std::vector<ReassembledMessage>> Reassembler::Expire(WallTime now) {
  absl::StatusOr<std::vector<PartKey>> keys = store_.KeysFirstReceivedBy(now - options_.timeout);
  if (!keys.ok()) {
    return keys.status();
  }
  std::vector<ReassembledMessage> expired;
  expired.reserve(keys->size());
  for (const PartKey& key : *keys) {
    absl::StatusOr<ReassembledMessage> message = Collect(key);
    if (!message.ok()) {
      return message.status();
    }
    expired.push_back(*std::move(message));
  }
  return expired;
}

namespace {

// The unpacked payload of one part: GSM packed parts are unpacked after their UDH fill bits.
std::span<const uint8_t> UnpackedPayload(const StoredPart& part, TextEncoding encoding,
                                         const DecodeOptions& options,
                                         std::vector<uint8_t>& scratch) {
  if (encoding != TextEncoding::kGsm7 || !options.gsm_packed) {
    return part.payload;
  }
  // The UDH occupies whole octets; the text starts after fill bits up to a septet boundary, and
  // `payload` begins at the octet after the UDH, so the fill bits are the first bits of payload.
  scratch.clear();
  UnpackSeptets(part.payload, scratch, FillBitsAfterUdh(part.udh_octets));
  return scratch;
}

}  // namespace

DecodedText DecodeReassembled(const ReassembledMessage& message, const DecodeOptions& options) {
  DecodedText result;
  if (message.parts.empty()) {
    return result;
  }
  const auto encoding_of = [&](const StoredPart& p) {
    return EncodingForDataCoding(p.data_coding, options.default_alphabet);
  };
  const TextEncoding first = encoding_of(message.parts.front());
  const bool uniform = std::all_of(message.parts.begin(), message.parts.end(),
                                   [&](const StoredPart& p) { return encoding_of(p) == first; });
  std::vector<uint8_t> scratch;
  if (uniform) {
    result.encoding = first;
    std::vector<uint8_t> joined;
    for (const StoredPart& part : message.parts) {
      const auto payload = UnpackedPayload(part, result.encoding, options, scratch);
      joined.insert(joined.end(), payload.begin(), payload.end());
    }
    if (result.encoding == TextEncoding::kBinary) {
      result.binary = std::move(joined);
    } else {
      result.replaced = DecodeToUtf8(result.encoding, joined, result.utf8);
    }
    return result;
  }
  // Mixed data_coding: decode part by part; report the first text part's encoding.
  bool have_text_encoding = false;
  for (const StoredPart& part : message.parts) {
    const TextEncoding encoding = encoding_of(part);
    if (encoding == TextEncoding::kBinary) {
      result.utf8 += "\xEF\xBF\xBD";
      ++result.replaced;
      continue;
    }
    if (!have_text_encoding) {
      result.encoding = encoding;
      have_text_encoding = true;
    }
    const auto payload = UnpackedPayload(part, encoding, options, scratch);
    result.replaced += DecodeToUtf8(encoding, payload, result.utf8);
  }
  return result;
}

}  // namespace confab::smpp
