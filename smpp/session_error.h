#pragma once

// Error codes of the session layer (std::error_code, category "smpp.session"). A response that
// arrives with a non-zero command_status is not an error here: the caller reads the status.

#include <system_error>

namespace confab::smpp {

enum class SessionError {
  kResponseTimeout = 1,  // no response within response_timeout (or bind_timeout for a bind)
  kClosed,               // the session closed before the request completed
  kNotAllowed,           // the PDU may not be sent in the current state (e.g. submit_sm on RX)
  kBindTimeout,          // SMSC: no bind request in time; ESME: no bind response in time
  kDeadPeer,             // enquire_link went unanswered
  kInactivity,           // inactivity_timeout expired
  kWriteTimeout,         // a socket write took longer than write_timeout
  kProtocolError,        // framing lost (fatal decode) or a malformed response
  kUnbound,              // closed after an unbind exchange (normal end)
  kStopped,              // closed by Close() / server or client stop
  kBindRefused,          // SMSC: closed after refusing a bind
};

const std::error_category& SessionErrorCategory();
std::error_code make_error_code(SessionError e);

}  // namespace confab::smpp

template <>
struct std::is_error_code_enum<confab::smpp::SessionError> : std::true_type {};
