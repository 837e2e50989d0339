#include "bench/api_bench_serve.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <optional>
#include <thread>

#include "bench/api_bench_dataset.h"
#include "bench/bench_http_server.h"
#include "boost/asio/thread_pool.hpp"
#include "daemon/admin_server.h"
#include "daemon/api_auth.h"
#include "daemon/api_conversations.h"
#include "daemon/api_router.h"
#include "daemon/metrics.h"
#include "rocksdb/db.h"
#include "store/reader.h"
#include "store/write_set.h"

namespace confab::bench {
namespace {

// The routes without a path parameter, answered synchronously on the I/O thread after the
// same bearer check (--direct: the ApiRouter's worker hand-off left out).
class DirectRoutes final : public api::ApiRoutes {
 public:
  DirectRoutes(HttpRouter& http, const api::TokenAuth& auth) : http_(http), auth_(auth) {}
  void Add(std::string method, std::string pattern, api::Access, api::ApiHandler handler) override {
    if (pattern.find('{') != std::string::npos) {
      return;
    }
    http_.Add(std::move(method), std::move(pattern),
              [this, handler = std::move(handler)](const HttpRequest& request) {
                if (!auth_.Authenticate(request.Header("Authorization")).ok()) {
                  return JsonError(401, "unauthenticated", "bad token");
                }
                api::ApiCall call;
                call.http = request;
                HttpResponse out;
                handler(std::move(call),
                        [&out](HttpResponse response) { out = std::move(response); });
                return out;
              });
  }

 private:
  HttpRouter& http_;
  const api::TokenAuth& auth_;
};

// Rewrites one conversation's profile record per commit, `per_second` commits a second, until
// `stop`; each commit moves the store's Version() as a pipeline group commit does.
void CommitWhileServing(store::Store& store, int per_second, const std::atomic<bool>& stop) {
  const store::StoreReader reader(store);
  const auto period = std::chrono::nanoseconds(1'000'000'000 / per_second);
  auto next = std::chrono::steady_clock::now();
  uint64_t written = 0;
  for (uint64_t i = 0; !stop.load(std::memory_order_relaxed); i += 7919) {
    const uint64_t index = i % flags.conversations;
    const store::ThreadId thread{kBrands[index % 3], kFirstProfile + index};
    absl::StatusOr<std::optional<store::ProfileRecord>> profile = reader.GetProfile(thread);
    if (profile.ok() && *profile) {
      store::WriteSet set(store.handles());
      set.PutProfile(thread, &**profile, **profile);
      rocksdb::WriteBatch batch = set.Release();
      if (store.Write(rocksdb::WriteOptions(), &batch).ok()) {
        ++written;
      }
    }
    next += period;
    std::this_thread::sleep_until(next);
  }
  std::fprintf(stderr, "%llu commits while serving\n", static_cast<unsigned long long>(written));
}

}  // namespace

int Serve(const api::ApiDeps& deps, int port, int workers, bool direct, std::size_t cache_pages,
          store::Store* writes, int commits_per_second) {
  config::AdminToken token;
  token.name = "bench";
  token.token = kBenchToken;
  token.role = config::Role::kOwner;
  // With a token configured the state directory is never written.
  auto auth = api::TokenAuth::Create({token}, "/nonexistent");
  if (!auth.ok()) {
    std::fprintf(stderr, "auth: %s\n", auth.status().ToString().c_str());
    return 1;
  }
  boost::asio::thread_pool pool(static_cast<std::size_t>(workers));
  metrics::Registry metrics;
  HttpRouter http;
  api::ApiRouter router(http, **auth, pool.get_executor(), metrics);
  DirectRoutes direct_routes(http, **auth);
  if (direct) {
    api::InstallConversationRoutes(direct_routes, deps, cache_pages);
  } else {
    api::InstallConversationRoutes(router, deps, cache_pages);
  }

  AdminServerOptions options;
  options.port = static_cast<uint16_t>(port);
  std::atomic<bool> stop_writing{false};
  std::thread writer;
  const int served = ServeUntilSignal(options, http, /*threads=*/1, [&](uint16_t listening) {
    std::fprintf(stderr, "serving on 127.0.0.1:%u (%s, %d worker(s)); token %s\n", listening,
                 direct ? "direct, on the I/O thread" : "ApiRouter", workers, kBenchToken);
    if (writes != nullptr && commits_per_second > 0) {
      writer = std::thread([&] { CommitWhileServing(*writes, commits_per_second, stop_writing); });
    }
  });
  stop_writing = true;
  if (writer.joinable()) {
    writer.join();
  }
  pool.join();
  return served;
}

}  // namespace confab::bench
