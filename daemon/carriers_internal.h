#pragma once

// Internals of CarrierBinds (daemon/carriers.h), shared by its .cc files; not for other users.
//
// LinkState is one carrier's shared state: what its sessions hand up, which sessions are bound in
// which slot, its logger tag and metrics. It owns no client or server, so the handlers that hold
// it (and the sessions that hold them) form no cycle with the CarrierBinds that owns those.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "boost/asio/any_io_executor.hpp"
#include "config/config.h"
#include "daemon/carriers.h"
#include "daemon/inbound_sink.h"
#include "daemon/metrics.h"
#include "smpp/bind_guard.h"
#include "smpp/esme_client.h"
#include "smpp/session.h"
#include "smpp/smsc_server.h"
#include "spdlog/logger.h"

namespace confab::carriers_internal {

// A listen-mode session gets its slot when it binds.
inline constexpr int kAssignOnBind = -1;

// Listen mode: a slot the operator is draining or has drained takes no new bind.
inline bool AdmitsBinds(CarrierBinds::Admin admin) {
  return admin == CarrierBinds::Admin::kActive || admin == CarrierBinds::Admin::kSuspended;
}

class LinkState {
 public:
  LinkState(uint32_t route, config::CarrierConfig config, std::shared_ptr<InboundSink> sink,
            metrics::Registry& registry);

  // SessionHandler calls, forwarded by BindHandler with its slot (kAssignOnBind for listen).
  void OnRequest(int bind, smpp::Session& session, const smpp::Pdu& request,
                 smpp::Responder responder);
  void Bound(smpp::Session& session, int bind);
  void Closed(smpp::Session& session, std::error_code reason);

  // Listen mode: the carrier's own networks and credentials only, then at most `binds` bound
  // sessions. The networks are set once, before the server starts.
  smpp::CommandStatus Authenticate(const smpp::BindRequest& request);
  void SetAllowedNetworks(smpp::AllowedNetworks networks) { networks_ = std::move(networks); }
  // Session / client events, for lifecycle logging and failure counters.
  void OnConnectEvent(int bind, const smpp::SessionEvent& event);
  void OnListenEvent(const smpp::SessionEvent& event);

  // From now on, lost binds are expected (logged at info, not warn).
  void SetStopping();

  // Bound sessions that can carry our MTs, of the kActive slots, in slot order.
  std::vector<BoundTransmitter> Transmitters() const;
  std::vector<CarrierBinds::BindStatus> Status() const;

  // The operator's state of a slot (carriers_admin.cc). Listen mode admits binds into slots
  // that are neither draining nor drained only.
  int slots() const { return static_cast<int>(slot_use_.size()); }
  CarrierBinds::Admin admin(int slot) const;
  void SetAdmin(int slot, CarrierBinds::Admin admin);
  // Sets kDrained if the slot is still kDraining; returns whether it did.
  bool FinishDrain(int slot);
  // The bound sessions of a slot, and our requests on them that await a response.
  std::vector<std::shared_ptr<smpp::Session>> SessionsOf(int slot) const;
  uint64_t SlotOutstanding(int slot) const;
  // The gauges of one slot, read at scrape time.
  double SlotWindowInUse(int slot) const;
  double SlotInboundInUse(int slot) const;
  double SlotLastRttSeconds(int slot) const;
  double BoundCount() const;

  uint32_t route() const { return route_; }
  const config::CarrierConfig& config() const { return config_; }
  bool listen() const { return config_.mode == config::CarrierMode::kListen; }
  // "[name#bind]", or "[name]" for kAssignOnBind.
  std::string Tag(int bind) const;
  spdlog::logger& log() const { return *log_; }

 private:
  struct Entry {
    std::weak_ptr<smpp::Session> session;
    int slot = 0;
  };
  // What the current connect attempt of a bind has seen, to log one line per outcome change.
  struct AttemptLog {
    bool connected = false;
    bool bound = false;
    smpp::CommandStatus refused = smpp::CommandStatus::kOk;
    bool was_refused = false;
    std::string last_problem;
  };

  std::vector<std::shared_ptr<smpp::Session>> SlotSessions(int slot) const;  // mutex_ held

  const uint32_t route_;
  const config::CarrierConfig config_;
  const std::shared_ptr<InboundSink> sink_;
  std::shared_ptr<spdlog::logger> log_;
  metrics::Counter& binds_;
  metrics::Counter& bind_failures_;
  metrics::Counter& disconnects_;
  metrics::Counter& unsupported_;

  smpp::AllowedNetworks networks_;  // listen

  mutable std::mutex mutex_;
  bool stopping_ = false;
  int reserved_ = 0;                        // listen: binds admitted and not yet closed
  std::vector<int> slot_use_;               // bound sessions per slot
  std::vector<CarrierBinds::Admin> admin_;  // per slot
  absl::flat_hash_map<smpp::Session*, Entry> bound_;
  std::vector<AttemptLog> attempts_;                             // connect: one per bind
  smpp::CommandStatus last_refusal_ = smpp::CommandStatus::kOk;  // listen
};

// The SessionHandler of one connect bind.
class BindHandler final : public smpp::SessionHandler {
 public:
  BindHandler(std::shared_ptr<LinkState> state, int bind) : state_(std::move(state)), bind_(bind) {}
  void OnRequest(smpp::Session& session, const smpp::Pdu& request,
                 smpp::Responder responder) override {
    state_->OnRequest(bind_, session, request, std::move(responder));
  }
  void OnBound(smpp::Session& session) override { state_->Bound(session, bind_); }
  void OnClosed(smpp::Session& session, std::error_code reason) override {
    state_->Closed(session, reason);
  }

 private:
  std::shared_ptr<LinkState> state_;
  int bind_;
};

// The SMPP session knobs of a carrier, from its config timers.
smpp::SessionOptions SessionOptionsFor(const config::CarrierConfig& config);

// One started carrier: its shared state and what runs its links.
struct Carrier {
  std::shared_ptr<LinkState> state;
  boost::asio::any_io_executor executor;
  // listen: shared by the carriers configured on the same host:port
  std::shared_ptr<smpp::SmscServer> server;

  std::mutex mutex;  // guards what follows: Control() (API thread) against Stop()
  std::vector<std::shared_ptr<smpp::EsmeClient>> clients;  // connect: one per slot
  std::vector<bool> client_stopped;                        // connect: a drain stopped it
  bool stopping = false;                                   // CarrierBinds::Stop() began
};

// Creates and starts the client of connect slot `bind`, first attempt after `start_delay`.
std::shared_ptr<smpp::EsmeClient> StartClient(boost::asio::any_io_executor executor,
                                              const std::shared_ptr<LinkState>& state, int bind,
                                              smpp::Millis start_delay);

// Opens the listening sockets of the listen-mode carriers and starts accepting; carriers on the
// same host and (non-zero) port share one (carriers_listen.cc).
absl::Status StartListeners(boost::asio::any_io_executor executor,
                            const std::vector<std::shared_ptr<Carrier>>& carriers);
// Creates and starts the carrier's `binds` clients (carriers_connect.cc).
void StartConnect(boost::asio::any_io_executor executor, Carrier& carrier);

}  // namespace confab::carriers_internal
