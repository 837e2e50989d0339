// The inbound side of a Session: the reader coroutine, and what each decoded PDU does.

#include <algorithm>
#include <cstring>

#include "boost/asio/as_tuple.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "smpp/codec.h"
#include "smpp/session.h"

namespace confab::smpp {
namespace asio = boost::asio;

namespace {

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
constexpr uint8_t kScVersion[] = {kInterfaceVersion34};

const BindBody* BindBodyOf(const PduBody& body) {
  if (const auto* tx = std::get_if<BindTransmitter>(&body)) {
    return tx;
  }
  if (const auto* rx = std::get_if<BindReceiver>(&body)) {
    return rx;
  }
  if (const auto* trx = std::get_if<BindTransceiver>(&body)) {
    return trx;
  }
  return nullptr;
}

}  // namespace

asio::awaitable<void> Session::ReadLoop(std::shared_ptr<Session> /*self*/) {
  // One buffer for the session's life. PDUs are decoded in place (views into it); the partial PDU
  // at the end is moved to the front before the next read, and the buffer grows only when a
  // single PDU does not fit.
  std::vector<uint8_t> buffer(std::max<std::size_t>(options_.read_buffer_bytes, 256));
  const std::size_t max_size =
      std::max<std::size_t>(buffer.size(), options_.decoder.max_command_length);
  std::size_t begin = 0;
  std::size_t end = 0;
  while (state() != SessionState::kClosed && !close_after_flush_) {
    bool paused = false;
    while (begin < end && state() != SessionState::kClosed && !close_after_flush_) {
      // Backpressure: with `window` requests in the handler's hands, decode nothing more (the
      // next PDU may be a request) and read nothing more: TCP tells the peer to wait.
      if (inbound_in_use_ >= options_.window) {
        paused = true;
        break;
      }
      DecodeResult result =
          Decode(std::span<const uint8_t>(buffer.data() + begin, end - begin), options_.decoder);
      if (result.state == DecodeState::kNeedMore) {
        break;
      }
      std::span<const uint8_t> raw(buffer.data() + begin, result.consumed);
      begin += result.consumed;
      HandleDecoded(result, raw);
    }
    if (state() == SessionState::kClosed || close_after_flush_) {
      break;
    }
    if (paused) {
      reader_paused_ = true;
      reader_wake_.expires_at(SteadyClock::time_point::max());
      co_await reader_wake_.async_wait(kAwait);
      reader_paused_ = false;
      continue;
    }
    if (begin == end) {
      begin = end = 0;
    } else if (begin > 0) {
      std::memmove(buffer.data(), buffer.data() + begin, end - begin);
      end -= begin;
      begin = 0;
    }
    if (end == buffer.size()) {
      if (buffer.size() >= max_size) {  // the decoder refuses longer PDUs before this
        CloseNow(SessionError::kProtocolError);
        break;
      }
      buffer.resize(std::min(max_size, buffer.size() * 2));
    }
    auto [ec, n] = co_await socket_.async_read_some(
        asio::buffer(buffer.data() + end, buffer.size() - end), kAwait);
    if (ec) {
      CloseNow(ec == asio::error::eof ? std::error_code(SessionError::kClosed)
                                      : std::error_code(ec));
      break;
    }
    end += n;
    bytes_received_.Add(n);
    last_rx_ = SteadyClock::now();
  }
}

void Session::HandleDecoded(const DecodeResult& result, std::span<const uint8_t> raw) {
  const Header& header = result.pdu.header;
  switch (result.state) {
    case DecodeState::kOk:
      if (IsResponse(header.command_id)) {
        HandleResponse(result.pdu, raw);
      } else {
        HandleRequest(result.pdu);
      }
      return;
    case DecodeState::kRejected:
      if (IsResponse(header.command_id)) {
        // Never answer a response. A malformed one still ends the request it answers.
        if (auto entry = window_.Take(header.sequence_number)) {
          responses_received_.Add();
          window_in_use_.value.store(window_.size(), std::memory_order_relaxed);
          PumpWaiters();
          entry->completion(SessionError::kProtocolError, {});
        } else {
          unknown_responses_.Add();
        }
        return;
      }
      requests_received_.Add();
      nacks_sent_.Add();
      QueuePdu(ErrorResponseFor(header, result.error));
      return;
    case DecodeState::kFatal: {
      Pdu nack;
      nack.header.command_id = static_cast<uint32_t>(CommandId::kGenericNack);
      nack.header.command_status = result.error;
      nack.header.sequence_number = header.sequence_number;
      nack.body = GenericNack{};
      nacks_sent_.Add();
      QueuePdu(nack);
      Emit(SessionEvent::Kind::kProtocolError, SessionError::kProtocolError, result.error);
      CloseAfterFlush(SessionError::kProtocolError);
      return;
    }
    case DecodeState::kNeedMore:
      return;
  }
}

void Session::HandleResponse(const Pdu& pdu, std::span<const uint8_t> raw) {
  std::optional<Outstanding> entry = window_.Take(pdu.header.sequence_number);
  if (!entry) {
    unknown_responses_.Add();  // dropped, never answered (facts §10)
    return;
  }
  bool nack = pdu.header.id() == CommandId::kGenericNack;
  if (!nack && pdu.header.command_id != static_cast<uint32_t>(ResponseIdOf(entry->command))) {
    // Right sequence number, wrong kind of response: not ours. Keep waiting for the real one.
    window_.Insert(std::move(*entry), true);
    unknown_responses_.Add();
    return;
  }
  responses_received_.Add();
  if (nack) {
    nacks_received_.Add();
  }
  if (entry->command != CommandId::kEnquireLink) {
    activity_seen_ = true;
  }
  Response response;
  response.header = pdu.header;
  response.rtt = last_rx_ - entry->sent_at;
  response.bytes.assign(raw.begin(), raw.end());
  last_rtt_ns_.value.store(response.rtt.count(), std::memory_order_relaxed);
  window_in_use_.value.store(window_.size(), std::memory_order_relaxed);
  PumpWaiters();  // FIFO: those already waiting get the freed slot first
  entry->completion({}, std::move(response));
}

void Session::HandleRequest(const Pdu& pdu) {
  requests_received_.Add();
  const Header& header = pdu.header;
  CommandId id = header.id();
  if (id != CommandId::kEnquireLink) {
    activity_seen_ = true;
  }
  CommandStatus allowed = CheckInboundRequest(role_, state(), id);
  if (allowed != CommandStatus::kOk) {
    if (ExpectsResponse(id)) {
      nacks_sent_.Add();
      QueuePdu(Pdu{ResponseHeaderFor(header, allowed), EmptyResponseBody(id)});
    }
    return;
  }
  switch (id) {
    case CommandId::kEnquireLink:
      responses_sent_.Add();
      QueuePdu(Pdu{ResponseHeaderFor(header), EnquireLinkResp{}});
      return;
    case CommandId::kUnbind:
      responses_sent_.Add();
      QueuePdu(Pdu{ResponseHeaderFor(header), UnbindResp{}});
      if (state() != SessionState::kUnbinding) {
        bound_state_ = state();
        SetState(SessionState::kUnbinding);
      }
      Emit(SessionEvent::Kind::kUnbound);
      CloseAfterFlush(SessionError::kUnbound);
      return;
    case CommandId::kBindTransmitter:
    case CommandId::kBindReceiver:
    case CommandId::kBindTransceiver:
      HandleBindRequest(pdu);
      return;
    case CommandId::kOutbind:
      if (handler_) {
        handler_->OnOutbind(*this, std::get<Outbind>(pdu.body));
      }
      return;
    case CommandId::kAlertNotification:
      if (handler_) {
        handler_->OnRequest(*this, pdu, Responder());
      }
      return;
    default:
      break;
  }
  ++inbound_in_use_;
  inbound_in_use_counter_.value.store(inbound_in_use_, std::memory_order_relaxed);
  Responder responder(shared_from_this(), header);
  if (handler_) {
    handler_->OnRequest(*this, pdu, std::move(responder));
  }
  // A responder the handler did not keep answers ESME_RSYSERR as it dies here.
}

void Session::HandleBindRequest(const Pdu& pdu) {
  const BindBody* body = BindBodyOf(pdu.body);
  if (body == nullptr) {
    return;
  }
  CommandId id = pdu.header.id();
  BindType type = id == CommandId::kBindTransmitter ? BindType::kTransmitter
                  : id == CommandId::kBindReceiver  ? BindType::kReceiver
                                                    : BindType::kTransceiver;
  BindRequest request;
  request.type = type;
  request.system_id = body->system_id;
  request.password = body->password;
  request.system_type = body->system_type;
  request.interface_version = body->interface_version;
  request.address_range = body->address_range;
  request.peer = remote_;
  CommandStatus status = handler_ ? handler_->OnBind(*this, request) : CommandStatus::kBindFail;

  Pdu response;
  response.header = ResponseHeaderFor(pdu.header, status);
  BindRespBody* resp_body = nullptr;
  switch (type) {
    case BindType::kTransmitter:
      resp_body = &response.body.emplace<BindTransmitterResp>();
      break;
    case BindType::kReceiver:
      resp_body = &response.body.emplace<BindReceiverResp>();
      break;
    case BindType::kTransceiver:
      resp_body = &response.body.emplace<BindTransceiverResp>();
      break;
  }
  resp_body->system_id = options_.local_system_id;
  resp_body->tlvs.Add(tlv::kScInterfaceVersion, kScVersion);
  responses_sent_.Add();
  QueuePdu(response);
  if (status != CommandStatus::kOk) {
    Emit(SessionEvent::Kind::kBindRefused, {}, status, body->system_id);
    CloseAfterFlush(SessionError::kBindRefused);
    return;
  }
  {
    std::lock_guard lock(peer_mutex_);
    peer_system_id_ = std::string(body->system_id);
  }
  SetState(BoundStateFor(type));
  last_activity_ = SteadyClock::now();
  WakeWatchdog(last_activity_);  // bound: enquire/inactivity timers start
  Emit(SessionEvent::Kind::kBound, {}, CommandStatus::kOk, body->system_id);
  if (handler_) {
    handler_->OnBound(*this);
  }
}

// ---- Answers to the peer's requests (through Responder) --------------------------------------

void Session::AnswerInbound(const Header& request, CommandStatus status, const PduBody* body) {
  Pdu response;
  response.header = ResponseHeaderFor(request, status);
  if (body != nullptr && status == CommandStatus::kOk &&
      CommandIdOf(*body) == ResponseIdOf(request.id())) {
    response.body = *body;
  } else {
    response.body = EmptyResponseBody(request.id());
  }
  if (strand_.running_in_this_thread()) {
    if (state() == SessionState::kClosed) {
      return;
    }
    responses_sent_.Add();
    QueuePdu(response);
    ReleaseInbound();
    return;
  }
  // Another thread: encode here (the caller's views die after this call), then hop.
  std::vector<uint8_t> bytes;
  Encode(response, bytes);
  asio::post(strand_, [self = shared_from_this(), bytes = std::move(bytes)] {
    self->FinishInbound(bytes, true);
  });
}

void Session::FinishInbound(std::span<const uint8_t> encoded, bool counts_in_window) {
  if (state() == SessionState::kClosed) {
    return;
  }
  responses_sent_.Add();
  pending_.insert(pending_.end(), encoded.begin(), encoded.end());
  WakeWriter();
  if (counts_in_window) {
    ReleaseInbound();
  }
}

void Session::ReleaseInbound() {
  if (inbound_in_use_ > 0) {
    --inbound_in_use_;
    inbound_in_use_counter_.value.store(inbound_in_use_, std::memory_order_relaxed);
  }
  if (reader_paused_ && inbound_in_use_ < options_.window) {
    reader_paused_ = false;
    reader_wake_.cancel();
  }
}

}  // namespace confab::smpp
