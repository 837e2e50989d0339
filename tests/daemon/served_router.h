#pragma once

// Tests only: an HttpRouter served by an AdminServer on 127.0.0.1, on a free port (the options'
// port is ignored), with its own I/O thread, stopped and joined on destruction.

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <thread>
#include <utility>

#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "daemon/admin_server.h"
#include "daemon/http_types.h"

namespace confab::testing {

class ServedRouter {
 public:
  ServedRouter() = default;
  ServedRouter(const ServedRouter&) = delete;
  ServedRouter& operator=(const ServedRouter&) = delete;
  ~ServedRouter() { Shutdown(); }

  // Listens and starts serving `router`, which must outlive this object. A failure is a test
  // failure (check with ASSERT_NO_FATAL_FAILURE).
  void Start(const HttpRouter* router, AdminServerOptions options = {}) {
    options.port = 0;
    auto server = AdminServer::Listen(io_.get_executor(), std::move(options), router);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    server_->Start();
    thread_ = std::thread([this] { io_.run(); });
  }

  AdminServer& server() { return *server_; }
  uint16_t port() const { return server_->port(); }

  void Shutdown() {
    if (server_) {
      server_->Stop();
    }
    work_.reset();
    io_.stop();
    if (thread_.joinable()) {
      thread_.join();
    }
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_);
  std::unique_ptr<AdminServer> server_;
  std::thread thread_;
};

}  // namespace confab::testing
