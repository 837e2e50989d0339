#pragma once

// GET /healthz (liveness: the process answers) and GET /readyz (readiness: the store is open and
// the carrier binds are up), open without a token.

#include "daemon/http_types.h"

namespace confab {

namespace store {
class Store;
}

struct HealthSources {
  const store::Store* store = nullptr;
};

void AddHealthRoutes(HttpRouter& router, HealthSources sources);

}  // namespace confab
