// Encode -> decode identity over every PDU type, batches in one buffer, buffer reuse.

#include <gtest/gtest.h>

#include <set>

#include "smpp/codec.h"
#include "smpp/tlv.h"
#include "tests/smpp/codec_test_util.h"

namespace confab::smpp {
namespace {

using testing::EncodeToBytes;
using testing::Flatten;
using testing::FromHex;
using testing::Octets;
using testing::ToHex;

constexpr uint8_t kOne[] = {1};
constexpr uint8_t kRef[] = {0x12, 0x34};
constexpr uint8_t kNetworkError[] = {3, 0x00, 0x0B};
constexpr uint8_t kVendor[] = {0xDE, 0xAD, 0xBE, 0xEF, 0x00};
constexpr Address kFrom{.ton = 1, .npi = 1, .addr = "447700900123"};
constexpr Address kTo{.ton = 5, .npi = 0, .addr = "ConfabBrand"};
const std::string kMax64(64, 'x');

template <class T>
T WithBind(T bind) {
  bind.system_id = "fifteen-chars-x";
  bind.password = "8charpwd";
  bind.system_type = "twelve-chars";
  bind.interface_version = 0x34;
  bind.addr_ton = 2;
  bind.addr_npi = 8;
  bind.address_range = "^\\+?44";
  return bind;
}

template <class T>
T WithBindResp(T resp) {
  resp.system_id = "SMSC";
  resp.tlvs.Add(tlv::kScInterfaceVersion, std::span(&kInterfaceVersion34, 1));
  return resp;
}

template <class T>
T WithShortMessage(T sm) {
  sm.service_type = "WAP";
  sm.source = kFrom;
  sm.destination = kTo;
  sm.esm_class = esm_class::kUdhi;
  sm.protocol_id = 0x7F;
  sm.priority_flag = 3;
  sm.schedule_delivery_time = "240101120000000+";
  sm.validity_period = "000001000000000R";
  sm.registered_delivery = 0x11;
  sm.replace_if_present_flag = 1;
  sm.data_coding = data_coding::kUcs2;
  sm.sm_default_msg_id = 254;
  sm.short_message = Octets(std::string_view("\x05\x00\x03\x2A\x02\x01\x00\x40", 8));
  sm.tlvs.Add(tlv::kSarMsgRefNum, kRef);
  sm.tlvs.Add(0x1450, kVendor);
  return sm;
}

std::vector<Pdu> SamplePdus() {
  std::vector<Pdu> pdus;
  uint32_t seq = 100;
  auto add = [&](PduBody body) { pdus.push_back(MakePdu(std::move(body), ++seq)); };
  add(GenericNack{});
  add(WithBind(BindTransmitter{}));
  add(WithBindResp(BindTransmitterResp{}));
  add(WithBind(BindReceiver{}));
  add(WithBindResp(BindReceiverResp{}));
  add(WithBind(BindTransceiver{}));
  add(WithBindResp(BindTransceiverResp{}));
  add(Outbind{.system_id = "SMSC", .password = "pw"});
  add(Unbind{});
  add(UnbindResp{});
  add(EnquireLink{});
  add(EnquireLinkResp{});
  add(WithShortMessage(SubmitSm{}));
  SubmitSmResp submit_resp;
  submit_resp.message_id = kMax64;
  add(submit_resp);
  DeliverSm deliver = WithShortMessage(DeliverSm{});
  deliver.schedule_delivery_time = "";
  deliver.validity_period = "";
  deliver.tlvs.Add(tlv::kNetworkErrorCode, kNetworkError);
  add(deliver);
  add(DeliverSmResp{});
  DataSm data;
  data.service_type = "USSD";
  data.source = {.ton = 1, .npi = 1, .addr = kMax64};
  data.destination = {.ton = 1, .npi = 1, .addr = kMax64};
  data.esm_class = 0x04;
  data.registered_delivery = 1;
  data.data_coding = 0xF0;
  data.tlvs.Add(tlv::kMessagePayload, kVendor);
  data.tlvs.Add(tlv::kMoreMessagesToSend, kOne);
  add(data);
  DataSmResp data_resp;
  data_resp.message_id = "dsr";
  data_resp.tlvs.Add(tlv::kDeliveryFailureReason, kOne);
  add(data_resp);
  add(QuerySm{.message_id = "1A2B3C", .source = kFrom});
  add(QuerySmResp{.message_id = "1A2B3C",
                  .final_date = "240101120100000+",
                  .message_state = 2,
                  .error_code = 7});
  CancelSm cancel;
  cancel.service_type = "CMT";
  cancel.message_id = "1A2B3C";
  cancel.source = kFrom;
  cancel.destination = kTo;
  add(cancel);
  add(CancelSmResp{});
  ReplaceSm replace;
  replace.message_id = "1A2B3C";
  replace.source = kFrom;
  replace.schedule_delivery_time = "240101120000000-";
  replace.registered_delivery = 1;
  replace.sm_default_msg_id = 3;
  replace.short_message = Octets(std::string_view("\0@\0", 3));
  add(replace);
  add(ReplaceSmResp{});
  SubmitMulti multi;
  multi.source = kTo;
  multi.destinations.resize(254);
  for (std::size_t i = 0; i < multi.destinations.size(); ++i) {
    if (i % 2 == 0) {
      multi.destinations[i].address = kFrom;
    } else {
      multi.destinations[i].dest_flag = 2;
      multi.destinations[i].dl_name = "list-twenty-chars-xx";
    }
  }
  multi.short_message = Octets("hi");
  multi.tlvs.Add(tlv::kUserMessageReference, kRef);
  add(multi);
  SubmitMultiResp multi_resp;
  multi_resp.message_id = "M";
  multi_resp.unsuccess.resize(2);
  multi_resp.unsuccess[0].address = kFrom;
  multi_resp.unsuccess[0].error_status_code = CommandStatus::kInvDstAdr;
  multi_resp.unsuccess[1].address = kTo;
  multi_resp.unsuccess[1].error_status_code = static_cast<CommandStatus>(0x00000401);
  add(multi_resp);
  AlertNotification alert;
  alert.source = {.ton = 1, .npi = 1, .addr = kMax64};
  alert.esme = kTo;
  alert.tlvs.Add(tlv::kMsAvailabilityStatus, kOne);
  add(alert);
  return pdus;
}

TEST(CodecRoundTripTest, SamplesCoverEveryBodyType) {
  std::set<std::size_t> seen;
  for (const Pdu& pdu : SamplePdus()) {
    seen.insert(pdu.body.index());
  }
  EXPECT_EQ(seen.size(), std::variant_size_v<PduBody>);
}

TEST(CodecRoundTripTest, EncodeThenDecodeIsIdentityForEveryType) {
  for (const Pdu& sample : SamplePdus()) {
    SCOPED_TRACE(std::string(CommandIdName(sample.header.command_id)));
    const std::vector<uint8_t> wire = EncodeToBytes(sample);
    const DecodeResult r = Decode(wire);
    ASSERT_EQ(r.state, DecodeState::kOk) << CommandStatusName(r.error);
    EXPECT_EQ(r.consumed, wire.size());
    EXPECT_EQ(r.pdu.header.command_length, wire.size());
    EXPECT_EQ(Flatten(r.pdu), Flatten(sample));
    EXPECT_EQ(ToHex(EncodeToBytes(r.pdu)), ToHex(wire));
  }
}

TEST(CodecRoundTripTest, ABatchInOneBufferDecodesInOrder) {
  const std::vector<Pdu> samples = SamplePdus();
  std::vector<uint8_t> stream;
  for (const Pdu& pdu : samples) {
    Encode(pdu, stream);  // appends
  }
  std::span<const uint8_t> rest(stream);
  for (const Pdu& sample : samples) {
    const DecodeResult r = Decode(rest);
    ASSERT_EQ(r.state, DecodeState::kOk);
    EXPECT_EQ(Flatten(r.pdu), Flatten(sample));
    rest = rest.subspan(r.consumed);
  }
  EXPECT_TRUE(rest.empty());
}

TEST(CodecRoundTripTest, EncodeReusesTheBufferWithoutReallocating) {
  const std::vector<Pdu> samples = SamplePdus();
  std::vector<uint8_t> out;
  out.reserve(8192);
  const uint8_t* storage = out.data();
  for (int round = 0; round < 3; ++round) {
    out.clear();
    for (const Pdu& pdu : samples) {
      Encode(pdu, out);
    }
    EXPECT_EQ(out.data(), storage);
    EXPECT_EQ(out.capacity(), 8192u);
  }
}

TEST(CodecRoundTripTest, ErrorResponseForEveryRequestIsHeaderOnlyAndDecodes) {
  for (const Pdu& sample : SamplePdus()) {
    if (IsResponse(sample.header.command_id)) {
      continue;
    }
    SCOPED_TRACE(std::string(CommandIdName(sample.header.command_id)));
    const Pdu response = ErrorResponseFor(sample.header, CommandStatus::kSysErr);
    const std::vector<uint8_t> wire = EncodeToBytes(response);
    EXPECT_EQ(wire.size(), kHeaderSize);
    const DecodeResult r = Decode(wire);
    ASSERT_EQ(r.state, DecodeState::kOk);
    EXPECT_EQ(r.pdu.header.sequence_number, sample.header.sequence_number);
    EXPECT_EQ(r.pdu.header.command_status, CommandStatus::kSysErr);
    const bool answered = ExpectsResponse(sample.header.id());
    EXPECT_EQ(r.pdu.header.id(),
              answered ? ResponseIdOf(sample.header.id()) : CommandId::kGenericNack);
  }
}

}  // namespace
}  // namespace confab::smpp
