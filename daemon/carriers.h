#pragma once

// The carrier side of the daemon: one link set per [[carrier]] of the config.
//
//  - mode "connect": `binds` EsmeClients bind out to the carrier's SMSC (TX, RX, TRX or a TX+RX
//    pair each), staggered, and keep reconnecting with backoff while the daemon runs;
//  - mode "listen": an SmscServer on host:port admits the carrier (its system_id and password
//    only, from its allowed_networks, at most `binds` bound sessions at once). Listen carriers
//    on the same host and non-zero port share one server, told apart by system_id.
//
// What the carrier sends us as a message — deliver_sm / data_sm on connect binds, submit_sm /
// data_sm on listen binds, MOs and receipts alike — goes to InboundSink::OnInbound with the
// carrier's route (its index in config.carriers). Every other request the session passes up
// (query_sm, cancel_sm, replace_sm, submit_multi) is answered ESME_RINVCMDID: Confab offers no
// such service. alert_notification has no response and is ignored.
//
// Logging: the "carrier" logger, every line prefixed `[name#bind]` (`[name]` before a listen
// session is bound). Lifecycle only, one warning per change of a link's state; never per PDU at
// info. Metrics (labels carrier, and bind for the per-bind gauges):
//   confab_carrier_binds_total, confab_carrier_bind_failures_total,
//   confab_carrier_disconnects_total, confab_carrier_unsupported_requests_total,
//   confab_carrier_bound_sessions, confab_carrier_window_in_use,
//   confab_carrier_inbound_in_use, confab_carrier_last_rtt_seconds.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "boost/asio/any_io_executor.hpp"
#include "config/config.h"
#include "daemon/carriers_transmitter.h"
#include "daemon/inbound_sink.h"
#include "daemon/metrics.h"
#include "smpp/session.h"

namespace confab {

namespace carriers_internal {
struct Carrier;
}  // namespace carriers_internal

class CarrierBinds {
 public:
  // What the operator made of a bind slot (Control below).
  enum class Admin {
    kActive,     // carries MTs
    kSuspended,  // bound (MOs and receipts still arrive), carries no new MTs
    kDraining,   // as suspended; unbinds once nothing we sent on it awaits a response
    kDrained,    // unbound, and stays so until resumed
  };
  static std::string_view AdminName(Admin admin);  // "active", "suspended", ...
  enum class Command { kSuspend, kResume, kDrain };

  // One bind slot of a carrier (a TX+RX pair is one slot with two sessions).
  struct BindStatus {
    std::string carrier;
    uint32_t route = 0;  // the carrier's index in config.carriers
    std::string mode;    // "connect" | "listen"
    uint32_t bind = 0;   // slot number, 0 .. binds-1
    Admin admin = Admin::kActive;
    // "unbound", or the session states of the slot joined by '+' ("BOUND_TRX",
    // "BOUND_TX+BOUND_RX").
    std::string state;
    std::string peer;     // remote address:port of the slot's first session; empty when unbound
    uint32_t window = 0;  // the carrier's window per session
    uint64_t window_in_use = 0;  // our requests awaiting the carrier's response
    uint64_t inbound_in_use = 0;
    double last_rtt_seconds = 0;
  };

  // Starts every carrier's links. Listen sockets are opened first; if one cannot be opened (port
  // in use, bad address) nothing is left running and the error names the carrier and address.
  static absl::StatusOr<std::unique_ptr<CarrierBinds>> Start(
      boost::asio::any_io_executor executor, const std::vector<config::CarrierConfig>& carriers,
      std::shared_ptr<InboundSink> sink, metrics::Registry& metrics);
  // Stops what Stop() did not (without waiting).
  ~CarrierBinds();
  CarrierBinds(const CarrierBinds&) = delete;
  CarrierBinds& operator=(const CarrierBinds&) = delete;

  // Graceful: unbinds every session, stops reconnecting and listening, then runs `done` (on an
  // I/O thread, or at once in the caller when everything has already stopped). Idempotent: a
  // later call's `done` runs once everything has stopped.
  void Stop(absl::AnyInvocable<void()> done);

  // Bound sessions of carrier `route` that can carry our MTs, in slot order, with their slot:
  // TX and TRX binds in connect mode; RX and TRX binds in listen mode (there the carrier is the
  // ESME, so our MTs go to it as deliver_sm). Only slots that are kActive. Empty for an unknown
  // route.
  std::vector<BoundTransmitter> Transmitters(uint32_t route) const;
  // The listening port of a listen-mode carrier (the real one when the config said 0); 0 for
  // connect mode and unknown routes.
  uint16_t ListenPort(uint32_t route) const;
  // One entry per bind slot of every carrier, in config order.
  std::vector<BindStatus> Status() const;

  // Operator control of slot `bind` of the carrier named `carrier`, or of all its slots (nullopt).
  // Thread-safe; takes effect at once (the dispatcher asks for Transmitters before each round).
  //  kSuspend: no new MTs on it. The carrier's other binds take the work; with none active, the
  //            brand number's next carrier; else the work waits in the outbox. Idempotent; a
  //            draining or drained slot stays as it is.
  //  kDrain:   as suspend; then once none of our requests on it awaits a response (the response
  //            timeout bounds the wait), unbind. It stays unbound — connect: no reconnecting;
  //            listen: the carrier's binds are refused while no slot is free — until resumed.
  //  kResume:  back to active (a drained connect slot binds again).
  // `drained` (kDrain only; optional) runs on an I/O thread once every slot named is drained:
  // OK; Cancelled if one was resumed first or the binds stopped.
  // Errors: NotFound (no such carrier or slot); FailedPrecondition: kResume when no slot named
  // is suspended, draining or drained ("not suspended"); Unavailable once Stop() began.
  absl::Status Control(std::string_view carrier, std::optional<uint32_t> bind, Command command,
                       absl::AnyInvocable<void(absl::Status)> drained = {});

 private:
  struct StopState;
  CarrierBinds();
  std::vector<std::shared_ptr<carriers_internal::Carrier>> carriers_;
  std::shared_ptr<StopState> stop_;  // shared with the stop completions
};

// The sink used until the inbound pipeline is wired in: answers every request ESME_RX_T_APPN
// (temporary application error), so the carrier keeps the message and retries; nothing is lost.
class RefuseInbound final : public InboundSink {
 public:
  void OnInbound(uint32_t route, const smpp::Pdu& request, smpp::Responder responder) override;

 private:
  std::atomic<bool> warned_{false};
};

}  // namespace confab
