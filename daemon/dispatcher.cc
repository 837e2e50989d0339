// The dispatcher's worker: its loop, and preparing a message for its carrier (compliance guard,
// segmentation). Reading the outbox: dispatcher_outbox.cc. Submitting and recording:
// dispatcher_submit.cc.

#include "daemon/dispatcher.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "base/clock.h"
#include "base/thread_name.h"
#include "daemon/dispatcher_internal.h"
#include "daemon/logging.h"
#include "store/schema.h"

namespace confab::outbound {
namespace {

metrics::Counter& Outcome(metrics::Registry& registry, std::string_view outcome) {
  return registry.GetCounter("confab_outbound_messages_total",
                             "Outbound messages by how their submission ended",
                             {{"outcome", std::string(outcome)}});
}

// Kinds that need the recipient's consent (product §6; issue #4's compliance guard). Keyword
// replies (the opt-out confirmation above all) and auto-responses answer the subscriber's own
// message and were decided by the pipeline under product §2–§3.
bool NeedsConsent(store::MessageKind kind) {
  return kind == store::MessageKind::kAgentReply || kind == store::MessageKind::kCampaign ||
         kind == store::MessageKind::kFlow;
}

}  // namespace

Dispatcher::State::State(const store::KvSource& kv, const store::CfHandles& cf_handles,
                         store::GroupCommitter& group_committer, TransmitterSource sessions,
                         DispatcherOptions dispatcher_options, metrics::Registry& registry)
    : source(kv),
      handles(cf_handles),
      committer(group_committer),
      transmitters(std::move(sessions)),
      options(std::move(dispatcher_options)),
      reader(kv),
      metrics_registry(registry),
      submitted_parts(registry.GetCounter("confab_outbound_parts_submitted_total",
                                          "submit_sm parts handed to a carrier bind")),
      accepted(Outcome(registry, "submitted")),
      mo_reply_seconds(registry.GetHistogram(
          "confab_mo_reply_seconds",
          "MO decided (reply queued) → reply accepted by the carrier; keyword replies and "
          "auto-responses",
          metrics::LatencyBuckets())),
      failed(Outcome(registry, "failed")),
      refused(Outcome(registry, "refused_compliance")),
      unknown(Outcome(registry, "unknown")),
      deferred(Outcome(registry, "deferred_quiet_hours")),
      transient(registry.GetCounter("confab_outbound_transient_errors_total",
                                    "Parts answered with a temporary error or lost, retried")) {
  if (!options.clock) {
    options.clock = UnixMillisNow;
  }
  for (const RouteOptions& route : options.routes) {
    Lane lane{route, FlowControl(route.flow), {}, 0, 0, nullptr, nullptr, nullptr, nullptr, nullptr,
              {}};
    lane.parts = &registry.GetCounter("confab_outbound_carrier_parts_total",
                                      "submit_sm parts sent, per carrier (rate() = TPS)",
                                      {{"carrier", route.name}});
    lane.window_in_use = &registry.GetGauge("confab_outbound_window_in_use",
                                            "Parts submitted and not yet answered, per carrier",
                                            {{"carrier", route.name}});
    lane.throttled = &registry.GetCounter("confab_outbound_throttled_total",
                                          "ESME_RTHROTTLED / ESME_RMSGQFUL answers, per carrier",
                                          {{"carrier", route.name}});
    lane.rtt_seconds = &registry.GetHistogram("confab_outbound_submit_rtt_seconds",
                                              "submit_sm → submit_sm_resp, per carrier",
                                              metrics::LatencyBuckets(), {{"carrier", route.name}});
    lane.queue_depth = &registry.GetGauge(
        "confab_outbound_queue_depth",
        "Messages waiting for a carrier: read from the outbox, parts still to submit",
        {{"carrier", route.name}});
    lanes.push_back(std::move(lane));
  }
  queued.assign(lanes.size(), 0);
}

Dispatcher::Dispatcher(const store::KvSource& source, const store::CfHandles& handles,
                       store::GroupCommitter& committer, TransmitterSource transmitters,
                       DispatcherOptions options, metrics::Registry& metrics)
    : state_(std::make_unique<State>(source, handles, committer, std::move(transmitters),
                                     std::move(options), metrics)) {}

Dispatcher::~Dispatcher() { Stop(); }

void Dispatcher::SetRefsStored(RefsStored callback) { state_->refs_stored = std::move(callback); }

void Dispatcher::SetObserver(Recorded callback) { state_->observer = std::move(callback); }

void Dispatcher::Start() {
  state_->thread = std::thread([state = state_.get()] {
    NameThisThread("dispatcher");
    state->Run();
  });
}

void Dispatcher::Stop() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->wake.notify_all();
  if (state_->thread.joinable()) {
    state_->thread.join();
  }
}

