#pragma once

// Reassembly of inbound concatenated messages (product §2 step 1, facts §8).
//
// Parts may arrive in any order and more than once. A message is identified by PartKey:
// (carrier, source, destination, reference, total, reference width). Parts that share a
// reference but disagree on the total or the reference width (a UDH mismatch) are therefore
// different messages; each completes or times out on its own. A second part with a seq already
// stored is a duplicate and is ignored (the first copy wins).
//
// Storage is behind PartStore so that the daemon can keep parts durably (RocksDB) across
// restarts; InMemoryPartStore is the in-process implementation. Time is passed in by the caller
// (no timers here): Expire(now) hands back every message whose first part arrived more than
// `timeout` before `now`, with what arrived, marked incomplete.

#include <chrono>
#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "smpp/text_coding.h"

namespace confab::smpp {

using WallTime = std::chrono::system_clock::time_point;

struct PartKey {
  std::string carrier;
  std::string source;
  std::string destination;
  uint16_t ref = 0;
  uint8_t total = 0;
  bool ref16 = false;

  friend auto operator<=>(const PartKey&, const PartKey&) = default;
};

struct StoredPart {
  uint8_t seq = 0;  // 1..total
  uint8_t data_coding = 0;
  // Octets of UDH that preceded `payload` in the user data (0 with SAR TLVs); needed to skip the
  // fill bits of packed GSM 7-bit.
  uint8_t udh_octets = 0;
  std::vector<uint8_t> payload;  // the user data after the UDH
  WallTime received_at;

  friend bool operator==(const StoredPart&, const StoredPart&) = default;
};

class PartStore {
 public:
  virtual ~PartStore() = default;
  // Stores `part` under `key` unless a part with the same seq is already there.
  // Returns true when stored, false for a duplicate.
  virtual absl::StatusOr<bool> Put(const PartKey& key, const StoredPart& part) = 0;
  // Every part stored under `key`, in any order (empty when none).
  virtual absl::StatusOr<std::vector<StoredPart>> GetAll(const PartKey& key) = 0;
  // Removes every part of `key`; OK when there is none.
  virtual absl::Status Erase(const PartKey& key) = 0;
  // Keys whose earliest received part has received_at <= `cutoff`.
  virtual absl::StatusOr<std::vector<PartKey>> KeysFirstReceivedBy(WallTime cutoff) = 0;
};

class InMemoryPartStore final : public PartStore {
 public:
  absl::StatusOr<bool> Put(const PartKey& key, const StoredPart& part) override;
  absl::StatusOr<std::vector<StoredPart>> GetAll(const PartKey& key) override;
  absl::Status Erase(const PartKey& key) override;
  absl::StatusOr<std::vector<PartKey>> KeysFirstReceivedBy(WallTime cutoff) override;

  std::size_t pending_messages() const { return messages_.size(); }

 private:
  struct Entry {
    WallTime first_received;
    std::map<uint8_t, StoredPart> parts;  // by seq
  };
  std::map<PartKey, Entry> messages_;
};

struct ReassembledMessage {
  PartKey key;
  std::vector<StoredPart> parts;  // the parts that arrived, in seq order
  std::vector<uint8_t> missing;   // seq numbers that never arrived; empty when complete
  bool complete() const { return missing.empty(); }
};

struct ReassemblyOptions {
  std::chrono::milliseconds timeout = std::chrono::minutes(5);
};

class Reassembler {
 public:
  enum class Outcome { kStored, kDuplicate, kCompleted };
  struct AddResult {
    Outcome outcome = Outcome::kStored;
    std::optional<ReassembledMessage> message;  // set when kCompleted
  };

  Reassembler(PartStore& store, ReassemblyOptions options) : store_(store), options_(options) {}

  // Adds one part (part.seq must be within 1..key.total: InvalidArgument otherwise). When it
  // completes the message, the parts are removed from the store and returned in order.
  absl::StatusOr<AddResult> Add(const PartKey& key, const StoredPart& part);

  // Removes and returns every message whose first part arrived at or before now - timeout.
  absl::StatusOr<std::vector<ReassembledMessage>> Expire(WallTime now);

 private:
  absl::StatusOr<ReassembledMessage> Collect(const PartKey& key);

  PartStore& store_;
  ReassemblyOptions options_;
};

// The text of a reassembled message.
// - All parts in one encoding (by EncodingForDataCoding): the parts' payloads are joined (packed
// GSM is unpacked part
//   by part with its fill bits first) and decoded once, so an ESC pair or a surrogate pair that a
//   sender split across parts still decodes.
// - Mixed encodings (a sender bug): each part is decoded on its own by its own data_coding and
//   the texts are joined; a binary part in a mixed message contributes one U+FFFD (counted).
// - All parts binary: `binary` holds the joined octets.
// Missing parts are simply absent from the text (the message says which are missing).
DecodedText DecodeReassembled(const ReassembledMessage& message, const DecodeOptions& options = {});

}  // namespace confab::smpp
