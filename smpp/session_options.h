#pragma once

// Every knob of an SMPP session, ESME client and SMSC server, with its default. All timers are
// named here so that the daemon can map them to config keys one to one and tests can shrink them
// to milliseconds. A zero duration disables the timer where the comment says so.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>

#include "smpp/codec.h"

namespace confab::smpp {

using Millis = std::chrono::milliseconds;

// What a session reports to whoever wires it to a logger. Never emitted per PDU: only for
// lifecycle changes and faults, so a callback that logs every event is fine.
struct SessionEvent {
  enum class Kind {
    kConnected,      // TCP connected (client) or accepted (server)
    kBound,          // bind completed; detail = peer system_id
    kBindRefused,    // a bind was refused (either direction); status says why
    kUnbound,        // unbind exchanged
    kClosed,         // session closed; error says why
    kProtocolError,  // undecodable stream (framing lost); status is the nack sent
    kReconnectWait,  // client: waiting `delay` before the next connect
  };
  Kind kind = Kind::kClosed;
  std::error_code error;
  CommandStatus status = CommandStatus::kOk;
  Millis delay{0};
  std::string_view detail;  // valid only during the callback
};
using EventCallback = std::function<void(const SessionEvent&)>;

struct SessionOptions {
  // Session-init timer. ESME: time allowed for the bind_*_resp. SMSC: time allowed between accept
  // and the bind request. Expiry closes the connection.
  Millis bind_timeout{10'000};
  // Send enquire_link after this long without receiving any PDU (bound states only). 0 = never.
  Millis enquire_link_interval{30'000};
  // Transaction timer: a request without response after this long completes with
  // SessionError::kResponseTimeout. An enquire_link timing out means a dead peer: close.
  Millis response_timeout{10'000};
  // A single socket write taking longer than this closes the session (peer stopped reading).
  Millis write_timeout{10'000};
  // No PDU other than enquire_link(_resp) in either direction for this long: unbind and close.
  // 0 = never.
  Millis inactivity_timeout{0};
  // How long to wait for unbind_resp (ours) or for the flush of our unbind_resp (peer's) before
  // closing the socket anyway.
  Millis unbind_grace{2'000};

  // Outstanding requests, both ways: at most `window` requests of ours await a response (senders
  // wait for a slot), and at most `window` requests of the peer await our handler's answer (the
  // reader stops reading the socket until one is answered).
  std::size_t window = 64;
  // Bytes of encoded PDUs waiting for the socket beyond which new requests wait like a full
  // window. Responses are never refused (they are bounded by the inbound window).
  std::size_t send_queue_bytes = 1 << 20;
  // Initial read buffer; it grows up to the decoder's max_command_length when a PDU needs it.
  std::size_t read_buffer_bytes = 64 * 1024;
  DecoderOptions decoder;

  // SMSC role: system_id sent in bind_*_resp. ESME role: unused.
  std::string local_system_id = "confab";

  EventCallback on_event;  // optional
};

}  // namespace confab::smpp
