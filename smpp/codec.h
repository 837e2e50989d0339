#pragma once

// SMPP v3.4 PDU decoder and encoder.
//
// Decode() is pure and incremental: it looks at the bytes received so far and says whether a
// whole PDU is there. It never throws, never reads out of bounds and, for the common PDUs
// (deliver_sm, submit_sm, their responses, enquire_link, unbind, data_sm with <= 4 TLVs),
// never allocates: the decoded fields are views into `input` (see pdu.h).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "smpp/pdu.h"
#include "smpp/types.h"

namespace confab::smpp {

struct DecoderOptions {
  // Largest command_length accepted; larger is ESME_RINVCMDLEN and the stream is dropped.
  // 65535 (message_payload) + room for the header and the other fields.
  uint32_t max_command_length = 70000;
};

enum class DecodeState {
  kNeedMore,  // not a whole PDU yet: read more, call again with the longer input
  kOk,        // `pdu` holds the PDU; drop `consumed` bytes
  kRejected,  // the header is sound but the body is not (or the id is unknown): answer with
              // ErrorResponseFor(header, error), drop `consumed` bytes, carry on
  kFatal,     // framing is lost (command_length < 16 or > max): answer generic_nack with
              // `error` if wanted, then close the connection
};

struct DecodeResult {
  DecodeState state = DecodeState::kNeedMore;
  std::size_t consumed = 0;
  CommandStatus error = CommandStatus::kOk;  // kRejected / kFatal: the status to answer with
  Pdu pdu;  // kOk: the PDU; kRejected / kFatal: pdu.header holds what was read of the header
};

DecodeResult Decode(std::span<const uint8_t> input, const DecoderOptions& options = {});

// Appends the encoded PDU to `out` (which is not cleared, so one buffer can take a batch of
// PDUs and be reused without reallocating). command_length is computed; pdu.header's other
// fields are written as given. A response whose command_status != 0 is written header-only,
// whatever its body says (facts §1: "no body on error"), except generic_nack which never has one.
// The body alternative must match header.command_id (checked in debug builds).
void Encode(const Pdu& pdu, std::vector<uint8_t>& out);

// The answer to a request that was rejected: the request's own *_resp with `status` and an
// empty body, or generic_nack when the command id is unknown, a response, or has no response.
Pdu ErrorResponseFor(const Header& request, CommandStatus status);

// Makes a response header for `request` with the given status (response id, same sequence).
Header ResponseHeaderFor(const Header& request, CommandStatus status = CommandStatus::kOk);

}  // namespace confab::smpp
