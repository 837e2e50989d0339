// Link shortener benchmarks (product §7), and a redirect server for wrk.
//
//   shortener_bench                          Google Benchmark: detection, shortening, preview,
//                                            redirect handler (no network)
//   shortener_bench --serve PORT [THREADS] [memory|rocksdb|rocksdb-nocache]
//                                            serves GET /Bench123 -> 302 on 127.0.0.1:PORT with
//                                            the daemon's listener and handler, until SIGINT
//                                            (for: wrk -t1 -c50 -d10s --latency
//                                             http://127.0.0.1:PORT/Bench123); the link store is
//                                            InMemoryLinkStore (default) or the daemon's
//                                            RocksDbLinkStore over a Store in a fresh /tmp dir
//                                            (fsync durability, deleted on exit), with its link
//                                            cache or (rocksdb-nocache) without

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench/bench_http_server.h"
#include "config/config.h"
#include "daemon/admin_server.h"
#include "daemon/redirect.h"
#include "daemon/rocksdb_link_store.h"
#include "daemon/shortener.h"
#include "daemon/url_detect.h"
#include "store/reader.h"
#include "store/store.h"

namespace confab {
namespace {

// Accepts every code and keeps nothing: the store is excluded from the shortening figure.
class NoopLinkStore : public LinkStore {
 public:
  absl::StatusOr<bool> InsertIfAbsent(std::string_view, const LinkRecord&) override { return true; }
  absl::StatusOr<std::optional<LinkRecord>> Get(std::string_view) const override {
    return std::optional<LinkRecord>();
  }
  absl::Status RecordClick(std::string_view, LinkClick) override { return absl::OkStatus(); }
};

LinkStore* WithBenchLink(LinkStore& store) {
  LinkRecord record;
  record.url = "https://example.com/landing";
  record.message = store::MessageKey{{15557654321ULL, 15551230000ULL}, 1};
  record.created = absl::Now();
  record.expires = absl::InfiniteFuture();
  (void)store.InsertIfAbsent("Bench123", record);
  return &store;
}

// A Store in a fresh directory under /tmp, removed with it; fsync durability as the default.
class BenchStore {
 public:
  explicit BenchStore(std::size_t link_cache_bytes = RocksDbLinkStoreOptions().link_cache_bytes)
      : dir_(std::filesystem::temp_directory_path() /
             ("confab_shortener_bench_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(dir_);
    store::StoreOptions options;
    options.path = dir_.string();
    auto opened = store::Store::Open(options);
    if (!opened.ok()) {
      std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
      std::abort();
    }
    store_ = *std::move(opened);
    RocksDbLinkStoreOptions links = RocksDbLinkStoreOptions::For(*store_);
    links.link_cache_bytes = link_cache_bytes;
    links_ = std::make_unique<RocksDbLinkStore>(store_.get(), links);
  }
  ~BenchStore() {
    links_.reset();
    (void)store_->Close();
    std::filesystem::remove_all(dir_);
  }
  RocksDbLinkStore& links() { return *links_; }
  store::Store& store() { return *store_; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<RocksDbLinkStore> links_;
};

// 160 characters, one URL of 48.
const std::string& Text160() {
  static const std::string text =
      "Acme: Spring sale! 30% off everything until Sunday. Shop now at "
      "https://shop.acme-store.com/spring-sale?utm=sms1 Reply STOP to opt out, HELP for help. "
      "Thanks!!!";
  return text;
}

void BM_FindUrls160(benchmark::State& state) {
  std::vector<UrlMatch> matches;
  for (auto _ : state) {
    FindUrls(Text160(), matches);
    benchmark::DoNotOptimize(matches.data());
  }
  state.counters["text_bytes"] = static_cast<double>(Text160().size());
}
BENCHMARK(BM_FindUrls160);

// Shortens `text` for `context` per iteration, the new links going to `store`.
void ShortenLoop(benchmark::State& state, LinkStore& store, const std::string& text,
                 const LinkContext& context) {
  Shortener shortener(ShortenerOptions{.short_domain = "go.acme.co"}, &store);
  for (auto _ : state) {
    absl::StatusOr<ShortenResult> result = shortener.Shorten(text, context);
    benchmark::DoNotOptimize(result->text.data());
  }
}

// The context of a reply's links.
const LinkContext kReplyContext{store::MessageKey{{15557654321ULL, 15551230000ULL}, 1}};

void BM_Shorten160OneUrl(benchmark::State& state) {
  NoopLinkStore store;
  ShortenLoop(state, store, Text160(), kReplyContext);
}
BENCHMARK(BM_Shorten160OneUrl);

void BM_Shorten160NoUrl(benchmark::State& state) {
  NoopLinkStore store;
  ShortenLoop(state, store, std::string(160, 'a'), {});
}
BENCHMARK(BM_Shorten160NoUrl);

void BM_Shorten160OneUrlInMemoryStore(benchmark::State& state) {
  InMemoryLinkStore store;
  ShortenLoop(state, store, Text160(), kReplyContext);
}
BENCHMARK(BM_Shorten160OneUrlInMemoryStore);

void BM_Preview160(benchmark::State& state) {
  NoopLinkStore store;
  Shortener shortener(ShortenerOptions{.short_domain = "go.acme.co"}, &store);
  for (auto _ : state) {
    ShortenPreview preview = shortener.Preview(Text160());
    benchmark::DoNotOptimize(preview.text.data());
  }
}
BENCHMARK(BM_Preview160);

void BM_RandomCode(benchmark::State& state) {
  RandomCodeSource codes;
  for (auto _ : state) {
    benchmark::DoNotOptimize(codes.Next());
  }
}
BENCHMARK(BM_RandomCode);

// The daemon's redirect service (default bot list) over `store`, which gets the link Bench123.
RedirectService BenchRedirectService(LinkStore& store) {
  return RedirectService(WithBenchLink(store),
                         BotDetector(config::LinksConfig::DefaultBotUserAgents()));
}

// Handles a browser's GET /Bench123 per iteration, over `store`.
void RedirectLoop(benchmark::State& state, LinkStore& store) {
  const RedirectService service = BenchRedirectService(store);
  HttpRequest request;
  request.method = "GET";
  request.target = "/Bench123";
  request.headers = {{"User-Agent",
                      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
                      "Mobile/15E148"}};
  for (auto _ : state) {
    HttpResponse response = service.Handle(request);
    benchmark::DoNotOptimize(response.status);
  }
}

// RedirectLoop over the daemon's store with a link cache of `link_cache_bytes`; then the click
// queue is drained and the clicks it refused or lost are reported as `clicks_lost`.
void RedirectLoopRocksDb(benchmark::State& state, std::size_t link_cache_bytes) {
  BenchStore bench(link_cache_bytes);
  RedirectLoop(state, bench.links());
  bench.links().Stop();
  const ClickQueueStats stats = bench.links().click_stats();
  state.counters["clicks_lost"] = static_cast<double>(stats.refused + stats.lost);
}

void BM_RedirectHandler(benchmark::State& state) {
  InMemoryLinkStore store;
  RedirectLoop(state, store);
}
BENCHMARK(BM_RedirectHandler);

// The same over the daemon's store: the link from the store's link cache (a RocksDB GetLink
// only for the first request), and the click appended to the store's click queue (no wait).
void BM_RedirectHandlerRocksDb(benchmark::State& state) {
  RedirectLoopRocksDb(state, RocksDbLinkStoreOptions().link_cache_bytes);
}
BENCHMARK(BM_RedirectHandlerRocksDb);

// The same with the link cache off: every request reads the link from RocksDB (memtable here).
void BM_RedirectHandlerRocksDbNoCache(benchmark::State& state) {
  RedirectLoopRocksDb(state, /*link_cache_bytes=*/0);
}
BENCHMARK(BM_RedirectHandlerRocksDbNoCache);

// A link insert as the send path does it: claim, write, wait for the fsynced group commit.
void BM_InsertRocksDbFsync(benchmark::State& state) {
  BenchStore bench;
  RandomCodeSource codes;
  LinkRecord record;
  record.url = "https://shop.acme-store.com/spring-sale?utm=sms1";
  record.expires = absl::InfiniteFuture();
  for (auto _ : state) {
    const ShortCode code = codes.Next();
    benchmark::DoNotOptimize(bench.links().InsertIfAbsent({code.data(), code.size()}, record));
  }
}
BENCHMARK(BM_InsertRocksDbFsync)->UseRealTime();

// The wrk target: the daemon's listener (AdminServer) with the redirect service.
int Serve(uint16_t port, unsigned threads, bool rocksdb, bool link_cache) {
  InMemoryLinkStore memory;
  std::unique_ptr<BenchStore> durable = !rocksdb ? nullptr
                                        : link_cache
                                            ? std::make_unique<BenchStore>()
                                            : std::make_unique<BenchStore>(/*link_cache_bytes=*/0);
  LinkStore& store = rocksdb ? static_cast<LinkStore&>(durable->links()) : memory;
  const RedirectService service = BenchRedirectService(store);
  HttpRouter router;
  service.Install(router);
  AdminServerOptions options;
  options.port = port;
  options.max_connections = 4096;
  const char* store_kind = !rocksdb     ? "in-memory"
                           : link_cache ? "rocksdb"
                                        : "rocksdb (no link cache)";
  const int served = bench::ServeUntilSignal(options, router, threads, [&](uint16_t listening) {
    std::printf("serving http://127.0.0.1:%u/Bench123 on %u thread(s), %s store\n", listening,
                threads, store_kind);
    std::fflush(stdout);
  });
  if (served != 0) {
    return served;
  }
  if (rocksdb) {
    durable->links().Stop();  // writes the queued clicks
    const ClickQueueStats stats = durable->links().click_stats();
    const absl::StatusOr<store::ClickCounts> counts =
        store::StoreReader(durable->store()).GetClickCounts("Bench123");
    std::printf(
        "clicks recorded: %llu humans, %llu bots (%llu queued, %llu batches, largest %zu, "
        "%llu refused, %llu lost)\n",
        static_cast<unsigned long long>(counts.ok() ? counts->humans : 0),
        static_cast<unsigned long long>(counts.ok() ? counts->bots : 0),
        static_cast<unsigned long long>(stats.queued),
        static_cast<unsigned long long>(stats.batches), stats.largest_batch,
        static_cast<unsigned long long>(stats.refused),
        static_cast<unsigned long long>(stats.lost));
  } else {
    std::printf("clicks recorded: %zu\n", memory.Clicks("Bench123").size());
  }
  return 0;
}

}  // namespace
}  // namespace confab

int main(int argc, char** argv) {
  if (argc >= 3 && std::string_view(argv[1]) == "--serve") {
    const unsigned threads = argc >= 4 ? static_cast<unsigned>(std::atoi(argv[3])) : 1;
    const std::string_view kind = argc >= 5 ? std::string_view(argv[4]) : "memory";
    const bool rocksdb = kind == "rocksdb" || kind == "rocksdb-nocache";
    return confab::Serve(static_cast<uint16_t>(std::atoi(argv[2])), threads < 1 ? 1 : threads,
                         rocksdb, kind != "rocksdb-nocache");
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
