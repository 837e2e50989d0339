// The admin API's conversation listing over a large store (issue #5 performance target:
// GET /v1/conversations?state=open&unread=true, first page of 50, 1,000,000 conversations:
// p99 <= 5 ms, >= 10,000 requests/s with keep-alive).
//
// The store (RocksDB at --store) is populated once with --conversations threads (written
// directly with WriteSet batches, no WAL, then flushed and compacted; a marker file records what
// is there, so later runs reuse it): three brand numbers, 70 % open / 15 % snoozed / 15 % closed,
// 30 % of open and snoozed ones unread, activity spread over 30 days, three messages each
// (inbound, agent reply delivered, inbound), 2 % attributed to one of ten campaigns.
//
// Modes:
//   api_bench [--store DIR] [--conversations N] [benchmark flags]
//       Google Benchmark of the handlers in-process (no HTTP): first page of open+unread, the
//       merged listing, a deep page, a brand-filtered page, the profile panel. Counters p50_us
//       and p99_us are per-call latencies over the run; allocs_per_call from the allocation
//       counter.
//   api_bench --serve PORT [--store DIR] [--conversations N] [--workers K] [--direct]
//       The routes behind the daemon's own stack (AdminServer + ApiRouter + bearer auth) on
//       127.0.0.1:PORT, token "bench-token-0123456789" (owner), until killed: for wrk. With
//       --direct, GET /v1/conversations is answered on the I/O thread after the same token
//       check, without the ApiRouter's hand-off to a worker thread. --cache-pages N sizes the
//       listing cache (default 64 as in the daemon; 0: every page built from the store);
//       --commits-per-second N writes to the store N times a second while serving (each commit
//       rewrites one conversation's profile record, one WriteBatch as a pipeline group commit
//       is), so cached pages go stale as they do while MOs arrive.
//   The in-process benchmarks build every page from the store (no cache), except
//   BM_OpenUnreadFirstPageCached.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "bench/alloc_counter.h"
#include "bench/api_bench_dataset.h"
#include "bench/api_bench_serve.h"
#include "daemon/api.h"
#include "daemon/api_conversations.h"
#include "rocksdb/db.h"
#include "store/store.h"
#include "store/write_set.h"

namespace confab::bench {
namespace {

// The conversation routes, captured for direct calls.
class Routes final : public api::ApiRoutes {
 public:
  void Add(std::string method, std::string pattern, api::Access, api::ApiHandler handler) override {
    handlers_[method + " " + pattern] = std::move(handler);
  }
  HttpResponse Call(const std::string& route, std::string target,
                    std::vector<std::pair<std::string, std::string>> params = {}) {
    api::ApiCall call;
    call.http.method = "GET";
    call.http.target = std::move(target);
    call.path_params = std::move(params);
    HttpResponse out;
    handlers_.at(route)(std::move(call),
                        [&out](HttpResponse response) { out = std::move(response); });
    return out;
  }

 private:
  std::map<std::string, api::ApiHandler> handlers_;
};

api::ApiDeps Deps(const store::KvSource& source) {
  api::ApiDeps deps;
  deps.source = &source;
  deps.brand = [](uint64_t id) -> std::shared_ptr<const config::NumberConfig> {
    if (std::find(std::begin(kBrands), std::end(kBrands), id) == std::end(kBrands)) {
      return nullptr;
    }
    auto number = std::make_shared<config::NumberConfig>();
    number->number = store::NumberText(id);
    return number;
  };
  deps.clock = [] { return kNowMs; };
  return deps;
}

// The routes without a listing cache (`cached`: with the daemon's).
Routes& SharedRoutes(bool cached = false) {
  static const api::ApiDeps deps = Deps(Dataset());
  static Routes* uncached = [] {
    auto* out = new Routes;
    api::InstallConversationRoutes(*out, deps, 0);
    return out;
  }();
  static Routes* with_cache = [] {
    auto* out = new Routes;
    api::InstallConversationRoutes(*out, deps);
    return out;
  }();
  return cached ? *with_cache : *uncached;
}

// Calls `target` per iteration; counters: per-call p50/p99 latency, allocations, body size.
void RunListing(benchmark::State& state, const std::string& route, const std::string& target,
                std::vector<std::pair<std::string, std::string>> params = {}, bool cached = false) {
  Routes& routes = SharedRoutes(cached);
  std::vector<double> micros;
  std::size_t bytes = 0;
  const uint64_t allocs_before = AllocationCount();
  for (auto _ : state) {
    const auto started = std::chrono::steady_clock::now();
    HttpResponse response = routes.Call(route, target, params);
    micros.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started)
            .count());
    if (response.status != 200) {
      state.SkipWithError(response.body.c_str());
      break;
    }
    bytes = response.body.size();
    benchmark::DoNotOptimize(response);
  }
  if (micros.empty()) {
    return;
  }
  const double calls = static_cast<double>(micros.size());
  state.counters["allocs_per_call"] =
      static_cast<double>(AllocationCount() - allocs_before) / calls;
  std::sort(micros.begin(), micros.end());
  state.counters["p50_us"] = micros[micros.size() / 2];
  state.counters["p99_us"] = micros[std::min(micros.size() - 1, micros.size() * 99 / 100)];
  state.counters["body_bytes"] = static_cast<double>(bytes);
}

