// Hex vectors, checked both ways: Encode(expected) must give the octets, and Decode(octets) must
// give every field of `expected`. E1-E12 are the worked examples of facts §11 (libsmpp34 1.14.1
// and Net::SMPP 1.19, byte-identical). The N* vectors are in codec_vectors_more_test.cc.

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

constexpr uint8_t kVersion34[] = {0x34};

TEST(CodecVectorsTest, E1EnquireLink) {
  ExpectVector("00000010 00000015 00000000 00000001", MakePdu(EnquireLink{}, 1));
}

TEST(CodecVectorsTest, E2EnquireLinkResp) {
  ExpectVector("00000010 80000015 00000000 00000001", MakePdu(EnquireLinkResp{}, 1));
}

TEST(CodecVectorsTest, E3BindTransceiver) {
  BindTransceiver bind;
  bind.system_id = "test";
  bind.password = "secret";
  ExpectVector("00000021 00000009 00000000 00000001 74657374 00736563 72657400 00340000 00",
               MakePdu(bind, 1));
}

TEST(CodecVectorsTest, E4BindTransceiverRespWithScInterfaceVersion) {
  BindTransceiverResp resp;
  resp.system_id = "SMSC";
  resp.tlvs.Add(tlv::kScInterfaceVersion, kVersion34);
  ExpectVector("0000001A 80000009 00000000 00000001 534D5343 00021000 0134", MakePdu(resp, 1));
  const std::vector<uint8_t> wire =
      FromHex("0000001A 80000009 00000000 00000001 534D5343 00021000 0134");
  const Pdu decoded = DecodeOne(wire);
  EXPECT_EQ(std::get<BindTransceiverResp>(decoded.body).tlvs.ScInterfaceVersion(), 0x34);
}

SubmitSm HelloSubmit() {
  SubmitSm sm;
  sm.source = {.ton = 5, .npi = 0, .addr = "Sender"};
  sm.destination = {.ton = 1, .npi = 1, .addr = "447700900123"};
  sm.registered_delivery = 1;
  sm.short_message = Octets("Hello");
  return sm;
}

constexpr std::string_view kE5 =
    "00000038 00000004 00000000 00000002 00050053 656E6465 72000101 34343737"
    "30303930 30313233 00000000 00000100 00000548 656C6C6F";

TEST(CodecVectorsTest, E5SubmitSmHello) {
  ExpectVector(kE5, MakePdu(HelloSubmit(), 2));
  const std::vector<uint8_t> wire = FromHex(kE5);
  const Pdu pdu = DecodeOne(wire);
  EXPECT_EQ(pdu.header.id(), CommandId::kSubmitSm);
  EXPECT_EQ(pdu.header.sequence_number, 2u);
  const auto& sm = std::get<SubmitSm>(pdu.body);
  EXPECT_EQ(sm.service_type, "");
  EXPECT_EQ(sm.source.ton, 5);
  EXPECT_EQ(sm.source.addr, "Sender");
  EXPECT_EQ(sm.destination.npi, 1);
  EXPECT_EQ(sm.destination.addr, "447700900123");
  EXPECT_EQ(sm.registered_delivery, 1);
  EXPECT_EQ(ToHex(sm.UserData()), "48656C6C6F");
  EXPECT_TRUE(sm.tlvs.empty());
}

TEST(CodecVectorsTest, E6SubmitSmResp) {
  ExpectVector("00000017 80000004 00000000 00000002 31413242 334300",
               SubmitSmRespFor(MakePdu(HelloSubmit(), 2).header, "1A2B3C"));
}

constexpr std::string_view kReceiptText =
    "id:1A2B3C sub:001 dlvrd:001 submit date:2401011200 done date:2401011201 stat:DELIVRD "
    "err:000 text:Hello";
constexpr uint8_t kReceiptedId[] = {'1', 'A', '2', 'B', '3', 'C', 0};
constexpr uint8_t kDelivered[] = {2};

