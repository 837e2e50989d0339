#include "smpp/codec.h"

#include <string_view>
#include <utility>

#include "smpp/coding.h"
#include "smpp/pdu_fields.h"
#include "smpp/tlv.h"

namespace confab::smpp {
namespace {

// The decoding visitor of pdu_fields.h. The first fault wins: after it every call is a no-op, so
// a description never needs to check for errors between fields.
class BodyDecoder {
 public:
  explicit BodyDecoder(std::span<const uint8_t> body) : in_(body) {}

  bool ok() const { return error_ == CommandStatus::kOk; }
  void Fail(CommandStatus error) {
    if (ok()) {
      error_ = error;
    }
  }
  // The body's verdict: octets left over mean command_length disagrees with the fields.
  CommandStatus Finish() {
    if (ok() && !in_.empty()) {
      Fail(CommandStatus::kInvCmdLen);
    }
    return error_;
  }

  void U8(uint8_t& v) {
    if (ok() && !in_.ReadU8(v)) {
      Fail(CommandStatus::kInvCmdLen);
    }
  }
  void Status(CommandStatus& v) {
    uint32_t raw = 0;
    if (ok() && !in_.ReadU32(raw)) {
      Fail(CommandStatus::kInvCmdLen);
    }
    v = static_cast<CommandStatus>(raw);
  }
  void CString(std::string_view& v, std::size_t max, CommandStatus error) {
    if (!ok()) {
      return;
    }
    const std::size_t nul = in_.FindNul(max);
    if (nul == std::string_view::npos) {
      // No NUL in reach: either the body ended first (a truncated PDU) or the value is too long.
      Fail(in_.remaining() < max ? CommandStatus::kInvCmdLen : error);
      return;
    }
    std::span<const uint8_t> bytes;
    in_.ReadBytes(nul + 1, bytes);
    v = std::string_view(reinterpret_cast<const char*>(bytes.data()), nul);
  }
  void Time(std::string_view& v, CommandStatus error) {
    CString(v, 17, error);
    if (ok() && !v.empty() && v.size() != 16) {
      Fail(error);
    }
  }
  void ShortMessage(std::span<const uint8_t>& v) {
    uint8_t length = 0;
    U8(length);
    if (ok() && (length > 254 || !in_.ReadBytes(length, v))) {
      Fail(CommandStatus::kInvMsgLen);
    }
  }
  void Tlvs(TlvList& v) {
    if (ok()) {
      Fail(DecodeTlvs(in_.TakeRest(), v));
    }
  }
  template <class T, class F>
  void List(std::vector<T>& items, std::size_t min, std::size_t max, CommandStatus error,
            F describe_one) {
    uint8_t count = 0;
    U8(count);
    if (!ok()) {
      return;
    }
    if (count < min || count > max) {
      Fail(error);
      return;
    }
    items.clear();
    items.reserve(count);
    for (std::size_t i = 0; i < count && ok(); ++i) {
      describe_one(*this, items.emplace_back());
    }
  }

 private:
  coding::Reader in_;
  CommandStatus error_ = CommandStatus::kOk;
};

}  // namespace

uint32_t PeekCommandLength(std::span<const uint8_t> input) {
  return input.size() < 4 ? 0 : coding::LoadU32(input.data());
}

DecodeResult Decode(std::span<const uint8_t> input, const DecoderOptions& options) {
  DecodeResult r;
  if (input.size() < 4) {
    return r;
  }
  Header& h = r.pdu.header;
  h.command_length = coding::LoadU32(input.data());
  if (h.command_length < kHeaderSize || h.command_length > options.max_command_length) {
    // Framing is lost. Keep what is there of the header so that the generic_nack can echo the
    // sequence number when it was received.
    h.command_id = input.size() >= 8 ? coding::LoadU32(input.data() + 4) : 0;
    h.command_status =
        static_cast<CommandStatus>(input.size() >= 12 ? coding::LoadU32(input.data() + 8) : 0);
    h.sequence_number = input.size() >= 16 ? coding::LoadU32(input.data() + 12) : 0;
    r.state = DecodeState::kFatal;
    r.error = CommandStatus::kInvCmdLen;
    return r;
  }
  if (input.size() < h.command_length) {
    return r;  // kNeedMore: the length is sound, wait for the whole PDU before looking further
  }
  h.command_id = coding::LoadU32(input.data() + 4);
  h.command_status = static_cast<CommandStatus>(coding::LoadU32(input.data() + 8));
  h.sequence_number = coding::LoadU32(input.data() + 12);
  r.consumed = h.command_length;
  const std::span<const uint8_t> body = input.subspan(kHeaderSize, h.command_length - kHeaderSize);

  CommandStatus error = CommandStatus::kOk;
  const bool known =
      fields::WithBodyIndex(h.command_id, [&]<std::size_t I>(std::in_place_index_t<I>) {
        auto& out = r.pdu.body.emplace<I>();
        BodyDecoder decoder(body);
        fields::Describe(decoder, out);
        error = decoder.Finish();
        if (error != CommandStatus::kOk && IsResponse(h.command_id) &&
            (h.command_status != CommandStatus::kOk || body.empty())) {
          // A response carries no body on error (facts §1); whatever is there is not worth a fault,
          // and a response is never answered anyway.
          r.pdu.body.emplace<I>();
          error = CommandStatus::kOk;
        }
      });
  if (!known) {
    error = CommandStatus::kInvCmdId;
  }
  r.state = error == CommandStatus::kOk ? DecodeState::kOk : DecodeState::kRejected;
  r.error = error;
  return r;
}

Header ResponseHeaderFor(const Header& request, CommandStatus status) {
  return Header{.command_length = 0,
                .command_id = request.command_id | kResponseBit,
                .command_status = status,
                .sequence_number = request.sequence_number};
}

Pdu ErrorResponseFor(const Header& request, CommandStatus status) {
  Pdu response;
  const uint32_t id = request.command_id;
  if (status != CommandStatus::kInvCmdLen && IsKnownCommandId(id) &&
      ExpectsResponse(static_cast<CommandId>(id))) {
    response.header = ResponseHeaderFor(request, status);
    fields::WithBodyIndex(response.header.command_id, [&]<std::size_t I>(std::in_place_index_t<I>) {
      response.body.emplace<I>();
    });
    return response;
  }
  response.header = Header{.command_length = 0,
                           .command_id = static_cast<uint32_t>(CommandId::kGenericNack),
                           .command_status = status,
                           .sequence_number = request.sequence_number};
  response.body = GenericNack{};
  return response;
}

Pdu MakePdu(PduBody body, uint32_t sequence_number, CommandStatus status) {
  Pdu pdu{.header = Header{.command_length = 0,
                           .command_id = static_cast<uint32_t>(CommandIdOf(body)),
                           .command_status = status,
                           .sequence_number = sequence_number},
          .body = std::move(body)};
  return pdu;
}

Pdu SubmitSmRespFor(const Header& request, std::string_view message_id) {
  SubmitSmResp resp;
  resp.message_id = message_id;
  return Pdu{.header = ResponseHeaderFor(request), .body = resp};
}

Pdu DeliverSmRespFor(const Header& request, CommandStatus status) {
  return Pdu{.header = ResponseHeaderFor(request, status), .body = DeliverSmResp{}};
}

}  // namespace confab::smpp
