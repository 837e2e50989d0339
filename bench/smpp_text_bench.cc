// Text coding throughput (MB/s of input) for GSM 7-bit and UCS-2 in both directions, and the
// encoding-choice / segment-count function on a 160-character text (with allocations per call).
// Figures: bench/RESULTS.md, section "SMPP text coding".

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "bench/alloc_counter.h"
#include "smpp/segment.h"
#include "smpp/text_coding.h"

namespace confab::smpp {
namespace {

constexpr std::size_t kTextBytes = 64 * 1024;

// Realistic SMS text, repeated: mostly ASCII with a few GSM specials and extension characters.
std::string GsmText() {
  const std::string sample =
      "Your code is 482913. Reply STOP to opt out, HELP for help. Price: 5€ {promo} @shop ";
  std::string text;
  while (text.size() < kTextBytes) {
    text += sample;
  }
  return text;
}

// Unicode text: mixed ASCII, Cyrillic, accented Latin and an emoji now and then.
std::string UnicodeText() {
  const std::string sample = "Привет! Ваш код 4829 — ça marche? 😀 Ответьте СТОП. ";
  std::string text;
  while (text.size() < kTextBytes) {
    text += sample;
  }
  return text;
}

void BM_Gsm7EncodeFromUtf8(benchmark::State& state) {
  const std::string text = GsmText();
  std::vector<uint8_t> out;
  out.reserve(text.size() * 2);
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize(EncodeGsm7(text, out));
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_Gsm7EncodeFromUtf8);

void BM_Gsm7DecodeToUtf8(benchmark::State& state) {
  std::vector<uint8_t> septets;
  EncodeGsm7(GsmText(), septets);
  std::string out;
  out.reserve(septets.size() * 3 + 4);
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize(DecodeGsm7(septets, out));
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * septets.size()));
}
BENCHMARK(BM_Gsm7DecodeToUtf8);

void BM_Ucs2EncodeFromUtf8(benchmark::State& state) {
  const std::string text = UnicodeText();
  std::vector<uint8_t> out;
  out.reserve(text.size() * 2);
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize(EncodeUcs2(text, out));
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_Ucs2EncodeFromUtf8);

void BM_Ucs2DecodeToUtf8(benchmark::State& state) {
  std::vector<uint8_t> ucs2;
  EncodeUcs2(UnicodeText(), ucs2);
  std::string out;
  out.reserve(ucs2.size() * 2 + 8);
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize(DecodeUcs2(ucs2, out));
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * ucs2.size()));
}
BENCHMARK(BM_Ucs2DecodeToUtf8);

// ASCII-only UCS-2 (the fast path), for comparison with the mixed text above.
void BM_Ucs2DecodeAsciiToUtf8(benchmark::State& state) {
  std::vector<uint8_t> ucs2;
  EncodeUcs2(std::string(kTextBytes, 'a'), ucs2);
  std::string out;
  out.reserve(ucs2.size() * 2 + 8);
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize(DecodeUcs2(ucs2, out));
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * ucs2.size()));
}
BENCHMARK(BM_Ucs2DecodeAsciiToUtf8);

void BM_AnalyzeText160(benchmark::State& state) {
  const std::string text = GsmText().substr(0, 160);
  const uint64_t allocations_before = bench::AllocationCount();
  for (auto _ : state) {
    benchmark::DoNotOptimize(AnalyzeText(text));
  }
  state.counters["allocs_per_call"] =
      benchmark::Counter(static_cast<double>(bench::AllocationCount() - allocations_before) /
                         static_cast<double>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_AnalyzeText160);

void BM_AnalyzeTextUnicode160(benchmark::State& state) {
  std::string text = UnicodeText();
  text.resize(160);  // may cut a character: counted as invalid UTF-8, which is fine here
  for (auto _ : state) {
    benchmark::DoNotOptimize(AnalyzeText(text));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_AnalyzeTextUnicode160);

void BM_SegmentText306(benchmark::State& state) {
  const std::string text = GsmText().substr(0, 306);
  for (auto _ : state) {
    auto parts = SegmentText(text, {}, [] { return uint16_t{1}; });
    benchmark::DoNotOptimize(parts);
  }
}
BENCHMARK(BM_SegmentText306);

}  // namespace
}  // namespace confab::smpp

BENCHMARK_MAIN();
