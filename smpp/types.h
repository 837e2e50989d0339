#pragma once

// SMPP v3.4 protocol constants: command ids, command_status values, address and message enums,
// TLV tags. Numbers are from ../shared/reference/smpp-3.4-facts.md (§2, §4, §5, §6).

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace confab::smpp {

inline constexpr std::size_t kHeaderSize = 16;
inline constexpr uint32_t kResponseBit = 0x80000000u;
inline constexpr uint32_t kMaxSequenceNumber = 0x7FFFFFFFu;
inline constexpr uint8_t kInterfaceVersion34 = 0x34;

enum class CommandId : uint32_t {
  kGenericNack = 0x80000000u,
  kBindReceiver = 0x00000001u,
  kBindReceiverResp = 0x80000001u,
  kBindTransmitter = 0x00000002u,
  kBindTransmitterResp = 0x80000002u,
  kQuerySm = 0x00000003u,
  kQuerySmResp = 0x80000003u,
  kSubmitSm = 0x00000004u,
  kSubmitSmResp = 0x80000004u,
  kDeliverSm = 0x00000005u,
  kDeliverSmResp = 0x80000005u,
  kUnbind = 0x00000006u,
  kUnbindResp = 0x80000006u,
  kReplaceSm = 0x00000007u,
  kReplaceSmResp = 0x80000007u,
  kCancelSm = 0x00000008u,
  kCancelSmResp = 0x80000008u,
  kBindTransceiver = 0x00000009u,
  kBindTransceiverResp = 0x80000009u,
  kOutbind = 0x0000000Bu,
  kEnquireLink = 0x00000015u,
  kEnquireLinkResp = 0x80000015u,
  kSubmitMulti = 0x00000021u,
  kSubmitMultiResp = 0x80000021u,
  kAlertNotification = 0x00000102u,
  kDataSm = 0x00000103u,
  kDataSmResp = 0x80000103u,
};

constexpr bool IsResponse(uint32_t command_id) { return (command_id & kResponseBit) != 0; }
constexpr bool IsResponse(CommandId id) { return IsResponse(static_cast<uint32_t>(id)); }
constexpr CommandId ResponseIdOf(CommandId request) {
  return static_cast<CommandId>(static_cast<uint32_t>(request) | kResponseBit);
}
// True for every v3.4 command id in the table above (requests and responses).
bool IsKnownCommandId(uint32_t command_id);
// True for requests that get a response (all but outbind and alert_notification).
bool ExpectsResponse(CommandId request);
std::string_view CommandIdName(uint32_t command_id);

enum class CommandStatus : uint32_t {
  kOk = 0x00,
  kInvMsgLen = 0x01,
  kInvCmdLen = 0x02,
  kInvCmdId = 0x03,
  kInvBndSts = 0x04,
  kAlyBnd = 0x05,
  kInvPrtFlg = 0x06,
  kInvRegDlvFlg = 0x07,
  kSysErr = 0x08,
  kInvSrcAdr = 0x0A,
  kInvDstAdr = 0x0B,
  kInvMsgId = 0x0C,
  kBindFail = 0x0D,
  kInvPaswd = 0x0E,
  kInvSysId = 0x0F,
  kCancelFail = 0x11,
  kReplaceFail = 0x13,
  kMsgQFul = 0x14,
  kInvSerTyp = 0x15,
  kInvNumDests = 0x33,
  kInvDlName = 0x34,
  kInvDestFlag = 0x40,
  kInvSubRep = 0x42,
  kInvEsmClass = 0x43,
  kCntSubDl = 0x44,
  kSubmitFail = 0x45,
  kInvSrcTon = 0x48,
  kInvSrcNpi = 0x49,
  kInvDstTon = 0x50,
  kInvDstNpi = 0x51,
  kInvSysTyp = 0x53,
  kInvRepFlag = 0x54,
  kInvNumMsgs = 0x55,
  kThrottled = 0x58,
  kInvSched = 0x61,
  kInvExpiry = 0x62,
  kInvDftMsgId = 0x63,
  kXTAppn = 0x64,
  kXPAppn = 0x65,
  kXRAppn = 0x66,
  kQueryFail = 0x67,
  kInvOptParStream = 0xC0,
  kOptParNotAllwd = 0xC1,
  kInvParLen = 0xC2,
  kMissingOptParam = 0xC3,
  kInvOptParamVal = 0xC4,
  kDeliveryFailure = 0xFE,
  kUnknownErr = 0xFF,
};

// "ESME_RTHROTTLED" etc.; "ESME_0x%08X" style text is the caller's job for unknown values.
std::string_view CommandStatusName(CommandStatus status);

enum class Ton : uint8_t {
  kUnknown = 0,
  kInternational = 1,
  kNational = 2,
  kNetworkSpecific = 3,
  kSubscriber = 4,
  kAlphanumeric = 5,
  kAbbreviated = 6,
};

enum class Npi : uint8_t {
  kUnknown = 0,
  kIsdn = 1,
  kData = 3,
  kTelex = 4,
  kLandMobile = 6,
  kNational = 8,
  kPrivate = 9,
  kErmes = 10,
  kInternet = 14,
  kWapClientId = 18,
};

namespace esm_class {
inline constexpr uint8_t kModeMask = 0x03;
inline constexpr uint8_t kTypeMask = 0x3C;
inline constexpr uint8_t kTypeDeliveryReceipt = 0x04;
inline constexpr uint8_t kTypeSmeDeliveryAck = 0x08;
inline constexpr uint8_t kTypeSmeManualAck = 0x10;
inline constexpr uint8_t kTypeConversationAbort = 0x18;
inline constexpr uint8_t kTypeIntermediateNotification = 0x20;
inline constexpr uint8_t kUdhi = 0x40;
inline constexpr uint8_t kReplyPath = 0x80;
}  // namespace esm_class

namespace registered_delivery {
inline constexpr uint8_t kReceiptMask = 0x03;
inline constexpr uint8_t kReceiptOnSuccessOrFailure = 0x01;
inline constexpr uint8_t kReceiptOnFailure = 0x02;
}  // namespace registered_delivery

namespace data_coding {
inline constexpr uint8_t kSmscDefault = 0x00;  // GSM 03.38 on most SMSCs
inline constexpr uint8_t kIa5 = 0x01;
inline constexpr uint8_t kBinary2 = 0x02;
inline constexpr uint8_t kLatin1 = 0x03;
inline constexpr uint8_t kBinary = 0x04;
inline constexpr uint8_t kUcs2 = 0x08;
}  // namespace data_coding

enum class MessageState : uint8_t {
  kEnroute = 1,
  kDelivered = 2,
  kExpired = 3,
  kDeleted = 4,
  kUndeliverable = 5,
  kAccepted = 6,
  kUnknown = 7,
  kRejected = 8,
};

namespace tlv {
inline constexpr uint16_t kDestAddrSubunit = 0x0005;
inline constexpr uint16_t kDestNetworkType = 0x0006;
inline constexpr uint16_t kDestBearerType = 0x0007;
inline constexpr uint16_t kDestTelematicsId = 0x0008;
inline constexpr uint16_t kSourceAddrSubunit = 0x000D;
inline constexpr uint16_t kSourceNetworkType = 0x000E;
inline constexpr uint16_t kSourceBearerType = 0x000F;
inline constexpr uint16_t kSourceTelematicsId = 0x0010;
inline constexpr uint16_t kQosTimeToLive = 0x0017;
inline constexpr uint16_t kPayloadType = 0x0019;
inline constexpr uint16_t kAdditionalStatusInfoText = 0x001D;
inline constexpr uint16_t kReceiptedMessageId = 0x001E;
inline constexpr uint16_t kMsMsgWaitFacilities = 0x0030;
inline constexpr uint16_t kPrivacyIndicator = 0x0201;
inline constexpr uint16_t kSourceSubaddress = 0x0202;
inline constexpr uint16_t kDestSubaddress = 0x0203;
inline constexpr uint16_t kUserMessageReference = 0x0204;
inline constexpr uint16_t kUserResponseCode = 0x0205;
inline constexpr uint16_t kSourcePort = 0x020A;
inline constexpr uint16_t kDestinationPort = 0x020B;
inline constexpr uint16_t kSarMsgRefNum = 0x020C;
inline constexpr uint16_t kLanguageIndicator = 0x020D;
inline constexpr uint16_t kSarTotalSegments = 0x020E;
inline constexpr uint16_t kSarSegmentSeqnum = 0x020F;
inline constexpr uint16_t kScInterfaceVersion = 0x0210;
inline constexpr uint16_t kCallbackNumPresInd = 0x0302;
inline constexpr uint16_t kCallbackNumAtag = 0x0303;
inline constexpr uint16_t kNumberOfMessages = 0x0304;
inline constexpr uint16_t kCallbackNum = 0x0381;
inline constexpr uint16_t kDpfResult = 0x0420;
inline constexpr uint16_t kSetDpf = 0x0421;
inline constexpr uint16_t kMsAvailabilityStatus = 0x0422;
inline constexpr uint16_t kNetworkErrorCode = 0x0423;
inline constexpr uint16_t kMessagePayload = 0x0424;
inline constexpr uint16_t kDeliveryFailureReason = 0x0425;
inline constexpr uint16_t kMoreMessagesToSend = 0x0426;
inline constexpr uint16_t kMessageState = 0x0427;
inline constexpr uint16_t kUssdServiceOp = 0x0501;
inline constexpr uint16_t kDisplayTime = 0x1201;
inline constexpr uint16_t kSmsSignal = 0x1203;
inline constexpr uint16_t kMsValidity = 0x1204;
inline constexpr uint16_t kAlertOnMessageDelivery = 0x130C;
inline constexpr uint16_t kItsReplyType = 0x1380;
inline constexpr uint16_t kItsSessionInfo = 0x1383;
}  // namespace tlv

}  // namespace confab::smpp
