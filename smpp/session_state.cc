#include "smpp/session_state.h"

#include <utility>

namespace confab::smpp {
namespace {

// One bit per state in which a request may be sent.
constexpr unsigned kOpen = 1u << static_cast<unsigned>(SessionState::kOpen);
constexpr unsigned kTx = 1u << static_cast<unsigned>(SessionState::kBoundTx);
constexpr unsigned kRx = 1u << static_cast<unsigned>(SessionState::kBoundRx);
constexpr unsigned kTrx = 1u << static_cast<unsigned>(SessionState::kBoundTrx);
constexpr unsigned kUnbinding = 1u << static_cast<unsigned>(SessionState::kUnbinding);
constexpr unsigned kBound = kTx | kRx | kTrx;

struct Rule {
  unsigned states = 0;
  bool by_esme = false;
  bool by_smsc = false;
};

// facts §10. replace_sm is accepted on TRX too (v5.0 widening, harmless for a 3.4 peer); during
// unbinding only the unbind exchange itself and enquire_link still pass.
Rule RuleFor(CommandId id) {
  switch (id) {
    case CommandId::kBindTransmitter:
    case CommandId::kBindReceiver:
    case CommandId::kBindTransceiver:
      return {kOpen, true, false};
    case CommandId::kOutbind:
      return {kOpen, false, true};
    case CommandId::kUnbind:
      return {kBound | kUnbinding, true, true};
    case CommandId::kSubmitSm:
    case CommandId::kSubmitMulti:
    case CommandId::kQuerySm:
    case CommandId::kCancelSm:
    case CommandId::kReplaceSm:
      return {kTx | kTrx, true, false};
    case CommandId::kDataSm:
      return {kBound, true, true};
    case CommandId::kDeliverSm:
    case CommandId::kAlertNotification:
      return {kRx | kTrx, false, true};
    case CommandId::kEnquireLink:
      return {kOpen | kBound | kUnbinding, true, true};
    default:
      return {};
  }
}

bool Allowed(const Rule& rule, Role sender, SessionState state) {
  bool by_sender = sender == Role::kEsme ? rule.by_esme : rule.by_smsc;
  return by_sender && (rule.states & (1u << static_cast<unsigned>(state))) != 0;
}

}  // namespace

std::string_view SessionStateName(SessionState state) {
  switch (state) {
    case SessionState::kOpen:
      return "OPEN";
    case SessionState::kBoundTx:
      return "BOUND_TX";
    case SessionState::kBoundRx:
      return "BOUND_RX";
    case SessionState::kBoundTrx:
      return "BOUND_TRX";
    case SessionState::kUnbinding:
      return "UNBINDING";
    case SessionState::kClosed:
      return "CLOSED";
  }
  return "?";
}

std::string_view RoleName(Role role) { return role == Role::kEsme ? "ESME" : "SMSC"; }

bool IsBound(SessionState state) {
  return state == SessionState::kBoundTx || state == SessionState::kBoundRx ||
         state == SessionState::kBoundTrx;
}

SessionState BoundStateFor(BindType type) {
  switch (type) {
    case BindType::kTransmitter:
      return SessionState::kBoundTx;
    case BindType::kReceiver:
      return SessionState::kBoundRx;
    case BindType::kTransceiver:
      return SessionState::kBoundTrx;
  }
  return SessionState::kOpen;
}

CommandId BindCommandFor(BindType type) {
  switch (type) {
    case BindType::kTransmitter:
      return CommandId::kBindTransmitter;
    case BindType::kReceiver:
      return CommandId::kBindReceiver;
    case BindType::kTransceiver:
      return CommandId::kBindTransceiver;
  }
  return CommandId::kBindTransceiver;
}

Pdu MakeBindPdu(BindType type, const BindBody& body, uint32_t sequence_number) {
  Pdu pdu;
  pdu.header.command_id = static_cast<uint32_t>(BindCommandFor(type));
  pdu.header.sequence_number = sequence_number;
  switch (type) {
    case BindType::kTransmitter:
      pdu.body = BindTransmitter{body};
      break;
    case BindType::kReceiver:
      pdu.body = BindReceiver{body};
      break;
    case BindType::kTransceiver:
      pdu.body = BindTransceiver{body};
      break;
  }
  return pdu;
}

CommandStatus CheckInboundRequest(Role local, SessionState state, CommandId id) {
  if (IsResponse(id)) {
    return CommandStatus::kInvCmdId;
  }
  Rule rule = RuleFor(id);
  if (rule.states == 0) {
    return CommandStatus::kInvCmdId;
  }
  Role sender = local == Role::kEsme ? Role::kSmsc : Role::kEsme;
  if (Allowed(rule, sender, state)) {
    return CommandStatus::kOk;
  }
  bool is_bind = id == CommandId::kBindTransmitter || id == CommandId::kBindReceiver ||
                 id == CommandId::kBindTransceiver;
  if (is_bind && local == Role::kSmsc && IsBound(state)) {
    return CommandStatus::kAlyBnd;
  }
  return CommandStatus::kInvBndSts;
}

bool MaySend(Role local, SessionState state, CommandId id) {
  if (IsResponse(id)) {
    return false;
  }
  return Allowed(RuleFor(id), local, state);
}

PduBody EmptyResponseBody(CommandId request) {
  switch (request) {
    case CommandId::kBindTransmitter:
      return PduBody(std::in_place_type<BindTransmitterResp>);
    case CommandId::kBindReceiver:
      return PduBody(std::in_place_type<BindReceiverResp>);
    case CommandId::kBindTransceiver:
      return PduBody(std::in_place_type<BindTransceiverResp>);
    case CommandId::kQuerySm:
      return PduBody(std::in_place_type<QuerySmResp>);
    case CommandId::kSubmitSm:
      return PduBody(std::in_place_type<SubmitSmResp>);
    case CommandId::kDeliverSm:
      return PduBody(std::in_place_type<DeliverSmResp>);
    case CommandId::kUnbind:
      return PduBody(std::in_place_type<UnbindResp>);
    case CommandId::kReplaceSm:
      return PduBody(std::in_place_type<ReplaceSmResp>);
    case CommandId::kCancelSm:
      return PduBody(std::in_place_type<CancelSmResp>);
    case CommandId::kEnquireLink:
      return PduBody(std::in_place_type<EnquireLinkResp>);
    case CommandId::kSubmitMulti:
      return PduBody(std::in_place_type<SubmitMultiResp>);
    case CommandId::kDataSm:
      return PduBody(std::in_place_type<DataSmResp>);
    default:
      return PduBody(std::in_place_type<GenericNack>);
  }
}

}  // namespace confab::smpp
