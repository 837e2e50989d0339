#pragma once

// One SMPP session over one TCP connection, for either role (ESME or SMSC).
//
// Three coroutines — reader, writer, watchdog — run on one strand, so the session's state needs
// no lock. Everything public is thread-safe unless it says otherwise; completions run on the
// caller's associated executor (the strand when there is none).
//
// Flow control, both ways:
//  - our requests: at most `window` await a response; Submit/AsyncRequest wait (FIFO) for a slot
//    and while the send queue holds more than `send_queue_bytes`;
//  - the peer's requests: at most `window` may be in the handler's hands unanswered; at the cap
//    the reader stops reading the socket, so TCP pushes back on the peer.
// Writes are coalesced: the writer sends everything queued since its last write in one write.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "boost/asio/any_io_executor.hpp"
#include "boost/asio/async_result.hpp"
#include "boost/asio/awaitable.hpp"
#include "boost/asio/dispatch.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/strand.hpp"
#include "smpp/pdu.h"
#include "smpp/responder.h"
#include "smpp/session_error.h"
#include "smpp/session_options.h"
#include "smpp/session_state.h"
#include "smpp/window.h"

namespace confab::smpp {

struct BindCredentials {
  std::string system_id;
  std::string password;
  std::string system_type;
  uint8_t addr_ton = 0;
  uint8_t addr_npi = 0;
  std::string address_range;
};

// What the SMSC role sees of a bind request; views valid during the OnBind call only.
struct BindRequest {
  BindType type = BindType::kTransceiver;
  std::string_view system_id;
  std::string_view password;
  std::string_view system_type;
  uint8_t interface_version = 0;
  std::string_view address_range;
  boost::asio::ip::tcp::endpoint peer;
};

// The application's side of a session. Called on the session's strand; keep calls short (hand
// work to other threads and answer through the Responder later).
class SessionHandler {
 public:
  virtual ~SessionHandler() = default;
  // A request from the peer other than bind, unbind, enquire_link and outbind (which the session
  // handles). `request` and its views die when the call returns: copy what you keep. Answer
  // through `responder`, now or later, from any thread; alert_notification gets an empty one.
  virtual void OnRequest(Session& session, const Pdu& request, Responder responder) = 0;
  // SMSC role: decides a bind request. kOk binds; anything else refuses with that status.
  virtual CommandStatus OnBind(Session& /*session*/, const BindRequest& /*request*/) {
    return CommandStatus::kBindFail;
  }
  // ESME role: the SMSC sent outbind; answer with session.AsyncBind(kReceiver, …) or Close().
  virtual void OnOutbind(Session& /*session*/, const Outbind& /*outbind*/) {}
  virtual void OnBound(Session& /*session*/) {}
  virtual void OnClosed(Session& /*session*/, std::error_code /*reason*/) {}
};

// A snapshot of a session's counters (cheap; readable from any thread).
struct SessionCounters {
  uint64_t requests_sent = 0;
  uint64_t requests_received = 0;
  uint64_t responses_sent = 0;
  uint64_t responses_received = 0;
  uint64_t timeouts = 0;
  uint64_t nacks_sent = 0;  // generic_nack and error *_resp for undecodable / refused PDUs
  uint64_t nacks_received = 0;
  uint64_t unknown_responses = 0;  // matched nothing: dropped
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  uint64_t writes = 0;  // socket writes (coalescing: writes <= PDUs sent)
  uint64_t window_in_use = 0;
  uint64_t inbound_in_use = 0;
  std::chrono::nanoseconds last_rtt{0};
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  using Strand = boost::asio::strand<boost::asio::any_io_executor>;
  using CloseCompletion = absl::AnyInvocable<void(std::error_code)>;

  // The socket must be connected. The strand is made on the socket's executor.
  static std::shared_ptr<Session> Create(boost::asio::ip::tcp::socket socket, Role role,
                                         SessionOptions options,
                                         std::shared_ptr<SessionHandler> handler);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Starts the coroutines. Call once. `on_closed` (optional) runs on the strand when the session
  // closes, after the handler's OnClosed — for owners such as the client and server.
  void Start(std::function<void(Session&, std::error_code)> on_closed = {});

