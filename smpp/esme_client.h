#pragma once

// The ESME side: connects to a carrier's SMSC, binds (TX, RX, TRX, or a TX+RX pair of sessions)
// and keeps the bind up: after a failed connect or bind, or a dropped session, it waits with
// exponential backoff and full jitter (reconnect_min .. reconnect_max) and tries again; after
// ESME_RALYBND it waits `already_bound_wait` for the carrier to expire its old session. It never
// spins while unbound: every retry waits on a timer.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "boost/asio/any_io_executor.hpp"
#include "boost/asio/awaitable.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/strand.hpp"
#include "smpp/backoff.h"
#include "smpp/session.h"

namespace confab::smpp {

struct EsmeClientOptions {
  enum class Mode { kTransmitter, kReceiver, kTransceiver, kTransmitterReceiverPair };

  std::string host = "127.0.0.1";
  uint16_t port = 2775;
  Mode mode = Mode::kTransceiver;
  BindCredentials credentials;
  SessionOptions session;  // bind_timeout also bounds resolve + connect
  Millis reconnect_min{1'000};
  Millis reconnect_max{60'000};
  Millis already_bound_wait{60'000};
  // Staggering: the first connect waits start_delay; the pair's receiver waits start_delay +
  // pair_stagger. A daemon with several binds gives each a different start_delay.
  Millis start_delay{0};
  Millis pair_stagger{0};
  uint64_t seed = 0;  // backoff RNG seed; 0 = random
};

class EsmeClient : public std::enable_shared_from_this<EsmeClient> {
 public:
  static std::shared_ptr<EsmeClient> Create(boost::asio::any_io_executor executor,
                                            EsmeClientOptions options,
                                            std::shared_ptr<SessionHandler> handler);
  void Start();
  // Unbinds the sessions and stops reconnecting; `done` runs once every link has stopped.
  void Stop(absl::AnyInvocable<void()> done);

  // The bound session that sends (TX or TRX) / receives (RX or TRX); null while unbound.
  std::shared_ptr<Session> transmitter() const;
  std::shared_ptr<Session> receiver() const;
  uint64_t connect_attempts() const { return connect_attempts_.load(); }

 private:
  struct Link {
    BindType type;
    Millis initial_delay;
    std::unique_ptr<boost::asio::steady_timer> timer;
    std::shared_ptr<Session> session;  // bound session, guarded by mutex_
  };
  EsmeClient(boost::asio::any_io_executor executor, EsmeClientOptions options,
             std::shared_ptr<SessionHandler> handler);
  boost::asio::awaitable<void> RunLink(std::shared_ptr<EsmeClient> self, std::size_t index);
  // One connect + bind; on success holds until the session closes. Returns the wait before the
  // next attempt.
  boost::asio::awaitable<Millis> Attempt(std::size_t index, Backoff& backoff);
  void Emit(SessionEvent::Kind kind, Millis delay, CommandStatus status = CommandStatus::kOk);
  void LinkStopped();

  boost::asio::any_io_executor executor_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  EsmeClientOptions options_;
  std::shared_ptr<SessionHandler> handler_;
  std::vector<Link> links_;
  bool stopping_ = false;
  std::size_t running_ = 0;
  std::vector<absl::AnyInvocable<void()>> stop_waiters_;
  std::atomic<uint64_t> connect_attempts_{0};
  mutable std::mutex mutex_;
};

}  // namespace confab::smpp
