#pragma once

// Keyword tables of a brand number (product §2 step 3): plain input (the daemon maps config to
// it), the built-in defaults, and the compiled form the classifier matches against.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace confab::classify {

class TextNormalizer;

// What an inbound message is.
enum class Kind : uint8_t { kConversation, kOptOut, kOptIn, kHelp };

// The language of a keyword, which picks the keyword reply's language. kNone: no keyword.
enum class Language : uint8_t { kNone, kEnglish, kSpanish, kFrench };

// "conversation", "opt_out", "opt_in", "help"; "en", "es", "fr", "none".
std::string_view KindName(Kind kind);
std::string_view LanguageName(Language language);

struct KeywordEntry {
  Kind kind = Kind::kOptOut;  // never kConversation
  Language language = Language::kEnglish;
  std::string phrase;  // as configured, e.g. "OPT OUT"; normalized when compiled
  // Matches only while a double opt-in is pending (the default table's YES).
  bool requires_double_opt_in_pending = false;
};

struct KeywordTableInput {
  std::vector<KeywordEntry> entries;
  // The contains rule (§2 step 4): on by default for US brand numbers, off elsewhere; the
  // daemon decides per brand number.
  bool contains_rule = false;
  uint32_t version = 0;  // recorded in every decision, so that it can be replayed
};

// The defaults of product §2 step 3 (en, es, fr), contains rule off, version 1.
KeywordTableInput DefaultKeywordTables();

// The contains rule applies to messages of at most this many whole words.
inline constexpr size_t kContainsMaxWords = 6;

// A table compiled for matching: every phrase normalized with the classifier's normalizer and
// indexed by its normalized text. Immutable; share it between threads freely.
class CompiledKeywords {
 public:
  struct Entry {
    Kind kind;
    Language language;
    bool requires_double_opt_in_pending;
    std::string phrase;      // as configured
    std::string normalized;  // e.g. "opt out"
    size_t word_count;       // words of `normalized`
  };

  // Errors (InvalidArgument, naming the entry): a kConversation or kNone entry, a phrase that
  // normalizes to nothing ("!!!"), and one normalized phrase listed with two different
  // meanings (kind or pending condition). The same phrase repeated with the same meaning (say
  // in two languages) is allowed: the first entry wins.
  static absl::StatusOr<CompiledKeywords> Compile(const KeywordTableInput& input,
                                                  const TextNormalizer& normalizer);

  // The entry whose normalized phrase is exactly `normalized`, or nullptr.
  const Entry* Find(std::string_view normalized) const;
  // The same, restricted to opt-out entries (the contains rule's sliding windows): most windows
  // are rejected by their length and first byte before any hashing.
  const Entry* FindOptOut(std::string_view normalized) const;

  uint32_t version() const { return version_; }
  bool contains_rule() const { return contains_rule_; }
  size_t max_phrase_words() const { return max_phrase_words_; }
  size_t max_opt_out_words() const { return max_opt_out_words_; }
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  CompiledKeywords() = default;

  std::vector<Entry> entries_;
  absl::flat_hash_map<std::string, uint32_t> index_;  // normalized phrase → entries_ index
  uint64_t length_mask_ = 0;          // bit min(length, 63) set for every normalized phrase length
  uint64_t opt_out_length_mask_ = 0;  // the same for opt-out phrases
  std::array<uint64_t, 4> opt_out_first_byte_{};  // bit set for every opt-out first byte
  uint32_t version_ = 0;
  bool contains_rule_ = false;
  size_t max_phrase_words_ = 0;
  size_t max_opt_out_words_ = 0;
};

}  // namespace confab::classify
