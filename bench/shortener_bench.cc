// Link shortener benchmarks (product §7), and a redirect server for wrk.
//
//   shortener_bench                          Google Benchmark: detection, shortening, preview,
//                                            redirect handler (no network)
//   shortener_bench --serve PORT [THREADS]   serves GET /Bench123 -> 302 on 127.0.0.1:PORT with
//                                            the daemon's listener and handler, until SIGINT
//                                            (for: wrk -t1 -c50 -d10s --latency
//                                             http://127.0.0.1:PORT/Bench123)

#include <benchmark/benchmark.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "boost/asio/io_context.hpp"
#include "boost/asio/signal_set.hpp"
#include "config/config.h"
#include "daemon/admin_server.h"
#include "daemon/redirect.h"
#include "daemon/shortener.h"
#include "daemon/url_detect.h"

namespace confab {
namespace {

// Accepts every code and keeps nothing: the store is excluded from the shortening figure.
class NoopLinkStore : public LinkStore {
 public:
  absl::StatusOr<bool> InsertIfAbsent(std::string_view, const LinkRecord&) override { return true; }
  absl::StatusOr<std::optional<LinkRecord>> Get(std::string_view) const override {
    return std::optional<LinkRecord>();
  }
  absl::Status RecordClick(std::string_view, const LinkClick&) override { return absl::OkStatus(); }
};

LinkStore* WithBenchLink(InMemoryLinkStore& store) {
  LinkRecord record;
  record.url = "https://example.com/landing";
  record.expires = absl::InfiniteFuture();
  (void)store.InsertIfAbsent("Bench123", record);
  return &store;
}

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

void BM_Shorten160OneUrl(benchmark::State& state) {
  NoopLinkStore store;
  Shortener shortener(ShortenerOptions{.short_domain = "go.acme.co"}, &store);
  const LinkContext context{"msg-0001", "+15551230000", "+15557654321"};
  for (auto _ : state) {
    absl::StatusOr<ShortenResult> result = shortener.Shorten(Text160(), context);
    benchmark::DoNotOptimize(result->text.data());
  }
}
BENCHMARK(BM_Shorten160OneUrl);

void BM_Shorten160NoUrl(benchmark::State& state) {
  NoopLinkStore store;
  Shortener shortener(ShortenerOptions{.short_domain = "go.acme.co"}, &store);
  const std::string text(160, 'a');
  for (auto _ : state) {
    absl::StatusOr<ShortenResult> result = shortener.Shorten(text, {});
    benchmark::DoNotOptimize(result->text.data());
  }
}
BENCHMARK(BM_Shorten160NoUrl);

void BM_Shorten160OneUrlInMemoryStore(benchmark::State& state) {
  InMemoryLinkStore store;
  Shortener shortener(ShortenerOptions{.short_domain = "go.acme.co"}, &store);
  const LinkContext context{"msg-0001", "+15551230000", "+15557654321"};
  for (auto _ : state) {
    absl::StatusOr<ShortenResult> result = shortener.Shorten(Text160(), context);
    benchmark::DoNotOptimize(result->text.data());
  }
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

void BM_RedirectHandler(benchmark::State& state) {
  InMemoryLinkStore store;
  RedirectService service(WithBenchLink(store),
                          BotDetector(config::LinksConfig::DefaultBotUserAgents()));
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
BENCHMARK(BM_RedirectHandler);

// The wrk target: the daemon's listener (AdminServer) with the redirect service.
int Serve(uint16_t port, unsigned threads) {
  InMemoryLinkStore store;
  RedirectService service(WithBenchLink(store),
                          BotDetector(config::LinksConfig::DefaultBotUserAgents()));
  HttpRouter router;
  service.Install(router);
  boost::asio::io_context io;
  AdminServerOptions options;
  options.port = port;
  options.max_connections = 4096;
  auto server = AdminServer::Listen(io.get_executor(), options, &router);
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", server.status().ToString().c_str());
    return 1;
  }
  (*server)->Start();
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    (*server)->Stop();
    io.stop();
  });
  std::printf("serving http://127.0.0.1:%u/Bench123 on %u thread(s)\n", (*server)->port(), threads);
  std::fflush(stdout);
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) {
    pool.emplace_back([&io] { io.run(); });
  }
  io.run();
  for (auto& thread : pool) {
    thread.join();
  }
  std::printf("clicks recorded: %zu\n", store.Clicks("Bench123").size());
  return 0;
}

}  // namespace
}  // namespace confab

int main(int argc, char** argv) {
  if (argc >= 3 && std::string_view(argv[1]) == "--serve") {
    const unsigned threads = argc >= 4 ? static_cast<unsigned>(std::atoi(argv[3])) : 1;
    return confab::Serve(static_cast<uint16_t>(std::atoi(argv[2])), threads < 1 ? 1 : threads);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