  // Sends a request and completes with its response (status may be non-zero) or an error:
  // kNotAllowed, kResponseTimeout, kClosed. Waits while the window or send queue is full. The
  // PDU is encoded before this returns; sequence_number is assigned by the session.
  void Submit(const Pdu& request, Completion completion);
  template <typename Token>
  auto AsyncRequest(const Pdu& request, Token&& token) {
    return boost::asio::async_initiate<Token, void(std::error_code, Response)>(
        [this](auto handler, const Pdu* pdu) { Submit(*pdu, Wrap(std::move(handler))); }, token,
        &request);
  }

  // ESME role: binds; completes with the bind_*_resp (the session is bound when its status is
  // kOk) or kBindTimeout / kClosed. bind_timeout applies.
  void Bind(BindType type, const BindCredentials& credentials, Completion completion);
  template <typename Token>
  auto AsyncBind(BindType type, const BindCredentials& credentials, Token&& token) {
    return boost::asio::async_initiate<Token, void(std::error_code, Response)>(
        [this](auto handler, BindType t, const BindCredentials* c) {
          Bind(t, *c, Wrap(std::move(handler)));
        },
        token, type, &credentials);
  }

  // SMSC role: sends outbind (no response; the ESME answers with bind_receiver).
  void SendOutbind(std::string_view system_id, std::string_view password);

  // Graceful end: unbind, wait for unbind_resp (at most unbind_grace), close. Completes when the
  // session is closed, with the close reason. Unbound sessions just close.
  void Unbind(CloseCompletion completion);
  template <typename Token>
  auto AsyncUnbind(Token&& token) {
    return boost::asio::async_initiate<Token, void(std::error_code)>(
        [this](auto handler) { Unbind(WrapClose(std::move(handler))); }, token);
  }
  // Completes when the session is closed (at once if it already is), with the reason.
  void WaitClosed(CloseCompletion completion);
  template <typename Token>
  auto AsyncWaitClosed(Token&& token) {
    return boost::asio::async_initiate<Token, void(std::error_code)>(
        [this](auto handler) { WaitClosed(WrapClose(std::move(handler))); }, token);
  }

  // Closes at once: outstanding and waiting requests complete with kClosed.
  void Close(std::error_code reason = SessionError::kStopped);

  SessionState state() const { return state_.load(std::memory_order_acquire); }
  Role role() const { return role_; }
  const Strand& strand() const { return strand_; }
  const boost::asio::ip::tcp::endpoint& remote_endpoint() const { return remote_; }
  std::string peer_system_id() const;  // from the bind; empty before
  SessionCounters counters() const;
  const SessionOptions& options() const { return options_; }

