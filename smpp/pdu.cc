#include "smpp/pdu.h"

#include <boost/endian/conversion.hpp>

#include "smpp/pdu_fields.h"

namespace confab::smpp {
namespace {

// A fixed-size integer TLV, or nullopt when absent or of another length than N.
template <std::size_t N>
std::optional<std::span<const uint8_t>> FixedValue(const TlvList& tlvs, uint16_t tag) {
  const Tlv* t = tlvs.Find(tag);
  if (t == nullptr || t->value.size() != N) {
    return std::nullopt;
  }
  return t->value;
}

std::optional<uint8_t> U8Value(const TlvList& tlvs, uint16_t tag) {
  auto v = FixedValue<1>(tlvs, tag);
  return v ? std::optional<uint8_t>((*v)[0]) : std::nullopt;
}

std::optional<uint16_t> U16Value(const TlvList& tlvs, uint16_t tag) {
  auto v = FixedValue<2>(tlvs, tag);
  return v ? std::optional<uint16_t>(boost::endian::load_big_u16(v->data())) : std::nullopt;
}

}  // namespace

void TlvList::Add(uint16_t tag, std::span<const uint8_t> value) {
  if (size_ < kInlineCapacity) {
    inline_[size_++] = Tlv{tag, value};
    return;
  }
  if (heap_.empty()) {
    heap_.reserve(2 * kInlineCapacity);
    heap_.assign(inline_.begin(), inline_.end());
  }
  heap_.push_back(Tlv{tag, value});
  ++size_;
}

const Tlv* TlvList::Find(uint16_t tag) const {
  for (const Tlv& t : *this) {
    if (t.tag == tag) {
      return &t;
    }
  }
  return nullptr;
}

std::optional<std::span<const uint8_t>> TlvList::MessagePayload() const {
  const Tlv* t = Find(tlv::kMessagePayload);
  return t == nullptr ? std::nullopt : std::optional<std::span<const uint8_t>>(t->value);
}

std::optional<uint16_t> TlvList::SarMsgRefNum() const {
  return U16Value(*this, tlv::kSarMsgRefNum);
}
std::optional<uint8_t> TlvList::SarTotalSegments() const {
  return U8Value(*this, tlv::kSarTotalSegments);
}
std::optional<uint8_t> TlvList::SarSegmentSeqnum() const {
  return U8Value(*this, tlv::kSarSegmentSeqnum);
}

std::optional<std::string_view> TlvList::ReceiptedMessageId() const {
  const Tlv* t = Find(tlv::kReceiptedMessageId);
  if (t == nullptr || t->value.empty() || t->value.size() > 65) {
    return std::nullopt;
  }
  // A COS whose length counts the NUL; some SMSCs leave the NUL out, so the id ends at the first
  // NUL or at the end of the value, whichever comes first.
  std::string_view id(reinterpret_cast<const char*>(t->value.data()), t->value.size());
  return id.substr(0, id.find('\0'));
}

std::optional<MessageState> TlvList::GetMessageState() const {
  auto v = U8Value(*this, tlv::kMessageState);
  return v ? std::optional<MessageState>(static_cast<MessageState>(*v)) : std::nullopt;
}

std::optional<std::span<const uint8_t>> TlvList::NetworkErrorCode() const {
  return FixedValue<3>(*this, tlv::kNetworkErrorCode);
}

std::optional<uint16_t> TlvList::UserMessageReference() const {
  return U16Value(*this, tlv::kUserMessageReference);
}
std::optional<uint16_t> TlvList::SourcePort() const { return U16Value(*this, tlv::kSourcePort); }
std::optional<uint16_t> TlvList::DestinationPort() const {
  return U16Value(*this, tlv::kDestinationPort);
}
std::optional<uint8_t> TlvList::ScInterfaceVersion() const {
  return U8Value(*this, tlv::kScInterfaceVersion);
}
std::optional<uint8_t> TlvList::MoreMessagesToSend() const {
  return U8Value(*this, tlv::kMoreMessagesToSend);
}

std::span<const uint8_t> ShortMessageBody::UserData() const {
  if (auto payload = tlvs.MessagePayload()) {
    return *payload;
  }
  return short_message;
}

CommandId CommandIdOf(const PduBody& body) {
  return std::visit([](const auto& b) { return fields::kIdOf<std::remove_cvref_t<decltype(b)>>; },
                    body);
}

}  // namespace confab::smpp
