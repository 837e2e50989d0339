#pragma once

// The SMPP library's PartStore (smpp/reassembly.h) over the store's `parts` family, for the
// pipeline's decider: reads see what is durable plus what the decider has staged and not yet
// committed (its overlay); writes are staged into the group's WriteSet and so become durable with
// the message that brought them, in the same atomic batch.
//
// Keys: a PartKey's `destination` and `source` are the thread's brand and profile NumberIds in
// decimal (MakePartKey); its carrier is not part of the stored key. The stored bytes of a part
// are: data_coding(1) udh_octets(1) ref16(1) then the user data after the UDH.
//
// KeysFirstReceivedBy (the timer pass, every timer_interval) reads an in-memory index of the
// durable incomplete messages, built by one scan of the family on first use and kept by Retire,
// instead of scanning the family each time: parts are put and deleted within moments, so the
// family is mostly deletion markers until compaction, and a scan over them stalled the pipeline
// thread for milliseconds every second under load.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "smpp/reassembly.h"
#include "smpp/udh.h"
#include "store/kv.h"
#include "store/records.h"
#include "store/write_set.h"

namespace confab::pipeline {

smpp::PartKey MakePartKey(const store::ThreadId& thread, const smpp::ConcatInfo& concat);

class StagedPartStore final : public smpp::PartStore {
 public:
  explicit StagedPartStore(const store::KvSource& source) : source_(source) {}

  // Where the next writes go, and under which group they are remembered as in flight.
  void Bind(store::WriteSet* writes, uint64_t group) {
    writes_ = writes;
    group_ = group;
  }
  // The batch of `group` is durable: its staged parts are now read from the store (and counted
  // in the index of incomplete messages).
  void Retire(uint64_t group, const std::vector<std::string>& keys);
  // Forgets everything in flight (after a failed commit). The index of incomplete messages is
  // read from the store again: an earlier group that committed may have left its changes in a
  // later group's entry, which is gone now.
  void Clear() {
    pending_.clear();
    durable_.reset();
  }
  // Keys touched since the last TakeTouched (for Retire).
  std::vector<std::string> TakeTouched() { return std::exchange(touched_, {}); }

  absl::StatusOr<bool> Put(const smpp::PartKey& key, const smpp::StoredPart& part) override;
  absl::StatusOr<std::vector<smpp::StoredPart>> GetAll(const smpp::PartKey& key) override;
  absl::Status Erase(const smpp::PartKey& key) override;
  absl::StatusOr<std::vector<smpp::PartKey>> KeysFirstReceivedBy(smpp::WallTime cutoff) override;

 private:
  struct Location {
    store::ThreadId thread;
    uint16_t ref = 0;
    uint8_t total = 0;
  };
  struct Pending {
    bool erased = false;  // the stored parts are deleted by a staged write: ignore them
    std::map<uint8_t, smpp::StoredPart> parts;  // staged, by seq
    bool ref16 = false;                         // of the staged parts' concatenation
    uint64_t group = 0;
  };
  // An incomplete message: when its earliest part arrived, and its reference width.
  struct FirstPart {
    uint64_t at_ms = 0;
    bool ref16 = false;
  };
  using FirstParts = absl::flat_hash_map<std::string, FirstPart>;  // by thread ref total

  // The durable incomplete messages: scanned from the family once, then kept by Retire.
  absl::StatusOr<const FirstParts*> Durable();
  static void AddFirst(FirstParts& first, const std::string& prefix, FirstPart part);

  static absl::StatusOr<Location> Locate(const smpp::PartKey& key);
  // Stored parts (unless erased) plus staged ones, by seq.
  absl::StatusOr<std::map<uint8_t, smpp::StoredPart>> Current(const std::string& prefix,
                                                              const Location& location);
  Pending& Touch(const std::string& prefix);

  const store::KvSource& source_;
  store::WriteSet* writes_ = nullptr;
  uint64_t group_ = 0;
  absl::flat_hash_map<std::string, Pending> pending_;  // by thread(16) ref(2) total(1)
  std::vector<std::string> touched_;
  std::optional<FirstParts> durable_;  // nullopt until the first scan
};

}  // namespace confab::pipeline
