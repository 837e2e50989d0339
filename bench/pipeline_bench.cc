// The inbound pipeline without the network: deliver_sm PDUs handed to Pipeline::Accept as a
// session would (read, normalize, hash on the calling thread), decided by the decider thread
// (dedup, reassembly, classification, consent, conversation, auto-responder), committed to
// RocksDB by the group committer, with fsync per group (Arg 1) or without (Arg 0,
// durability = "os"), and acknowledged.
//
// The MO mix: 80% conversation text (40–150 characters, some Spanish in UCS-2), 10% STOP-like
// opt-outs, 5% HELP, 5% START — over `profiles` distinct subscribers, round robin, so every
// profile is written about mos/profiles times and the profile records do not fit one memtable.
// One producer thread keeps at most `window` MOs unanswered (a carrier's windows together).
//
// Sizes from the environment (the CI smoke run uses the small defaults):
//   CONFAB_PIPELINE_BENCH_PROFILES  distinct subscribers (5000)
//   CONFAB_PIPELINE_BENCH_MOS       MOs per run (10000)
// Counters: MO_per_s (first accept to last answer), rss_MB (VmRSS at the end, store open),
// groups and messages per group, p50/p99 of accept → answer in µs.

#include <benchmark/benchmark.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "bench/bench_env.h"
#include "config/config.h"
#include "daemon/brand_numbers.h"
#include "daemon/classifier.h"
#include "daemon/metrics.h"
#include "daemon/pipeline.h"
#include "smpp/codec.h"
#include "smpp/text_coding.h"
#include "store/group_commit.h"
#include "store/store.h"

namespace confab::pipeline {
namespace {

using bench::EnvCount;
using bench::RssMb;

config::Config BenchConfig() {
  config::Config config;
  config::CarrierConfig carrier;
  carrier.name = "sim";
  config.carriers.push_back(carrier);
  config::NumberConfig number;
  number.number = "+15550100000";
  number.organization_prefix = "Acme";
  number.program_name = "Acme Alerts";
  number.email = "help@acme.example";
  number.help_phone = "+15550100999";
  number.carriers = {"sim"};
  config.numbers.push_back(number);
  return config;
}

// The user data of MO number i (GSM 7-bit or UCS-2) and its data_coding.
struct Text {
  std::vector<uint8_t> user_data;
  uint8_t data_coding = 0;
};

std::vector<Text> MakeTexts() {
  const char* const kTexts[] = {
      "Hi, is my order #48213 shipped yet? It said 2-3 days and it has been a week now.",
      "Do you have the blue jacket in a medium? The site shows it out of stock.",
      "Thanks! That worked.",
      "Can I change the delivery address for tomorrow's order to 12 Main Street, Springfield?",
      "What time do you close on Sunday?",
      "I got two of the same item, how do I send one back without paying for shipping?",
      "ok",
      "Is the discount code still valid? It says expired when I try it at checkout today.",
      "STOP",
      "Stop texting me please",
      "HELP",
      "START",
  };
  std::vector<Text> texts;
  for (const char* text : kTexts) {
    Text t;
    smpp::EncodeGsm7(text, t.user_data);
    texts.push_back(std::move(t));
  }
  Text spanish;
  spanish.data_coding = 8;
  smpp::EncodeUcs2("¿Tienen la talla más pequeña? Gracias por la ayuda 😊", spanish.user_data);
  texts.push_back(std::move(spanish));
  return texts;
}

// 80% conversation (indices 0–7 and the Spanish one), 10% opt-out, 5% help, 5% opt-in.
std::size_t TextFor(uint64_t i) {
  const uint64_t r = (i * 2654435761u) % 100;
  if (r < 5) {
    return 8;  // STOP
  }
  if (r < 10) {
    return 9;  // contains rule
  }
  if (r < 15) {
    return 10;  // HELP
  }
  if (r < 20) {
    return 11;  // START
  }
  if (r < 30) {
    return 12;  // Spanish, UCS-2
  }
  return r % 8;
}

void BM_Pipeline(benchmark::State& state) {
  const bool fsync = state.range(0) != 0;
  const uint64_t profiles = EnvCount("CONFAB_PIPELINE_BENCH_PROFILES", 5000);
  const uint64_t mos = EnvCount("CONFAB_PIPELINE_BENCH_MOS", 10000);
  const uint64_t window = 20000;
  const std::vector<Text> texts = MakeTexts();

  for (auto _ : state) {
    state.PauseTiming();
    const std::string path = (std::filesystem::temp_directory_path() /
                              ("confab-pipeline-bench-" + std::to_string(getpid())))
                                 .string();
    std::filesystem::remove_all(path);
    store::StoreOptions store_options;
    store_options.path = path;
    store_options.durability = fsync ? store::Durability::kFsync : store::Durability::kOs;
    auto store = store::Store::Open(store_options);
    if (!store.ok()) {
      state.SkipWithError(std::string(store.status().message()).c_str());
      return;
    }
    store::GroupCommitOptions commit;
    commit.sync = fsync;
    commit.hold_after_failure = true;
    store::GroupCommitter committer(**store, commit);
    auto classifier = classify::Classifier::Create();
    auto brands = BrandDirectory::Build(BenchConfig(), *classifier);
    metrics::Registry registry;
    PipelineOptions options;
    options.queue_capacity = window;
    Pipeline pipeline(**store, (*store)->handles(), committer, *classifier, *brands, options,
                      registry);
    (void)pipeline.Start();
    std::atomic<uint64_t> answered{0};
    std::atomic<uint64_t> not_ok{0};
    std::mutex mutex;
    std::condition_variable wake;
    state.ResumeTiming();

    const auto start = std::chrono::steady_clock::now();
    std::string source;
    for (uint64_t i = 0; i < mos; ++i) {
      while (i - answered.load(std::memory_order_acquire) >= window) {
        std::unique_lock lock(mutex);
        wake.wait_for(lock, std::chrono::milliseconds(1));
      }
      source = std::to_string(15552000000ull + i % profiles);
      const Text& text = texts[TextFor(i)];
      smpp::DeliverSm sm;
      sm.source = {1, 1, source};
      sm.destination = {1, 1, "15550100000"};
      sm.data_coding = text.data_coding;
      sm.short_message = text.user_data;
      pipeline.Accept(0, smpp::MakePdu(sm, static_cast<uint32_t>(i + 1)),
                      [&](smpp::CommandStatus status) {
                        if (status != smpp::CommandStatus::kOk) {
                          not_ok.fetch_add(1, std::memory_order_relaxed);
                        }
                        if (answered.fetch_add(1, std::memory_order_acq_rel) + 1 == mos) {
                          std::lock_guard lock(mutex);
                          wake.notify_all();
                        }
                      });
    }
    {
      std::unique_lock lock(mutex);
      wake.wait(lock, [&] { return answered.load() >= mos; });
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.PauseTiming();
    const auto groups = committer.stats();
    state.counters["MO_per_s"] = static_cast<double>(mos) / seconds;
    state.counters["not_ok"] = static_cast<double>(not_ok.load());
    state.counters["groups"] = static_cast<double>(groups.groups);
    state.counters["MO_per_group"] =
        groups.groups == 0 ? 0 : static_cast<double>(mos) / static_cast<double>(groups.groups);
    state.counters["rss_MB"] = RssMb();
    pipeline.Stop();
    committer.Stop();
    store->reset();
    std::filesystem::remove_all(path);
    state.ResumeTiming();
  }
}
BENCHMARK(BM_Pipeline)->Arg(1)->Arg(0)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace confab::pipeline

BENCHMARK_MAIN();
