#include "daemon/text_normalizer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unicode/utf8.h>

#include <random>
#include <string>
#include <vector>

namespace confab::classify {
namespace {

const TextNormalizer& Normalizer() {
  static const TextNormalizer* normalizer = *TextNormalizer::Get();
  return *normalizer;
}

std::string Normalize(std::string_view text, NormalizeOptions options = {}) {
  NormalizedText out;
  Normalizer().Normalize(text, options, &out);
  return std::string(out.text());
}

struct NormalizeCase {
  const char* input;
  const char* expected;
};

class NormalizeTest : public testing::TestWithParam<NormalizeCase> {};

TEST_P(NormalizeTest, ProducesExpectedText) {
  EXPECT_EQ(Normalize(GetParam().input), GetParam().expected) << "input: " << GetParam().input;
  // Every case goes through ICU too: the ASCII fast path must not change any result.
  NormalizeOptions unicode;
  unicode.force_unicode_path = true;
  EXPECT_EQ(Normalize(GetParam().input, unicode), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, NormalizeTest,
    testing::Values(
        // Case and whitespace.
        NormalizeCase{"STOP", "stop"}, NormalizeCase{"  stop.  ", "stop"},
        NormalizeCase{"Stop!", "stop"}, NormalizeCase{"\tStop\r\n", "stop"},
        NormalizeCase{"stop   all", "stop all"}, NormalizeCase{"", ""}, NormalizeCase{"   ", ""},
        NormalizeCase{"?!...", ""},
        // Hyphens and underscores collapse like spaces.
        NormalizeCase{"OPT-OUT", "opt out"}, NormalizeCase{"opt_out", "opt out"},
        NormalizeCase{"opt - _ out", "opt out"}, NormalizeCase{"opt\u2014out", "opt out"},
        NormalizeCase{"opt\uFF0Dout", "opt out"},
        // Punctuation and emoji at the edges and between words.
        NormalizeCase{"STOP \U0001F6D1", "stop"}, NormalizeCase{"\U0001F6D1STOP\U0001F6D1", "stop"},
        NormalizeCase{"\u00A1Alto!", "alto"}, NormalizeCase{"\u00BFAYUDA?", "ayuda"},
        NormalizeCase{"stop,please", "stop please"}, NormalizeCase{"(stop)", "stop"},
        NormalizeCase{"\U0001F468\u200D\U0001F469\u200D\U0001F467 stop", "stop"},
        NormalizeCase{"\U0001F1FA\U0001F1F8 stop \U0001F44D\U0001F3FD", "stop"},
        NormalizeCase{"stop \u2764\uFE0F", "stop"},
        // Apostrophes stay inside words, typographic ones become ASCII.
        NormalizeCase{"don't", "don't"}, NormalizeCase{"don\u2019t", "don't"},
        NormalizeCase{"'stop'", "stop"},
        // Accents, full-width, compatibility forms, Unicode case folding.
        NormalizeCase{"ARR\u00CAT", "arret"}, NormalizeCase{"arr\u00EAt", "arret"},
        NormalizeCase{"ARRE\u0302T", "arret"}, NormalizeCase{"D\u00E9tener", "detener"},
        NormalizeCase{"\uFF33\uFF34\uFF2F\uFF30", "stop"}, NormalizeCase{"Stra\u00DFe", "strasse"},
        NormalizeCase{"\u0130", "i"}, NormalizeCase{"\uFB01n", "fin"},
        NormalizeCase{"\u03A3\u03A4\u039F\u03A0", "\u03C3\u03C4\u03BF\u03C0"},
        NormalizeCase{"\uD55C\uAD6D", "\uD55C\uAD6D"},  // Hangul stays composed
        // Zero-width and other invisible characters vanish.
        NormalizeCase{"S\u200BTOP", "stop"}, NormalizeCase{"\uFEFFstop\u2060", "stop"},
        NormalizeCase{"st\u00ADop", "stop"}, NormalizeCase{"S\u200CT\u200DOP", "stop"},
        // Unicode spaces separate words.
        NormalizeCase{"stop\u00A0all", "stop all"}, NormalizeCase{"stop\u3000all", "stop all"},
        NormalizeCase{"stop\u2003all", "stop all"},
        // Controls separate words; ill-formed UTF-8 reads as U+FFFD, a symbol.
        NormalizeCase{"stop\x01"
                      "all",
                      "stop all"},
        NormalizeCase{"\xFFstop\xC3", "stop"}, NormalizeCase{"st\xFFop", "st op"}));

TEST(NormalizedTextTest, WordsRecordOriginalSpansAndJoins) {
  NormalizedText out;
  const std::string text = "  \u00A1Non-stop ARR\u00CAT, opt_out!  ";
  Normalizer().Normalize(text, {}, &out);
  EXPECT_EQ(out.text(), "non stop arret opt out");
  ASSERT_EQ(out.words().size(), 5u);
  std::vector<std::string> sources;
  std::vector<bool> joined;
  for (const NormalizedWord& word : out.words()) {
    sources.push_back(text.substr(word.source_begin, word.source_end - word.source_begin));
    joined.push_back(word.joined_to_previous);
  }
  EXPECT_THAT(sources, testing::ElementsAre("Non", "stop", "ARR\u00CAT", "opt", "out"));
  EXPECT_THAT(joined, testing::ElementsAre(false, true, false, false, true));
  EXPECT_EQ(out.whole_word_count(), 3u);
  EXPECT_EQ(out.Words(3, 2), "opt out");
  EXPECT_EQ(out.Words(1, 1), "stop");
}

TEST(NormalizedTextTest, PunctuationBeforeHyphenKeepsWordsApart) {
  NormalizedText out;
  Normalizer().Normalize("stop!-now", {}, &out);
  ASSERT_EQ(out.words().size(), 2u);
  EXPECT_FALSE(out.words()[1].joined_to_previous);
}

TEST(NormalizedTextTest, CombiningMarkAfterContentBelongsToTheWord) {
  NormalizedText out;
  const std::string text = "arre\u0302t";  // decomposed ê
  Normalizer().Normalize(text, {}, &out);
  ASSERT_EQ(out.words().size(), 1u);
  EXPECT_EQ(out.words()[0].source_end, text.size());
}

TEST(NormalizedTextTest, StopsAtLimitsWithoutText) {
  NormalizeOptions options;
  options.max_words = 2;
  options.max_whole_words = 6;
  NormalizedText out;
  Normalizer().Normalize("one two three four five six seven eight", options, &out);
  EXPECT_TRUE(out.truncated());
  EXPECT_EQ(out.text(), "");
  EXPECT_TRUE(out.words().empty());
  EXPECT_EQ(out.whole_word_count(), 7u);  // stopped at the seventh whole word

  // Hyphenated compounds count as one whole word: 8 words, 4 whole words: within limits.
  Normalizer().Normalize("a-b c-d e-f g-h", options, &out);
  EXPECT_FALSE(out.truncated());
  EXPECT_EQ(out.text(), "a b c d e f g h");

  // Emoji-only and punctuation-only tokens are not words.
  options.max_whole_words = 1;
  Normalizer().Normalize("stop \U0001F6D1 !!! \U0001F6D1", options, &out);
  EXPECT_FALSE(out.truncated());
  EXPECT_EQ(out.text(), "stop");
}

TEST(NormalizedTextTest, IsReusableAcrossCalls) {
  NormalizedText out;
  Normalizer().Normalize("first message here", {}, &out);
  Normalizer().Normalize("Stop", {}, &out);
  EXPECT_EQ(out.text(), "stop");
  EXPECT_EQ(out.words().size(), 1u);
  EXPECT_EQ(out.whole_word_count(), 1u);
  EXPECT_FALSE(out.truncated());
}

// Arbitrary bytes (ill-formed UTF-8, controls, truncated sequences) never crash and every word
// maps back to an in-bounds, ordered range of the input.
TEST(NormalizedTextTest, RandomBytesGiveInBoundsOrderedSpans) {
  std::mt19937 random(99);
  std::uniform_int_distribution<int> length_of(0, 64);
  std::uniform_int_distribution<int> byte(0, 255);
  NormalizedText out;
  for (int iteration = 0; iteration < 20000; ++iteration) {
    std::string text;
    for (int i = length_of(random); i > 0; --i) {
      text.push_back(static_cast<char>(byte(random)));
    }
    Normalizer().Normalize(text, {}, &out);
    uint32_t previous_begin = 0;
    for (const NormalizedWord& word : out.words()) {
      ASSERT_LE(word.source_begin, word.source_end);
      ASSERT_LE(word.source_end, text.size());
      ASSERT_GE(word.source_begin, previous_begin);
      ASSERT_LE(word.offset + word.length, out.text().size());
      ASSERT_GT(word.length, 0u);
      previous_begin = word.source_begin;
    }
  }
}

// The ASCII byte table must agree with ICU's properties for every ASCII character, alone and
// between letters (where inner punctuation behaves differently from edge punctuation).
TEST(AsciiFastPathTest, EveryAsciiCharacterMatchesIcu) {
  NormalizeOptions unicode;
  unicode.force_unicode_path = true;
  for (int c = 0; c < 128; ++c) {
    const std::string alone(1, static_cast<char>(c));
    const std::string inner = "Ab" + alone + "Cd";
    std::string edges = alone;
    edges.append("Ab ").append(alone);
    for (const std::string& text : {alone, inner, edges}) {
      NormalizedText fast;
      NormalizedText slow;
      Normalizer().Normalize(text, {}, &fast);
      Normalizer().Normalize(text, unicode, &slow);
      EXPECT_EQ(fast.text(), slow.text()) << "character " << c;
      ASSERT_EQ(fast.words().size(), slow.words().size()) << "character " << c;
      for (size_t i = 0; i < fast.words().size(); ++i) {
        EXPECT_EQ(fast.words()[i].joined_to_previous, slow.words()[i].joined_to_previous);
      }
    }
  }
}

TEST(AsciiFastPathTest, RandomAsciiMatchesIcuPath) {
  std::mt19937 random(20240613);  // fixed seed: failures reproduce
  // Biased towards what matters: letters, spaces, hyphens, underscores, apostrophes, punctuation.
  const std::string common = "stopSTOPaz AZ09 -_'.,!?";
  std::uniform_int_distribution<int> length_of(0, 40);
  std::uniform_int_distribution<int> pick(0, 1);
  std::uniform_int_distribution<int> common_char(0, static_cast<int>(common.size()) - 1);
  std::uniform_int_distribution<int> any_char(0, 127);
  NormalizeOptions unicode;
  unicode.force_unicode_path = true;
  for (int iteration = 0; iteration < 20000; ++iteration) {
    std::string text;
    const int length = length_of(random);
    for (int i = 0; i < length; ++i) {
      text.push_back(
          static_cast<char>(pick(random) ? common[common_char(random)] : any_char(random)));
    }
    NormalizeOptions limited;
    if (iteration % 2 == 1) {  // half the time with the classifier's limits
      limited.max_words = 2;
      limited.max_whole_words = 6;
    }
    NormalizeOptions limited_unicode = limited;
    limited_unicode.force_unicode_path = true;
    NormalizedText fast;
    NormalizedText slow;
    Normalizer().Normalize(text, limited, &fast);
    Normalizer().Normalize(text, limited_unicode, &slow);
    ASSERT_EQ(fast.text(), slow.text()) << "input: \"" << text << "\"";
    ASSERT_EQ(fast.truncated(), slow.truncated()) << text;
    ASSERT_EQ(fast.whole_word_count(), slow.whole_word_count()) << text;
    ASSERT_EQ(fast.words().size(), slow.words().size()) << text;
    for (size_t i = 0; i < fast.words().size(); ++i) {
      const NormalizedWord& a = fast.words()[i];
      const NormalizedWord& b = slow.words()[i];
      ASSERT_EQ(a.offset, b.offset) << text;
      ASSERT_EQ(a.length, b.length) << text;
      ASSERT_EQ(a.source_begin, b.source_begin) << text;
      ASSERT_EQ(a.source_end, b.source_end) << text;
      ASSERT_EQ(a.joined_to_previous, b.joined_to_previous) << text;
    }
  }
}

// Words of ASCII and Latin letters go through the start-up table; it must agree with ICU on
// every code point of its range and on random words mixing them (with combining marks and other
// scripts thrown in, which send the word to ICU).
TEST(LatinTablePathTest, RandomLatinTextMatchesIcuPath) {
  std::mt19937 random(7);
  std::uniform_int_distribution<int> length_of(0, 12);
  std::uniform_int_distribution<int> kind(0, 9);
  std::uniform_int_distribution<int> latin(0x80, 0x24F);
  std::uniform_int_distribution<int> letter('A', 'z');
  std::uniform_int_distribution<int> mark(0x300, 0x36F);
  const std::string others[] = {" ", "-", "'", "\u2019", "\u0391", "\uFF33", "\u200B", "!"};
  std::uniform_int_distribution<int> other(0, 7);
  NormalizeOptions unicode;
  unicode.force_unicode_path = true;
  auto append = [](std::string& text, int c) {
    char buffer[4];
    int32_t length = 0;
    U8_APPEND_UNSAFE(buffer, length, c);
    text.append(buffer, length);
  };
  for (int c = 0x80; c < 0x250; ++c) {
    std::string text = "x";
    append(text, c);
    EXPECT_EQ(Normalize(text), Normalize(text, unicode)) << "U+" << std::hex << c;
  }
  for (int iteration = 0; iteration < 20000; ++iteration) {
    std::string text;
    for (int i = length_of(random); i > 0; --i) {
      const int k = kind(random);
      if (k < 4) {
        append(text, latin(random));
      } else if (k < 8) {
        append(text, letter(random));
      } else if (k == 8) {
        append(text, mark(random));
      } else {
        text += others[other(random)];
      }
    }
    ASSERT_EQ(Normalize(text), Normalize(text, unicode)) << "input: \"" << text << "\"";
  }
}

}  // namespace
}  // namespace confab::classify
