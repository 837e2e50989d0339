// Session lifecycle, outbound requests, writer and watchdog. The inbound side (reader, request
// and response handling) is in session_inbound.cc.

#include "smpp/session.h"

#include <algorithm>

#include "boost/asio/as_tuple.hpp"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "boost/asio/write.hpp"
#include "smpp/codec.h"

namespace confab::smpp {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

void PatchSequence(uint8_t* header, uint32_t sequence) {
  header[12] = static_cast<uint8_t>(sequence >> 24);
  header[13] = static_cast<uint8_t>(sequence >> 16);
  header[14] = static_cast<uint8_t>(sequence >> 8);
  header[15] = static_cast<uint8_t>(sequence);
}

}  // namespace

std::shared_ptr<Session> Session::Create(tcp::socket socket, Role role, SessionOptions options,
                                         std::shared_ptr<SessionHandler> handler) {
  return std::shared_ptr<Session>(
      new Session(std::move(socket), role, std::move(options), std::move(handler)));
}

Session::Session(tcp::socket socket, Role role, SessionOptions options,
                 std::shared_ptr<SessionHandler> handler)
    : role_(role),
      options_(std::move(options)),
      handler_(std::move(handler)),
      socket_(std::move(socket)),
      strand_(asio::make_strand(socket_.get_executor())),
      window_(options_.window),
      writer_wake_(strand_),
      reader_wake_(strand_),
      watchdog_(strand_) {
  boost::system::error_code ignored;
  remote_ = socket_.remote_endpoint(ignored);
  socket_.set_option(tcp::no_delay(true), ignored);
  pending_.reserve(64 * 1024);
  writing_.reserve(64 * 1024);
}

Session::~Session() = default;

void Session::Start(std::function<void(Session&, std::error_code)> on_closed) {
  asio::dispatch(strand_, [self = shared_from_this(), on_closed = std::move(on_closed)]() mutable {
    self->on_closed_ = std::move(on_closed);
    SteadyClock::time_point now = SteadyClock::now();
    self->open_deadline_ = now + self->options_.bind_timeout;
    self->last_rx_ = now;
    self->last_activity_ = now;
    asio::co_spawn(self->strand_, self->ReadLoop(self), asio::detached);
    asio::co_spawn(self->strand_, self->WriteLoop(self), asio::detached);
    asio::co_spawn(self->strand_, self->WatchdogLoop(self), asio::detached);
  });
}

// ---- Outbound requests ----------------------------------------------------------------------

bool Session::HasRoom() const {
  return !window_.full() && pending_.size() + writing_.size() < options_.send_queue_bytes;
}

void Session::Submit(const Pdu& request, Completion completion) {
  CommandId command = request.header.id();
  bool on_strand = strand_.running_in_this_thread();
  // Fast path: on the strand with room, encode straight into the write buffer.
  if (on_strand && waiting_.empty() && HasRoom() && MaySend(role_, state(), command)) {
    SendNow(nullptr, &request, command, std::move(completion), options_.response_timeout,
            SessionError::kResponseTimeout, false);
    return;
  }
  Waiting waiting{{}, command, std::move(completion)};
  Encode(request, waiting.bytes);
  if (on_strand) {
    SubmitOnStrand(std::move(waiting));
  } else {
    asio::post(strand_, [self = shared_from_this(), waiting = std::move(waiting)]() mutable {
      self->SubmitOnStrand(std::move(waiting));
    });
  }
}

void Session::SubmitOnStrand(Waiting waiting) {
  SessionState now_state = state();
  if (!MaySend(role_, now_state, waiting.command)) {
    std::error_code ec =
        now_state == SessionState::kClosed ? SessionError::kClosed : SessionError::kNotAllowed;
    // Posted, so that a completion never runs inside the caller's Submit.
    asio::post(strand_, [c = std::move(waiting.completion), ec]() mutable { c(ec, {}); });
    return;
  }
  if (waiting_.empty() && HasRoom()) {
    SendNow(&waiting.bytes, nullptr, waiting.command, std::move(waiting.completion),
            options_.response_timeout, SessionError::kResponseTimeout, false);
  } else {
    waiting_.push_back(std::move(waiting));
  }
}