void BM_OpenUnreadFirstPage(benchmark::State& state) {
  RunListing(state, "GET /v1/conversations", "/v1/conversations?state=open&unread=true");
}
BENCHMARK(BM_OpenUnreadFirstPage)->Unit(benchmark::kMicrosecond);

// The same page asked again with no write in between: answered from the listing cache.
void BM_OpenUnreadFirstPageCached(benchmark::State& state) {
  RunListing(state, "GET /v1/conversations", "/v1/conversations?state=open&unread=true", {}, true);
}
BENCHMARK(BM_OpenUnreadFirstPageCached)->Unit(benchmark::kMicrosecond);

void BM_OpenMergedFirstPage(benchmark::State& state) {
  RunListing(state, "GET /v1/conversations", "/v1/conversations?state=open");
}
BENCHMARK(BM_OpenMergedFirstPage)->Unit(benchmark::kMicrosecond);

void BM_OpenUnreadBrandFirstPage(benchmark::State& state) {
  RunListing(state, "GET /v1/conversations",
             "/v1/conversations?state=open&unread=true&brand=%2B15550100001");
}
BENCHMARK(BM_OpenUnreadBrandFirstPage)->Unit(benchmark::kMicrosecond);

void BM_OpenUnreadTenthPage(benchmark::State& state) {
  // The cursor of page 10, taken once: the cost of resuming deep in the index.
  Routes& routes = SharedRoutes();
  std::string target = "/v1/conversations?state=open&unread=true";
  for (int page = 1; page < 10; ++page) {
    HttpResponse response = routes.Call("GET /v1/conversations", target);
    const std::size_t at = response.body.rfind("\"next_cursor\":\"");
    if (at == std::string::npos) {
      state.SkipWithError("no next page");
      return;
    }
    const std::size_t begin = at + 15;
    target = "/v1/conversations?state=open&unread=true&cursor=" +
             response.body.substr(begin, response.body.find('"', begin) - begin);
  }
  RunListing(state, "GET /v1/conversations", target);
}
BENCHMARK(BM_OpenUnreadTenthPage)->Unit(benchmark::kMicrosecond);

void BM_ProfilePanel(benchmark::State& state) {
  const std::string brand = store::NumberText(kBrands[1]);
  const std::string profile = store::NumberText(kFirstProfile + 1);
  RunListing(state, "GET /v1/conversations/{brand}/{profile}",
             "/v1/conversations/" + brand + "/" + profile,
             {{"brand", brand}, {"profile", profile}});
}
BENCHMARK(BM_ProfilePanel)->Unit(benchmark::kMicrosecond);

// Takes this program's own flags out of argv (the rest go to Google Benchmark).
void ParseFlags(int& argc, char** argv) {
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const char* name) -> const char* {
      const std::string prefix = std::string(name) + "=";
      if (arg.rfind(prefix, 0) == 0) {
        return argv[i] + prefix.size();
      }
      if (arg == name && i + 1 < argc) {
        return argv[++i];
      }
      return nullptr;
    };
    const char* v = nullptr;
    if ((v = value("--store")) != nullptr) {
      flags.store = v;
    } else if ((v = value("--conversations")) != nullptr) {
      (void)absl::SimpleAtoi(v, &flags.conversations);
    } else if ((v = value("--serve")) != nullptr) {
      (void)absl::SimpleAtoi(v, &flags.serve_port);
    } else if (arg == "--direct") {
      flags.direct = true;
    } else if ((v = value("--workers")) != nullptr) {
      (void)absl::SimpleAtoi(v, &flags.workers);
    } else if ((v = value("--cache-pages")) != nullptr) {
      (void)absl::SimpleAtoi(v, &flags.cache_pages);
    } else if ((v = value("--commits-per-second")) != nullptr) {
      (void)absl::SimpleAtoi(v, &flags.commits_per_second);
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
}

}  // namespace
}  // namespace confab::bench

int main(int argc, char** argv) {
  using namespace confab::bench;
  ParseFlags(argc, argv);
  if (flags.conversations == 0) {
    flags.conversations = 1;
  }
  if (flags.serve_port != 0) {
    confab::store::Store& store = Dataset();
    const confab::api::ApiDeps deps = Deps(store);
    return Serve(deps, flags.serve_port, flags.workers, flags.direct, flags.cache_pages,
                 flags.commits_per_second > 0 ? &store : nullptr, flags.commits_per_second);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
