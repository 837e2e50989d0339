// Encode(): the encoding visitor of pdu_fields.h and the header framing. Declared in codec.h.

#include <cassert>

#include "smpp/codec.h"
#include "smpp/coding.h"
#include "smpp/pdu_fields.h"
#include "smpp/tlv.h"

namespace confab::smpp {
namespace {

// Writes each field as given. Limits are the caller's contract (codec.h), so the maxima and
// error statuses in the descriptions are ignored here; lengths that cannot be represented on
// the wire at all are clamped, so the output is always a well-framed PDU.
class BodyEncoder {
 public:
  explicit BodyEncoder(std::vector<uint8_t>& out) : out_(out) {}

  void Fail(CommandStatus) {}
  void U8(uint8_t v) { coding::PutU8(out_, v); }
  void Status(CommandStatus v) { coding::PutU32(out_, static_cast<uint32_t>(v)); }
  void CString(std::string_view v, std::size_t, CommandStatus) {
    coding::PutChars(out_, v);
    coding::PutU8(out_, 0);
  }
  void Time(std::string_view v, CommandStatus error) { CString(v, 17, error); }
  void ShortMessage(std::span<const uint8_t> v) {
    assert(v.size() <= 254);
    const std::size_t length = v.size() <= 255 ? v.size() : 255;
    coding::PutU8(out_, static_cast<uint8_t>(length));
    coding::PutBytes(out_, v.first(length));
  }
  void Tlvs(const TlvList& v) { EncodeTlvs(v, out_); }
  template <class T, class F>
  void List(const std::vector<T>& items, std::size_t, std::size_t, CommandStatus, F describe_one) {
    assert(items.size() <= 254);
    const std::size_t count = items.size() <= 255 ? items.size() : 255;
    coding::PutU8(out_, static_cast<uint8_t>(count));
    for (std::size_t i = 0; i < count; ++i) {
      describe_one(*this, items[i]);
    }
  }

 private:
  std::vector<uint8_t>& out_;
};

}  // namespace

void Encode(const Pdu& pdu, std::vector<uint8_t>& out) {
  const std::size_t start = out.size();
  const Header& h = pdu.header;
  coding::PutU32(out, 0);  // command_length, patched below
  coding::PutU32(out, h.command_id);
  coding::PutU32(out, static_cast<uint32_t>(h.command_status));
  coding::PutU32(out, h.sequence_number);
  const bool header_only = IsResponse(h.command_id) && h.command_status != CommandStatus::kOk;
  if (!header_only) {
    assert(CommandIdOf(pdu.body) == h.id());
    std::visit(
        [&](const auto& body) {
          BodyEncoder encoder(out);
          fields::Describe(encoder, body);
        },
        pdu.body);
  }
  coding::StoreU32(out.data() + start, static_cast<uint32_t>(out.size() - start));
}

}  // namespace confab::smpp
