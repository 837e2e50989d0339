#include "daemon/carriers.h"

#include <algorithm>
#include <mutex>
#include <string>
#include <utility>

#include "daemon/carriers_internal.h"
#include "daemon/logging.h"
#include "smpp/types.h"

namespace confab {

using carriers_internal::Carrier;
using carriers_internal::LinkState;

// Counts the links still stopping; the last one to arrive runs the waiters.
struct CarrierBinds::StopState {
  std::mutex mutex;
  bool started = false;
  bool finished = false;
  int pending = 0;
  std::vector<absl::AnyInvocable<void()>> waiters;

  void Arrive() {
    std::vector<absl::AnyInvocable<void()>> ready;
    {
      std::lock_guard lock(mutex);
      if (--pending > 0) {
        return;
      }
      finished = true;
      ready.swap(waiters);
    }
    for (auto& waiter : ready) {
      waiter();
    }
  }
};

namespace {

// Per-slot gauges read at scrape time. They hold the state weakly: the registry outlives the
// carriers and must not keep their sink (the pipeline) alive.
void RegisterGauges(metrics::Registry& registry, const std::shared_ptr<LinkState>& state) {
  const std::string& name = state->config().name;
  std::weak_ptr<LinkState> weak = state;
  registry.AddGaugeCallback("confab_carrier_bound_sessions", "Bound SMPP sessions per carrier.",
                            {{"carrier", name}}, [weak] {
                              auto s = weak.lock();
                              return s ? s->BoundCount() : 0.0;
                            });
  for (int slot = 0; slot < std::max(1, state->config().binds); ++slot) {
    metrics::Labels labels = {{"carrier", name}, {"bind", std::to_string(slot)}};
    registry.AddGaugeCallback("confab_carrier_window_in_use",
                              "Our requests awaiting the carrier's response, per bind.", labels,
                              [weak, slot] {
                                auto s = weak.lock();
                                return s ? s->SlotWindowInUse(slot) : 0.0;
                              });
    registry.AddGaugeCallback("confab_carrier_inbound_in_use",
                              "Carrier requests not yet answered by us, per bind.", labels,
                              [weak, slot] {
                                auto s = weak.lock();
                                return s ? s->SlotInboundInUse(slot) : 0.0;
                              });
    registry.AddGaugeCallback("confab_carrier_last_rtt_seconds",
                              "Round trip of the last request answered by the carrier, per bind.",
                              labels, [weak, slot] {
                                auto s = weak.lock();
                                return s ? s->SlotLastRttSeconds(slot) : 0.0;
                              });
  }
}

}  // namespace

CarrierBinds::CarrierBinds() : stop_(std::make_shared<StopState>()) {}

absl::StatusOr<std::unique_ptr<CarrierBinds>> CarrierBinds::Start(
    boost::asio::any_io_executor executor, const std::vector<config::CarrierConfig>& carriers,
    std::shared_ptr<InboundSink> sink, metrics::Registry& metrics) {
  std::unique_ptr<CarrierBinds> binds(new CarrierBinds());
  for (std::size_t route = 0; route < carriers.size(); ++route) {
    auto carrier = std::make_shared<Carrier>();
    carrier->executor = executor;
    carrier->state =
        std::make_shared<LinkState>(static_cast<uint32_t>(route), carriers[route], sink, metrics);
    binds->carriers_.push_back(std::move(carrier));
  }
  // Every listen socket first: if one cannot be opened, no client has dialled out yet.
  if (absl::Status listening = carriers_internal::StartListeners(executor, binds->carriers_);
      !listening.ok()) {
    binds->Stop([] {});
    return listening;
  }
  for (const auto& carrier : binds->carriers_) {
    if (!carrier->state->listen()) {
      carriers_internal::StartConnect(executor, *carrier);
    }
    RegisterGauges(metrics, carrier->state);
  }
  return binds;
}

CarrierBinds::~CarrierBinds() {
  bool started = false;
  {
    std::lock_guard lock(stop_->mutex);
    started = stop_->started;
  }
  if (!started) {
    Stop([] {});
  }
}

void CarrierBinds::Stop(absl::AnyInvocable<void()> done) {
  if (!done) {
    done = [] {};
  }
  std::vector<std::shared_ptr<smpp::SmscServer>> servers;
  {
    std::unique_lock lock(stop_->mutex);
    if (stop_->finished) {
      lock.unlock();
      done();
      return;
    }
    stop_->waiters.push_back(std::move(done));
    if (stop_->started) {
      return;  // runs with the first call's completion
    }
    stop_->started = true;
    stop_->pending = 1;  // this call's own arrival, below
    for (const auto& carrier : carriers_) {
      std::lock_guard carrier_lock(carrier->mutex);
      carrier->stopping = true;  // Control() starts no client from now on
      stop_->pending += static_cast<int>(carrier->clients.size());
      if (carrier->server &&
          std::find(servers.begin(), servers.end(), carrier->server) == servers.end()) {
        servers.push_back(carrier->server);  // listen carriers may share one
      }
    }
    stop_->pending += static_cast<int>(servers.size());
  }
  for (const auto& carrier : carriers_) {
    carrier->state->SetStopping();
    for (const auto& client : carrier->clients) {  // none added since `stopping` was set
      client->Stop([stop = stop_] { stop->Arrive(); });
    }
  }
  for (const auto& server : servers) {
    server->Stop([stop = stop_] { stop->Arrive(); });
  }
  stop_->Arrive();
}

std::vector<BoundTransmitter> CarrierBinds::Transmitters(uint32_t route) const {
  if (route >= carriers_.size()) {
    return {};
  }
  return carriers_[route]->state->Transmitters();
}

uint16_t CarrierBinds::ListenPort(uint32_t route) const {
  if (route >= carriers_.size() || !carriers_[route]->server) {
    return 0;
  }
  return carriers_[route]->server->port();
}

std::vector<CarrierBinds::BindStatus> CarrierBinds::Status() const {
  std::vector<BindStatus> out;
  for (const auto& carrier : carriers_) {
    std::vector<BindStatus> one = carrier->state->Status();
    out.insert(out.end(), std::make_move_iterator(one.begin()), std::make_move_iterator(one.end()));
  }
  return out;
}

void RefuseInbound::OnInbound(uint32_t route, const smpp::Pdu& request, smpp::Responder responder) {
  if (!warned_.exchange(true)) {
    Logger("carrier")->warn(
        "no inbound pipeline: answering {} from carrier route {} (and every later request) with "
        "ESME_RX_T_APPN, so carriers keep their messages and retry",
        smpp::CommandIdName(request.header.command_id), route);
  }
  responder.Respond(smpp::CommandStatus::kXTAppn);
}

}  // namespace confab
