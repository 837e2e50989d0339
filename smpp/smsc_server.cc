#include "smpp/smsc_server.h"

#include <utility>

#include "boost/asio/as_tuple.hpp"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/use_awaitable.hpp"

namespace confab::smpp {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
}  // namespace

// Routes one session's callbacks to the server (bind admission, registry) and the app handler.
class SmscServer::PerSession final : public SessionHandler {
 public:
  // Weak: the server owns its sessions, not the other way round.
  PerSession(std::weak_ptr<SmscServer> server, std::shared_ptr<SessionHandler> handler)
      : server_(std::move(server)), handler_(std::move(handler)) {}
  void OnRequest(Session& session, const Pdu& request, Responder responder) override {
    if (handler_) {
      handler_->OnRequest(session, request, std::move(responder));
    }
  }
  CommandStatus OnBind(Session& /*session*/, const BindRequest& request) override {
    auto server = server_.lock();
    return server ? server->Admit(request) : CommandStatus::kBindFail;
  }
  void OnBound(Session& session) override {
    if (handler_) {
      handler_->OnBound(session);
    }
  }
  void OnClosed(Session& session, std::error_code reason) override {
    if (handler_) {
      handler_->OnClosed(session, reason);
    }
    if (auto server = server_.lock()) {
      server->Remove(&session);
    }
  }

 private:
  std::weak_ptr<SmscServer> server_;
  std::shared_ptr<SessionHandler> handler_;
};

absl::StatusOr<std::shared_ptr<SmscServer>> SmscServer::Listen(
    asio::any_io_executor executor, SmscServerOptions options, Authenticator authenticate,
    std::shared_ptr<SessionHandler> handler) {
  absl::StatusOr<AllowedNetworks> networks = AllowedNetworks::Parse(options.allowed_networks);
  if (!networks.ok()) {
    return networks.status();
  }
  std::shared_ptr<SmscServer> server(new SmscServer(executor, std::move(options),
                                                    *std::move(networks), std::move(authenticate),
                                                    std::move(handler)));
  boost::system::error_code ec;
  tcp::acceptor& acceptor = server->acceptor_;
  const tcp::endpoint& endpoint = server->options_.listen;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
    acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor.bind(endpoint, ec);
  }
  if (!ec) {
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    return absl::UnavailableError("SMPP server cannot listen on " + endpoint.address().to_string() +
                                  ":" + std::to_string(endpoint.port()) + ": " + ec.message());
  }
  server->port_ = acceptor.local_endpoint(ec).port();
  asio::co_spawn(server->strand_, server->AcceptLoop(server), asio::detached);
  return server;
}

SmscServer::SmscServer(asio::any_io_executor executor, SmscServerOptions options,
                       AllowedNetworks networks, Authenticator authenticate,
                       std::shared_ptr<SessionHandler> handler)
    : executor_(executor),
      strand_(asio::make_strand(executor)),
      options_(std::move(options)),
      networks_(std::move(networks)),
      limiter_(options_.bind_burst, options_.bind_interval),
      authenticate_(std::move(authenticate)),
      handler_(std::move(handler)),
      acceptor_(strand_),
      stop_timer_(strand_) {}

asio::awaitable<void> SmscServer::AcceptLoop(std::shared_ptr<SmscServer> self) {
  while (!stopping_) {
    // Each connection gets a socket on the plain executor; its Session makes its own strand.
    auto [ec, socket] = co_await acceptor_.async_accept(executor_, kAwait);
    if (ec) {
      if (stopping_ || ec == asio::error::operation_aborted) {
        break;
      }
      continue;  // e.g. EMFILE: keep serving the sessions we have
    }
    auto session = Session::Create(std::move(socket), Role::kSmsc, options_.session,
                                   std::make_shared<PerSession>(self, handler_));
    {
      std::lock_guard lock(mutex_);
      sessions_.emplace(session.get(), session);
    }
    if (options_.session.on_event) {
      SessionEvent event;
      event.kind = SessionEvent::Kind::kConnected;
      options_.session.on_event(event);
    }
    session->Start();
  }
}

CommandStatus SmscServer::Admit(const BindRequest& request) {
  CommandStatus status = CommandStatus::kBindFail;
  if (stopping_) {
    status = CommandStatus::kBindFail;
  } else if (!networks_.Allows(request.peer.address())) {
    status = CommandStatus::kBindFail;
  } else if (!limiter_.Allow(request.peer.address())) {
    status = CommandStatus::kBindFail;
  } else if (authenticate_) {
    status = authenticate_(request);
  }
  if (status != CommandStatus::kOk) {
    binds_refused_.fetch_add(1, std::memory_order_relaxed);
  }
  return status;
}

void SmscServer::Remove(Session* session) {
  std::lock_guard lock(mutex_);
  sessions_.erase(session);
  if (sessions_.empty()) {
    asio::post(strand_, [self = shared_from_this()] { self->stop_timer_.cancel(); });
  }
}

std::vector<std::shared_ptr<Session>> SmscServer::Sessions() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<Session>> out;
  out.reserve(sessions_.size());
  for (const auto& [key, session] : sessions_) {
    out.push_back(session);
  }
  return out;
}

std::size_t SmscServer::session_count() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

void SmscServer::Stop(absl::AnyInvocable<void()> done) {
  asio::post(strand_, [self = shared_from_this(), done = std::move(done)]() mutable {
    self->stop_waiters_.push_back(std::move(done));
    if (self->stopping_) {
      return;
    }
    self->stopping_ = true;
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
    asio::co_spawn(self->strand_, self->StopLoop(self), asio::detached);
  });
}

asio::awaitable<void> SmscServer::StopLoop(std::shared_ptr<SmscServer> /*self*/) {
  for (const std::shared_ptr<Session>& session : Sessions()) {
    session->Unbind([](std::error_code) {});
  }
  auto deadline = SteadyClock::now() + options_.shutdown_grace;
  bool forced = false;
  while (session_count() > 0) {
    if (!forced && SteadyClock::now() >= deadline) {
      forced = true;
      for (const std::shared_ptr<Session>& session : Sessions()) {
        session->Close(SessionError::kStopped);
      }
    }
    // Woken early by Remove() when the registry empties.
    stop_timer_.expires_at(forced ? SteadyClock::now() + Millis(50) : deadline);
    co_await stop_timer_.async_wait(kAwait);
  }
  std::vector<absl::AnyInvocable<void()>> waiters = std::move(stop_waiters_);
  stop_waiters_.clear();
  for (auto& waiter : waiters) {
    waiter();
  }
}

}  // namespace confab::smpp
