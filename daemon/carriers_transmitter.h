#pragma once

// A bound session that can carry our MTs, with the bind slot it belongs to: what
// CarrierBinds::Transmitters hands the dispatcher, so that its per-bind figures (parts, TPS,
// throttling, last error) are kept by slot.

#include <cstdint>
#include <memory>
#include <utility>

#include "smpp/session.h"

namespace confab {

struct BoundTransmitter {
  BoundTransmitter() = default;
  // Implicit: a session alone is slot 0 (test doubles with one bind).
  BoundTransmitter(std::shared_ptr<smpp::Session> s, uint32_t slot = 0)  // NOLINT
      : session(std::move(s)), bind(slot) {}

  smpp::Session* operator->() const { return session.get(); }
  smpp::Session& operator*() const { return *session; }

  std::shared_ptr<smpp::Session> session;
  uint32_t bind = 0;  // slot number, 0 .. binds-1
};

}  // namespace confab
