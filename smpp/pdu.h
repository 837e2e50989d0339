#pragma once

// Plain structs for every SMPP v3.4 PDU body (facts §3).
//
// Ownership: every string and octet field is a *view*. After Decode() the views point into the
// caller's input buffer and stay valid only while that buffer is unchanged; a handler that keeps
// a field past its call copies it. For Encode() the views point at the caller's data, which must
// live until Encode() returns. C-Octet strings are held without their NUL terminator.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "smpp/types.h"

namespace confab::smpp {

struct Header {
  uint32_t command_length = 0;  // filled in by Decode(); Encode() computes it
  uint32_t command_id = 0;      // raw, so that unknown ids can be represented and answered
  CommandStatus command_status = CommandStatus::kOk;
  uint32_t sequence_number = 0;

  CommandId id() const { return static_cast<CommandId>(command_id); }
};

struct Tlv {
  uint16_t tag = 0;
  std::span<const uint8_t> value;
};

// Optional parameters in wire order; unknown tags are kept and re-encoded unchanged.
// Four fit inline, so the common PDUs decode without touching the heap; from the fifth on all
// of them move to a heap vector (still contiguous, still in order).
// (Not absl::InlinedVector: copying one trips GCC 12's -Wmaybe-uninitialized in every file that
// copies a PDU body, which -Werror turns into a build failure.)
class TlvList {
 public:
  static constexpr std::size_t kInlineCapacity = 4;

  void Add(uint16_t tag, std::span<const uint8_t> value);
  const Tlv* Find(uint16_t tag) const;
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  const Tlv* begin() const { return heap_.empty() ? inline_.data() : heap_.data(); }
  const Tlv* end() const { return begin() + size_; }
  void clear() {
    size_ = 0;
    heap_.clear();
  }

  // Typed getters for the TLVs the gateway uses. nullopt when absent or of the wrong length.
  std::optional<std::span<const uint8_t>> MessagePayload() const;
  std::optional<uint16_t> SarMsgRefNum() const;
  std::optional<uint8_t> SarTotalSegments() const;
  std::optional<uint8_t> SarSegmentSeqnum() const;
  std::optional<std::string_view> ReceiptedMessageId() const;  // without the NUL
  std::optional<MessageState> GetMessageState() const;
  std::optional<std::span<const uint8_t>> NetworkErrorCode() const;  // 3 octets
  std::optional<uint16_t> UserMessageReference() const;
  std::optional<uint16_t> SourcePort() const;
  std::optional<uint16_t> DestinationPort() const;
  std::optional<uint8_t> ScInterfaceVersion() const;
  std::optional<uint8_t> MoreMessagesToSend() const;

 private:
  std::array<Tlv, kInlineCapacity> inline_{};
  std::vector<Tlv> heap_;  // empty while size_ <= kInlineCapacity
  std::size_t size_ = 0;
};

struct Address {
  uint8_t ton = 0;
  uint8_t npi = 0;
  std::string_view addr;
};

// bind_transmitter / bind_receiver / bind_transceiver share one body (facts §3.1).
struct BindBody {
  std::string_view system_id;    // COS max 16
  std::string_view password;     // COS max 9
  std::string_view system_type;  // COS max 13
  uint8_t interface_version = kInterfaceVersion34;
  uint8_t addr_ton = 0;
  uint8_t addr_npi = 0;
  std::string_view address_range;  // COS max 41
};
struct BindTransmitter : BindBody {};
struct BindReceiver : BindBody {};
struct BindTransceiver : BindBody {};

struct BindRespBody {
  std::string_view system_id;  // COS max 16; omitted on the wire when status != 0
  TlvList tlvs;                // sc_interface_version
};
struct BindTransmitterResp : BindRespBody {};
struct BindReceiverResp : BindRespBody {};
struct BindTransceiverResp : BindRespBody {};

struct Outbind {
  std::string_view system_id;
  std::string_view password;
};

// Header-only PDUs.
struct Unbind {};
struct UnbindResp {};
struct EnquireLink {};
struct EnquireLinkResp {};
struct GenericNack {};
struct CancelSmResp {};
struct ReplaceSmResp {};

// submit_sm and deliver_sm share their field list (facts §3.5).
struct ShortMessageBody {
  std::string_view service_type;  // COS max 6
  Address source;                 // COS max 21
  Address destination;            // COS max 21
  uint8_t esm_class = 0;
  uint8_t protocol_id = 0;
  uint8_t priority_flag = 0;
  std::string_view schedule_delivery_time;  // COS 1|17 (NULL in deliver_sm)
  std::string_view validity_period;         // COS 1|17 (NULL in deliver_sm)
  uint8_t registered_delivery = 0;
  uint8_t replace_if_present_flag = 0;
  uint8_t data_coding = 0;
  uint8_t sm_default_msg_id = 0;
  std::span<const uint8_t> short_message;  // 0..254 octets; sm_length is its size
  TlvList tlvs;

