#pragma once

// What the inbound pipeline takes from a carrier's deliver_sm / data_sm / submit_sm: read on the
// session's thread (so the PDU's views can die), before the pipeline's own thread decides.

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "daemon/brand_numbers.h"
#include "smpp/pdu.h"
#include "smpp/udh.h"
#include "store/schema.h"

namespace confab::pipeline {

struct InboundPart {
  uint32_t route = 0;
  smpp::CommandId command = smpp::CommandId::kDeliverSm;
  // A delivery receipt (esm_class message type 0x04 or an intermediate notification) rather
  // than a subscriber's message; only `route` and `command` are filled then.
  bool receipt = false;
  const BrandNumber* brand = nullptr;  // valid while the BrandDirectory it came from lives
  store::ThreadId thread;
  uint8_t data_coding = 0;
  std::optional<smpp::ConcatInfo> concat;  // a part of a long message (UDH or SAR TLVs)
  uint8_t udh_octets = 0;
  std::vector<uint8_t> payload;  // the user data after the UDH
  uint64_t received_ms = 0;
  // Identifies this message (one part: this part) for duplicate detection; stable across
  // restarts. Long messages: the hash of the whole message (carrier, thread, reference, total),
  // remembered when it completes, so that a part retransmitted later is a duplicate too.
  uint64_t idempotency = 0;
};

// Reads `request`. Errors carry their ESME status (daemon/esme_status.h): a destination that is
// no brand number of ours → ESME_RINVDSTADR; a source that is no subscriber number →
// ESME_RINVSRCADR; a malformed UDH or SAR set → ESME_RINVESMCLASS / ESME_RINVOPTPARAMVAL; a PDU
// that is no message → ESME_RINVCMDID.
absl::StatusOr<InboundPart> ReadInbound(uint32_t route, const smpp::Pdu& request,
                                        const BrandDirectory& brands, uint64_t now_ms);

// The hash of a single-part message or of one part (carrier, thread, esm_class, data_coding,
// concatenation, user data); and of a whole long message (thread, reference, total: a part may
// come again through another bind or carrier, and a timed-out message has no carrier left).
uint64_t PartHash(const InboundPart& part);
uint64_t LongMessageHash(const store::ThreadId& thread, const smpp::ConcatInfo& concat);

}  // namespace confab::pipeline
