#include "daemon/text_normalizer.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uniset.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <array>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace confab::classify {

namespace {

// The ASCII classes, as ClassOf() gives them (a test checks every byte against it): C0
// controls, DEL and space are separators; '-' (Pd) and '_' (Pc) join; '\'' is the apostrophe;
// the other punctuation and symbols (P, S) separate; letters and digits are content.
struct AsciiClassValues {
  uint8_t separator, joiner, punctuation, apostrophe, content;
};
constexpr std::array<uint8_t, 128> MakeAsciiClasses(AsciiClassValues v) {
  std::array<uint8_t, 128> classes{};
  for (int c = 0; c < 128; ++c) {
    if (c <= 0x20 || c == 0x7F) {
      classes[c] = v.separator;
    } else if (c == '-' || c == '_') {
      classes[c] = v.joiner;
    } else if (c == '\'') {
      classes[c] = v.apostrophe;
    } else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      classes[c] = v.content;
    } else {
      classes[c] = v.punctuation;
    }
  }
  return classes;
}

}  // namespace

std::string_view NormalizedText::Words(size_t first, size_t count) const {
  const NormalizedWord& head = words_[first];
  const NormalizedWord& tail = words_[first + count - 1];
  return {text_.data() + head.offset, tail.offset + tail.length - head.offset};
}

void NormalizedText::Clear() {
  text_.clear();
  words_.clear();
  whole_word_count_ = 0;
  truncated_ = false;
}

absl::StatusOr<const TextNormalizer*> TextNormalizer::Get() {
  // Built once; a failure is remembered (ICU data does not appear later).
  static const auto* const instance = []() -> absl::StatusOr<const TextNormalizer*>* {
    auto* normalizer = new TextNormalizer();
    absl::Status status = normalizer->Init();
    if (!status.ok()) {
      delete normalizer;
      return new absl::StatusOr<const TextNormalizer*>(status);
    }
    return new absl::StatusOr<const TextNormalizer*>(normalizer);
  }();
  return *instance;
}

TextNormalizer::~TextNormalizer() = default;

absl::Status TextNormalizer::Init() {
  UErrorCode status = U_ZERO_ERROR;
  nfkc_casefold_ = icu::Normalizer2::getNFKCCasefoldInstance(status);
  nfd_ = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) {
    return absl::InternalError(absl::StrCat("ICU normalizers unavailable: ", u_errorName(status)));
  }
  struct SetSpec {
    std::unique_ptr<icu::UnicodeSet>* set;
    const char16_t* pattern;
  };
  const SetSpec specs[] = {
      {&ignorable_, u"[[:Default_Ignorable_Code_Point:][:Cf:]]"},
      {&separator_, u"[[:White_Space:][:Cc:]]"},
      {&joiner_, u"[[:Pd:][:Pc:]]"},
      {&apostrophe_, u"[\\u0027\\u2019\\u02BC\\uFF07]"},
      {&punctuation_, u"[[:P:][:S:][:Extended_Pictographic:]]"},
      {&mark_, u"[:M:]"},
  };
  for (const SetSpec& spec : specs) {
    auto set = std::make_unique<icu::UnicodeSet>(icu::UnicodeString(spec.pattern), status);
    if (U_FAILURE(status)) {
      return absl::InternalError(
          absl::StrCat("ICU character properties unavailable: ", u_errorName(status)));
    }
    set->freeze();  // frozen sets are immutable, fast and safe to share between threads
    *spec.set = std::move(set);
  }
  BuildLatinTable();  // needs the normalizers and sets above
  return absl::OkStatus();
}

TextNormalizer::CharClass TextNormalizer::ClassOf(int32_t c) const {
  // Order matters where properties overlap: soft hyphen is Cf (ignorable), '-' is both P and Pd.
  if (ignorable_->contains(c)) {
    return CharClass::kIgnorable;
  }
  if (separator_->contains(c)) {
    return CharClass::kSeparator;
  }
  if (joiner_->contains(c)) {
    return CharClass::kJoiner;
  }
  if (apostrophe_->contains(c)) {
    return CharClass::kApostrophe;
  }
  if (punctuation_->contains(c)) {
    return CharClass::kPunctuation;
  }
  if (mark_->contains(c)) {
    return CharClass::kMark;
  }
  return CharClass::kContent;
}