void Session::SendNow(std::vector<uint8_t>* owned, const Pdu* pdu, CommandId command,
                      Completion completion, Millis timeout, std::error_code timeout_error,
                      bool force) {
  uint32_t sequence = sequence_.Next();
  while (window_.Contains(sequence)) {  // only after a wrap with a very old request outstanding
    sequence = sequence_.Next();
  }
  std::size_t start = pending_.size();
  if (owned != nullptr) {
    pending_.insert(pending_.end(), owned->begin(), owned->end());
  } else {
    Encode(*pdu, pending_);
  }
  PatchSequence(pending_.data() + start, sequence);
  requests_sent_.Add();
  if (command != CommandId::kEnquireLink) {
    activity_seen_ = true;
  }
  WakeWriter();
  if (!ExpectsResponse(command)) {
    asio::post(strand_, [c = std::move(completion)]() mutable { c({}, {}); });
    return;
  }
  SteadyClock::time_point now = SteadyClock::now();
  window_.Insert(
      Outstanding{sequence, command, now, now + timeout, timeout_error, std::move(completion)},
      force);
  window_in_use_.value.store(window_.size(), std::memory_order_relaxed);
  WakeWatchdog(now + timeout);
}

void Session::PumpWaiters() {
  while (!waiting_.empty() && HasRoom() && MaySend(role_, state(), waiting_.front().command)) {
    Waiting waiting = std::move(waiting_.front());
    waiting_.pop_front();
    SendNow(&waiting.bytes, nullptr, waiting.command, std::move(waiting.completion),
            options_.response_timeout, SessionError::kResponseTimeout, false);
  }
}

void Session::QueuePdu(const Pdu& pdu) {
  Encode(pdu, pending_);
  WakeWriter();
}

void Session::Bind(BindType type, const BindCredentials& credentials, Completion completion) {
  asio::post(strand_, [self = shared_from_this(), type, credentials,
                       completion = std::move(completion)]() mutable {
    if (self->role_ != Role::kEsme || self->state() != SessionState::kOpen || self->bind_pending_) {
      std::error_code ec = self->state() == SessionState::kClosed ? SessionError::kClosed
                                                                  : SessionError::kNotAllowed;
      completion(ec, {});
      return;
    }
    BindBody body;
    body.system_id = credentials.system_id;
    body.password = credentials.password;
    body.system_type = credentials.system_type;
    body.addr_ton = credentials.addr_ton;
    body.addr_npi = credentials.addr_npi;
    body.address_range = credentials.address_range;
    Pdu pdu = MakeBindPdu(type, body);
    self->bind_pending_ = true;
    Session* session = self.get();
    auto on_response = [session, type, user = std::move(completion)](std::error_code ec,
                                                                     Response response) mutable {
      session->bind_pending_ = false;
      bool bound =
          !ec && response.status() == CommandStatus::kOk && session->state() == SessionState::kOpen;
      if (bound) {
        {
          std::lock_guard lock(session->peer_mutex_);
          session->peer_system_id_ = std::string(response.MessageId());
        }
        session->SetState(BoundStateFor(type));
        session->last_activity_ = SteadyClock::now();
        session->WakeWatchdog(session->last_activity_);  // bound: enquire/inactivity timers start
        session->Emit(SessionEvent::Kind::kBound, {}, CommandStatus::kOk, session->peer_system_id_);
        if (session->handler_) {
          session->handler_->OnBound(*session);
        }
      } else if (!ec) {
        session->Emit(SessionEvent::Kind::kBindRefused, {}, response.status());
      }
      user(ec, std::move(response));
      if (ec == SessionError::kBindTimeout) {
        session->CloseNow(ec);
      }
    };
    self->SendNow(nullptr, &pdu, BindCommandFor(type), std::move(on_response),
                  self->options_.bind_timeout, SessionError::kBindTimeout, true);
  });
}

void Session::SendOutbind(std::string_view system_id, std::string_view password) {
  asio::post(strand_, [self = shared_from_this(), system_id = std::string(system_id),
                       password = std::string(password)] {
    if (self->role_ != Role::kSmsc || self->state() != SessionState::kOpen) {
      return;
    }
    Pdu pdu;
    pdu.header.command_id = static_cast<uint32_t>(CommandId::kOutbind);
    pdu.header.sequence_number = self->sequence_.Next();
    pdu.body = Outbind{system_id, password};
    self->requests_sent_.Add();
    self->QueuePdu(pdu);
  });
}

void Session::SendEnquireLink() {
  Pdu pdu;
  pdu.header.command_id = static_cast<uint32_t>(CommandId::kEnquireLink);
  pdu.body = EnquireLink{};
  enquire_outstanding_ = true;
  SendNow(
      nullptr, &pdu, CommandId::kEnquireLink,
      [this](std::error_code ec, Response) {
        enquire_outstanding_ = false;
        if (ec == SessionError::kResponseTimeout) {
          CloseNow(SessionError::kDeadPeer);
          return;
        }
        WakeWatchdog(last_rx_ + options_.enquire_link_interval);
      },
      options_.response_timeout, SessionError::kResponseTimeout, true);
}

// ---- Unbind and close -----------------------------------------------------------------------

