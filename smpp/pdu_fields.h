#pragma once

// Each PDU body described ONCE: its mandatory fields in wire order (facts §3) and its command id.
// The encoder and the decoder (codec.cc) both walk these descriptions with a visitor, so there is
// no hand-written encode/decode pair to drift apart.
//
// A visitor V provides (the encoder takes values, the decoder references it fills in):
//   U8(uint8_t)                                   Int1
//   Status(CommandStatus)                         Int4 command_status value
//   CString(string_view, max, error)              COS max N, N counting the NUL; `error` is the
//                                                 status for a value longer than N-1
//   Time(string_view, error)                      COS fixed 1|17 (NULL or 16 characters)
//   ShortMessage(span)                            sm_length Int1, then that many octets (0..254)
//   Tlvs(TlvList)                                 the optional part; always the last field
//   List(vector<T>, min, max, error, describe)    count Int1, then `count` elements, each
//                                                 described by describe(v, element)
//   Fail(error)                                   a value just read is invalid (decoder only)
// Decoder maxima are the spec's, widened where facts §12 says to accept more on decode.

#include <concepts>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <variant>

#include "smpp/pdu.h"
#include "smpp/types.h"

namespace confab::smpp::fields {

template <class B, class Base>
concept BodyOf = std::derived_from<std::remove_const_t<B>, Base>;

template <class V, class A>
void DescribeAddress(V& v, A& a, std::size_t max, CommandStatus error) {
  v.U8(a.ton);
  v.U8(a.npi);
  v.CString(a.addr, max, error);
}

// unbind, unbind_resp, enquire_link, enquire_link_resp, generic_nack, cancel_sm_resp,
// replace_sm_resp: header only (facts §3.4). Every empty body struct is one of them.
template <class V, class B>
requires std::is_empty_v<std::remove_const_t<B>>
void Describe(V&, B&) {}

template <class V, BodyOf<BindBody> B>
void Describe(V& v, B& b) {
  v.CString(b.system_id, 16, CommandStatus::kInvSysId);
  v.CString(b.password, 9, CommandStatus::kInvPaswd);
  v.CString(b.system_type, 13, CommandStatus::kInvSysTyp);
  v.U8(b.interface_version);  // any value: 3.3 peers send 0x00-0x33 (facts §12)
  v.U8(b.addr_ton);
  v.U8(b.addr_npi);
  v.CString(b.address_range, 41, CommandStatus::kBindFail);  // 3.4 has no address-range status
}

template <class V, BodyOf<BindRespBody> B>
void Describe(V& v, B& b) {
  v.CString(b.system_id, 16, CommandStatus::kInvSysId);
  v.Tlvs(b.tlvs);
}

template <class V, BodyOf<Outbind> B>
void Describe(V& v, B& b) {
  v.CString(b.system_id, 16, CommandStatus::kInvSysId);
  v.CString(b.password, 9, CommandStatus::kInvPaswd);
}

template <class V, BodyOf<ShortMessageBody> B>
void Describe(V& v, B& b) {
  v.CString(b.service_type, 6, CommandStatus::kInvSerTyp);
  DescribeAddress(v, b.source, 21, CommandStatus::kInvSrcAdr);
  DescribeAddress(v, b.destination, 21, CommandStatus::kInvDstAdr);
  v.U8(b.esm_class);
  v.U8(b.protocol_id);
  v.U8(b.priority_flag);
  v.Time(b.schedule_delivery_time, CommandStatus::kInvSched);  // deliver_sm: NULL, tolerated
  v.Time(b.validity_period, CommandStatus::kInvExpiry);
  v.U8(b.registered_delivery);
  v.U8(b.replace_if_present_flag);
  v.U8(b.data_coding);
  v.U8(b.sm_default_msg_id);
  v.ShortMessage(b.short_message);
  v.Tlvs(b.tlvs);
}

// submit_sm_resp and deliver_sm_resp. deliver_sm_resp's id is NULL by the spec, but Net::SMPP
// fills it like submit_sm_resp, so the decoder accepts 65 for both (facts §12).
template <class V, BodyOf<MessageIdRespBody> B>
void Describe(V& v, B& b) {
  v.CString(b.message_id, 65, CommandStatus::kInvMsgId);
}

template <class V, BodyOf<DataSm> B>
void Describe(V& v, B& b) {
  v.CString(b.service_type, 6, CommandStatus::kInvSerTyp);
  DescribeAddress(v, b.source, 65, CommandStatus::kInvSrcAdr);  // 65, not 21 (facts §12)
  DescribeAddress(v, b.destination, 65, CommandStatus::kInvDstAdr);
  v.U8(b.esm_class);
  v.U8(b.registered_delivery);
  v.U8(b.data_coding);
  v.Tlvs(b.tlvs);
}

template <class V, BodyOf<DataSmResp> B>
void Describe(V& v, B& b) {
  v.CString(b.message_id, 65, CommandStatus::kInvMsgId);
  v.Tlvs(b.tlvs);
}

template <class V, BodyOf<QuerySm> B>
void Describe(V& v, B& b) {
  v.CString(b.message_id, 65, CommandStatus::kInvMsgId);
  DescribeAddress(v, b.source, 21, CommandStatus::kInvSrcAdr);
}

template <class V, BodyOf<QuerySmResp> B>
void Describe(V& v, B& b) {
  v.CString(b.message_id, 65, CommandStatus::kInvMsgId);
  v.Time(b.final_date, CommandStatus::kQueryFail);
  v.U8(b.message_state);
  v.U8(b.error_code);
}

template <class V, BodyOf<CancelSm> B>
void Describe(V& v, B& b) {
  v.CString(b.service_type, 6, CommandStatus::kInvSerTyp);
  v.CString(b.message_id, 65, CommandStatus::kInvMsgId);
  DescribeAddress(v, b.source, 21, CommandStatus::kInvSrcAdr);
  DescribeAddress(v, b.destination, 65, CommandStatus::kInvDstAdr);  // spec 21; Kannel 65
}

// No service_type in v3.4 (facts §12: Kannel's extra field is not followed).
template <class V, BodyOf<ReplaceSm> B>
void Describe(V& v, B& b) {
  v.CString(b.message_id, 65, CommandStatus::kInvMsgId);
  DescribeAddress(v, b.source, 21, CommandStatus::kInvSrcAdr);
  v.Time(b.schedule_delivery_time, CommandStatus::kInvSched);
  v.Time(b.validity_period, CommandStatus::kInvExpiry);
  v.U8(b.registered_delivery);
  v.U8(b.sm_default_msg_id);
  v.ShortMessage(b.short_message);
}

template <class V, class D>
void DescribeDestination(V& v, D& d) {
  v.U8(d.dest_flag);
  if (d.dest_flag == 1) {
    DescribeAddress(v, d.address, 21, CommandStatus::kInvDstAdr);
  } else if (d.dest_flag == 2) {
    v.CString(d.dl_name, 21, CommandStatus::kInvDlName);
  } else {
    v.Fail(CommandStatus::kInvDestFlag);
  }
}

template <class V, BodyOf<SubmitMulti> B>
void Describe(V& v, B& b) {
  v.CString(b.service_type, 6, CommandStatus::kInvSerTyp);
  DescribeAddress(v, b.source, 21, CommandStatus::kInvSrcAdr);
  v.List(b.destinations, 1, 254, CommandStatus::kInvNumDests,
         [](V& lv, auto& d) { DescribeDestination(lv, d); });
  v.U8(b.esm_class);
  v.U8(b.protocol_id);
  v.U8(b.priority_flag);
  v.Time(b.schedule_delivery_time, CommandStatus::kInvSched);
  v.Time(b.validity_period, CommandStatus::kInvExpiry);
  v.U8(b.registered_delivery);
  v.U8(b.replace_if_present_flag);
  v.U8(b.data_coding);
  v.U8(b.sm_default_msg_id);
  v.ShortMessage(b.short_message);
  v.Tlvs(b.tlvs);
}

template <class V, BodyOf<SubmitMultiResp> B>
void Describe(V& v, B& b) {
  v.CString(b.message_id, 65, CommandStatus::kInvMsgId);
  v.List(b.unsuccess, 0, 254, CommandStatus::kInvNumDests, [](V& lv, auto& u) {
    DescribeAddress(lv, u.address, 21, CommandStatus::kInvDstAdr);
    lv.Status(u.error_status_code);
  });
}

template <class V, BodyOf<AlertNotification> B>
void Describe(V& v, B& b) {
  DescribeAddress(v, b.source, 65, CommandStatus::kInvSrcAdr);  // 65, not Kannel's 21
  DescribeAddress(v, b.esme, 65, CommandStatus::kInvDstAdr);
  v.Tlvs(b.tlvs);
}

// The command id of each body type (facts §2).
template <class T>
struct BodyId;
template <>
struct BodyId<GenericNack> : std::integral_constant<CommandId, CommandId::kGenericNack> {};
template <>
struct BodyId<BindTransmitter> : std::integral_constant<CommandId, CommandId::kBindTransmitter> {};
template <>
struct BodyId<BindTransmitterResp>
    : std::integral_constant<CommandId, CommandId::kBindTransmitterResp> {};
template <>
struct BodyId<BindReceiver> : std::integral_constant<CommandId, CommandId::kBindReceiver> {};
template <>
struct BodyId<BindReceiverResp> : std::integral_constant<CommandId, CommandId::kBindReceiverResp> {
};
template <>
struct BodyId<BindTransceiver> : std::integral_constant<CommandId, CommandId::kBindTransceiver> {};
template <>
struct BodyId<BindTransceiverResp>
    : std::integral_constant<CommandId, CommandId::kBindTransceiverResp> {};
template <>
struct BodyId<Outbind> : std::integral_constant<CommandId, CommandId::kOutbind> {};
template <>
struct BodyId<Unbind> : std::integral_constant<CommandId, CommandId::kUnbind> {};
template <>
struct BodyId<UnbindResp> : std::integral_constant<CommandId, CommandId::kUnbindResp> {};
template <>
struct BodyId<EnquireLink> : std::integral_constant<CommandId, CommandId::kEnquireLink> {};
template <>
struct BodyId<EnquireLinkResp> : std::integral_constant<CommandId, CommandId::kEnquireLinkResp> {};
template <>
struct BodyId<SubmitSm> : std::integral_constant<CommandId, CommandId::kSubmitSm> {};
template <>
struct BodyId<SubmitSmResp> : std::integral_constant<CommandId, CommandId::kSubmitSmResp> {};
template <>
struct BodyId<DeliverSm> : std::integral_constant<CommandId, CommandId::kDeliverSm> {};
template <>
struct BodyId<DeliverSmResp> : std::integral_constant<CommandId, CommandId::kDeliverSmResp> {};
template <>
struct BodyId<DataSm> : std::integral_constant<CommandId, CommandId::kDataSm> {};
template <>
struct BodyId<DataSmResp> : std::integral_constant<CommandId, CommandId::kDataSmResp> {};
template <>
struct BodyId<QuerySm> : std::integral_constant<CommandId, CommandId::kQuerySm> {};
template <>
struct BodyId<QuerySmResp> : std::integral_constant<CommandId, CommandId::kQuerySmResp> {};
template <>
struct BodyId<CancelSm> : std::integral_constant<CommandId, CommandId::kCancelSm> {};
template <>
struct BodyId<CancelSmResp> : std::integral_constant<CommandId, CommandId::kCancelSmResp> {};
template <>
struct BodyId<ReplaceSm> : std::integral_constant<CommandId, CommandId::kReplaceSm> {};
template <>
struct BodyId<ReplaceSmResp> : std::integral_constant<CommandId, CommandId::kReplaceSmResp> {};
template <>
struct BodyId<SubmitMulti> : std::integral_constant<CommandId, CommandId::kSubmitMulti> {};
template <>
struct BodyId<SubmitMultiResp> : std::integral_constant<CommandId, CommandId::kSubmitMultiResp> {};
template <>
struct BodyId<AlertNotification>
    : std::integral_constant<CommandId, CommandId::kAlertNotification> {};
template <class T>
inline constexpr CommandId kIdOf = BodyId<T>::value;

template <class F, std::size_t... I>
bool WithBodyIndexImpl(uint32_t command_id, F& f, std::index_sequence<I...>) {
  return ((static_cast<uint32_t>(kIdOf<std::variant_alternative_t<I, PduBody>>) == command_id
               ? (f(std::in_place_index<I>), true)
               : false) ||
          ...);
}

// Calls f(std::in_place_index<I>) for the PduBody alternative whose command id is `command_id`;
// false when no alternative has that id.
template <class F>
bool WithBodyIndex(uint32_t command_id, F&& f) {
  return WithBodyIndexImpl(command_id, f, std::make_index_sequence<std::variant_size_v<PduBody>>{});
}

}  // namespace confab::smpp::fields
