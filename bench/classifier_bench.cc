// Inbound classification cost (product §2): normalize + match, per message.
// Targets: 160-character ASCII message ≤ 100 ns, 160-character non-ASCII (Spanish) ≤ 300 ns.
// The "allocs" counter counts operator new per iteration (ICU's own malloc is not counted).

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "bench/alloc_counter.h"
#include "daemon/classifier.h"
#include "daemon/text_normalizer.h"

namespace confab::classify {
namespace {

// 160 characters each (checked at start-up).
const std::string kAscii160 =
    "Hi there, I just wanted to check whether my order from last Tuesday has shipped yet. "
    "Could you send me the tracking number when you get a chance? Thanks a lot!!";
const std::string kSpanish160 =
    "Hola, quería saber si mi pedido del martes ya salió. ¿Podrían enviarme el número de "
    "seguimiento cuando puedan? Muchas gracias por su atención, señora García :-)";

size_t CodePoints(const std::string& text) {
  size_t count = 0;
  for (unsigned char c : text) {
    count += (c & 0xC0) != 0x80 ? 1 : 0;
  }
  return count;
}

const Classifier& TheClassifier() {
  static const Classifier* classifier = [] {
    if (CodePoints(kAscii160) != 160 || CodePoints(kSpanish160) != 160) {
      std::abort();  // the sample texts must stay 160 characters
    }
    return new Classifier(*Classifier::Create());
  }();
  return *classifier;
}

const CompiledKeywords& Keywords(bool contains_rule) {
  static const auto* tables = [] {
    auto* compiled = new std::pair<CompiledKeywords, CompiledKeywords>(
        *TheClassifier().Compile(DefaultKeywordTables()), [] {
          KeywordTableInput input = DefaultKeywordTables();
          input.contains_rule = true;
          return *TheClassifier().Compile(input);
        }());
    return compiled;
  }();
  return contains_rule ? tables->second : tables->first;
}

// Arg 0: contains rule off (non-US), 1: on (US).
void RunClassify(benchmark::State& state, const std::string& text) {
  const CompiledKeywords& keywords = Keywords(state.range(0) != 0);
  const Classifier& classifier = TheClassifier();
  const uint64_t allocations_before = bench::AllocationCount();
  for (auto _ : state) {
    benchmark::DoNotOptimize(text.data());
    Decision decision = classifier.Classify(text, keywords, {});
    benchmark::DoNotOptimize(decision);
  }
  state.counters["allocs"] =
      benchmark::Counter(static_cast<double>(bench::AllocationCount() - allocations_before),
                         benchmark::Counter::kAvgIterations);
}

void BM_Classify_Ascii160(benchmark::State& state) { RunClassify(state, kAscii160); }
void BM_Classify_Spanish160(benchmark::State& state) { RunClassify(state, kSpanish160); }
void BM_Classify_Stop(benchmark::State& state) { RunClassify(state, "STOP"); }
void BM_Classify_StopPunct(benchmark::State& state) { RunClassify(state, "  Stop! \U0001F6D1"); }
void BM_Classify_Arret(benchmark::State& state) { RunClassify(state, "ARR\u00CAT"); }
void BM_Classify_FullWidthStop(benchmark::State& state) {
  RunClassify(state, "\uFF33\uFF34\uFF2F\uFF30");
}
// Short messages that reach the contains rule (all words normalized, windows looked up).
void BM_Classify_AsciiSixWords(benchmark::State& state) {
  RunClassify(state, "hey can you please quit texting");
}
void BM_Classify_SpanishSixWords(benchmark::State& state) {
  RunClassify(state, "Por favor, detén los mensajes ahora");
}
BENCHMARK(BM_Classify_Ascii160)->Arg(0)->Arg(1);
BENCHMARK(BM_Classify_Spanish160)->Arg(0)->Arg(1);
BENCHMARK(BM_Classify_Stop)->Arg(0)->Arg(1);
BENCHMARK(BM_Classify_StopPunct)->Arg(1);
BENCHMARK(BM_Classify_Arret)->Arg(1);
BENCHMARK(BM_Classify_FullWidthStop)->Arg(1);
BENCHMARK(BM_Classify_AsciiSixWords)->Arg(1);
BENCHMARK(BM_Classify_SpanishSixWords)->Arg(1);

// The normalizer alone over a whole 160-character message (no early stop): what a caller pays
// when it needs the full normalized text.
void RunNormalizeAll(benchmark::State& state, const std::string& text) {
  const TextNormalizer& normalizer = TheClassifier().normalizer();
  NormalizedText out;
  for (auto _ : state) {
    normalizer.Normalize(text, {}, &out);
    benchmark::DoNotOptimize(out.text().data());
  }
}
void BM_NormalizeAll_Ascii160(benchmark::State& state) { RunNormalizeAll(state, kAscii160); }
void BM_NormalizeAll_Spanish160(benchmark::State& state) { RunNormalizeAll(state, kSpanish160); }
BENCHMARK(BM_NormalizeAll_Ascii160);
BENCHMARK(BM_NormalizeAll_Spanish160);

// Keyword lookup: the flat_hash_map (with its length pre-check) against a linear scan of the
// 25 default phrases, for a hit and for a miss of a plausible length.
void BM_Find_HashMap(benchmark::State& state) {
  const CompiledKeywords& keywords = Keywords(true);
  const std::string key = state.range(0) != 0 ? "unsubscribe" : "thanks";
  for (auto _ : state) {
    benchmark::DoNotOptimize(keywords.Find(key));
  }
}
void BM_Find_LinearScan(benchmark::State& state) {
  const CompiledKeywords& keywords = Keywords(true);
  const std::string key = state.range(0) != 0 ? "unsubscribe" : "thanks";
  for (auto _ : state) {
    const CompiledKeywords::Entry* found = nullptr;
    for (const CompiledKeywords::Entry& entry : keywords.entries()) {
      if (entry.normalized == key) {
        found = &entry;
        break;
      }
    }
    benchmark::DoNotOptimize(found);
  }
}
BENCHMARK(BM_Find_HashMap)->Arg(1)->Arg(0);
BENCHMARK(BM_Find_LinearScan)->Arg(1)->Arg(0);

}  // namespace
}  // namespace confab::classify

BENCHMARK_MAIN();