void Dispatcher::Hand(std::vector<store::OutboxEntry> items) {
  if (items.empty()) {
    return;
  }
  {
    std::lock_guard lock(state_->mutex);
    state_->kicked = true;
    if (state_->handed.empty()) {
      state_->handed = std::move(items);
    } else {
      std::move(items.begin(), items.end(), std::back_inserter(state_->handed));
    }
  }
  state_->wake.notify_one();
}

void Dispatcher::Kick(uint64_t earliest_due_ms) {
  {
    std::lock_guard lock(state_->mutex);
    state_->kicked = true;
    state_->rewind_to = std::min(state_->rewind_to, earliest_due_ms);
  }
  state_->wake.notify_one();
}

Dispatcher::Stats Dispatcher::stats() const {
  std::lock_guard lock(state_->stats_mutex);
  return state_->stats;
}

void Dispatcher::State::Post(Event event) {
  bool was_empty = false;
  {
    std::lock_guard lock(mutex);
    was_empty = events.empty();
    events.push_back(std::move(event));
  }
  // The worker takes every queued event at once: only the first of a burst needs to wake it.
  if (was_empty) {
    wake.notify_one();
  }
}

void Dispatcher::State::Run() {
  SteadyTime next = std::chrono::steady_clock::now();
  SteadyTime next_fill = next;
  SteadyTime next_rescan = next + options.rescan_interval;
  for (;;) {
    std::deque<Event> batch;
    std::vector<store::OutboxEntry> handed_now;
    bool stop = false;
    uint64_t rewind = UINT64_MAX;
    {
      std::unique_lock lock(mutex);
      wake.wait_until(lock, next, [&] { return !events.empty() || kicked || stopping; });
      batch.swap(events);
      handed_now.swap(handed);
      kicked = false;
      stop = stopping;
      std::swap(rewind, rewind_to);
    }
    if (rewind != UINT64_MAX) {
      caught_up = false;  // something was written that the scan has not read: it goes first
    }
    const uint64_t now_ms = NowMs();
    uint64_t taken = 0;
    for (store::OutboxEntry& entry : handed_now) {
      if (stop) {
        break;  // left in the outbox for the next start
      }
      if (TakeHanded(entry, now_ms)) {
        ++taken;
      } else {
        rewind = std::min(rewind, entry.first.due_ms);
        caught_up = false;  // the scan reads it when there is room
      }
    }
    if (taken > 0) {
      std::lock_guard lock(stats_mutex);  // once per wake-up, not per reply
      stats.handed_taken += taken;
    }
    if (rewind != UINT64_MAX && cursor && rewind <= cursor->due_ms) {
      // Back to just before the new items (the scan resumes strictly after the cursor).
      cursor = rewind == 0 ? std::nullopt
                           : std::optional<store::OutboxKey>(store::OutboxKey{
                                 rewind - 1, {{UINT64_MAX, UINT64_MAX}, UINT32_MAX}});
    }
    const SteadyTime now = std::chrono::steady_clock::now();
    for (Event& event : batch) {
      if (event.recorded) {
        OnRecorded(event);
      } else {
        OnResponse(event, now);
      }
    }
    if (!unrecorded.empty() && batch.empty()) {
      // A poll interval after the failure (nothing else woke us): try recording again.
      for (const std::shared_ptr<Outgoing>& message : std::exchange(unrecorded, {})) {
        Record(message);
      }
    }
    if (stop) {
      // Nothing new is submitted; wait for what is in flight (the sessions time it out).
      bool busy = false;
      for (const auto& [key, message] : in_flight) {
        busy = busy || message->parts_in_flight > 0 || message->recording;
      }
      if (!busy) {
        return;
      }
      next = now + options.poll_interval;
      continue;
    }
    // Refill in batches: one outbox scan per quarter of the cap freed, or per poll, rather
    // than an iterator per answer.
    if (now >= next_rescan) {
      // Now and then the scan starts over: a safety net for items written behind the cursor
      // without a Kick saying so.
      cursor.reset();
      caught_up = false;
      next_rescan = now + options.rescan_interval;
    }
    // Caught up, the scan would only read back what was handed over: it waits for the poll,
    // which finds what became due since (retries, deferred sends).
    if ((!caught_up && in_flight.size() <= options.max_messages_in_flight * 3 / 4) ||
        now >= next_fill) {
      Fill(NowMs());
      next_fill = now + options.poll_interval;
    }
    next = std::min(Pump(std::chrono::steady_clock::now()),
                    std::chrono::steady_clock::now() + options.poll_interval);
    UpdateQueueDepths();
  }
}

