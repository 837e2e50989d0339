// LinkState: what a carrier's sessions hand up, and which of them are bound in which slot.

#include <algorithm>
#include <string>
#include <utility>

#include "absl/time/time.h"
#include "daemon/carriers_internal.h"
#include "daemon/logging.h"
#include "smpp/session_error.h"
#include "smpp/types.h"

namespace confab::carriers_internal {

using smpp::CommandId;
using smpp::CommandStatus;

namespace {

smpp::Millis ToMillis(absl::Duration duration) {
  return smpp::Millis(absl::ToInt64Milliseconds(duration));
}

metrics::Counter& CarrierCounter(metrics::Registry& registry, std::string_view name,
                                 std::string_view help, const std::string& carrier) {
  return registry.GetCounter(name, help, {{"carrier", carrier}});
}

}  // namespace

smpp::SessionOptions SessionOptionsFor(const config::CarrierConfig& config) {
  smpp::SessionOptions options;
  options.bind_timeout = ToMillis(config.bind_timeout);
  options.enquire_link_interval = ToMillis(config.enquire_link_interval);
  options.response_timeout = ToMillis(config.response_timeout);
  options.write_timeout = ToMillis(config.write_timeout);
  options.inactivity_timeout = ToMillis(config.inactivity_timeout);
  options.unbind_grace = ToMillis(config.unbind_grace);
  options.window = static_cast<std::size_t>(std::max(1, config.window));
  options.decoder.max_command_length = static_cast<uint32_t>(std::max(0, config.max_pdu_size));
  return options;
}

LinkState::LinkState(uint32_t route, config::CarrierConfig config,
                     std::shared_ptr<InboundSink> sink, metrics::Registry& registry)
    : route_(route),
      config_(std::move(config)),
      sink_(std::move(sink)),
      log_(Logger("carrier")),
      binds_(CarrierCounter(registry, "confab_carrier_binds_total",
                            "SMPP binds that succeeded, per carrier.", config_.name)),
      bind_failures_(CarrierCounter(
          registry, "confab_carrier_bind_failures_total",
          "Connect or bind attempts that failed (connect mode) and binds refused (listen mode).",
          config_.name)),
      disconnects_(CarrierCounter(registry, "confab_carrier_disconnects_total",
                                  "Bound SMPP sessions that closed, for any reason.",
                                  config_.name)),
      unsupported_(CarrierCounter(registry, "confab_carrier_unsupported_requests_total",
                                  "Carrier requests answered ESME_RINVCMDID (not offered).",
                                  config_.name)),
      slot_use_(static_cast<std::size_t>(std::max(1, config_.binds)), 0),
      admin_(slot_use_.size(), CarrierBinds::Admin::kActive),
      attempts_(slot_use_.size()) {}

std::string LinkState::Tag(int bind) const {
  if (bind == kAssignOnBind) {
    return "[" + config_.name + "]";
  }
  return "[" + config_.name + "#" + std::to_string(bind) + "]";
}

void LinkState::OnRequest(int bind, smpp::Session& session, const smpp::Pdu& request,
                          smpp::Responder responder) {
  const CommandId id = request.header.id();
  // What a carrier sends us as a message: deliver_sm from its SMSC, submit_sm when it is the
  // ESME bound to us, data_sm either way. The session already refused what the role forbids.
  const bool message =
      id == CommandId::kDataSm || id == (listen() ? CommandId::kSubmitSm : CommandId::kDeliverSm);
  if (message) {
    sink_->OnInbound(route_, request, std::move(responder));
    return;
  }
  if (bind == kAssignOnBind && log_->should_log(spdlog::level::debug)) {
    std::lock_guard lock(mutex_);
    if (auto it = bound_.find(&session); it != bound_.end()) {
      bind = it->second.slot;
    }
  }
  if (!responder.pending()) {  // alert_notification: no response exists
    log_->debug("{} ignored {}", Tag(bind), smpp::CommandIdName(request.header.command_id));
    return;
  }
  unsupported_.Add();
  log_->debug("{} answered {} with ESME_RINVCMDID", Tag(bind),
              smpp::CommandIdName(request.header.command_id));
  responder.Respond(CommandStatus::kInvCmdId);
}

void LinkState::Bound(smpp::Session& session, int bind) {
  int slot = bind;
  {
    std::lock_guard lock(mutex_);
    if (slot == kAssignOnBind) {
      // Authenticate() admitted at most as many sessions as slots that admit binds, so one of
      // those is free.
      slot = 0;
      for (int i = 0; i < static_cast<int>(slot_use_.size()); ++i) {
        if (slot_use_[i] == 0 && AdmitsBinds(admin_[i])) {
          slot = i;
          break;
        }
      }
    }
    slot = std::clamp(slot, 0, static_cast<int>(slot_use_.size()) - 1);
    ++slot_use_[slot];
    bound_[&session] = Entry{session.weak_from_this(), slot};
    if (listen()) {
      last_refusal_ = CommandStatus::kOk;
    } else {
      attempts_[slot].bound = true;
      attempts_[slot].last_problem.clear();
    }
  }
  binds_.Add();
  const auto& peer = session.remote_endpoint();
  log_->info("{} bound: {} with {}:{} (system_id \"{}\")", Tag(slot),
             smpp::SessionStateName(session.state()), peer.address().to_string(), peer.port(),
             listen() ? session.peer_system_id() : config_.system_id);
}

void LinkState::Closed(smpp::Session& session, std::error_code reason) {
  int slot = 0;
  bool stopping = false;
  {
    std::lock_guard lock(mutex_);
    auto it = bound_.find(&session);
    if (it == bound_.end()) {
      return;  // never bound: the attempt's outcome is logged from the events
    }
    slot = it->second.slot;
    bound_.erase(it);
    --slot_use_[slot];
    if (listen()) {
      --reserved_;
    }
    stopping = stopping_;
  }
  disconnects_.Add();
  if (stopping) {
    log_->info("{} unbound ({})", Tag(slot), reason.message());
  } else if (listen()) {
    log_->warn("{} session closed ({}); waiting for the carrier to bind again", Tag(slot),
               reason.message());
  } else {
    log_->warn("{} bind lost ({}); reconnecting with backoff", Tag(slot), reason.message());
  }
}

void LinkState::SetStopping() {
  std::lock_guard lock(mutex_);
  stopping_ = true;
}

std::vector<std::shared_ptr<smpp::Session>> LinkState::SlotSessions(int slot) const {
  std::vector<std::shared_ptr<smpp::Session>> out;
  for (const auto& [key, entry] : bound_) {
    if (entry.slot == slot) {
      if (auto session = entry.session.lock()) {
        out.push_back(std::move(session));
      }
    }
  }
  // TX before RX within a pair, whatever the map's order.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return static_cast<int>(a->state()) < static_cast<int>(b->state());
  });
  return out;
}

std::vector<BoundTransmitter> LinkState::Transmitters() const {
  std::lock_guard lock(mutex_);
  std::vector<BoundTransmitter> out;
  for (int slot = 0; slot < static_cast<int>(slot_use_.size()); ++slot) {
    if (admin_[slot] != CarrierBinds::Admin::kActive) {
      continue;  // suspended, draining or drained by the operator
    }
    for (auto& session : SlotSessions(slot)) {
      const smpp::SessionState state = session->state();
      // Our MTs: submit_sm over TX/TRX when we are the ESME; deliver_sm over RX/TRX when the
      // carrier is (facts §10).
      const bool sends =
          state == smpp::SessionState::kBoundTrx ||
          state == (listen() ? smpp::SessionState::kBoundRx : smpp::SessionState::kBoundTx);
      if (sends) {
        out.emplace_back(std::move(session), static_cast<uint32_t>(slot));
      }
    }
  }
  return out;
}

}  // namespace confab::carriers_internal
