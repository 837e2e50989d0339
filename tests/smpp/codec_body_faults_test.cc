// Decoder body faults: the status chosen for each fault in a known PDU's body (facts §10 and
// the table in codec.h), TLV faults, and the facts §12 leniencies.

#include <gtest/gtest.h>

#include <string>

#include "smpp/codec.h"
#include "tests/smpp/codec_raw_pdu.h"
#include "tests/smpp/codec_test_util.h"

namespace confab::smpp {
namespace {

using testing::DecodeAll;
using testing::EncodeToBytes;
using testing::ExpectRejected;
using testing::FromHex;
using testing::kSubmitSmId;
using testing::RawPdu;
using testing::SubmitSmRaw;
using testing::ToHex;

TEST(CodecBodyFaultsTest, MissingNulAtTheEndOfTheBodyIsCommandLength) {
  RawPdu raw(kSubmitSmId, 1);
  raw.Cos("").U8(5).U8(0).Cos("Sender").U8(1).U8(1).Chars("4477");  // body ends in the address
  ExpectRejected(raw.Build(), CommandStatus::kInvCmdLen);
}

TEST(CodecBodyFaultsTest, MissingMandatoryIntegersIsCommandLength) {
  RawPdu raw(kSubmitSmId, 1);
  raw.Cos("").U8(5).U8(0).Cos("Sender").U8(1).U8(1).Cos("447700900123").U8(0);
  ExpectRejected(raw.Build(), CommandStatus::kInvCmdLen);
}

TEST(CodecBodyFaultsTest, OverLongCStringsGetTheFieldsOwnStatus) {
  ExpectRejected(SubmitSmRaw(std::string(21, 'A'), "1", 0, "").Build(), CommandStatus::kInvSrcAdr);
  ExpectRejected(SubmitSmRaw("A", std::string(21, '1'), 0, "").Build(), CommandStatus::kInvDstAdr);
  // 20 characters + NUL = the COS max of 21.
  EXPECT_EQ(DecodeAll(SubmitSmRaw(std::string(20, 'A'), std::string(20, '1'), 0, "").Build()).state,
            DecodeState::kOk);

  const uint32_t bind = static_cast<uint32_t>(CommandId::kBindTransceiver);
  auto bind_raw = [&](std::string_view id, std::string_view pw, std::string_view type) {
    return RawPdu(bind, 1).Cos(id).Cos(pw).Cos(type).U8(0x34).U8(0).U8(0).Cos("").Build();
  };
  EXPECT_EQ(DecodeAll(bind_raw(std::string(15, 's'), "12345678", std::string(12, 't'))).state,
            DecodeState::kOk);
  ExpectRejected(bind_raw(std::string(16, 's'), "pw", ""), CommandStatus::kInvSysId);
  ExpectRejected(bind_raw("esme", "123456789", ""), CommandStatus::kInvPaswd);
  ExpectRejected(bind_raw("esme", "pw", std::string(13, 't')), CommandStatus::kInvSysTyp);

  RawPdu service(kSubmitSmId, 1);
  service.Cos("ABCDEF");
  ExpectRejected(service.Build(), CommandStatus::kInvSerTyp);

  const uint32_t query = static_cast<uint32_t>(CommandId::kQuerySm);
  ExpectRejected(RawPdu(query, 1).Cos(std::string(65, '9')).U8(0).U8(0).Cos("").Build(),
                 CommandStatus::kInvMsgId);
  EXPECT_EQ(DecodeAll(RawPdu(query, 1).Cos(std::string(64, '9')).U8(0).U8(0).Cos("").Build()).state,
            DecodeState::kOk);
}

TEST(CodecBodyFaultsTest, TimeFieldsAreNullOrSixteenCharacters) {
  auto with_times = [](std::string_view schedule, std::string_view validity) {
    RawPdu raw(kSubmitSmId, 1);
    raw.Cos("").U8(5).U8(0).Cos("S").U8(1).U8(1).Cos("1").U8(0).U8(0).U8(0);
    raw.Cos(schedule).Cos(validity).U8(0).U8(0).U8(0).U8(0).U8(0);
    return raw.Build();
  };
  EXPECT_EQ(DecodeAll(with_times("240101120000000+", "000000001000000R")).state, DecodeState::kOk);
  ExpectRejected(with_times("2401011200", ""), CommandStatus::kInvSched);
  ExpectRejected(with_times("", "000000001000000R0"), CommandStatus::kInvExpiry);
}

TEST(CodecBodyFaultsTest, ShortMessageLengthFaultsAreMessageLength) {
  ExpectRejected(SubmitSmRaw("S", "1", 10, "short").Build(), CommandStatus::kInvMsgLen);
  ExpectRejected(SubmitSmRaw("S", "1", 255, std::string(255, 'x')).Build(),
                 CommandStatus::kInvMsgLen);
  const DecodeResult r = DecodeAll(SubmitSmRaw("S", "1", 254, std::string(254, 'x')).Build());
  ASSERT_EQ(r.state, DecodeState::kOk);
  EXPECT_EQ(std::get<SubmitSm>(r.pdu.body).short_message.size(), 254u);
}

TEST(CodecBodyFaultsTest, GsmAtSignZeroOctetsInShortMessageAreData) {
  const std::vector<uint8_t> wire = SubmitSmRaw("S", "1", 3, std::string("\0\0\0", 3)).Build();
  const DecodeResult r = DecodeAll(wire);
  ASSERT_EQ(r.state, DecodeState::kOk);
  EXPECT_EQ(ToHex(std::get<SubmitSm>(r.pdu.body).short_message), "000000");
}

TEST(CodecBodyFaultsTest, TlvFaults) {
  // Value runs past the end.
  ExpectRejected(SubmitSmRaw("S", "1", 0, "").Hex("0424 0010 4142").Build(),
                 CommandStatus::kInvOptParStream);
  // Only part of a TLV header.
  ExpectRejected(SubmitSmRaw("S", "1", 0, "").Hex("0424 00").Build(),
                 CommandStatus::kInvOptParStream);
  // Known fixed-size tags with a wrong length.
  ExpectRejected(SubmitSmRaw("S", "1", 0, "").Hex("0427 0002 0102").Build(),
                 CommandStatus::kInvParLen);
  ExpectRejected(SubmitSmRaw("S", "1", 0, "").Hex("020C 0001 01").Build(),
                 CommandStatus::kInvParLen);
  // Zero-length payload and unknown tags of any length are fine.
  EXPECT_EQ(DecodeAll(SubmitSmRaw("S", "1", 0, "").Hex("0424 0000 3FFF 0003 010203").Build()).state,
            DecodeState::kOk);
}

TEST(CodecBodyFaultsTest, UnknownTlvIsKeptInOrderAndReencodedUnchanged) {
  const std::vector<uint8_t> wire =
      SubmitSmRaw("S", "1", 0, "").Hex("1450 0003 AABBCC 020C 0002 1234 2300 0000").Build();
  const DecodeResult r = DecodeAll(wire);
  ASSERT_EQ(r.state, DecodeState::kOk);
  const TlvList& tlvs = std::get<SubmitSm>(r.pdu.body).tlvs;
  ASSERT_EQ(tlvs.size(), 3u);
  EXPECT_EQ(tlvs.begin()->tag, 0x1450);
  EXPECT_EQ(ToHex(tlvs.Find(0x1450)->value), "AABBCC");
  EXPECT_EQ(tlvs.SarMsgRefNum(), 0x1234);
  EXPECT_TRUE(tlvs.Find(0x2300)->value.empty());
  EXPECT_EQ(ToHex(EncodeToBytes(r.pdu)), ToHex(wire));
}

TEST(CodecBodyFaultsTest, FiveTlvsSpillToTheHeapButDecode) {
  const DecodeResult r = DecodeAll(SubmitSmRaw("S", "1", 0, "")
                                       .Hex("3001 0000 3002 0000 3003 0000 3004 0000 3005 0000")
                                       .Build());
  ASSERT_EQ(r.state, DecodeState::kOk);
  EXPECT_EQ(std::get<SubmitSm>(r.pdu.body).tlvs.size(), 5u);
}

TEST(CodecBodyFaultsTest, SubmitMultiListFaults) {
  const uint32_t multi = static_cast<uint32_t>(CommandId::kSubmitMulti);
  auto with_dests = [&](std::string_view dests_hex) {
    RawPdu raw(multi, 3);
    raw.Cos("").U8(5).U8(0).Cos("S").Hex(dests_hex);
    raw.U8(0).U8(0).U8(0).Cos("").Cos("").U8(0).U8(0).U8(0).U8(0).U8(0);
    return raw.Build();
  };
  ExpectRejected(with_dests("00"), CommandStatus::kInvNumDests);
  ExpectRejected(with_dests("FF"), CommandStatus::kInvNumDests);
  ExpectRejected(with_dests("01 03 0101 3100"), CommandStatus::kInvDestFlag);
  ExpectRejected(with_dests("01 02 " + ToHex(testing::Octets(std::string(21, 'L'))) + "00"),
                 CommandStatus::kInvDlName);
  // Two announced, one present: the next field (esm_class 0) is read as a dest_flag.
  ExpectRejected(with_dests("02 01 0101 3100"), CommandStatus::kInvDestFlag);
  // Two announced and the body ends after one.
  ExpectRejected(RawPdu(multi, 3).Cos("").U8(5).U8(0).Cos("S").Hex("02 01 0101 3100").Build(),
                 CommandStatus::kInvCmdLen);
  const DecodeResult ok = DecodeAll(with_dests("02 01 0101 3100 02 4C00"));
  ASSERT_EQ(ok.state, DecodeState::kOk);
  EXPECT_EQ(std::get<SubmitMulti>(ok.pdu.body).destinations.size(), 2u);
}

TEST(CodecBodyFaultsTest, AddressLimitsFollowFactsTwelve) {
  const std::string long64(64, '7');
  const uint32_t cancel = static_cast<uint32_t>(CommandId::kCancelSm);
  EXPECT_EQ(
      DecodeAll(
          RawPdu(cancel, 1).Cos("").Cos("id").U8(1).U8(1).Cos("1").U8(1).U8(1).Cos(long64).Build())
          .state,
      DecodeState::kOk)
      << "cancel_sm destination: 65 accepted on decode";
  const uint32_t data = static_cast<uint32_t>(CommandId::kDataSm);
  EXPECT_EQ(DecodeAll(RawPdu(data, 1)
                          .Cos("")
                          .U8(1)
                          .U8(1)
                          .Cos(long64)
                          .U8(1)
                          .U8(1)
                          .Cos(long64)
                          .U8(0)
                          .U8(0)
                          .U8(0)
                          .Build())
                .state,
            DecodeState::kOk);
  ExpectRejected(RawPdu(data, 1)
                     .Cos("")
                     .U8(1)
                     .U8(1)
                     .Cos(long64 + "7")
                     .U8(1)
                     .U8(1)
                     .Cos("1")
                     .U8(0)
                     .U8(0)
                     .U8(0)
                     .Build(),
                 CommandStatus::kInvSrcAdr);
  const uint32_t alert = static_cast<uint32_t>(CommandId::kAlertNotification);
  EXPECT_EQ(DecodeAll(RawPdu(alert, 1).U8(1).U8(1).Cos(long64).U8(1).U8(1).Cos("e").Build()).state,
            DecodeState::kOk);
}

}  // namespace
}  // namespace confab::smpp
