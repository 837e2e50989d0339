#pragma once

// api_bench --serve: the conversation routes behind the daemon's own HTTP stack, for wrk.

#include "daemon/api.h"

namespace confab::bench {

inline constexpr char kBenchToken[] = "bench-token-0123456789";

// Serves `deps`' conversation routes on 127.0.0.1:port (AdminServer on one I/O thread,
// ApiRouter with bearer auth, `workers` handler threads) until SIGINT/SIGTERM; the exit status.
// With `direct`, the routes without path parameters are answered on the I/O thread instead,
// after the same token check (no hand-off to a worker).
int Serve(const api::ApiDeps& deps, int port, int workers, bool direct);

}  // namespace confab::bench