void Session::StartUnbind(std::error_code reason) {
  bound_state_ = state();
  SetState(SessionState::kUnbinding);
  unbind_deadline_ = SteadyClock::now() + options_.unbind_grace;
  Pdu pdu;
  pdu.header.command_id = static_cast<uint32_t>(CommandId::kUnbind);
  pdu.body = smpp::Unbind{};
  // The unbind_resp (or its absence within the grace) ends the session either way.
  SendNow(
      nullptr, &pdu, CommandId::kUnbind,
      [this, reason](std::error_code, Response) { CloseNow(reason); }, options_.unbind_grace,
      SessionError::kUnbound, true);
}

void Session::Unbind(CloseCompletion completion) {
  asio::post(strand_, [self = shared_from_this(), completion = std::move(completion)]() mutable {
    if (self->state() == SessionState::kClosed) {
      completion(self->close_reason_);
      return;
    }
    self->close_waiters_.push_back(std::move(completion));
    if (IsBound(self->state())) {
      self->StartUnbind(SessionError::kUnbound);
    } else if (self->state() == SessionState::kOpen) {
      self->CloseNow(SessionError::kStopped);
    }
  });
}

void Session::WaitClosed(CloseCompletion completion) {
  asio::dispatch(strand_,
                 [self = shared_from_this(), completion = std::move(completion)]() mutable {
                   if (self->state() == SessionState::kClosed) {
                     completion(self->close_reason_);
                   } else {
                     self->close_waiters_.push_back(std::move(completion));
                   }
                 });
}

void Session::Close(std::error_code reason) {
  asio::dispatch(strand_, [self = shared_from_this(), reason] { self->CloseNow(reason); });
}

void Session::CloseAfterFlush(std::error_code reason) {
  if (!close_after_flush_) {
    close_after_flush_ = true;
    flush_reason_ = reason;
    if (unbind_deadline_ == SteadyClock::time_point::max()) {
      unbind_deadline_ = SteadyClock::now() + options_.unbind_grace;
      WakeWatchdog(unbind_deadline_);
    }
  }
  if (writer_idle_) {
    writer_idle_ = false;
    writer_wake_.cancel();
  }
}

void Session::CloseNow(std::error_code reason) {
  if (state() == SessionState::kClosed) {
    return;
  }
  SetState(SessionState::kClosed);
  close_reason_ = reason;
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  writer_wake_.cancel();
  reader_wake_.cancel();
  watchdog_.cancel();
  std::vector<Outstanding> outstanding;
  window_.TakeAll(outstanding);
  window_in_use_.value.store(0, std::memory_order_relaxed);
  std::deque<Waiting> waiting = std::move(waiting_);
  waiting_.clear();
  Emit(SessionEvent::Kind::kClosed, reason);
  for (Outstanding& entry : outstanding) {
    entry.completion(SessionError::kClosed, {});
  }
  for (Waiting& entry : waiting) {
    entry.completion(SessionError::kClosed, {});
  }
  if (handler_) {
    handler_->OnClosed(*this, reason);
  }
  if (on_closed_) {
    on_closed_(*this, reason);
  }
  // Nothing calls the handler after this; dropping it breaks session -> handler -> held
  // Responder -> session cycles.
  handler_.reset();
  on_closed_ = nullptr;
  std::vector<CloseCompletion> waiters = std::move(close_waiters_);
  close_waiters_.clear();
  for (CloseCompletion& waiter : waiters) {
    waiter(reason);
  }
}

// ---- Writer ---------------------------------------------------------------------------------

void Session::WakeWriter() {
  if (writer_idle_) {
    writer_idle_ = false;
    writer_wake_.cancel();
  }
}

asio::awaitable<void> Session::WriteLoop(std::shared_ptr<Session> /*self*/) {
  while (state() != SessionState::kClosed) {
    if (pending_.empty()) {
      if (close_after_flush_) {
        CloseNow(flush_reason_);
        break;
      }
      writer_idle_ = true;
      writer_wake_.expires_at(SteadyClock::time_point::max());
      co_await writer_wake_.async_wait(kAwait);
      writer_idle_ = false;
      continue;
    }
    // Coalescing: everything queued since the last write goes out in this one.
    writing_.clear();
    std::swap(pending_, writing_);
    write_active_ = true;
    write_started_ = SteadyClock::now();
    WakeWatchdog(write_started_ + options_.write_timeout);
    auto [ec, written] = co_await asio::async_write(socket_, asio::buffer(writing_), kAwait);
    write_active_ = false;
    writes_.Add();
    bytes_sent_.Add(written);
    if (ec) {
      CloseNow(ec);
      break;
    }
    PumpWaiters();
  }
}

