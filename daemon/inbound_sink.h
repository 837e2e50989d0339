#pragma once

// Where the carrier binds hand what carriers send us. The carrier side (daemon/carriers.h) knows
// SMPP sessions and nothing of the store; the inbound pipeline (daemon/pipeline.h) knows the
// store and nothing of sessions. This is the seam between them.

#include <cstdint>

#include "smpp/pdu.h"
#include "smpp/responder.h"

namespace confab {

class InboundSink {
 public:
  virtual ~InboundSink() = default;

  // A request from carrier `route` (its index in config's [[carrier]] list) that is a message
  // for us: deliver_sm or data_sm from a carrier's SMSC (mode = "connect"), submit_sm or data_sm
  // from a carrier bound to our SMPP server (mode = "listen"). MOs and delivery receipts both
  // come here. Called on the session's strand: must not block. `request` and its views die when
  // the call returns. The sink answers through `responder` exactly once, now or later, from any
  // thread (an ESME_ROK only once what the request carried is durable).
  virtual void OnInbound(uint32_t route, const smpp::Pdu& request, smpp::Responder responder) = 0;
};

}  // namespace confab
