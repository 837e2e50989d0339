#pragma once

// The deterministic MO generator of the load mode: for a seed, the same sequence of
// (sender, brand number, text) every run, on every machine (its own SplitMix64 RNG, no
// std::distribution). The mix, by share of messages:
//   10% opt-out keywords (STOP, UNSUBSCRIBE, … with case / space / punctuation variants),
//    5% help (HELP, INFO), 5% opt-in (START, JOIN, UNSTOP),
//   80% conversation text: of which ~15% carry a URL, ~15% are Spanish with accents (UCS-2 on
//   the wire) and ~10% are long (2–3 concatenated parts).
// Keyword texts are English so that one expected reply text per category can check them.
// Conversation texts never contain a keyword as a whole word (the daemon's contains rule would
// otherwise classify them as opt-outs).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"

namespace confab::sim {

enum class MoCategory : uint8_t { kOptOut, kHelp, kOptIn, kConversation };
inline constexpr int kMoCategoryCount = 4;
std::string_view MoCategoryName(MoCategory category);

struct MoSpec {
  std::string source;       // the subscriber, "+1555…"
  std::string destination;  // the brand number
  std::string text;         // UTF-8
  MoCategory category = MoCategory::kConversation;
  bool has_url = false;
  bool spanish = false;
  bool long_text = false;
};

struct MoMixOptions {
  uint64_t seed = 1;
  uint32_t pool = 1000;  // distinct subscriber numbers: +15552000000 .. +15552000000 + pool - 1
  std::vector<std::string> brand_numbers = {"+15550100000"};
  // Never the same text twice from one sender in a run. A gateway that deduplicates by content
  // within a window (as confabd does, [inbound].dedup_window) takes such a repeat for the
  // carrier's retransmission; tests that count every MO need each one distinct. A repeated
  // keyword is drawn again (up to 32 times), a repeated conversation text gets a " (#n)" suffix.
  bool distinct_per_sender = false;
};

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next();
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : Next() % n; }  // bias negligible here

 private:
  uint64_t state_;
};

class MoMix {
 public:
  explicit MoMix(MoMixOptions options);
  MoSpec Next();
  // Room for `count` MOs in the set that keeps texts distinct, so that it never grows during
  // the run: each doubling rehashes every text sent so far, a pause of ~10 ms at 131,072 and at
  // 262,144 MOs that an open loop then makes up in a burst (bench/RESULTS.md).
  void Reserve(uint64_t count);
  // Slots of that set now (for tests).
  std::size_t distinct_capacity() const { return sent_.capacity(); }
  // The subscriber number of pool slot `index`.
  static std::string PoolNumber(uint32_t index);
  const MoMixOptions& options() const { return options_; }

 private:
  MoSpec Draw();
  std::string Conversation(MoSpec& spec);

  MoMixOptions options_;
  SplitMix64 rng_;
  absl::flat_hash_set<std::string> sent_;  // sender + "\n" + text, with distinct_per_sender
  uint64_t suffix_ = 0;
};

}  // namespace confab::sim
