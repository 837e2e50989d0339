#pragma once

// The SMSC side: accepts ESME connections, runs one Session per connection (each on its own
// strand), admits binds (allowed networks, per-address rate limit, then the Authenticator),
// keeps a registry of live sessions and stops gracefully (unbind all, wait up to a grace,
// close the rest).

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "boost/asio/any_io_executor.hpp"
#include "boost/asio/awaitable.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/strand.hpp"
#include "smpp/bind_guard.h"
#include "smpp/session.h"

namespace confab::smpp {

struct SmscServerOptions {
  boost::asio::ip::tcp::endpoint listen{boost::asio::ip::address_v4::loopback(), 0};
  SessionOptions session;
  std::vector<std::string> allowed_networks;  // CIDR; empty allows every address
  // Per peer address: `bind_burst` bind attempts at once, refilled at that many per interval.
  // 0 disables the limit.
  uint32_t bind_burst = 10;
  Millis bind_interval{60'000};
  // Stop(): how long sessions get to finish their unbind before they are closed.
  Millis shutdown_grace{5'000};
};

// Decides a bind once the network and rate checks passed: kOk, kInvPaswd, kInvSysId, kAlyBnd…
using Authenticator = std::function<CommandStatus(const BindRequest&)>;

class SmscServer : public std::enable_shared_from_this<SmscServer> {
 public:
  // Binds the listening socket (port 0 picks one) and starts accepting. `handler` serves every
  // session's requests (its OnBind is not used: `authenticate` decides).
  static absl::StatusOr<std::shared_ptr<SmscServer>> Listen(
      boost::asio::any_io_executor executor, SmscServerOptions options, Authenticator authenticate,
      std::shared_ptr<SessionHandler> handler);

  uint16_t port() const { return port_; }
  // Graceful stop; `done` runs (on the server's strand) once every session is closed.
  void Stop(absl::AnyInvocable<void()> done);
  std::vector<std::shared_ptr<Session>> Sessions() const;
  std::size_t session_count() const;
  uint64_t binds_refused() const { return binds_refused_.load(std::memory_order_relaxed); }

 private:
  class PerSession;
  SmscServer(boost::asio::any_io_executor executor, SmscServerOptions options,
             AllowedNetworks networks, Authenticator authenticate,
             std::shared_ptr<SessionHandler> handler);
  boost::asio::awaitable<void> AcceptLoop(std::shared_ptr<SmscServer> self);
  boost::asio::awaitable<void> StopLoop(std::shared_ptr<SmscServer> self);
  CommandStatus Admit(const BindRequest& request);
  void Remove(Session* session);

  boost::asio::any_io_executor executor_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  SmscServerOptions options_;
  AllowedNetworks networks_;
  BindRateLimiter limiter_;
  Authenticator authenticate_;
  std::shared_ptr<SessionHandler> handler_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer stop_timer_;
  uint16_t port_ = 0;
  bool stopping_ = false;
  std::vector<absl::AnyInvocable<void()>> stop_waiters_;
  std::atomic<uint64_t> binds_refused_{0};

  mutable std::mutex mutex_;
  absl::flat_hash_map<Session*, std::shared_ptr<Session>> sessions_;
};

}  // namespace confab::smpp
