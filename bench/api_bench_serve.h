#pragma once

// api_bench --serve: the conversation routes behind the daemon's own HTTP stack, for wrk.

#include <cstddef>

#include "daemon/api.h"
#include "store/store.h"

namespace confab::bench {

inline constexpr char kBenchToken[] = "bench-token-0123456789";

// Serves `deps`' conversation routes on 127.0.0.1:port (AdminServer on one I/O thread,
// ApiRouter with bearer auth, `workers` handler threads) until SIGINT/SIGTERM; the exit status.
// With `direct`, the routes without path parameters are answered on the I/O thread instead,
// after the same token check (no hand-off to a worker). `cache_pages` sizes the listing cache.
// With `writes` (the store deps.source reads), a thread commits `commits_per_second` batches a
// second while serving, each rewriting one conversation's profile record.
int Serve(const api::ApiDeps& deps, int port, int workers, bool direct, std::size_t cache_pages,
          store::Store* writes, int commits_per_second);

}  // namespace confab::bench
