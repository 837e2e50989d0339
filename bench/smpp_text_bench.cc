// Text coding throughput (MB/s of input) for GSM 7-bit and UCS-2 in both directions, and the
// encoding-choice / segment-count function on a 160-character text (with allocations per call).
// Figures: bench/RESULTS.md, section "SMPP text coding".

#include <benchmark/benchmark.h>

#include <string>
#include <string_view>
#include <vector>

#include "bench/alloc_counter.h"
#include "smpp/segment.h"
#include "smpp/text_coding.h"

namespace confab::smpp {
namespace {

constexpr std::size_t kTextBytes = 64 * 1024;

// `sample` repeated to at least kTextBytes bytes.
std::string Repeated(std::string_view sample) {
  std::string text;
  while (text.size() < kTextBytes) {
    text += sample;
  }
  return text;
}

// Realistic SMS text, repeated: mostly ASCII with a few GSM specials and extension characters.
std::string GsmText() {
  return Repeated(
      "Your code is 482913. Reply STOP to opt out, HELP for help. Price: 5€ {promo} @shop ");
}

// Unicode text: mixed ASCII, Cyrillic, accented Latin and an emoji now and then.
std::string UnicodeText() {
  return Repeated("Привет! Ваш код 4829 — ça marche? 😀 Ответьте СТОП. ");
}

// Codes all of `input` with `kCode(input, out)` per iteration (a direct call), into an output
// buffer reserved once (`out_reserve`) and cleared before each call; throughput counts input bytes.
template <auto kCode, typename Output, typename Input>
void CodeLoop(benchmark::State& state, const Input& input, std::size_t out_reserve) {
  Output out;
  out.reserve(out_reserve);
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize(kCode(input, out));
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * input.size()));
}

void BM_Gsm7EncodeFromUtf8(benchmark::State& state) {
  const std::string text = GsmText();
  CodeLoop<EncodeGsm7, std::vector<uint8_t>>(state, text, text.size() * 2);
}
BENCHMARK(BM_Gsm7EncodeFromUtf8);

void BM_Gsm7DecodeToUtf8(benchmark::State& state) {
  std::vector<uint8_t> septets;
  EncodeGsm7(GsmText(), septets);
  CodeLoop<DecodeGsm7, std::string>(state, septets, septets.size() * 3 + 4);
}
BENCHMARK(BM_Gsm7DecodeToUtf8);

void BM_Ucs2EncodeFromUtf8(benchmark::State& state) {
  const std::string text = UnicodeText();
  CodeLoop<EncodeUcs2, std::vector<uint8_t>>(state, text, text.size() * 2);
}
BENCHMARK(BM_Ucs2EncodeFromUtf8);

void BM_Ucs2DecodeToUtf8(benchmark::State& state) {
  std::vector<uint8_t> ucs2;
  EncodeUcs2(UnicodeText(), ucs2);
  CodeLoop<DecodeUcs2, std::string>(state, ucs2, ucs2.size() * 2 + 8);
}
BENCHMARK(BM_Ucs2DecodeToUtf8);

// ASCII-only UCS-2 (the fast path), for comparison with the mixed text above.
void BM_Ucs2DecodeAsciiToUtf8(benchmark::State& state) {
  std::vector<uint8_t> ucs2;
  EncodeUcs2(std::string(kTextBytes, 'a'), ucs2);
  CodeLoop<DecodeUcs2, std::string>(state, ucs2, ucs2.size() * 2 + 8);
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
