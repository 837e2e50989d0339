// Hex vectors for the PDUs that facts §11 lacks. Origin: a throw-away Perl script (kept outside
// the repository) calling the PDU encoders of Net::SMPP 1.19 (Debian libnet-smpp-perl 1.19-3)
// over a loopback socket and printing the octets it wrote. Checked both ways, like
// codec_vectors_test.cc: Encode(expected) gives the octets and Decode(octets) gives `expected`.

#include <gtest/gtest.h>

#include "smpp/codec.h"
#include "tests/smpp/codec_test_util.h"

namespace confab::smpp {
namespace {

using testing::DecodeOne;
using testing::EncodeToBytes;
using testing::Flatten;
using testing::FromHex;
using testing::Octets;
using testing::ToHex;

void ExpectVector(std::string_view hex, const Pdu& expected) {
  const std::vector<uint8_t> wire = FromHex(hex);
  EXPECT_EQ(ToHex(EncodeToBytes(expected)), ToHex(wire)) << "encode";
  EXPECT_EQ(Flatten(DecodeOne(wire)), Flatten(expected)) << "decode";
}

constexpr Address kHandset{.ton = 1, .npi = 1, .addr = "447700900123"};
constexpr Address kSender{.ton = 5, .npi = 0, .addr = "Sender"};

TEST(CodecNetSmppVectorsTest, BindTransmitter) {
  BindTransmitter bind;
  bind.system_id = "esme1";
  bind.password = "pw";
  bind.system_type = "VMA";
  bind.addr_ton = 1;
  bind.addr_npi = 1;
  bind.address_range = "^44";
  ExpectVector("0000002400000002000000000000000165736D653100707700564D41003401015E343400",
               MakePdu(bind, 1));
}

TEST(CodecNetSmppVectorsTest, BindTransmitterResp) {
  static constexpr uint8_t kVersion[] = {0x34};
  BindTransmitterResp resp;
  resp.system_id = "SMSC";
  resp.tlvs.Add(tlv::kScInterfaceVersion, kVersion);
  ExpectVector("0000001A800000020000000000000001534D5343000210000134", MakePdu(resp, 1));
}

TEST(CodecNetSmppVectorsTest, BindReceiver) {
  BindReceiver bind;
  bind.system_id = "esme2";
  bind.password = "secret";
  ExpectVector("0000002200000001000000000000000265736D653200736563726574000034000000",
               MakePdu(bind, 2));
}

TEST(CodecNetSmppVectorsTest, BindReceiverResp) {
  BindReceiverResp resp;
  resp.system_id = "SMSC";
  ExpectVector("00000015800000010000000000000002534D534300", MakePdu(resp, 2));
}

TEST(CodecNetSmppVectorsTest, Outbind) {
  ExpectVector("000000180000000B0000000000000003534D534300707700",
               MakePdu(Outbind{.system_id = "SMSC", .password = "pw"}, 3));
}

TEST(CodecNetSmppVectorsTest, UnbindResp) {
  ExpectVector("00000010800000060000000000000003", MakePdu(UnbindResp{}, 3));
}

TEST(CodecNetSmppVectorsTest, DataSmWithPayloadAndPort) {
  static constexpr uint8_t kPort[] = {0x12, 0x34};
  DataSm sm;
  sm.source = kHandset;
  sm.destination = kSender;
  sm.registered_delivery = 1;
  sm.tlvs.Add(tlv::kMessagePayload, Octets("Hello data"));
  sm.tlvs.Add(tlv::kSourcePort, kPort);
  const std::string_view hex =
      "0000004000000103000000000000000400010134343737303039303031323300050053656E646572000001000424"
      "000A48656C6C6F2064617461020A00021234";
  ExpectVector(hex, MakePdu(sm, 4));
  const std::vector<uint8_t> wire = FromHex(hex);
  const Pdu pdu = DecodeOne(wire);
  const auto& got = std::get<DataSm>(pdu.body);
  EXPECT_EQ(ToHex(*got.tlvs.MessagePayload()), ToHex(Octets("Hello data")));
  EXPECT_EQ(got.tlvs.SourcePort(), 0x1234);
  EXPECT_EQ(got.tlvs.DestinationPort(), std::nullopt);
}

TEST(CodecNetSmppVectorsTest, DataSmResp) {
  DataSmResp resp;
  resp.message_id = "abc123";
  resp.tlvs.Add(tlv::kAdditionalStatusInfoText, Octets(std::string_view("queued\0", 7)));
  ExpectVector("0000002280000103000000000000000461626331323300001D000771756575656400",
               MakePdu(resp, 4));
}

TEST(CodecNetSmppVectorsTest, QuerySm) {
  ExpectVector("0000002000000003000000000000000531413242334300050053656E64657200",
               MakePdu(QuerySm{.message_id = "1A2B3C", .source = kSender}, 5));
}

TEST(CodecNetSmppVectorsTest, QuerySmResp) {
  ExpectVector(
      "0000002A800000030000000000000005314132423343003234303130313132303130303030302B000200",
      MakePdu(QuerySmResp{.message_id = "1A2B3C",
                          .final_date = "240101120100000+",
                          .message_state = 2,
                          .error_code = 0},
              5));
}

TEST(CodecNetSmppVectorsTest, CancelSm) {
  CancelSm cancel;
  cancel.message_id = "1A2B3C";
  cancel.source = kSender;
  cancel.destination = kHandset;
  ExpectVector(
      "000000300000000800000000000000060031413242334300050053656E646572000101343437373030393030"
      "31323300",
      MakePdu(cancel, 6));
}

TEST(CodecNetSmppVectorsTest, CancelSmResp) {
  ExpectVector("00000010800000080000000000000006", MakePdu(CancelSmResp{}, 6));
}

TEST(CodecNetSmppVectorsTest, ReplaceSmHasNoServiceType) {
  ReplaceSm sm;
  sm.message_id = "1A2B3C";
  sm.source = kSender;
  sm.validity_period = "000000001000000R";
  sm.registered_delivery = 1;
  sm.short_message = Octets("Bye");
  ExpectVector(
      "0000003800000007000000000000000731413242334300050053656E64657200003030303030303030313030"
      "303030305200010003427965",
      MakePdu(sm, 7));
}

TEST(CodecNetSmppVectorsTest, ReplaceSmResp) {
  ExpectVector("00000010800000070000000000000007", MakePdu(ReplaceSmResp{}, 7));
}

constexpr std::string_view kSubmitMulti =
    "0000005400000021000000000000000800050053656E64657200030101013434373730303930303132330002667269"
    "656E6473000101013434373730303930303435360000000000000100000006486920616C6C";

TEST(CodecNetSmppVectorsTest, SubmitMultiWithSmeAndDistributionList) {
  SubmitMulti sm;
  sm.source = kSender;
  sm.destinations.resize(3);
  sm.destinations[0].address = kHandset;
  sm.destinations[1].dest_flag = 2;
  sm.destinations[1].dl_name = "friends";
  sm.destinations[2].address = {.ton = 1, .npi = 1, .addr = "447700900456"};
  sm.registered_delivery = 1;
  sm.short_message = Octets("Hi all");
  ExpectVector(kSubmitMulti, MakePdu(sm, 8));
  const std::vector<uint8_t> wire = FromHex(kSubmitMulti);
  const Pdu pdu = DecodeOne(wire);
  const auto& got = std::get<SubmitMulti>(pdu.body);
  ASSERT_EQ(got.destinations.size(), 3u);
  EXPECT_EQ(got.destinations[0].address.addr, "447700900123");
  EXPECT_EQ(got.destinations[1].dest_flag, 2);
  EXPECT_EQ(got.destinations[1].dl_name, "friends");
  EXPECT_EQ(got.destinations[2].address.addr, "447700900456");
}

TEST(CodecNetSmppVectorsTest, SubmitMultiRespWithInt4ErrorStatus) {
  SubmitMultiResp resp;
  resp.message_id = "M1";
  resp.unsuccess = {{.address = {.ton = 1, .npi = 1, .addr = "447700900456"},
                     .error_status_code = CommandStatus::kInvDstAdr}};
  ExpectVector("000000278000002100000000000000084D3100010101343437373030393030343536000000000B",
               MakePdu(resp, 8));
}

TEST(CodecNetSmppVectorsTest, AlertNotification) {
  static constexpr uint8_t kAvailable[] = {0};
  AlertNotification alert;
  alert.source = kHandset;
  alert.esme = {.ton = 1, .npi = 1, .addr = "447700900999"};
  alert.tlvs.Add(tlv::kMsAvailabilityStatus, kAvailable);
  ExpectVector(
      "000000330000010200000000000000090101343437373030393030313233000101343437373030393030393939"
      "000422000100",
      MakePdu(alert, 9));
}

TEST(CodecNetSmppVectorsTest, DeliverSmWithPayloadAndUnknownVendorTlv) {
  static constexpr uint8_t kVendorValue[] = {7};
  DeliverSm sm;
  sm.source = kHandset;
  sm.destination = kSender;
  sm.tlvs.Add(tlv::kMessagePayload, Octets("Long text"));
  sm.tlvs.Add(0x1402, kVendorValue);
  const std::string_view hex =
      "0000004500000005000000000000000A00010134343737303039303031323300050053656E646572000000000000"
      "0000000000042400094C6F6E6720746578741402000107";
  ExpectVector(hex, MakePdu(sm, 10));
  const std::vector<uint8_t> wire = FromHex(hex);
  const Pdu pdu = DecodeOne(wire);
  EXPECT_EQ(ToHex(std::get<DeliverSm>(pdu.body).UserData()), ToHex(Octets("Long text")));
}

// Net::SMPP writes a NULL message_id even on error; facts §1 says a decoder accepts the body
// when present, and our encoder sends the error header-only.
TEST(CodecNetSmppVectorsTest, SubmitSmRespErrorWithBodyIsAcceptedAndReencodedHeaderOnly) {
  const std::vector<uint8_t> wire = FromHex("0000001180000004000000580000000B00");
  const Pdu pdu = DecodeOne(wire);
  EXPECT_EQ(pdu.header.command_status, CommandStatus::kThrottled);
  EXPECT_EQ(pdu.header.sequence_number, 11u);
  EXPECT_EQ(ToHex(EncodeToBytes(pdu)), "0000001080000004000000580000000B");
}

}  // namespace
}  // namespace confab::smpp
