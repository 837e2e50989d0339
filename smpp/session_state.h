#pragma once

// The SMPP v3.4 session state machine as a table (facts §10): which requests each side may send
// in each state. Pure functions, shared by the inbound check and the outbound guard.

#include <string_view>

#include "smpp/pdu.h"
#include "smpp/types.h"

namespace confab::smpp {

enum class Role { kEsme, kSmsc };

enum class SessionState {
  kOpen,  // connected, not bound (or outbind received)
  kBoundTx,
  kBoundRx,
  kBoundTrx,
  kUnbinding,  // unbind sent or received; waiting for the exchange to finish
  kClosed,
};

enum class BindType { kTransmitter, kReceiver, kTransceiver };

std::string_view SessionStateName(SessionState state);
std::string_view RoleName(Role role);
bool IsBound(SessionState state);
SessionState BoundStateFor(BindType type);
CommandId BindCommandFor(BindType type);
// The bind request of `type` with `body` (its views must outlive the PDU's use).
Pdu MakeBindPdu(BindType type, const BindBody& body, uint32_t sequence_number = 0);

// The status to answer a request `id` that the peer of a `local`-role session sent in `state`:
// kOk when allowed; kAlyBnd for a bind on a bound session; kInvBndSts when the state or the
// sender's role does not allow it; kInvCmdId for ids that are not requests. enquire_link is
// allowed in every state but kClosed (facts §10: answering one in OPEN is harmless).
CommandStatus CheckInboundRequest(Role local, SessionState state, CommandId id);

// Whether a `local`-role session may send request `id` in `state` (same table, other side).
bool MaySend(Role local, SessionState state, CommandId id);

// The body type of the response to `request` with empty fields (e.g. SubmitSmResp{}), for
// building OK and error responses. GenericNack for ids without a response.
PduBody EmptyResponseBody(CommandId request);

}  // namespace confab::smpp