std::shared_ptr<Outgoing> Dispatcher::State::Prepare(const store::OutboxKey& key,
                                                     store::OutboxItem item) {
  auto message = std::make_shared<Outgoing>();
  message->key = key;
  message->route = item.route < lanes.size() ? item.route : 0;
  message->carried = item.message.has_value();
  if (item.message) {
    message->record = *std::move(item.message);
  } else {
    auto stored = reader.GetMessage(key.message);
    if (!stored.ok() || !*stored) {
      Logger("outbound")
          ->warn("outbox item without its message ({}): dropped",
                 stored.ok() ? "none" : stored.status().ToString());
      message->final_state = store::DeliveryState::kFailed;
      return message;
    }
    message->record = **std::move(stored);
  }
  message->source = store::NumberText(key.message.thread.brand);
  message->destination = store::NumberText(key.message.thread.profile);
  if (lanes.empty()) {
    message->final_state = store::DeliveryState::kFailed;
    return message;
  }
  if (NeedsConsent(message->record.kind)) {
    auto profile = reader.GetProfile(key.message.thread);
    if (!profile.ok()) {
      return nullptr;  // try again at the next scan
    }
    if (!*profile || (*profile)->consent != store::Consent::kSubscribed || (*profile)->blocked) {
      refused.Add();
      std::lock_guard lock(stats_mutex);
      ++stats.refused_messages;
      message->final_state = store::DeliveryState::kFailed;
      return message;
    }
    if (options.quiet_hours) {
      const uint64_t now = NowMs();
      if (const uint64_t hold = options.quiet_hours(key.message, **profile, now); hold > now) {
        message->defer_until_ms = hold;
        message->final_state = store::DeliveryState::kDeferred;
        return message;
      }
    }
  }
  // Queued, or deferred by quiet hours (held before it was shortened): shortened as it goes.
  // Text the API finalized is left as it is (the shortener skips our own short links).
  if (options.shorten && (message->record.delivery == store::DeliveryState::kQueued ||
                          message->record.delivery == store::DeliveryState::kDeferred)) {
    absl::StatusOr<std::string> shortened = options.shorten(key.message, message->record.text);
    if (!shortened.ok()) {
      Logger("outbound")
          ->warn("shortening links: {}; the message waits", shortened.status().ToString());
      return nullptr;  // the next scan tries again
    }
    message->record.text = *std::move(shortened);
  }
  if (!Segment(*message)) {
    message->final_state = store::DeliveryState::kFailed;
  }
  return message;
}

bool Dispatcher::State::Segment(Outgoing& message) {
  const Lane& lane = lanes[message.route];
  absl::StatusOr<smpp::SegmentedMessage> segmented =
      smpp::SegmentText(message.record.text, lane.options.segment,
                        [this] { return static_cast<uint16_t>(rng() & 0xFFFF); });
  if (!segmented.ok()) {
    Logger("outbound")
        ->warn("cannot encode an outbound message: {}", segmented.status().ToString());
    return false;
  }
  message.data_coding = segmented->data_coding;
  message.record.segments =
      static_cast<uint8_t>(std::min<std::size_t>(segmented->parts.size(), 255));
  message.parts.clear();
  for (smpp::MessagePart& part : segmented->parts) {
    PartState state;
    state.part = std::move(part);
    message.parts.push_back(std::move(state));
  }
  return true;
}

}  // namespace confab::outbound