// ---- Watchdog -------------------------------------------------------------------------------

void Session::WakeWatchdog(SteadyClock::time_point at) {
  if (at < watchdog_at_) {
    watchdog_at_ = at;
    watchdog_.cancel();
  }
}

SteadyClock::time_point Session::NextWatchdogTime() const {
  SteadyClock::time_point next = SteadyClock::time_point::max();
  if (auto earliest = window_.EarliestDeadline()) {
    next = std::min(next, *earliest);
  }
  SessionState now_state = state();
  if (now_state == SessionState::kOpen && !bind_pending_) {
    next = std::min(next, open_deadline_);
  }
  if (write_active_) {
    next = std::min(next, write_started_ + options_.write_timeout);
  }
  next = std::min(next, unbind_deadline_);
  if (IsBound(now_state) && !close_after_flush_) {
    if (options_.enquire_link_interval.count() > 0 && !enquire_outstanding_) {
      next = std::min(next, last_rx_ + options_.enquire_link_interval);
    }
    if (options_.inactivity_timeout.count() > 0) {
      next = std::min(next, last_activity_ + options_.inactivity_timeout);
    }
  }
  return next;
}

void Session::RunWatchdog(SteadyClock::time_point now) {
  if (activity_seen_) {
    last_activity_ = now;
    activity_seen_ = false;
  }
  if (auto earliest = window_.EarliestDeadline(); earliest && *earliest <= now) {
    expired_.clear();
    window_.TakeExpired(now, expired_);
    window_in_use_.value.store(window_.size(), std::memory_order_relaxed);
    std::vector<Outstanding> expired = std::move(expired_);
    expired_.clear();
    for (Outstanding& entry : expired) {
      timeouts_.Add();
      std::error_code error = entry.timeout_error;
      entry.completion(error, {});
    }
    PumpWaiters();
  }
  SessionState now_state = state();
  if (now_state == SessionState::kClosed) {
    return;
  }
  if (now_state == SessionState::kOpen && !bind_pending_ && now >= open_deadline_) {
    CloseNow(SessionError::kBindTimeout);
    return;
  }
  if (write_active_ && now >= write_started_ + options_.write_timeout) {
    CloseNow(SessionError::kWriteTimeout);
    return;
  }
  if (now >= unbind_deadline_) {
    CloseNow(close_after_flush_ ? flush_reason_ : std::error_code(SessionError::kUnbound));
    return;
  }
  if (!IsBound(now_state) || close_after_flush_) {
    return;
  }
  if (options_.inactivity_timeout.count() > 0 &&
      now >= last_activity_ + options_.inactivity_timeout) {
    StartUnbind(SessionError::kInactivity);
    return;
  }
  if (options_.enquire_link_interval.count() > 0 && !enquire_outstanding_ &&
      now >= last_rx_ + options_.enquire_link_interval) {
    SendEnquireLink();
  }
}

asio::awaitable<void> Session::WatchdogLoop(std::shared_ptr<Session> /*self*/) {
  while (state() != SessionState::kClosed) {
    RunWatchdog(SteadyClock::now());
    if (state() == SessionState::kClosed) {
      break;
    }
    watchdog_at_ = NextWatchdogTime();
    watchdog_.expires_at(watchdog_at_);
    co_await watchdog_.async_wait(kAwait);
  }
}

// ---- Accessors ------------------------------------------------------------------------------

std::string Session::peer_system_id() const {
  std::lock_guard lock(peer_mutex_);
  return peer_system_id_;
}

SessionCounters Session::counters() const {
  SessionCounters c;
  c.requests_sent = requests_sent_.Get();
  c.requests_received = requests_received_.Get();
  c.responses_sent = responses_sent_.Get();
  c.responses_received = responses_received_.Get();
  c.timeouts = timeouts_.Get();
  c.nacks_sent = nacks_sent_.Get();
  c.nacks_received = nacks_received_.Get();
  c.unknown_responses = unknown_responses_.Get();
  c.bytes_sent = bytes_sent_.Get();
  c.bytes_received = bytes_received_.Get();
  c.writes = writes_.Get();
  c.window_in_use = window_in_use_.Get();
  c.inbound_in_use = inbound_in_use_counter_.Get();
  c.last_rtt = std::chrono::nanoseconds(last_rtt_ns_.Get());
  return c;
}

void Session::Emit(SessionEvent::Kind kind, std::error_code error, CommandStatus status,
                   std::string_view detail) {
  if (options_.on_event) {
    SessionEvent event;
    event.kind = kind;
    event.error = error;
    event.status = status;
    event.detail = detail;
    options_.on_event(event);
  }
}

}  // namespace confab::smpp
