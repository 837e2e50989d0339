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
#include <string_view>
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

// Which status for which fault (facts §10):
//   command_length < 16 or > max_command_length     kFatal,    ESME_RINVCMDLEN
//   unknown or reserved command_id                  kRejected, ESME_RINVCMDID (generic_nack)
//   body ends inside a mandatory field (a C-string
//   with no NUL before the end, a missing Int), or
//   octets left over in a PDU that has no TLVs      kRejected, ESME_RINVCMDLEN
//   C-string longer than its maximum                kRejected, the field's own status:
//     ESME_RINVSYSID, ESME_RINVPASWD, ESME_RINVSYSTYP, ESME_RINVSERTYP, ESME_RINVSRCADR,
//     ESME_RINVDSTADR, ESME_RINVMSGID, ESME_RINVDLNAME, ESME_RBINDFAIL (address_range)
//   time field neither NULL nor 16 characters       kRejected, ESME_RINVSCHED / ESME_RINVEXPIRY
//   sm_length > 254 or past the end of the body     kRejected, ESME_RINVMSGLEN
//   number_of_dests 0 or > 254                      kRejected, ESME_RINVNUMDESTS
//   dest_flag other than 1 or 2                     kRejected, ESME_RINVDESTFLAG
//   TLV header or value past the end of the body    kRejected, ESME_RINVOPTPARSTREAM
//   known TLV with a wrong length                   kRejected, ESME_RINVPARLEN
// Leniency: a response whose status is not 0, or whose body is empty, is kOk with a default
// body when its body does not decode (facts §1: no body on error); interface_version may be any
// value; unknown TLVs and TLVs outside the PDU's allowed list are kept.
DecodeResult Decode(std::span<const uint8_t> input, const DecoderOptions& options = {});

// command_length of the PDU starting at input[0], or 0 when fewer than 4 octets are there. Lets
// a reader size its next read; Decode() does its own checks.
uint32_t PeekCommandLength(std::span<const uint8_t> input);

// Appends the encoded PDU to `out` (which is not cleared, so one buffer can take a batch of
// PDUs and be reused without reallocating). command_length is computed; pdu.header's other
// fields are written as given. A response whose command_status != 0 is written header-only,
// whatever its body says (facts §1: "no body on error"), except generic_nack which never has one.
// The body alternative must match header.command_id (checked in debug builds).
// Preconditions (not checked in release builds): C-string fields contain no NUL, short_message
// is at most 254 octets, TLV values at most 65535 octets, lists at most 254 entries. Never
// allocates when `out` already has capacity for the PDU.
void Encode(const Pdu& pdu, std::vector<uint8_t>& out);

// The answer to a request that was rejected: the request's own *_resp with `status` and an
// empty body, or generic_nack when the command id is unknown, a response, or has no response,
// and also when `status` is ESME_RINVCMDLEN (facts §10: a command_length fault, including
// one found in the body, is answered with generic_nack).
Pdu ErrorResponseFor(const Header& request, CommandStatus status);

// Makes a response header for `request` with the given status (response id, same sequence).
Header ResponseHeaderFor(const Header& request, CommandStatus status = CommandStatus::kOk);

// A PDU whose command_id is the body's (CommandIdOf), e.g.
// MakePdu(EnquireLink{}, 7) or MakePdu(SubmitSm{...}, seq).
Pdu MakePdu(PduBody body, uint32_t sequence_number, CommandStatus status = CommandStatus::kOk);

// submit_sm_resp (status 0) with `message_id` (a view: must outlive Encode()).
Pdu SubmitSmRespFor(const Header& request, std::string_view message_id);

// deliver_sm_resp with a NULL message_id; header-only on the wire when status != 0.
Pdu DeliverSmRespFor(const Header& request, CommandStatus status = CommandStatus::kOk);

}  // namespace confab::smpp
