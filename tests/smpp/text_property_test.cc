// Property tests with a seeded RNG: encode -> decode identity over random Unicode text, part
// limits, no split pairs at part boundaries, reported segment count == parts produced, and
// decoders never misbehave on random octets.

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "smpp/segment.h"
#include "smpp/text_coding.h"
#include "smpp/udh.h"
#include "tests/smpp/text_test_util.h"

namespace confab::smpp {
namespace {

using testing::Utf8;

constexpr int kIterations = 1500;

// Every character GSM 03.38 can carry (basic table without ESC, plus the extension table).
const std::u32string kGsmChars =
    U"@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    U"ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà\f^{}\\[~]|€";

enum class Alphabet { kGsm, kBmp, kAstralMix, kLatin1 };

char32_t RandomChar(std::mt19937& rng, Alphabet alphabet) {
  switch (alphabet) {
    case Alphabet::kGsm:
      return kGsmChars[std::uniform_int_distribution<std::size_t>(0, kGsmChars.size() - 1)(rng)];
    case Alphabet::kLatin1:
      return std::uniform_int_distribution<char32_t>(1, 0xFF)(rng);
    case Alphabet::kBmp: {
      char32_t cp;
      do {
        cp = std::uniform_int_distribution<char32_t>(1, 0xFFFF)(rng);
      } while (cp >= 0xD800 && cp <= 0xDFFF);
      return cp;
    }
    case Alphabet::kAstralMix: {
      const int pick = std::uniform_int_distribution<int>(0, 3)(rng);
      if (pick == 0) {
        return std::uniform_int_distribution<char32_t>(0x1F300, 0x1FAFF)(rng);  // emoji
      }
      if (pick == 1) {
        return std::uniform_int_distribution<char32_t>(0x10000, 0x10FFFF)(rng);
      }
      if (pick == 2) {
        return kGsmChars[std::uniform_int_distribution<std::size_t>(0, kGsmChars.size() - 1)(rng)];
      }
      return RandomChar(rng, Alphabet::kBmp);
    }
  }
  return U'a';
}

std::string RandomText(std::mt19937& rng, Alphabet alphabet, int max_len) {
  const int len = std::uniform_int_distribution<int>(0, max_len)(rng);
  std::u32string text;
  for (int i = 0; i < len; ++i) {
    text += RandomChar(rng, alphabet);
  }
  return Utf8(text);
}

TEST(TextProperty, GsmTextRoundTripsUnpackedAndPacked) {
  std::mt19937 rng(20240101);
  for (int i = 0; i < kIterations; ++i) {
    const std::string text = RandomText(rng, Alphabet::kGsm, 400);
    std::vector<uint8_t> septets;
    ASSERT_EQ(EncodeGsm7(text, septets), 0u);
    EXPECT_EQ(AnalyzeText(text).encoding, TextEncoding::kGsm7);
    EXPECT_EQ(AnalyzeText(text).units, septets.size());
    std::string back;
    ASSERT_EQ(DecodeGsm7(septets, back), 0u);
    ASSERT_EQ(back, text);
    const int fill = std::uniform_int_distribution<int>(0, 6)(rng);
    std::vector<uint8_t> packed;
    PackSeptets(septets, packed, fill);
    ASSERT_EQ(packed.size(), PackedSize(septets.size(), fill));
    std::vector<uint8_t> unpacked;
    UnpackSeptets(packed, unpacked, fill, static_cast<long>(septets.size()));
    ASSERT_EQ(unpacked, septets);
  }
}

TEST(TextProperty, UnicodeTextRoundTripsThroughUcs2) {
  std::mt19937 rng(777);
  for (const Alphabet alphabet : {Alphabet::kBmp, Alphabet::kAstralMix}) {
    for (int i = 0; i < kIterations; ++i) {
      const std::string text = RandomText(rng, alphabet, 200);
      std::vector<uint8_t> encoded;
      ASSERT_EQ(EncodeUcs2(text, encoded), 0u);
      std::string back;
      ASSERT_EQ(DecodeUcs2(encoded, back), 0u);
      ASSERT_EQ(back, text);
    }
  }
}

TEST(TextProperty, Latin1TextRoundTrips) {
  std::mt19937 rng(4242);
  for (int i = 0; i < kIterations; ++i) {
    const std::string text = RandomText(rng, Alphabet::kLatin1, 200);
    std::vector<uint8_t> encoded;
    ASSERT_EQ(EncodeLatin1(text, encoded), 0u);
    std::string back;
    DecodeLatin1(encoded, back);
    ASSERT_EQ(back, text);
  }
}

// Checks every part of a segmented message against the rules, and that the parts' text octets
// joined decode back to `text`.
void CheckParts(const std::string& text, const SegmentOptions& options, const SegmentedMessage& m) {
  const SegmentLimits limits = LimitsFor(m.encoding, options.mode);
  const bool multi = m.parts.size() > 1;
  std::vector<uint8_t> joined;
  for (std::size_t k = 0; k < m.parts.size(); ++k) {
    const MessagePart& part = m.parts[k];
    std::size_t offset = 0;
    if (multi && options.mode != ConcatMode::kSar) {
      const auto udh = ParseUdh(part.short_message);
      ASSERT_TRUE(udh.ok());
      ASSERT_TRUE(udh->concat);
      EXPECT_EQ(udh->concat->seq, k + 1);
      EXPECT_EQ(udh->concat->total, m.parts.size());
      EXPECT_EQ(udh->concat->ref16, options.mode == ConcatMode::kUdh16);
      offset = udh->payload_offset;
    }
    if (multi && options.mode == ConcatMode::kSar) {
      ASSERT_TRUE(part.sar);
      EXPECT_EQ(part.sar->seq, k + 1);
    }
    const std::vector<uint8_t> body(part.short_message.begin() + static_cast<long>(offset),
                                    part.short_message.end());
    const std::size_t units = m.encoding == TextEncoding::kUcs2 ? body.size() / 2 : body.size();
    EXPECT_LE(units, multi ? limits.per_part : limits.single);
    EXPECT_LE(part.short_message.size(), 140u + (m.encoding == TextEncoding::kGsm7 ? 20u : 0u));
    if (multi && k + 1 < m.parts.size() && !body.empty()) {
      if (m.encoding == TextEncoding::kGsm7) {
        // The last septet is not an ESC that starts a pair (count trailing ESCs: odd = dangling).
        std::size_t escapes = 0;
        for (auto it = body.rbegin(); it != body.rend() && *it == 0x1B; ++it) {
          ++escapes;
        }
        EXPECT_EQ(escapes % 2, 0u) << "dangling ESC at the end of part " << k + 1;
      } else {
        const uint8_t high = body[body.size() - 2];
        EXPECT_FALSE(high >= 0xD8 && high <= 0xDB) << "lone high surrogate ending part " << k + 1;
      }
    }
    joined.insert(joined.end(), body.begin(), body.end());
  }
  std::string back;
  EXPECT_EQ(DecodeToUtf8(m.encoding, joined, back), 0u);
  EXPECT_EQ(back, text);
}

TEST(TextProperty, SegmentsRespectLimitsAndCountsMatch) {
  std::mt19937 rng(99);
  uint16_t next = 0;
  for (const ConcatMode mode : {ConcatMode::kUdh8, ConcatMode::kUdh16, ConcatMode::kSar}) {
    for (const Alphabet alphabet : {Alphabet::kGsm, Alphabet::kBmp, Alphabet::kAstralMix}) {
      for (int i = 0; i < kIterations / 3; ++i) {
        const std::string text = RandomText(rng, alphabet, 700);
        const SegmentOptions options{.mode = mode, .gsm_packed = false, .encoding = std::nullopt};
        const TextAnalysis analysis = AnalyzeText(text, mode);
        const auto m = SegmentText(text, options, [&] { return ++next; });
        ASSERT_TRUE(m.ok()) << m.status();
        ASSERT_EQ(m->encoding, analysis.encoding);
        ASSERT_EQ(m->parts.size(), analysis.segments);
        ASSERT_EQ(m->units, analysis.units);
        EXPECT_EQ(m->unmappable, 0u);
        CheckParts(text, options, *m);
        if (::testing::Test::HasFailure()) {
          return;
        }
      }
    }
  }
}

TEST(TextProperty, DecodersAcceptRandomOctets) {
  std::mt19937 rng(5);
  for (int i = 0; i < kIterations * 2; ++i) {
    std::vector<uint8_t> data(std::uniform_int_distribution<std::size_t>(0, 300)(rng));
    for (auto& b : data) {
      b = static_cast<uint8_t>(rng());
    }
    const uint8_t dc = static_cast<uint8_t>(rng());
    const DecodedText t = DecodeUserData(dc, data, testing::Packed((i % 2) == 1));
    if (t.encoding == TextEncoding::kBinary) {
      EXPECT_EQ(t.binary, data);
      continue;
    }
    // The decoded text is valid UTF-8 and survives a UCS-2 round trip unchanged.
    std::vector<uint8_t> ucs2;
    ASSERT_EQ(EncodeUcs2(t.utf8, ucs2), 0u);
    std::string back;
    ASSERT_EQ(DecodeUcs2(ucs2, back), 0u);
    ASSERT_EQ(back, t.utf8);
    EXPECT_EQ(AnalyzeText(t.utf8).invalid_utf8, 0u);
  }
}

TEST(TextProperty, RandomOctetsAsUtf8NeverBreakTheEncoders) {
  std::mt19937 rng(6);
  for (int i = 0; i < kIterations * 2; ++i) {
    std::string junk(std::uniform_int_distribution<std::size_t>(0, 200)(rng), '\0');
    for (auto& c : junk) {
      c = static_cast<char>(rng());
    }
    const TextAnalysis a = AnalyzeText(junk);
    std::vector<uint8_t> gsm;
    const std::size_t unmapped = EncodeGsm7(junk, gsm);
    EXPECT_GE(unmapped, a.invalid_utf8);
    std::vector<uint8_t> ucs2;
    EXPECT_EQ(EncodeUcs2(junk, ucs2), a.invalid_utf8);
    EXPECT_EQ(ucs2.size() % 2, 0u);
    const auto m = SegmentText(junk, {}, [] { return uint16_t{1}; });
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->parts.size(), a.segments);
  }
}

}  // namespace
}  // namespace confab::smpp
