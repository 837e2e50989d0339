#pragma once

// Sequence numbers and the window of outstanding requests of one session. Pure bookkeeping with
// no I/O and no clock of its own: the session passes `now`, which keeps this testable.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <system_error>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/functional/any_invocable.h"
#include "smpp/codec.h"
#include "smpp/pdu.h"

namespace confab::smpp {

using SteadyClock = std::chrono::steady_clock;

// Request sequence numbers 1..0x7FFFFFFF, wrapping back to 1 (facts §1). 0 is never issued.
class SequenceGenerator {
 public:
  explicit SequenceGenerator(uint32_t first = 1) : next_(Valid(first) ? first : 1) {}
  uint32_t Next() {
    uint32_t value = next_;
    next_ = value == kMaxSequenceNumber ? 1 : value + 1;
    return value;
  }
  uint32_t Peek() const { return next_; }

 private:
  static bool Valid(uint32_t v) { return v >= 1 && v <= kMaxSequenceNumber; }
  uint32_t next_;
};

// The response to one of our requests, owned: it outlives the read buffer it came from.
struct Response {
  Header header;
  std::chrono::nanoseconds rtt{0};
  absl::InlinedVector<uint8_t, 64> bytes;  // the whole response PDU as received

  CommandStatus status() const { return header.command_status; }
  // Decodes `bytes` again. The views of the result point into this Response.
  DecodeResult Decode() const;
  // message_id of submit_sm_resp / data_sm_resp / submit_multi_resp, system_id of a bind_*_resp,
  // else empty. Points into this Response.
  std::string_view MessageId() const;
};

// Called once with the response (error empty) or an error (response empty). Runs on the
// session's strand; a caller on another executor gets it dispatched there by the session.
using Completion = absl::AnyInvocable<void(std::error_code, Response)>;

struct Outstanding {
  uint32_t sequence = 0;
  CommandId command = CommandId::kGenericNack;
  SteadyClock::time_point sent_at;
  SteadyClock::time_point deadline;
  std::error_code timeout_error;  // what the completion gets on expiry
  Completion completion;
};

class Window {
 public:
  explicit Window(std::size_t capacity);

  std::size_t capacity() const { return capacity_; }
  std::size_t size() const { return entries_.size(); }
  bool full() const { return entries_.size() >= capacity_; }
  bool Contains(uint32_t sequence) const { return entries_.contains(sequence); }

  // Adds a request. False when the window is full (unless `force`: the session's own
  // enquire_link/unbind/bind may exceed it) or the sequence number is still outstanding.
  bool Insert(Outstanding entry, bool force = false);
  // Removes and returns the request with this sequence number.
  std::optional<Outstanding> Take(uint32_t sequence);
  // Moves every request whose deadline is <= now to `out`; returns how many.
  std::size_t TakeExpired(SteadyClock::time_point now, std::vector<Outstanding>& out);
  // Moves every request to `out` (session closing).
  void TakeAll(std::vector<Outstanding>& out);
  std::optional<SteadyClock::time_point> EarliestDeadline() const;

 private:
  std::size_t capacity_;
  absl::flat_hash_map<uint32_t, Outstanding> entries_;
};

}  // namespace confab::smpp
