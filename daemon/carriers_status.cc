// LinkState's read side: per-slot status for the admin API and gauges for /metrics.

#include <algorithm>
#include <chrono>
#include <string>

#include "daemon/carriers_internal.h"

namespace confab::carriers_internal {

std::vector<CarrierBinds::BindStatus> LinkState::Status() const {
  std::lock_guard lock(mutex_);
  std::vector<CarrierBinds::BindStatus> out;
  for (int slot = 0; slot < static_cast<int>(slot_use_.size()); ++slot) {
    CarrierBinds::BindStatus status;
    status.carrier = config_.name;
    status.route = route_;
    status.admin = admin_[slot];
    status.window = static_cast<uint32_t>(std::max(1, config_.window));
    status.mode = std::string(config::NameOf(config_.mode));
    status.bind = static_cast<uint32_t>(slot);
    for (const auto& session : SlotSessions(slot)) {
      if (!status.state.empty()) {
        status.state += '+';
      }
      status.state += smpp::SessionStateName(session->state());
      if (status.peer.empty()) {
        const auto& peer = session->remote_endpoint();
        status.peer = peer.address().to_string() + ":" + std::to_string(peer.port());
      }
      const smpp::SessionCounters counters = session->counters();
      status.window_in_use += counters.window_in_use;
      status.inbound_in_use += counters.inbound_in_use;
      status.last_rtt_seconds = std::max(status.last_rtt_seconds,
                                         std::chrono::duration<double>(counters.last_rtt).count());
    }
    if (status.state.empty()) {
      status.state = "unbound";
    }
    out.push_back(std::move(status));
  }
  return out;
}

double LinkState::SlotWindowInUse(int slot) const {
  std::lock_guard lock(mutex_);
  double sum = 0;
  for (const auto& session : SlotSessions(slot)) {
    sum += static_cast<double>(session->counters().window_in_use);
  }
  return sum;
}

double LinkState::SlotInboundInUse(int slot) const {
  std::lock_guard lock(mutex_);
  double sum = 0;
  for (const auto& session : SlotSessions(slot)) {
    sum += static_cast<double>(session->counters().inbound_in_use);
  }
  return sum;
}

double LinkState::SlotLastRttSeconds(int slot) const {
  std::lock_guard lock(mutex_);
  double rtt = 0;
  for (const auto& session : SlotSessions(slot)) {
    rtt = std::max(rtt, std::chrono::duration<double>(session->counters().last_rtt).count());
  }
  return rtt;
}

CarrierBinds::Admin LinkState::admin(int slot) const {
  std::lock_guard lock(mutex_);
  return admin_[slot];
}

void LinkState::SetAdmin(int slot, CarrierBinds::Admin admin) {
  std::lock_guard lock(mutex_);
  admin_[slot] = admin;
}

bool LinkState::FinishDrain(int slot) {
  std::lock_guard lock(mutex_);
  if (admin_[slot] != CarrierBinds::Admin::kDraining) {
    return false;
  }
  admin_[slot] = CarrierBinds::Admin::kDrained;
  return true;
}

std::vector<std::shared_ptr<smpp::Session>> LinkState::SessionsOf(int slot) const {
  std::lock_guard lock(mutex_);
  return SlotSessions(slot);
}

uint64_t LinkState::SlotOutstanding(int slot) const {
  std::lock_guard lock(mutex_);
  uint64_t sum = 0;
  for (const auto& session : SlotSessions(slot)) {
    sum += session->counters().window_in_use;
  }
  return sum;
}

double LinkState::BoundCount() const {
  std::lock_guard lock(mutex_);
  return static_cast<double>(bound_.size());
}

}  // namespace confab::carriers_internal
