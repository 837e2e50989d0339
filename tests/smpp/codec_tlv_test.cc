// Command id and status names, the TLV parser's length rules and TlvList's typed getters.

#include <gtest/gtest.h>

#include "smpp/codec.h"
#include "smpp/tlv.h"
#include "tests/smpp/codec_test_util.h"

namespace confab::smpp {
namespace {

using testing::FromHex;
using testing::Octets;

constexpr uint8_t kOne[] = {1};
constexpr uint8_t kRef[] = {0x12, 0x34};

TEST(CodecNamesTest, CommandIdsAndStatuses) {
  EXPECT_EQ(CommandIdName(0x00000004), "submit_sm");
  EXPECT_EQ(CommandIdName(0x80000103), "data_sm_resp");
  EXPECT_EQ(CommandIdName(0x80000102), "");
  EXPECT_TRUE(IsKnownCommandId(0x0000000B));
  EXPECT_FALSE(IsKnownCommandId(0x0000000A));
  EXPECT_FALSE(ExpectsResponse(CommandId::kOutbind));
  EXPECT_FALSE(ExpectsResponse(CommandId::kAlertNotification));
  EXPECT_FALSE(ExpectsResponse(CommandId::kSubmitSmResp));
  EXPECT_TRUE(ExpectsResponse(CommandId::kDataSm));
  EXPECT_EQ(CommandStatusName(CommandStatus::kThrottled), "ESME_RTHROTTLED");
  EXPECT_EQ(CommandStatusName(CommandStatus::kXTAppn), "ESME_RX_T_APPN");
  EXPECT_EQ(CommandStatusName(CommandStatus::kInvOptParStream), "ESME_RINVOPTPARSTREAM");
  EXPECT_EQ(CommandStatusName(static_cast<CommandStatus>(0x400)), "");
}

TEST(CodecTlvTest, TypedGettersCheckLength) {
  const std::vector<uint8_t> wire = FromHex(
      "020C 0002 ABCD  020E 0001 03  020F 0001 02  0204 0002 0102  020A 0002 0050"
      "020B 0002 1F90  0426 0001 01  001E 0004 414243 00");
  TlvList tlvs;
  ASSERT_EQ(DecodeTlvs(wire, tlvs), CommandStatus::kOk);
  EXPECT_EQ(tlvs.size(), 8u);
  EXPECT_EQ(tlvs.SarMsgRefNum(), 0xABCD);
  EXPECT_EQ(tlvs.SarTotalSegments(), 3);
  EXPECT_EQ(tlvs.SarSegmentSeqnum(), 2);
  EXPECT_EQ(tlvs.UserMessageReference(), 0x0102);
  EXPECT_EQ(tlvs.SourcePort(), 80);
  EXPECT_EQ(tlvs.DestinationPort(), 8080);
  EXPECT_EQ(tlvs.MoreMessagesToSend(), 1);
  EXPECT_EQ(tlvs.ReceiptedMessageId(), "ABC");
  EXPECT_EQ(tlvs.MessagePayload(), std::nullopt);
  EXPECT_EQ(tlvs.ScInterfaceVersion(), std::nullopt);

  // Getters refuse a value of the wrong size (an Add() by hand bypasses the parser's check).
  TlvList wrong;
  wrong.Add(tlv::kSarMsgRefNum, kOne);
  wrong.Add(tlv::kMessageState, kRef);
  wrong.Add(tlv::kNetworkErrorCode, kRef);
  EXPECT_EQ(wrong.SarMsgRefNum(), std::nullopt);
  EXPECT_EQ(wrong.GetMessageState(), std::nullopt);
  EXPECT_EQ(wrong.NetworkErrorCode(), std::nullopt);
}

TEST(CodecTlvTest, ReceiptedMessageIdWithoutNulIsAccepted) {
  TlvList tlvs;
  tlvs.Add(tlv::kReceiptedMessageId, Octets("1A2B3C"));
  EXPECT_EQ(tlvs.ReceiptedMessageId(), "1A2B3C");
}

TEST(CodecTlvTest, ListKeepsOrderPastTheInlineCapacity) {
  TlvList tlvs;
  for (uint16_t tag = 1; tag <= 9; ++tag) {
    tlvs.Add(0x1400 + tag, kOne);
  }
  uint16_t expected = 0x1401;
  for (const Tlv& t : tlvs) {
    EXPECT_EQ(t.tag, expected++);
  }
  EXPECT_EQ(tlvs.size(), 9u);
  EXPECT_NE(tlvs.Find(0x1409), nullptr);
  TlvList copy = tlvs;
  EXPECT_EQ(copy.size(), 9u);
  EXPECT_EQ(copy.Find(0x1405)->tag, 0x1405);
  tlvs.clear();
  EXPECT_TRUE(tlvs.empty());
  EXPECT_EQ(tlvs.begin(), tlvs.end());
}

TEST(CodecTlvTest, LengthRules) {
  EXPECT_EQ(KnownTlvLength(tlv::kSourceTelematicsId)->max, 2);
  EXPECT_EQ(KnownTlvLength(tlv::kAlertOnMessageDelivery)->max, 0);
  EXPECT_EQ(KnownTlvLength(0x1450), std::nullopt);
  TlvList tlvs;
  EXPECT_EQ(DecodeTlvs(FromHex("0010 0002 0001"), tlvs), CommandStatus::kOk);
  EXPECT_EQ(DecodeTlvs(FromHex("130C 0001 00"), tlvs), CommandStatus::kInvParLen);
  EXPECT_EQ(DecodeTlvs(FromHex("0381 0003 010101"), tlvs), CommandStatus::kInvParLen);
  EXPECT_EQ(DecodeTlvs(FromHex("0424"), tlvs), CommandStatus::kInvOptParStream);
}

}  // namespace
}  // namespace confab::smpp
