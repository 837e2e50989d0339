#pragma once

// Normalization of inbound text for keyword matching (product §2 step 2).
//
// The text is cut into words, each word is normalized on its own, and every normalized word
// remembers the byte range it came from in the original UTF-8, so that a match can be reported
// as a span of the text the subscriber actually sent. Per code point (of the original text):
//  - ignorable (Default_Ignorable_Code_Point or Cf: U+200B/C/D, U+2060, U+FEFF, soft hyphen,
//    variation selectors, …): removed, as if absent ("S\u200BTOP" = "STOP");
//  - separator (White_Space or Cc, incl. NBSP and U+3000): ends a word;
//  - joiner (Pd or Pc: '-', '_', en/em dash, full-width hyphen, …): ends a word, but the next word
//    is marked `joined_to_previous` ("OPT-OUT" = "OPT_OUT" = "opt out" as text, and the contains
//    rule can still tell "non-stop" from "non stop");
//  - apostrophe (' ’ ʼ ＇): part of a word between content ("don't", matched as "don't"),
//    dropped at a word's edges;
//  - punctuation (other P and S, Extended_Pictographic, and combining marks that follow one):
//    ends a word and is dropped ("Stop!", "¡Alto!", "STOP 🛑", "stop,please" = "stop please");
//  - everything else (letters, digits, marks after them) is word content.
// Each word is then NFKC_Casefold-ed (full-width ＳＴＯＰ → stop, ß → ss) and its non-spacing and
// enclosing marks are removed after canonical decomposition (ARRÊT → arret, Détener →
// detener). A word whose NFKC form contains spaces (rare compatibility characters) is split
// into joined sub-words with the same source range. Words are joined by one ASCII space.
//
// Words made only of ASCII are lowercased with a byte loop, and words of ASCII and precomposed
// Latin letters (U+0080..U+024F) are folded through a table built with ICU at start-up; neither
// calls ICU per message, and both give exactly the ICU path's result (tests check this over
// random ASCII and random Latin text). ICU objects are created once
// (process-wide, immutable); Normalize() is const and safe to call from many threads.

#include <unicode/uversion.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string_view>

#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"

U_NAMESPACE_BEGIN  // ICU's versioned namespace (icu_72), aliased as icu
    class Normalizer2;
class UnicodeSet;
U_NAMESPACE_END

namespace confab::classify {

struct NormalizedWord {
  uint32_t offset = 0;        // into NormalizedText::text()
  uint32_t length = 0;        // bytes of normalized text
  uint32_t source_begin = 0;  // byte range in the original UTF-8, edge punctuation excluded
  uint32_t source_end = 0;
  // Separated from the previous word only by hyphens/underscores (or split out of one word
  // by NFKC). The first word is never joined.
  bool joined_to_previous = false;
};

struct NormalizeOptions {
  // Stop early once the text has more than `max_words` words AND more than `max_whole_words`
  // whole words (words not joined to the previous one): the caller (keyword matching) has no
  // use for longer texts, and a long message is then rejected after a cheap scan of its
  // first words, without normalizing anything.
  size_t max_words = std::numeric_limits<size_t>::max();
  size_t max_whole_words = std::numeric_limits<size_t>::max();
  // Tests only: classify ASCII code points and normalize ASCII words through ICU as well.
  bool force_unicode_path = false;
};

// The result of one normalization; reusable (Normalize() clears it). Small texts live in
// inline buffers, so a typical SMS is normalized without heap allocation.
class NormalizedText {
 public:
  // The normalized words joined by single spaces. Empty when truncated().
  std::string_view text() const { return {text_.data(), text_.size()}; }
  std::span<const NormalizedWord> words() const { return {words_.data(), words_.size()}; }
  // Words [first, first + count) as they appear in text(), e.g. "opt out". Requires
  // count >= 1 and first + count <= words().size().
  std::string_view Words(size_t first, size_t count) const;
  // Number of words not joined to the previous one ("non-stop please" has 2).
  size_t whole_word_count() const { return whole_word_count_; }
  // The limits of NormalizeOptions were exceeded: scanning stopped and text()/words() are
  // empty; whole_word_count() then counts only the words seen before stopping.
  bool truncated() const { return truncated_; }

 private:
  friend class TextNormalizer;
  void Clear();

  absl::InlinedVector<char, 256> text_;
  absl::InlinedVector<NormalizedWord, 8> words_;
  size_t whole_word_count_ = 0;
  bool truncated_ = false;
};

class TextNormalizer {
 public:
  // The process-wide instance (created on first use, thread-safe). Fails only if the ICU data
  // lacks the normalization tables or properties.
  static absl::StatusOr<const TextNormalizer*> Get();

  TextNormalizer(const TextNormalizer&) = delete;
  TextNormalizer& operator=(const TextNormalizer&) = delete;
  ~TextNormalizer();

  // Normalizes `utf8` into `*out`. Ill-formed UTF-8 is read as U+FFFD (a symbol: it separates
  // words). Texts of 4 GiB or more are not supported (offsets are 32-bit): they come back
  // truncated.
  void Normalize(std::string_view utf8, const NormalizeOptions& options, NormalizedText* out) const;

 private:
  enum class CharClass : uint8_t {
    kIgnorable,
    kSeparator,
    kJoiner,
    kPunctuation,
    kApostrophe,
    kMark,
    kContent,
  };
  struct RawWord {
    uint32_t begin;  // original bytes of the word's core (edge punctuation excluded)
    uint32_t end;
    bool joined;
  };
  // The folded form of one code point of U+0080..U+024F (Latin-1 Supplement, Latin Extended-A
  // and -B), computed with ICU at start-up: "É" → "e", "ß" → "ss", soft hyphen → "". Words made
  // of ASCII and these letters are folded by table lookups, without ICU; this is exact because
  // no two of these characters compose under NFKC (only combining marks, U+0300 up, which take
  // the ICU path). kNeedsIcu marks the few whose fold is not a plain word.
  struct LatinFold {
    uint8_t length;
    char bytes[7];
  };
  static constexpr uint32_t kLatinTableEnd = 0x250;
  static constexpr uint8_t kNeedsIcu = 0xFF;

  TextNormalizer() = default;
  absl::Status Init();
  void BuildLatinTable();
  CharClass ClassOf(int32_t code_point) const;
  // Appends the normalized form of original bytes [raw.begin, raw.end) to `out` as one or more
  // words (zero if it normalizes to nothing).
  void AppendWord(std::string_view utf8, const RawWord& raw, bool force_unicode,
                  NormalizedText* out) const;
  // The table path: false (and `out` unchanged) if the word has a character outside the table.
  bool AppendTableWord(std::string_view core, const RawWord& raw, NormalizedText* out) const;
  void AppendUnicodeWord(std::string_view core, const RawWord& raw, NormalizedText* out) const;

  const icu::Normalizer2* nfkc_casefold_ = nullptr;
  const icu::Normalizer2* nfd_ = nullptr;
  std::unique_ptr<icu::UnicodeSet> ignorable_;
  std::unique_ptr<icu::UnicodeSet> separator_;
  std::unique_ptr<icu::UnicodeSet> joiner_;
  std::unique_ptr<icu::UnicodeSet> apostrophe_;
  std::unique_ptr<icu::UnicodeSet> punctuation_;
  std::unique_ptr<icu::UnicodeSet> mark_;
  std::array<LatinFold, kLatinTableEnd - 0x80> latin_{};
};

}  // namespace confab::classify
