// The second half of TextNormalizer: folding one word (case, compatibility forms, accents),
// by table for ASCII and Latin letters, by ICU for everything else.

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uniset.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <cstring>

#include "daemon/text_normalizer.h"

namespace confab::classify {
namespace {

bool IsStrippedMark(UChar32 c) { return (U_GET_GC_MASK(c) & (U_GC_MN_MASK | U_GC_ME_MASK)) != 0; }

void AppendUtf8(UChar32 c, absl::InlinedVector<char, 256>& out) {
  char buffer[U8_MAX_LENGTH];
  int32_t length = 0;
  U8_APPEND_UNSAFE(buffer, length, c);
  out.insert(out.end(), buffer, buffer + length);
}

}  // namespace

void TextNormalizer::BuildLatinTable() {
  NormalizedText folded;
  for (UChar32 c = 0x80; c < static_cast<UChar32>(kLatinTableEnd); ++c) {
    LatinFold& entry = latin_[c - 0x80];
    entry.length = kNeedsIcu;
    const CharClass char_class = ClassOf(c);
    if (char_class == CharClass::kIgnorable) {
      entry.length = 0;
      continue;
    }
    if (char_class != CharClass::kContent) {
      continue;  // never inside a word (pass 1 splits there)
    }
    char utf8[U8_MAX_LENGTH];
    int32_t length = 0;
    U8_APPEND_UNSAFE(utf8, length, c);
    folded.Clear();
    AppendUnicodeWord({utf8, static_cast<size_t>(length)},
                      RawWord{0, static_cast<uint32_t>(length), false}, &folded);
    const std::string_view text = folded.text();
    if (folded.words().size() == 1 && text.size() <= sizeof(entry.bytes)) {
      entry.length = static_cast<uint8_t>(text.size());
      std::memcpy(entry.bytes, text.data(), text.size());
    }
  }
}

void TextNormalizer::AppendWord(std::string_view utf8, const RawWord& raw, bool force_unicode,
                                NormalizedText* out) const {
  const std::string_view core = utf8.substr(raw.begin, raw.end - raw.begin);
  if (force_unicode || !AppendTableWord(core, raw, out)) {
    AppendUnicodeWord(core, raw, out);
  }
}

bool TextNormalizer::AppendTableWord(std::string_view core, const RawWord& raw,
                                     NormalizedText* out) const {
  auto& text = out->text_;
  const size_t text_size = text.size();
  if (text_size != 0) {
    text.push_back(' ');
  }
  const size_t offset = text.size();
  for (size_t i = 0; i < core.size();) {
    const auto byte = static_cast<uint8_t>(core[i]);
    if (byte < 0x80) {  // ASCII in a word: letters, digits, apostrophes; NFKC_Casefold lowercases
      text.push_back(byte >= 'A' && byte <= 'Z' ? static_cast<char>(byte + ('a' - 'A'))
                                                : static_cast<char>(byte));
      ++i;
      continue;
    }
    // Two-byte sequences C2 80 .. C9 8F are U+0080 .. U+024F.
    if (byte >= 0xC2 && byte <= 0xC9 && i + 1 < core.size()) {
      const auto trail = static_cast<uint8_t>(core[i + 1]);
      const uint32_t c = (uint32_t{byte & 0x1Fu} << 6) | (trail & 0x3Fu);
      if ((trail & 0xC0) == 0x80 && c < kLatinTableEnd && latin_[c - 0x80].length != kNeedsIcu) {
        const LatinFold& entry = latin_[c - 0x80];
        text.insert(text.end(), entry.bytes, entry.bytes + entry.length);
        i += 2;
        continue;
      }
    }
    text.resize(text_size);  // not a table word: undo
    return false;
  }
  if (text.size() == offset) {  // folded to nothing: no word
    text.resize(text_size);
    return true;
  }
  const bool joined = raw.joined && !out->words_.empty();
  out->words_.push_back({static_cast<uint32_t>(offset), static_cast<uint32_t>(text.size() - offset),
                         raw.begin, raw.end, joined});
  out->whole_word_count_ += joined ? 0 : 1;
  return true;
}

void TextNormalizer::AppendUnicodeWord(std::string_view core, const RawWord& raw,
                                       NormalizedText* out) const {
  icu::UnicodeString source;  // a short word fits UnicodeString's inline buffer
  const auto* bytes = reinterpret_cast<const uint8_t*>(core.data());
  const auto length = static_cast<int32_t>(core.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    c = c < 0 ? 0xFFFD : c;
    if (!ignorable_->contains(c)) {
      source.append(c);
    }
  }
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString folded;
  nfkc_casefold_->normalize(source, folded, status);
  if (U_FAILURE(status)) {  // only on allocation failure; match on the unfolded word then
    folded = source;
  }

  // Emit the folded word without its accents, split where NFKC produced spaces.
  bool piece_open = false;
  bool piece_joined = raw.joined && !out->words_.empty();
  auto append = [&](UChar32 c) {
    if (!piece_open) {
      if (!out->text_.empty()) {
        out->text_.push_back(' ');
      }
      out->words_.push_back(
          {static_cast<uint32_t>(out->text_.size()), 0, raw.begin, raw.end, piece_joined});
      out->whole_word_count_ += piece_joined ? 0 : 1;
      piece_open = true;
    }
    AppendUtf8(c, out->text_);
  };
  auto close_piece = [&]() {
    if (piece_open) {
      NormalizedWord& word = out->words_.back();
      word.length = static_cast<uint32_t>(out->text_.size()) - word.offset;
      piece_open = false;
      piece_joined = true;
    }
  };
  icu::UnicodeString decomposition;
  for (int32_t i = 0; i < folded.length();) {
    const UChar32 c = folded.char32At(i);
    i += U16_LENGTH(c);
    if (separator_->contains(c)) {
      close_piece();
      continue;
    }
    if (IsStrippedMark(c)) {
      continue;
    }
    if (c == 0x2019 || c == 0x02BC) {  // typographic apostrophes match the ASCII one
      append('\'');
      continue;
    }
    // Precomposed letters with accents: keep the base of the canonical decomposition. Other
    // characters (Hangul syllables, …) stay composed.
    bool decomposed = false;
    if (c >= 0xC0 && nfd_->getDecomposition(c, decomposition)) {
      bool has_mark = false;
      for (int32_t j = 0; j < decomposition.length() && !has_mark;) {
        const UChar32 d = decomposition.char32At(j);
        j += U16_LENGTH(d);
        has_mark = IsStrippedMark(d);
      }
      if (has_mark) {
        decomposed = true;
        for (int32_t j = 0; j < decomposition.length();) {
          const UChar32 d = decomposition.char32At(j);
          j += U16_LENGTH(d);
          if (!IsStrippedMark(d)) {
            append(d);
          }
        }
      }
    }
    if (!decomposed) {
      append(c);
    }
  }
  close_piece();
}

}  // namespace confab::classify