 private:
  friend class Responder;
  struct Waiting {
    std::vector<uint8_t> bytes;  // encoded, sequence_number patched when sent
    CommandId command;
    Completion completion;
  };
  // A counter written only on the strand and read anywhere.
  struct Counter {
    std::atomic<uint64_t> value{0};
    void Add(uint64_t n = 1) {
      value.store(value.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    uint64_t Get() const { return value.load(std::memory_order_relaxed); }
  };

  Session(boost::asio::ip::tcp::socket socket, Role role, SessionOptions options,
          std::shared_ptr<SessionHandler> handler);

  // Coroutines (`self` keeps the session alive while they run).
  boost::asio::awaitable<void> ReadLoop(std::shared_ptr<Session> self);
  boost::asio::awaitable<void> WriteLoop(std::shared_ptr<Session> self);
  boost::asio::awaitable<void> WatchdogLoop(std::shared_ptr<Session> self);

  // Inbound, on the strand (session_inbound.cc).
  void HandleDecoded(const DecodeResult& result, std::span<const uint8_t> raw);
  void HandleResponse(const Pdu& pdu, std::span<const uint8_t> raw);
  void HandleRequest(const Pdu& pdu);
  void HandleBindRequest(const Pdu& pdu);
  void AnswerInbound(const Header& request, CommandStatus status, const PduBody* body);
  void FinishInbound(std::span<const uint8_t> encoded, bool counts_in_window);

  // Outbound, on the strand.
  void SubmitOnStrand(Waiting waiting);
  bool HasRoom() const;
  void SendNow(std::vector<uint8_t>* owned, const Pdu* pdu, CommandId command,
               Completion completion, Millis timeout, std::error_code timeout_error, bool force);
  void PumpWaiters();
  void QueuePdu(const Pdu& pdu);
  void WakeWriter();
  void WakeWatchdog(SteadyClock::time_point at);
  void SendEnquireLink();
  void StartUnbind(std::error_code reason);
  void CloseAfterFlush(std::error_code reason);
  void CloseNow(std::error_code reason);
  void ReleaseInbound();
  void Emit(SessionEvent::Kind kind, std::error_code error = {},
            CommandStatus status = CommandStatus::kOk, std::string_view detail = {});
  void SetState(SessionState state) { state_.store(state, std::memory_order_release); }
  SteadyClock::time_point NextWatchdogTime() const;
  void RunWatchdog(SteadyClock::time_point now);

  template <typename Handler>
  Completion Wrap(Handler handler) {
    auto work = boost::asio::prefer(boost::asio::get_associated_executor(handler, strand_),
                                    boost::asio::execution::outstanding_work.tracked);
    return
        [h = std::move(handler), work = std::move(work)](std::error_code ec, Response r) mutable {
          boost::asio::dispatch(work, [h = std::move(h), ec, r = std::move(r)]() mutable {
            std::move(h)(ec, std::move(r));
          });
        };
  }
  template <typename Handler>
  CloseCompletion WrapClose(Handler handler) {
    auto work = boost::asio::prefer(boost::asio::get_associated_executor(handler, strand_),
                                    boost::asio::execution::outstanding_work.tracked);
    return [h = std::move(handler), work = std::move(work)](std::error_code ec) mutable {
      boost::asio::dispatch(work, [h = std::move(h), ec]() mutable { std::move(h)(ec); });
    };
  }

  const Role role_;
  const SessionOptions options_;
  std::shared_ptr<SessionHandler> handler_;
  boost::asio::ip::tcp::socket socket_;
  Strand strand_;
  boost::asio::ip::tcp::endpoint remote_;
  std::function<void(Session&, std::error_code)> on_closed_;

  std::atomic<SessionState> state_{SessionState::kOpen};
  SessionState bound_state_ = SessionState::kOpen;  // what we were before kUnbinding
  std::error_code close_reason_;
  bool close_after_flush_ = false;
  std::error_code flush_reason_;
  bool enquire_outstanding_ = false;
  bool bind_pending_ = false;
  mutable std::mutex peer_mutex_;
  std::string peer_system_id_;

  SequenceGenerator sequence_;
  Window window_;
  std::deque<Waiting> waiting_;
  std::vector<Outstanding> expired_;  // scratch for the watchdog / close
  std::vector<CloseCompletion> close_waiters_;
  std::size_t inbound_in_use_ = 0;

  // Writer.
  std::vector<uint8_t> pending_;  // encoded PDUs queued since the last write
  std::vector<uint8_t> writing_;  // the write in flight
  bool writer_idle_ = false;
  bool write_active_ = false;
  boost::asio::steady_timer writer_wake_;
  // Reader.
  bool reader_paused_ = false;
  boost::asio::steady_timer reader_wake_;
  // Watchdog.
  boost::asio::steady_timer watchdog_;
  SteadyClock::time_point watchdog_at_ = SteadyClock::time_point::max();
  SteadyClock::time_point open_deadline_;
  SteadyClock::time_point unbind_deadline_ = SteadyClock::time_point::max();
  SteadyClock::time_point write_started_;
  SteadyClock::time_point last_rx_;        // any PDU received
  SteadyClock::time_point last_activity_;  // any PDU but enquire_link(_resp), either way
  bool activity_seen_ = false;             // since the watchdog last looked

  Counter requests_sent_, requests_received_, responses_sent_, responses_received_, timeouts_,
      nacks_sent_, nacks_received_, unknown_responses_, bytes_sent_, bytes_received_, writes_,
      window_in_use_, inbound_in_use_counter_, last_rtt_ns_;
};

}  // namespace confab::smpp
