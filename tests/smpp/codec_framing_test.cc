// Decoder framing: partial input, command_length limits, unknown ids, recovery on the same
// stream, sequence numbers and the error responses (facts §1, §10, codec.h).

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

TEST(CodecFramingTest, GoodSubmitSmRawDecodes) {
  const std::vector<uint8_t> wire = SubmitSmRaw("Sender", "447700900123", 2, "Hi").Build();
  const DecodeResult r = DecodeAll(wire);
  ASSERT_EQ(r.state, DecodeState::kOk);
  EXPECT_EQ(std::get<SubmitSm>(r.pdu.body).destination.addr, "447700900123");
}

TEST(CodecFramingTest, EveryProperPrefixNeedsMore) {
  const std::vector<uint8_t> wire = SubmitSmRaw("Sender", "447700900123", 2, "Hi").Build();
  for (std::size_t n = 0; n < wire.size(); ++n) {
    const DecodeResult r = Decode(std::span(wire).first(n));
    EXPECT_EQ(r.state, DecodeState::kNeedMore) << "prefix " << n;
    EXPECT_EQ(r.consumed, 0u);
  }
  EXPECT_EQ(Decode(wire).state, DecodeState::kOk);
}

TEST(CodecFramingTest, PeekCommandLength) {
  const std::vector<uint8_t> wire = FromHex("00000038 00000004");
  EXPECT_EQ(PeekCommandLength(std::span(wire).first(3)), 0u);
  EXPECT_EQ(PeekCommandLength(wire), 0x38u);
}

TEST(CodecFramingTest, LengthBelowHeaderSizeIsFatal) {
  const DecodeResult r = Decode(FromHex("0000000F 00000015 00000000 00000007"));
  EXPECT_EQ(r.state, DecodeState::kFatal);
  EXPECT_EQ(r.error, CommandStatus::kInvCmdLen);
  EXPECT_EQ(r.pdu.header.sequence_number, 7u) << "kept for the generic_nack";
  EXPECT_EQ(ToHex(EncodeToBytes(ErrorResponseFor(r.pdu.header, r.error))),
            "0000001080000000000000020000000"
            "7");
}

TEST(CodecFramingTest, LengthZeroIsFatalFromFourOctets) {
  const DecodeResult r = Decode(FromHex("00000000"));
  EXPECT_EQ(r.state, DecodeState::kFatal);
  EXPECT_EQ(r.pdu.header.sequence_number, 0u);
}

TEST(CodecFramingTest, LengthAboveMaxIsFatalBeforeTheBodyArrives) {
  EXPECT_EQ(Decode(FromHex("00011171")).state, DecodeState::kFatal);     // 70001
  EXPECT_EQ(Decode(FromHex("00011170")).state, DecodeState::kNeedMore);  // 70000: wait
  const DecoderOptions small{.max_command_length = 100};
  EXPECT_EQ(Decode(FromHex("00000065 00000004"), small).state, DecodeState::kFatal);
  EXPECT_EQ(Decode(FromHex("00000064 00000004"), small).state, DecodeState::kNeedMore);
  EXPECT_EQ(Decode(FromHex("FFFFFFFF")).state, DecodeState::kFatal);
}

TEST(CodecFramingTest, UnknownCommandIdIsGenericNackWithSameSequence) {
  const DecodeResult r = DecodeAll(RawPdu(0x00000042, 1234).Cos("junk").Build());
  EXPECT_EQ(r.state, DecodeState::kRejected);
  EXPECT_EQ(r.error, CommandStatus::kInvCmdId);
  EXPECT_EQ(r.pdu.header.command_id, 0x42u);
  const Pdu nack = ErrorResponseFor(r.pdu.header, r.error);
  EXPECT_EQ(nack.header.id(), CommandId::kGenericNack);
  EXPECT_EQ(ToHex(EncodeToBytes(nack)),
            "00000010800000000000000300000"
            "4D2");
}

TEST(CodecFramingTest, ReservedIdsAreUnknown) {
  for (uint32_t id : {0x0000000Au, 0x00000016u, 0x00000102u | kResponseBit, 0x00000104u,
                      0x00010200u, 0x8000000Bu}) {
    ExpectRejected(RawPdu(id, 1).Build(), CommandStatus::kInvCmdId);
  }
}

