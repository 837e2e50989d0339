#include "smpp/tlv.h"

#include <cassert>

#include "smpp/coding.h"

namespace confab::smpp {

std::optional<TlvLengthRange> KnownTlvLength(uint16_t tag) {
  // Sizes from facts §5; variable-length tags give their documented range.
  switch (tag) {
    case tlv::kDestAddrSubunit:
    case tlv::kDestNetworkType:
    case tlv::kDestBearerType:
    case tlv::kSourceAddrSubunit:
    case tlv::kSourceNetworkType:
    case tlv::kSourceBearerType:
    case tlv::kPayloadType:
    case tlv::kMsMsgWaitFacilities:
    case tlv::kPrivacyIndicator:
    case tlv::kUserResponseCode:
    case tlv::kLanguageIndicator:
    case tlv::kSarTotalSegments:
    case tlv::kSarSegmentSeqnum:
    case tlv::kScInterfaceVersion:
    case tlv::kCallbackNumPresInd:
    case tlv::kNumberOfMessages:
    case tlv::kDpfResult:
    case tlv::kSetDpf:
    case tlv::kMsAvailabilityStatus:
    case tlv::kDeliveryFailureReason:
    case tlv::kMoreMessagesToSend:
    case tlv::kMessageState:
    case tlv::kUssdServiceOp:
    case tlv::kDisplayTime:
    case tlv::kMsValidity:
    case tlv::kItsReplyType:
      return TlvLengthRange{1, 1};
    case tlv::kDestTelematicsId:
    case tlv::kUserMessageReference:
    case tlv::kSourcePort:
    case tlv::kDestinationPort:
    case tlv::kSarMsgRefNum:
    case tlv::kSmsSignal:
    case tlv::kItsSessionInfo:
      return TlvLengthRange{2, 2};
    case tlv::kSourceTelematicsId:
      return TlvLengthRange{1, 2};
    case tlv::kNetworkErrorCode:
      return TlvLengthRange{3, 3};
    case tlv::kQosTimeToLive:
      return TlvLengthRange{4, 4};
    case tlv::kAdditionalStatusInfoText:
      return TlvLengthRange{1, 256};
    case tlv::kReceiptedMessageId:
      return TlvLengthRange{1, 65};
    case tlv::kSourceSubaddress:
    case tlv::kDestSubaddress:
      return TlvLengthRange{2, 23};
    case tlv::kCallbackNumAtag:
      return TlvLengthRange{0, 65};
    case tlv::kCallbackNum:
      return TlvLengthRange{4, 19};
    case tlv::kMessagePayload:
      return TlvLengthRange{0, 65535};
    case tlv::kAlertOnMessageDelivery:
      return TlvLengthRange{0, 0};
    default:
      return std::nullopt;
  }
}

CommandStatus DecodeTlvs(std::span<const uint8_t> data, TlvList& out) {
  coding::Reader in(data);
  while (!in.empty()) {
    uint16_t tag = 0;
    uint16_t length = 0;
    std::span<const uint8_t> value;
    if (!in.ReadU16(tag) || !in.ReadU16(length) || !in.ReadBytes(length, value)) {
      return CommandStatus::kInvOptParStream;
    }
    if (auto rule = KnownTlvLength(tag); rule && (length < rule->min || length > rule->max)) {
      return CommandStatus::kInvParLen;
    }
    out.Add(tag, value);
  }
  return CommandStatus::kOk;
}

void EncodeTlvs(const TlvList& tlvs, std::vector<uint8_t>& out) {
  for (const Tlv& t : tlvs) {
    assert(t.value.size() <= 0xFFFF);
    const std::size_t length = t.value.size() <= 0xFFFF ? t.value.size() : 0xFFFF;
    coding::PutU16(out, t.tag);
    coding::PutU16(out, static_cast<uint16_t>(length));
    coding::PutBytes(out, t.value.first(length));
  }
}

}  // namespace confab::smpp