TEST(CodecVectorsTest, E7DeliverSmReceipt) {
  DeliverSm sm;
  sm.source = {.ton = 1, .npi = 1, .addr = "447700900123"};
  sm.destination = {.ton = 5, .npi = 0, .addr = "Sender"};
  sm.esm_class = esm_class::kTypeDeliveryReceipt;
  sm.short_message = Octets(kReceiptText);
  sm.tlvs.Add(tlv::kReceiptedMessageId, kReceiptedId);
  sm.tlvs.Add(tlv::kMessageState, kDelivered);
  constexpr std::string_view kE7 =
      "000000AA 00000005 00000000 00000007 00010134 34373730 30393030 31323300"
      "05005365 6E646572 00040000 00000000 00006769 643A3141 32423343 20737562"
      "3A303031 20646C76 72643A30 30312073 75626D69 74206461 74653A32 34303130"
      "31313230 3020646F 6E652064 6174653A 32343031 30313132 30312073 7461743A"
      "44454C49 56524420 6572723A 30303020 74657874 3A48656C 6C6F001E 00073141"
      "32423343 00042700 0102";
  ExpectVector(kE7, MakePdu(sm, 7));
  const std::vector<uint8_t> wire = FromHex(kE7);
  const Pdu pdu = DecodeOne(wire);
  const auto& got = std::get<DeliverSm>(pdu.body);
  EXPECT_EQ(got.short_message.size(), 103u);
  EXPECT_EQ(got.tlvs.ReceiptedMessageId(), "1A2B3C");
  EXPECT_EQ(got.tlvs.GetMessageState(), MessageState::kDelivered);
}

TEST(CodecVectorsTest, E8DeliverSmResp) {
  Header request{.command_id = static_cast<uint32_t>(CommandId::kDeliverSm), .sequence_number = 7};
  ExpectVector("00000011 80000005 00000000 00000007 00", DeliverSmRespFor(request));
}

TEST(CodecVectorsTest, E9GenericNackForUnknownCommand) {
  ExpectVector("00000010 80000000 00000003 00000009",
               MakePdu(GenericNack{}, 9, CommandStatus::kInvCmdId));
  Header unknown{.command_id = 0x00000042, .sequence_number = 9};
  ExpectVector("00000010 80000000 00000003 00000009",
               ErrorResponseFor(unknown, CommandStatus::kInvCmdId));
}

TEST(CodecVectorsTest, E10Unbind) {
  ExpectVector("00000010 00000006 00000000 00000003", MakePdu(Unbind{}, 3));
}

TEST(CodecVectorsTest, E11SubmitSmUdhUcs2) {
  SubmitSm sm = HelloSubmit();
  sm.esm_class = esm_class::kUdhi;
  sm.registered_delivery = 0;
  sm.data_coding = data_coding::kUcs2;
  const std::vector<uint8_t> user_data = FromHex("050003 2A0201 0048 0069 20AC");
  sm.short_message = user_data;
  ExpectVector(
      "0000003F 00000004 00000000 00000004 00050053 656E6465 72000101 34343737"
      "30303930 30313233 00400000 00000000 08000C05 00032A02 01004800 6920AC",
      MakePdu(sm, 4));
}

TEST(CodecVectorsTest, E12BindTransmitterInterfaceVersionZeroIsAccepted) {
  BindTransmitter bind;
  bind.system_id = "SMPP3TEST";
  bind.password = "secret08";
  bind.system_type = "SUBMIT1";
  bind.interface_version = 0x00;
  bind.addr_ton = 1;
  bind.addr_npi = 1;
  ExpectVector(
      "0000002F 00000002 00000000 00000001 534D5050 33544553 54007365 63726574"
      "30380053 55424D49 54310000 010100",
      MakePdu(bind, 1));
}

}  // namespace
}  // namespace confab::smpp
