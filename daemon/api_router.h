#pragma once

// ApiRouter: registers the admin API's handlers on the admin listener's HttpRouter. For every
// call it authenticates the bearer token (401), checks the role against the route's Access
// (403), bounds the calls waiting for a worker (429), and runs the handler on the API's worker
// threads (never an I/O thread, so handlers may read RocksDB). Handler exceptions (Boost.JSON
// throws on misuse) become a 500 rather than a crash. Requests, statuses and latencies go to
// metrics.

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>

#include "boost/asio/any_io_executor.hpp"
#include "daemon/api.h"
#include "daemon/api_auth.h"
#include "daemon/http_types.h"
#include "daemon/metrics.h"

namespace confab {
class BrandSettings;
}

namespace confab::api {

struct ApiRouterOptions {
  std::size_t max_pending = 1024;  // calls accepted and not yet answered; beyond: 429
};

class ApiRouter final : public ApiRoutes {
 public:
  // `http`, `auth` and `metrics` outlive the router; `workers` runs the handlers.
  ApiRouter(HttpRouter& http, const TokenAuth& auth, boost::asio::any_io_executor workers,
            metrics::Registry& metrics, ApiRouterOptions options = {});

  void Add(std::string method, std::string pattern, Access access, ApiHandler handler) override;

  std::size_t pending() const { return pending_->load(); }

 private:
  HttpRouter& http_;
  const TokenAuth& auth_;
  boost::asio::any_io_executor workers_;
  metrics::Registry& metrics_;
  ApiRouterOptions options_;
  std::shared_ptr<std::atomic<std::size_t>> pending_;
};

// Registers every /v1 endpoint group (daemon/api_routes.cc): the one place that knows them all.
void InstallApiRoutes(ApiRoutes& routes, const ApiDeps& deps, BrandSettings& settings);

}  // namespace confab::api