TEST(CodecFramingTest, BadBodyThenGoodPduOnTheSameStream) {
  std::vector<uint8_t> stream = SubmitSmRaw(std::string(25, '1'), "447700900123", 0, "").Build();
  const std::size_t first_length = stream.size();
  const std::vector<uint8_t> link = FromHex("00000010 00000015 00000000 00000009");
  stream.insert(stream.end(), link.begin(), link.end());

  const DecodeResult first = Decode(stream);
  EXPECT_EQ(first.state, DecodeState::kRejected);
  EXPECT_EQ(first.error, CommandStatus::kInvSrcAdr);
  EXPECT_EQ(first.consumed, first_length);
  EXPECT_EQ(ToHex(EncodeToBytes(ErrorResponseFor(first.pdu.header, first.error))),
            "00000010800000040000000A0000002A");

  const DecodeResult second = Decode(std::span(stream).subspan(first.consumed));
  EXPECT_EQ(second.state, DecodeState::kOk);
  EXPECT_EQ(second.pdu.header.id(), CommandId::kEnquireLink);
  EXPECT_EQ(second.pdu.header.sequence_number, 9u);
  EXPECT_EQ(second.consumed, link.size());
}

TEST(CodecFramingTest, ErrorResponsesWithEmptyBodyDecode) {
  const DecodeResult submit = DecodeAll(FromHex("00000010 80000004 00000058 00000005"));
  ASSERT_EQ(submit.state, DecodeState::kOk);
  EXPECT_EQ(submit.pdu.header.command_status, CommandStatus::kThrottled);
  EXPECT_EQ(std::get<SubmitSmResp>(submit.pdu.body).message_id, "");

  const DecodeResult bind = DecodeAll(FromHex("00000010 80000009 0000000D 00000001"));
  ASSERT_EQ(bind.state, DecodeState::kOk);
  EXPECT_EQ(bind.pdu.header.command_status, CommandStatus::kBindFail);
  EXPECT_TRUE(std::holds_alternative<BindTransceiverResp>(bind.pdu.body));

  // Some peers send deliver_sm_resp header-only even with status 0.
  EXPECT_EQ(DecodeAll(FromHex("00000010 80000005 00000000 00000005")).state, DecodeState::kOk);
}

TEST(CodecFramingTest, ErrorResponsesAreEncodedHeaderOnly) {
  SubmitSmResp resp;
  resp.message_id = "ignored";
  EXPECT_EQ(ToHex(EncodeToBytes(MakePdu(resp, 5, CommandStatus::kThrottled))),
            "00000010800000040000005800000005");
  Header request{.command_id = kSubmitSmId, .sequence_number = 5};
  EXPECT_EQ(ToHex(EncodeToBytes(ErrorResponseFor(request, CommandStatus::kInvDstAdr))),
            "0000001080000004000000"
            "0B00000005");
}

TEST(CodecFramingTest, HeaderOnlyPduWithABodyIsCommandLength) {
  ExpectRejected(RawPdu(static_cast<uint32_t>(CommandId::kEnquireLink), 1).U8(0).Build(),
                 CommandStatus::kInvCmdLen);
  ExpectRejected(RawPdu(static_cast<uint32_t>(CommandId::kQuerySm), 1)
                     .Cos("1")
                     .U8(0)
                     .U8(0)
                     .Cos("")
                     .U8(7)
                     .Build(),
                 CommandStatus::kInvCmdLen);
}

TEST(CodecFramingTest, SequenceNumberIsPreserved) {
  for (uint32_t seq : {1u, 0x12345678u, kMaxSequenceNumber, 0xFFFFFFFFu}) {
    const std::vector<uint8_t> wire = EncodeToBytes(MakePdu(EnquireLink{}, seq));
    const DecodeResult r = DecodeAll(wire);
    ASSERT_EQ(r.state, DecodeState::kOk);
    EXPECT_EQ(r.pdu.header.sequence_number, seq);
    EXPECT_EQ(ResponseHeaderFor(r.pdu.header).sequence_number, seq);
    EXPECT_EQ(ResponseHeaderFor(r.pdu.header).command_id, 0x80000015u);
    EXPECT_EQ(ErrorResponseFor(r.pdu.header, CommandStatus::kSysErr).header.sequence_number, seq);
  }
}

TEST(CodecFramingTest, ErrorResponseForPdusWithoutAResponseIsGenericNack) {
  for (CommandId id : {CommandId::kOutbind, CommandId::kAlertNotification, CommandId::kSubmitSmResp,
                       CommandId::kGenericNack}) {
    const Pdu r =
        ErrorResponseFor(Header{.command_id = static_cast<uint32_t>(id), .sequence_number = 8},
                         CommandStatus::kInvCmdLen);
    EXPECT_EQ(r.header.id(), CommandId::kGenericNack) << CommandIdName(static_cast<uint32_t>(id));
    EXPECT_EQ(r.header.sequence_number, 8u);
  }
  const Pdu resp = ErrorResponseFor(
      Header{.command_id = static_cast<uint32_t>(CommandId::kDataSm), .sequence_number = 8},
      CommandStatus::kInvParLen);
  EXPECT_EQ(resp.header.id(), CommandId::kDataSmResp);
  EXPECT_TRUE(std::holds_alternative<DataSmResp>(resp.body));
}

}  // namespace
}  // namespace confab::smpp
