#pragma once

// The daemon's HTTP listener (AdminServer) run by a benchmark program as a wrk target: listens on
// 127.0.0.1:`port` (0: any free port), serves `router` on `threads` threads of one io_context
// (as confabd does), and returns once SIGINT or SIGTERM has stopped it.

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <thread>
#include <vector>

#include "boost/asio/io_context.hpp"
#include "boost/asio/signal_set.hpp"
#include "daemon/admin_server.h"

namespace confab::bench {

// `listening(port)` runs once the listener is up, before serving starts. Returns 1 (after
// printing why) when the port cannot be listened on, else 0.
inline int ServeUntilSignal(AdminServerOptions options, const HttpRouter& router, unsigned threads,
                            const std::function<void(uint16_t port)>& listening) {
  boost::asio::io_context io;
  auto server = AdminServer::Listen(io.get_executor(), std::move(options), &router);
  if (!server.ok()) {
    std::fprintf(stderr, "listen: %s\n", server.status().ToString().c_str());
    return 1;
  }
  (*server)->Start();
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    (*server)->Stop();
    io.stop();
  });
  listening((*server)->port());
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) {
    pool.emplace_back([&io] { io.run(); });
  }
  io.run();
  for (std::thread& thread : pool) {
    thread.join();
  }
  return 0;
}

}  // namespace confab::bench
