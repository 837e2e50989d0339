#include "smpp/esme_client.h"

// GCC 12 with ASan reports a false -Wmismatched-new-delete on Asio's awaitable frame allocator
// for coroutines with a `co_await (a || b)`; the frame's new/delete pair is Asio's own.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <random>
#include <string>
#include <variant>

#include "boost/asio/as_tuple.hpp"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/connect.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/experimental/awaitable_operators.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "smpp/backoff.h"

namespace confab::smpp {
namespace asio = boost::asio;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;  // NOLINT: `||` for connect timeout

namespace {
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
}  // namespace

std::shared_ptr<EsmeClient> EsmeClient::Create(asio::any_io_executor executor,
                                               EsmeClientOptions options,
                                               std::shared_ptr<SessionHandler> handler) {
  return std::shared_ptr<EsmeClient>(
      new EsmeClient(executor, std::move(options), std::move(handler)));
}

EsmeClient::EsmeClient(asio::any_io_executor executor, EsmeClientOptions options,
                       std::shared_ptr<SessionHandler> handler)
    : executor_(executor),
      strand_(asio::make_strand(executor)),
      options_(std::move(options)),
      handler_(std::move(handler)) {
  using Mode = EsmeClientOptions::Mode;
  auto add = [this](BindType type, Millis delay) {
    links_.push_back(Link{type, delay, std::make_unique<asio::steady_timer>(strand_), nullptr});
  };
  switch (options_.mode) {
    case Mode::kTransmitter:
      add(BindType::kTransmitter, options_.start_delay);
      break;
    case Mode::kReceiver:
      add(BindType::kReceiver, options_.start_delay);
      break;
    case Mode::kTransceiver:
      add(BindType::kTransceiver, options_.start_delay);
      break;
    case Mode::kTransmitterReceiverPair:
      add(BindType::kTransmitter, options_.start_delay);
      add(BindType::kReceiver, options_.start_delay + options_.pair_stagger);
      break;
  }
  if (options_.seed == 0) {
    options_.seed = std::random_device{}();
  }
}

void EsmeClient::Start() {
  asio::post(strand_, [self = shared_from_this()] {
    for (std::size_t i = 0; i < self->links_.size(); ++i) {
      ++self->running_;
      asio::co_spawn(self->strand_, self->RunLink(self, i), asio::detached);
    }
  });
}

asio::awaitable<void> EsmeClient::RunLink(std::shared_ptr<EsmeClient> /*self*/, std::size_t index) {
  Backoff backoff(options_.reconnect_min, options_.reconnect_max, options_.seed + index);
  Millis wait = links_[index].initial_delay;
  while (!stopping_) {
    if (wait.count() > 0) {
      links_[index].timer->expires_after(wait);
      co_await links_[index].timer->async_wait(kAwait);
      if (stopping_) {
        break;
      }
    }
    wait = co_await Attempt(index, backoff);
    if (!stopping_) {
      Emit(SessionEvent::Kind::kReconnectWait, wait);
    }
  }
  LinkStopped();
}

asio::awaitable<Millis> EsmeClient::Attempt(std::size_t index, Backoff& backoff) {
  connect_attempts_.fetch_add(1, std::memory_order_relaxed);
  Link& link = links_[index];
  asio::steady_timer deadline(strand_);
  deadline.expires_after(options_.session.bind_timeout);
  tcp::resolver resolver(strand_);
  auto [resolve_ec, endpoints] =
      co_await resolver.async_resolve(options_.host, std::to_string(options_.port), kAwait);
  if (resolve_ec || stopping_) {
    co_return backoff.Next();
  }
  tcp::socket socket(executor_);
  auto raced =
      co_await (asio::async_connect(socket, endpoints, kAwait) || deadline.async_wait(kAwait));
  if (raced.index() != 0 || std::get<0>(std::get<0>(raced)) || stopping_) {
    co_return backoff.Next();  // connect failed or timed out
  }
  Emit(SessionEvent::Kind::kConnected, Millis(0));
  auto session = Session::Create(std::move(socket), Role::kEsme, options_.session, handler_);
  session->Start();
  auto [ec, response] = co_await session->AsyncBind(link.type, options_.credentials, kAwait);
  if (ec || response.status() != CommandStatus::kOk) {
    session->Close(SessionError::kBindRefused);
    if (!ec && response.status() == CommandStatus::kAlyBnd) {
      co_return options_.already_bound_wait;  // let the carrier expire the old session
    }
    co_return backoff.Next();
  }
  backoff.Reset();
  {
    std::lock_guard lock(mutex_);
    link.session = session;
  }
  if (stopping_) {
    session->Unbind([](std::error_code) {});
  }
  co_await session->AsyncWaitClosed(kAwait);
  {
    std::lock_guard lock(mutex_);
    link.session.reset();
  }
  co_return backoff.Next();
}

void EsmeClient::Stop(absl::AnyInvocable<void()> done) {
  asio::post(strand_, [self = shared_from_this(), done = std::move(done)]() mutable {
    self->stopping_ = true;
    if (self->running_ == 0) {
      done();
      return;
    }
    self->stop_waiters_.push_back(std::move(done));
    for (Link& link : self->links_) {
      link.timer->cancel();
      std::shared_ptr<Session> session;
      {
        std::lock_guard lock(self->mutex_);
        session = link.session;
      }
      if (session) {
        session->Unbind([](std::error_code) {});
      }
    }
  });
}

void EsmeClient::LinkStopped() {
  if (--running_ == 0) {
    std::vector<absl::AnyInvocable<void()>> waiters = std::move(stop_waiters_);
    stop_waiters_.clear();
    for (auto& waiter : waiters) {
      waiter();
    }
  }
}

std::shared_ptr<Session> EsmeClient::transmitter() const {
  std::lock_guard lock(mutex_);
  for (const Link& link : links_) {
    if (link.session && link.type != BindType::kReceiver) {
      return link.session;
    }
  }
  return nullptr;
}

std::shared_ptr<Session> EsmeClient::receiver() const {
  std::lock_guard lock(mutex_);
  for (const Link& link : links_) {
    if (link.session && link.type != BindType::kTransmitter) {
      return link.session;
    }
  }
  return nullptr;
}

void EsmeClient::Emit(SessionEvent::Kind kind, Millis delay, CommandStatus status) {
  if (options_.session.on_event) {
    SessionEvent event;
    event.kind = kind;
    event.delay = delay;
    event.status = status;
    options_.session.on_event(event);
  }
}

}  // namespace confab::smpp
