#pragma once

// The optional-parameter (TLV) part of a PDU body: tag Int2, length Int2, value (facts §5).
// Used by the PDU codec; public so that the TLV parser can be tested and fuzzed on its own.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "smpp/pdu.h"
#include "smpp/types.h"

namespace confab::smpp {

// Allowed value length of a known v3.4 tag (inclusive bounds).
struct TlvLengthRange {
  uint16_t min = 0;
  uint16_t max = 0;
};

// The value-length rule of a v3.4 tag from the facts §5 table, or nullopt for an unknown
// (vendor or later-version) tag, which is kept whatever its length.
// source_telematics_id accepts 1 or 2 octets (facts §12: sources disagree).
std::optional<TlvLengthRange> KnownTlvLength(uint16_t tag);

// Parses `data` (everything after a body's mandatory fields) as TLVs, appending them to `out`
// in wire order; values are views into `data`. Returns
//   kOk               every octet belonged to a well-formed TLV,
//   kInvOptParStream  a TLV header or value runs past the end of `data`,
//   kInvParLen        a known tag has a length outside its rule (KnownTlvLength).
// Tags that do not belong to the PDU at hand are tolerated (facts §12).
CommandStatus DecodeTlvs(std::span<const uint8_t> data, TlvList& out);

// Appends the TLVs in list order. A value longer than 65535 octets cannot be represented and is
// truncated to 65535 (a caller bug; asserted in debug builds).
void EncodeTlvs(const TlvList& tlvs, std::vector<uint8_t>& out);

}  // namespace confab::smpp
