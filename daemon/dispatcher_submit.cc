// The dispatcher's lanes: submitting parts under flow control and the windows, reading the
// carriers' answers, and recording each message's outcome in one batch.

#include <array>
#include <optional>
#include <utility>

#include "daemon/dispatcher_internal.h"
#include "daemon/logging.h"
#include "daemon/receipts.h"
#include "smpp/codec.h"
#include "store/schema.h"

namespace confab::outbound {
namespace {

bool IsThrottle(smpp::CommandStatus status) {
  return status == smpp::CommandStatus::kThrottled || status == smpp::CommandStatus::kMsgQFul;
}

bool IsTransient(smpp::CommandStatus status) {
  return IsThrottle(status) || status == smpp::CommandStatus::kSysErr;
}

void PutBigEndian16(std::array<uint8_t, 2>& out, uint16_t value) {
  out = {static_cast<uint8_t>(value >> 8), static_cast<uint8_t>(value & 0xFF)};
}

}  // namespace

void Dispatcher::State::FailOver(std::size_t route,
                                 std::vector<std::vector<BoundTransmitter>>& sessions) {
  Lane& lane = lanes[route];
  for (auto it = lane.ready.begin(); it != lane.ready.end();) {
    const std::shared_ptr<Outgoing>& message = *it;
    bool started = message->parts_in_flight > 0;
    for (const PartState& part : message->parts) {
      started = started || part.accepted;
    }
    auto routes = options.brand_routes.find(message->key.message.thread.brand);
    std::optional<uint32_t> next;
    if (!started && routes != options.brand_routes.end()) {
      for (uint32_t candidate : routes->second) {
        if (candidate != route && candidate < lanes.size() && !sessions[candidate].empty()) {
          next = candidate;
          break;
        }
      }
    }
    if (!next) {
      ++it;  // waits for a bind of its own carrier
      continue;
    }
    message->route = *next;
    if (!Segment(*message)) {  // the other carrier may want other encoding options
      message->final_state = store::DeliveryState::kFailed;
      Settle(message);
    } else {
      lanes[*next].ready.push_back(message);
    }
    it = lane.ready.erase(it);
  }
}

SteadyTime Dispatcher::State::Pump(SteadyTime now) {
  SteadyTime next = now + options.poll_interval;
  std::vector<std::vector<BoundTransmitter>> bound(lanes.size());
  for (std::size_t route = 0; route < lanes.size(); ++route) {
    if (!lanes[route].ready.empty() || !options.brand_routes.empty()) {
      bound[route] = transmitters(static_cast<uint32_t>(route));
    }
  }
  for (std::size_t route = 0; route < lanes.size(); ++route) {
    if (bound[route].empty() && !lanes[route].ready.empty()) {
      FailOver(route, bound);
    }
  }
  for (std::size_t route = 0; route < lanes.size(); ++route) {
    Lane& lane = lanes[route];
    if (lane.ready.empty()) {
      continue;
    }
    const std::vector<BoundTransmitter>& sessions = bound[route];
    if (sessions.empty()) {
      continue;  // no bind up, and no other carrier for it: the work waits (the poll looks again)
    }
    const std::size_t capacity = lane.options.window * sessions.size();
    bool blocked = false;
    for (auto it = lane.ready.begin(); it != lane.ready.end() && !blocked;) {
      const std::shared_ptr<Outgoing>& message = *it;
      bool pending = false;  // a part of this message still has to go
      for (std::size_t i = 0; i < message->parts.size() && !blocked; ++i) {
        PartState& part = message->parts[i];
        if (part.accepted || part.in_flight || message->final_state) {
          continue;
        }
        if (part.retry_at > now) {
          pending = true;
          next = std::min(next, part.retry_at);
          continue;
        }
        if (lane.parts_in_flight >= capacity) {
          blocked = true;  // the windows are the backpressure: a response frees a slot
          pending = true;
          break;
        }
        const SteadyTime when = lane.flow.Take(1, now);
        if (when > now) {
          blocked = true;
          pending = true;
          next = std::min(next, when);
          break;
        }
        Submit(lane, sessions[lane.next_session++ % sessions.size()], message, i);
      }
      it = pending ? std::next(it) : lane.ready.erase(it);
    }
  }
  return next;
}

void Dispatcher::State::Submit(Lane& lane, const BoundTransmitter& session,
                               const std::shared_ptr<Outgoing>& message, std::size_t index) {
  PartState& part = message->parts[index];
  smpp::ShortMessageBody body;
  body.source = {1, 1, message->source};
  if (!message->source.empty() && message->source.front() != '+') {
    body.source = {3, 0, message->source};  // a short code: network specific
  } else {
    body.source.addr = std::string_view(message->source).substr(1);
  }
  body.destination = {1, 1, std::string_view(message->destination).substr(1)};
  body.esm_class = part.part.esm_class_flags;
  body.data_coding = message->data_coding;
  body.registered_delivery = smpp::registered_delivery::kReceiptOnSuccessOrFailure;
  std::array<uint8_t, 2> ref{};
  std::array<uint8_t, 1> total{};
  std::array<uint8_t, 1> seq{};
  if (part.part.sar) {
    PutBigEndian16(ref, part.part.sar->ref);
    total[0] = part.part.sar->total;
    seq[0] = part.part.sar->seq;
    body.tlvs.Add(smpp::tlv::kSarMsgRefNum, ref);
    body.tlvs.Add(smpp::tlv::kSarTotalSegments, total);
    body.tlvs.Add(smpp::tlv::kSarSegmentSeqnum, seq);
  }
  if (part.part.in_message_payload) {
    body.tlvs.Add(smpp::tlv::kMessagePayload, part.part.short_message);
  } else {
    body.short_message = part.part.short_message;
  }
  smpp::PduBody pdu_body;
  if (lane.options.as_deliver_sm) {
    pdu_body = smpp::DeliverSm{body};
  } else {
    pdu_body = smpp::SubmitSm{body};
  }
  part.in_flight = true;
  ++message->parts_in_flight;
  ++lane.parts_in_flight;
  lane.window_in_use->Set(static_cast<int64_t>(lane.parts_in_flight));
  submitted_parts.Add();
  lane.parts->Add();
  BindSubmitted(lane, session.bind, std::chrono::steady_clock::now());
  {
    std::lock_guard lock(stats_mutex);
    ++stats.submitted_parts;
  }
  // The session encodes before Submit returns, so the views above may die with this frame.
  session->Submit(
      smpp::MakePdu(std::move(pdu_body), 0),
      [this, message, index, bind = session.bind](std::error_code error, smpp::Response response) {
        Event event;
        event.message = message;
        event.part = index;
        event.bind = bind;
        event.error = error;
        if (!error) {
          event.status = response.status();
          event.carrier_id = std::string(response.MessageId());
          event.rtt = response.rtt;
        }
        Post(std::move(event));
      });
}

void Dispatcher::State::OnResponse(Event& event, SteadyTime now) {
  const std::shared_ptr<Outgoing>& message = event.message;
  PartState& part = message->parts[event.part];
  Lane& lane = lanes[message->route];
  part.in_flight = false;
  --message->parts_in_flight;
  --lane.parts_in_flight;
  lane.window_in_use->Set(static_cast<int64_t>(lane.parts_in_flight));
  BindAnswered(lane, event);
  bool retry = false;
  if (!event.error && event.status == smpp::CommandStatus::kOk) {
    part.accepted = true;
    part.carrier_id = std::move(event.carrier_id);
    lane.flow.OnAccepted(now);
    lane.rtt_seconds->Observe(std::chrono::duration<double>(event.rtt).count());
  } else if (event.error == smpp::SessionError::kResponseTimeout) {
    // The carrier may have taken it: never resent blindly (issue #4).
    if (lane.options.resend == config::ResendPolicy::kNone) {
      message->final_state = store::DeliveryState::kUnknown;
    } else {
      retry = true;
      std::lock_guard lock(stats_mutex);
      ++stats.resent_parts;
    }
  } else if (event.error) {
    retry = true;  // the bind went away before answering: another bind takes it
  } else if (IsTransient(event.status)) {
    retry = true;
    if (IsThrottle(event.status)) {
      lane.flow.OnThrottled(now);
      lane.throttled->Add();
      std::lock_guard lock(stats_mutex);
      ++stats.throttled;
    }
  } else {
    // Permanent: the message fails with the carrier's status, kept for the thread view.
    const std::string_view name = smpp::CommandStatusName(event.status);
    Logger("outbound")
        ->info("[{}] refused a message to {}: {}", lane.options.name, message->destination, name);
    message->record.delivery_error = std::string(name.substr(0, 16));
    message->final_state = store::DeliveryState::kFailed;
  }
  if (retry) {
    transient.Add();
    {
      std::lock_guard lock(stats_mutex);
      ++stats.transient_errors;
    }
    if (++part.attempts >= lane.options.max_attempts) {
      message->final_state = store::DeliveryState::kFailed;
    } else {
      part.retry_at = now + smpp::FullJitterDelay(lane.options.retry_base, lane.options.retry_cap,
                                                  part.attempts - 1, rng);
      if (std::find(lane.ready.begin(), lane.ready.end(), message) == lane.ready.end()) {
        lane.ready.push_back(message);
      }
    }
  }
  bool all_accepted = true;
  for (const PartState& p : message->parts) {
    all_accepted = all_accepted && p.accepted;
  }
  if (all_accepted && !message->final_state) {
    message->final_state = store::DeliveryState::kSubmitted;
  }
  Settle(message);
}

void Dispatcher::State::Settle(const std::shared_ptr<Outgoing>& message) {
  if (message->final_state && message->parts_in_flight == 0 && !message->recording) {
    Record(message);
  }
}

void Dispatcher::State::Record(const std::shared_ptr<Outgoing>& message) {
  message->recording = true;
  store::WriteSet writes(handles);
  if (message->defer_until_ms != 0) {
    // Held for quiet hours: the item moves to when the window opens (the next scan past that
    // time sends it); the thread shows the message as deferred meanwhile.
    store::OutboxItem item;
    item.route = message->route;
    message->record.delivery = store::DeliveryState::kDeferred;
    message->record.updated_ms = NowMs();
    if (message->carried) {
      item.message = message->record;
    } else {
      writes.PutMessage(message->key.message, message->record);
    }
    writes.DeleteOutbox(message->key);
    writes.PutOutbox({message->defer_until_ms, message->key.message}, item);
    Commit(message, writes);
    return;
  }
  store::MessageRecord& record = message->record;
  record.delivery = *message->final_state;
  record.updated_ms = NowMs();
  std::vector<std::string> ids;
  const auto parts = static_cast<uint8_t>(std::min<std::size_t>(message->parts.size(), 255));
  const config::ReceiptIdFormat format = lanes[message->route].options.receipt_id_format;
  for (std::size_t i = 0; i < message->parts.size(); ++i) {
    const PartState& part = message->parts[i];
    if (part.accepted) {
      ids.push_back(part.carrier_id);
      writes.PutCarrierRef(message->route, SubmitRefId(part.carrier_id, format),
                           store::CarrierRef{message->key.message, static_cast<uint8_t>(i + 1),
                                             parts, store::DeliveryState::kSubmitted});
    }
  }
  if (!ids.empty()) {
    record.carrier_message_id = ids.front();
  }
  writes.PutMessage(message->key.message, record);
  writes.DeleteOutbox(message->key);
  Commit(message, writes);
}

void Dispatcher::State::Commit(const std::shared_ptr<Outgoing>& message, store::WriteSet& writes) {
  absl::Status submitted = committer.Submit(writes.Release(), [this, message](absl::Status status) {
    Event event;
    event.message = message;
    event.recorded = true;
    event.commit_status = std::move(status);
    Post(std::move(event));
  });
  if (!submitted.ok()) {
    Event event;
    event.message = message;
    event.recorded = true;
    event.commit_status = submitted;
    OnRecorded(event);
  }
}

void Dispatcher::State::OnRecorded(Event& event) {
  const std::shared_ptr<Outgoing>& message = event.message;
  message->recording = false;
  if (!event.commit_status.ok()) {
    // The outcome is not durable: keep the message and try recording again later (its parts
    // are not submitted again).
    Logger("outbound")
        ->error("recording an outbound message failed: {}", event.commit_status.ToString());
    unrecorded.push_back(message);
    return;
  }
  in_flight.erase(message->key_bytes);
  const std::string recipient = store::ThreadKey(message->key.message.thread);
  busy_threads.erase(recipient);
  LaunchNextFor(recipient);
  std::vector<std::string> ids;
  {
    std::lock_guard lock(stats_mutex);
    switch (*message->final_state) {
      case store::DeliveryState::kSubmitted:
        ++stats.accepted_messages;
        accepted.Add();
        if (message->record.kind == store::MessageKind::kKeywordReply ||
            message->record.kind == store::MessageKind::kAutoResponse) {
          const uint64_t now = NowMs();
          const uint64_t since = message->record.created_ms;
          mo_reply_seconds.Observe(now > since ? static_cast<double>(now - since) / 1000 : 0);
        }
        break;
      case store::DeliveryState::kUnknown:
        ++stats.unknown_messages;
        unknown.Add();
        break;
      case store::DeliveryState::kDeferred:
        ++stats.deferred_messages;
        deferred.Add();
        break;
      default:
        ++stats.failed_messages;
        failed.Add();
        break;
    }
  }
  const config::ReceiptIdFormat format = lanes[message->route].options.receipt_id_format;
  for (const PartState& part : message->parts) {
    if (part.accepted) {
      ids.push_back(SubmitRefId(part.carrier_id, format));
    }
  }
  if (refs_stored && !ids.empty()) {
    refs_stored(message->route, std::move(ids));
  }
  if (observer) {
    observer(message->key.message, *message->final_state);
  }
}

}  // namespace confab::outbound
