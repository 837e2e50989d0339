// Connect mode: Confab binds out to the carrier's SMSC as an ESME, `binds` clients per carrier.

#include <algorithm>
#include <string>

#include "absl/time/time.h"
#include "daemon/carriers_internal.h"
#include "fmt/format.h"
#include "smpp/types.h"

namespace confab::carriers_internal {

namespace {

// Binds of one carrier start this far apart, so a restart does not hit the carrier with all
// of them at once; the receiver of a TX+RX pair follows its transmitter by half of it.
constexpr smpp::Millis kBindStagger{250};

smpp::EsmeClientOptions::Mode ModeFor(config::BindType type) {
  using Mode = smpp::EsmeClientOptions::Mode;
  switch (type) {
    case config::BindType::kTransmitter:
      return Mode::kTransmitter;
    case config::BindType::kReceiver:
      return Mode::kReceiver;
    case config::BindType::kTxRxPair:
      return Mode::kTransmitterReceiverPair;
    case config::BindType::kTransceiver:
      break;
  }
  return Mode::kTransceiver;
}

smpp::Millis ToMillis(absl::Duration duration) {
  return smpp::Millis(absl::ToInt64Milliseconds(duration));
}

}  // namespace

void LinkState::OnConnectEvent(int bind, const smpp::SessionEvent& event) {
  using Kind = smpp::SessionEvent::Kind;
  if (event.kind == Kind::kProtocolError) {
    log_->warn("{} protocol error from the carrier ({}); closing the session", Tag(bind),
               smpp::CommandStatusName(event.status));
    return;
  }
  std::string problem;
  bool changed = false;
  {
    std::lock_guard lock(mutex_);
    if (bind < 0 || bind >= static_cast<int>(attempts_.size())) {
      return;
    }
    AttemptLog& attempt = attempts_[bind];
    switch (event.kind) {
      case Kind::kConnected:
        attempt.connected = true;
        return;
      case Kind::kBindRefused:
        attempt.was_refused = true;
        attempt.refused = event.status;
        return;
      case Kind::kReconnectWait:
        break;
      default:
        return;  // bound and closed are logged by Bound() / Closed()
    }
    // One attempt ended. A lost bind was logged by Closed(); a failed attempt is logged when its
    // outcome differs from the previous failure's, so a dead carrier costs one warning.
    if (!attempt.bound) {
      if (attempt.was_refused) {
        problem = fmt::format("bind refused with {}", smpp::CommandStatusName(attempt.refused));
      } else if (attempt.connected) {
        problem = "connection closed before the bind completed";
      } else {
        problem = fmt::format("cannot connect to {}:{}", config_.host, config_.port);
      }
      changed = problem != attempt.last_problem;
      attempt.last_problem = problem;
    }
    attempt.connected = false;
    attempt.bound = false;
    attempt.was_refused = false;
  }
  if (problem.empty()) {
    return;
  }
  bind_failures_.Add();
  if (changed) {
    log_->warn("{} {}; retrying with backoff (up to {}s apart)", Tag(bind), problem,
               absl::ToInt64Seconds(config_.reconnect_max_backoff));
  } else {
    log_->debug("{} {}; next attempt in {} ms", Tag(bind), problem, event.delay.count());
  }
}

std::shared_ptr<smpp::EsmeClient> StartClient(boost::asio::any_io_executor executor,
                                              const std::shared_ptr<LinkState>& state, int bind,
                                              smpp::Millis start_delay) {
  const config::CarrierConfig& config = state->config();
  smpp::EsmeClientOptions options;
  options.host = config.host;
  options.port = static_cast<uint16_t>(config.port);
  options.mode = ModeFor(config.bind_type);
  options.credentials.system_id = config.system_id;
  options.credentials.password = config.password;
  options.credentials.system_type = config.system_type;
  options.session = SessionOptionsFor(config);
  options.session.on_event = [state, bind](const smpp::SessionEvent& event) {
    state->OnConnectEvent(bind, event);
  };
  options.reconnect_min = ToMillis(config.reconnect_min_backoff);
  options.reconnect_max = ToMillis(config.reconnect_max_backoff);
  // After ESME_RALYBND the carrier still holds our old session; wait as long as a full backoff.
  options.already_bound_wait = options.reconnect_max;
  options.start_delay = start_delay;
  options.pair_stagger = kBindStagger / 2;
  auto client = smpp::EsmeClient::Create(std::move(executor), std::move(options),
                                         std::make_shared<BindHandler>(state, bind));
  client->Start();
  return client;
}

void StartConnect(boost::asio::any_io_executor executor, Carrier& carrier) {
  const std::shared_ptr<LinkState>& state = carrier.state;
  const config::CarrierConfig& config = state->config();
  {
    std::lock_guard lock(carrier.mutex);
    for (int bind = 0; bind < state->slots(); ++bind) {
      carrier.clients.push_back(StartClient(executor, state, bind, kBindStagger * bind));
      carrier.client_stopped.push_back(false);
    }
  }
  state->log().info("{} binding to {}:{} as {} ({} bind{})", state->Tag(kAssignOnBind), config.host,
                    config.port, config::NameOf(config.bind_type), config.binds,
                    config.binds == 1 ? "" : "s");
}

}  // namespace confab::carriers_internal