  // The user data: message_payload when present, else short_message.
  std::span<const uint8_t> UserData() const;
};
struct SubmitSm : ShortMessageBody {};
struct DeliverSm : ShortMessageBody {};

struct MessageIdRespBody {
  std::string_view message_id;  // COS max 65 (deliver_sm_resp: always NULL)
};
struct SubmitSmResp : MessageIdRespBody {};
struct DeliverSmResp : MessageIdRespBody {};

struct DataSm {
  std::string_view service_type;
  Address source;       // COS max 65
  Address destination;  // COS max 65
  uint8_t esm_class = 0;
  uint8_t registered_delivery = 0;
  uint8_t data_coding = 0;
  TlvList tlvs;  // message_payload carries the user data
};
struct DataSmResp {
  std::string_view message_id;
  TlvList tlvs;
};

struct QuerySm {
  std::string_view message_id;
  Address source;
};
struct QuerySmResp {
  std::string_view message_id;
  std::string_view final_date;  // COS 1|17
  uint8_t message_state = 0;
  uint8_t error_code = 0;
};

struct CancelSm {
  std::string_view service_type;
  std::string_view message_id;
  Address source;
  Address destination;  // max 21 (65 accepted on decode)
};

struct ReplaceSm {
  std::string_view message_id;
  Address source;
  std::string_view schedule_delivery_time;
  std::string_view validity_period;
  uint8_t registered_delivery = 0;
  uint8_t sm_default_msg_id = 0;
  std::span<const uint8_t> short_message;
};

// submit_multi destination: an SME address (dest_flag 1) or a distribution list (dest_flag 2).
struct MultiDestination {
  uint8_t dest_flag = 1;
  Address address;           // dest_flag 1
  std::string_view dl_name;  // dest_flag 2
};
struct SubmitMulti {
  std::string_view service_type;
  Address source;
  std::vector<MultiDestination> destinations;  // 1..254; rare PDU, so a heap vector is fine
  uint8_t esm_class = 0;
  uint8_t protocol_id = 0;
  uint8_t priority_flag = 0;
  std::string_view schedule_delivery_time;
  std::string_view validity_period;
  uint8_t registered_delivery = 0;
  uint8_t replace_if_present_flag = 0;
  uint8_t data_coding = 0;
  uint8_t sm_default_msg_id = 0;
  std::span<const uint8_t> short_message;
  TlvList tlvs;
};
struct UnsuccessSme {
  Address address;
  CommandStatus error_status_code = CommandStatus::kOk;
};
struct SubmitMultiResp {
  std::string_view message_id;
  std::vector<UnsuccessSme> unsuccess;
};

struct AlertNotification {
  Address source;  // COS max 65
  Address esme;    // COS max 65
  TlvList tlvs;    // ms_availability_status
};

using PduBody =
    std::variant<GenericNack, BindTransmitter, BindTransmitterResp, BindReceiver, BindReceiverResp,
                 BindTransceiver, BindTransceiverResp, Outbind, Unbind, UnbindResp, EnquireLink,
                 EnquireLinkResp, SubmitSm, SubmitSmResp, DeliverSm, DeliverSmResp, DataSm,
                 DataSmResp, QuerySm, QuerySmResp, CancelSm, CancelSmResp, ReplaceSm, ReplaceSmResp,
                 SubmitMulti, SubmitMultiResp, AlertNotification>;

struct Pdu {
  Header header;
  PduBody body;
};

// The command id that belongs to a body type (e.g. SubmitSm -> kSubmitSm).
CommandId CommandIdOf(const PduBody& body);

}  // namespace confab::smpp
