// The dispatcher's figures per bind slot and per carrier: what the admin API's binds view and
// the per-bind metrics show (Dispatcher::Routes).

#include <chrono>
#include <string>

#include "daemon/dispatcher_internal.h"
#include "smpp/session_error.h"

namespace confab::outbound {
namespace {

int64_t SteadySecond(SteadyTime time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

// The error label of an answer that was not ESME_ROK.
std::string ErrorName(const Event& event) {
  if (event.error == smpp::SessionError::kResponseTimeout) {
    return "response timeout";
  }
  if (event.error) {
    return "bind lost";
  }
  return std::string(smpp::CommandStatusName(event.status));
}

}  // namespace

BindLog& Dispatcher::State::BindOf(Lane& lane, uint32_t bind) {
  while (lane.binds.size() <= bind) {
    BindLog log;
    log.stats.bind = static_cast<uint32_t>(lane.binds.size());
    const metrics::Labels labels = {{"carrier", lane.options.name},
                                    {"bind", std::to_string(log.stats.bind)}};
    log.parts_total =
        &metrics_registry.GetCounter("confab_outbound_bind_parts_total",
                                     "submit_sm parts sent, per bind (rate() = TPS)", labels);
    log.throttled =
        &metrics_registry.GetCounter("confab_outbound_bind_throttled_total",
                                     "ESME_RTHROTTLED / ESME_RMSGQFUL answers, per bind", labels);
    log.in_flight = &metrics_registry.GetGauge(
        "confab_outbound_bind_in_flight", "Parts submitted and not yet answered, per bind", labels);
    log.second.fill(-1);
    lane.binds.push_back(std::move(log));
  }
  return lane.binds[bind];
}

void Dispatcher::State::BindSubmitted(Lane& lane, uint32_t bind, SteadyTime now) {
  std::lock_guard lock(binds_mutex);
  BindLog& log = BindOf(lane, bind);
  ++log.stats.parts_submitted;
  ++log.stats.in_flight;
  const int64_t second = SteadySecond(now);
  const std::size_t bucket = static_cast<std::size_t>(second) % BindLog::kSeconds;
  if (log.second[bucket] != second) {
    log.second[bucket] = second;
    log.parts[bucket] = 0;
  }
  ++log.parts[bucket];
  log.parts_total->Add();
  log.in_flight->Set(static_cast<int64_t>(log.stats.in_flight));
}

void Dispatcher::State::BindAnswered(Lane& lane, const Event& event) {
  const bool ok = !event.error && event.status == smpp::CommandStatus::kOk;
  const bool throttled = !event.error && (event.status == smpp::CommandStatus::kThrottled ||
                                          event.status == smpp::CommandStatus::kMsgQFul);
  std::string error = ok ? std::string() : ErrorName(event);
  std::lock_guard lock(binds_mutex);
  BindLog& log = BindOf(lane, event.bind);
  if (log.stats.in_flight > 0) {
    --log.stats.in_flight;
  }
  log.in_flight->Set(static_cast<int64_t>(log.stats.in_flight));
  if (!event.error) {
    log.stats.last_rtt_seconds = std::chrono::duration<double>(event.rtt).count();
  }
  if (throttled) {
    ++log.stats.throttled;
    log.throttled->Add();
  }
  if (!ok) {
    metrics_registry
        .GetCounter("confab_outbound_bind_errors_total",
                    "Parts answered with an error, timed out or lost with the bind, per bind",
                    {{"carrier", lane.options.name},
                     {"bind", std::to_string(event.bind)},
                     {"error", error}})
        .Add();
    log.stats.last_error = std::move(error);
    log.stats.last_error_ms = NowMs();
  }
}

void Dispatcher::State::UpdateQueueDepths() {
  std::lock_guard lock(binds_mutex);
  for (std::size_t route = 0; route < lanes.size(); ++route) {
    queued[route] = lanes[route].ready.size();
    lanes[route].queue_depth->Set(static_cast<int64_t>(queued[route]));
  }
}

std::vector<Dispatcher::RouteStats> Dispatcher::Routes() const {
  const int64_t now = SteadySecond(std::chrono::steady_clock::now());
  std::lock_guard lock(state_->binds_mutex);
  std::vector<RouteStats> out;
  for (std::size_t route = 0; route < state_->lanes.size(); ++route) {
    const Lane& lane = state_->lanes[route];
    RouteStats stats;
    stats.carrier = lane.options.name;
    stats.queued_messages = state_->queued[route];
    for (const BindLog& log : lane.binds) {
      BindStats bind = log.stats;
      uint64_t recent = 0;
      for (std::size_t i = 0; i < BindLog::kSeconds; ++i) {
        if (log.second[i] > now - static_cast<int64_t>(BindLog::kSeconds)) {
          recent += log.parts[i];
        }
      }
      bind.tps = static_cast<double>(recent) / BindLog::kSeconds;
      stats.parts_in_flight += bind.in_flight;
      stats.binds.push_back(std::move(bind));
    }
    out.push_back(std::move(stats));
  }
  return out;
}

}  // namespace confab::outbound
