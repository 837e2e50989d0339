#include "smpp/session_error.h"

#include <string>

namespace confab::smpp {
namespace {

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "smpp.session"; }
  std::string message(int value) const override {
    switch (static_cast<SessionError>(value)) {
      case SessionError::kResponseTimeout:
        return "response timeout";
      case SessionError::kClosed:
        return "session closed";
      case SessionError::kNotAllowed:
        return "PDU not allowed in the current session state";
      case SessionError::kBindTimeout:
        return "bind timeout";
      case SessionError::kDeadPeer:
        return "peer did not answer enquire_link";
      case SessionError::kInactivity:
        return "inactivity timeout";
      case SessionError::kWriteTimeout:
        return "write timeout";
      case SessionError::kProtocolError:
        return "SMPP protocol error";
      case SessionError::kUnbound:
        return "unbound";
      case SessionError::kStopped:
        return "stopped";
      case SessionError::kBindRefused:
        return "bind refused";
    }
    return "unknown session error";
  }
};

}  // namespace

const std::error_category& SessionErrorCategory() {
  static const Category category;
  return category;
}

std::error_code make_error_code(SessionError e) {
  return {static_cast<int>(e), SessionErrorCategory()};
}

}  // namespace confab::smpp