void TextNormalizer::Normalize(std::string_view utf8, const NormalizeOptions& options,
                               NormalizedText* out) const {
  out->Clear();
  if (utf8.size() >= std::numeric_limits<uint32_t>::max()) {
    out->truncated_ = true;
    return;
  }
  static constexpr std::array<uint8_t, 128> kAsciiClasses = MakeAsciiClasses(
      {static_cast<uint8_t>(CharClass::kSeparator), static_cast<uint8_t>(CharClass::kJoiner),
       static_cast<uint8_t>(CharClass::kPunctuation), static_cast<uint8_t>(CharClass::kApostrophe),
       static_cast<uint8_t>(CharClass::kContent)});
  const bool force_unicode = options.force_unicode_path;
  const auto* bytes = reinterpret_cast<const uint8_t*>(utf8.data());
  const auto length = static_cast<int32_t>(utf8.size());

  // Pass 1: find the words (byte ranges of their cores) and count them, stopping at the limits.
  absl::InlinedVector<RawWord, 16> raw_words;
  size_t whole_words = 0;
  bool in_core = false;        // the current word has content
  bool after_content = false;  // the last non-ignorable code point was content (for marks)
  bool gap_is_hard = false;    // since the last core: whitespace, punctuation or emoji
  RawWord current{};
  auto end_word = [&]() -> bool {  // false: limits exceeded
    after_content = false;
    if (!in_core) {
      return true;
    }
    in_core = false;
    raw_words.push_back(current);
    whole_words += current.joined ? 0 : 1;
    return raw_words.size() <= options.max_words || whole_words <= options.max_whole_words;
  };
  bool within_limits = true;
  for (int32_t i = 0; i < length && within_limits;) {
    const int32_t start = i;
    CharClass char_class;
    if (bytes[i] < 0x80 && !force_unicode) {
      char_class = static_cast<CharClass>(kAsciiClasses[bytes[i]]);
      ++i;
    } else {
      UChar32 c;
      U8_NEXT(bytes, i, length, c);
      char_class = ClassOf(c < 0 ? 0xFFFD : c);
    }
    switch (char_class) {
      case CharClass::kIgnorable:
        break;
      case CharClass::kSeparator:
      case CharClass::kPunctuation:
        within_limits = end_word();
        gap_is_hard = true;
        break;
      case CharClass::kJoiner:
        within_limits = end_word();
        break;
      case CharClass::kMark:
        if (after_content) {  // a mark belongs to the character before it
          current.end = static_cast<uint32_t>(i);
          break;
        }
        [[fallthrough]];
      case CharClass::kApostrophe:  // part of the word only between content ("don't")
        after_content = false;
        gap_is_hard = true;
        break;
      case CharClass::kContent:
        if (!in_core) {
          in_core = true;
          current.begin = static_cast<uint32_t>(start);
          current.joined = !raw_words.empty() && !gap_is_hard;
        }
        // The rest of an ASCII word in a tight loop: most bytes of a message land here.
        while (i < length && bytes[i] < 0x80 && !force_unicode &&
               kAsciiClasses[bytes[i]] == static_cast<uint8_t>(CharClass::kContent)) {
          ++i;
        }
        current.end = static_cast<uint32_t>(i);
        after_content = true;
        gap_is_hard = false;
        break;
    }
  }
  if (within_limits) {
    within_limits = end_word();
  }
  if (!within_limits) {
    out->truncated_ = true;
    out->whole_word_count_ = whole_words;
    return;
  }

  // Pass 2: normalize each word.
  for (const RawWord& raw : raw_words) {
    AppendWord(utf8, raw, force_unicode, out);
  }
}

}  // namespace confab::classify
