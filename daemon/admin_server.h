#pragma once

// The admin HTTP/1.1 listener (Boost.Beast): keep-alive, header and body limits, read and write
// timeouts, a connection cap. Requests are answered by an HttpRouter; see http_types.h.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "boost/asio/any_io_executor.hpp"
#include "daemon/http_types.h"

namespace confab {

struct AdminServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port; see AdminServer::port()
  std::size_t body_limit = 1 << 20;
  std::size_t header_limit = 16 << 10;
  std::chrono::milliseconds read_timeout{30'000};
  std::chrono::milliseconds write_timeout{30'000};
  // After refusing a request whose body is still arriving: how long to read and discard it
  // before closing, so the client gets the error answer rather than a reset.
  std::chrono::milliseconds linger_timeout{2'000};
  std::size_t max_connections = 256;
};

class AdminServer {
 public:
  // Binds and listens (so the port is known and errors surface at start), then serves on
  // `executor` from Start() on. Each connection runs on its own strand.
  static absl::StatusOr<std::unique_ptr<AdminServer>> Listen(boost::asio::any_io_executor executor,
                                                             AdminServerOptions options,
                                                             const HttpRouter* router);
  ~AdminServer();

  void Start();
  // Stops accepting and closes idle connections at once; a connection answering a request
  // writes its answer (without keep-alive) and then closes. Thread-safe; idempotent.
  void Stop();
  // After Stop(): waits until every connection has closed or `deadline` passes. True if all
  // closed.
  bool WaitForConnectionsClosed(std::chrono::steady_clock::time_point deadline);

  uint16_t port() const;
  std::size_t open_connections() const;

 private:
  struct State;
  explicit AdminServer(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace confab
