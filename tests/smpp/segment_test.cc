// Encoding choice, segment counts and cutting into parts (product §6, facts §8).

#include "smpp/segment.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smpp/types.h"
#include "tests/smpp/text_test_util.h"

namespace confab::smpp {
namespace {

using testing::Hex;

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    out += s;
  }
  return out;
}

SegmentOptions Opts(ConcatMode mode, bool packed = false,
                    std::optional<TextEncoding> encoding = std::nullopt) {
  return SegmentOptions{.mode = mode, .gsm_packed = packed, .encoding = encoding};
}

// The text octets of a part (after the UDH when there is one).
std::vector<uint8_t> TextOf(const MessagePart& part) {
  if ((part.esm_class_flags & esm_class::kUdhi) == 0) {
    return part.short_message;
  }
  const std::size_t udh = 1u + part.short_message[0];
  return {part.short_message.begin() + static_cast<long>(udh), part.short_message.end()};
}

TEST(AnalyzeText, PicksGsm7WhenEverythingFits) {
  TextAnalysis a = AnalyzeText("Hello {world} €5");
  EXPECT_EQ(a.encoding, TextEncoding::kGsm7);
  EXPECT_EQ(a.units, 19u);  // 16 characters, 3 of them extension characters
  EXPECT_EQ(a.characters, 16u);
  EXPECT_EQ(a.segments, 1u);
  EXPECT_EQ(a.units_per_segment, 160u);
}

TEST(AnalyzeText, PicksUcs2OtherwiseAndCountsSurrogatePairsAsTwo) {
  TextAnalysis a = AnalyzeText("ça va 😀");
  EXPECT_EQ(a.encoding, TextEncoding::kUcs2);  // 'ç' is not in GSM (only 'Ç' is)
  EXPECT_EQ(a.units, 8u);
  EXPECT_EQ(a.characters, 7u);
  EXPECT_EQ(a.segments, 1u);
  EXPECT_EQ(a.units_per_segment, 70u);
}

TEST(AnalyzeText, SegmentBoundaries) {
  struct Case {
    std::string text;
    TextEncoding encoding;
    std::size_t units;
    std::size_t segments;
  };
  const Case cases[] = {
      {"", TextEncoding::kGsm7, 0, 1},
      {Repeat("a", 160), TextEncoding::kGsm7, 160, 1},
      {Repeat("a", 161), TextEncoding::kGsm7, 161, 2},
      {Repeat("a", 306), TextEncoding::kGsm7, 306, 2},
      {Repeat("a", 307), TextEncoding::kGsm7, 307, 3},
      {Repeat("€", 80), TextEncoding::kGsm7, 160, 1},
      {Repeat("€", 81), TextEncoding::kGsm7, 162, 2},  // 76 + 5 pairs (152 + 10 septets)
      {Repeat("a", 152) + "€" + "a", TextEncoding::kGsm7, 155, 1},
      {Repeat("a", 152) + "€" + Repeat("a", 10), TextEncoding::kGsm7, 164, 2},
      {Repeat("a", 152) + "€" + Repeat("a", 152), TextEncoding::kGsm7, 306, 3},  // ESC pair moves
      {Repeat("ж", 70), TextEncoding::kUcs2, 70, 1},
      {Repeat("ж", 71), TextEncoding::kUcs2, 71, 2},
      {Repeat("ж", 134), TextEncoding::kUcs2, 134, 2},
      {Repeat("ж", 135), TextEncoding::kUcs2, 135, 3},
      {Repeat("😀", 35), TextEncoding::kUcs2, 70, 1},
      {Repeat("ж", 66) + "😀" + Repeat("ж", 66), TextEncoding::kUcs2, 134, 3},  // pair moves
  };
  for (std::size_t i = 0; i < std::size(cases); ++i) {
    SCOPED_TRACE(i);
    const TextAnalysis a = AnalyzeText(cases[i].text);
    EXPECT_EQ(a.encoding, cases[i].encoding);
    EXPECT_EQ(a.units, cases[i].units);
    EXPECT_EQ(a.segments, cases[i].segments);
    const auto parts = SegmentText(cases[i].text, {}, [] { return uint16_t{7}; });
    ASSERT_TRUE(parts.ok());
    EXPECT_EQ(parts->parts.size(), a.segments);
  }
}

TEST(AnalyzeText, SixteenBitReferenceLeavesOneUnitLess) {
  EXPECT_EQ(AnalyzeText(Repeat("a", 306), ConcatMode::kUdh8).segments, 2u);
  EXPECT_EQ(AnalyzeText(Repeat("a", 306), ConcatMode::kUdh16).segments, 3u);  // 152 per part
  EXPECT_EQ(AnalyzeText(Repeat("a", 306), ConcatMode::kSar).segments, 2u);
  EXPECT_EQ(AnalyzeText(Repeat("a", 306), ConcatMode::kMessagePayload).segments, 2u);
}

TEST(AnalyzeText, InvalidUtf8CountsAsReplacement) {
  const TextAnalysis a = AnalyzeText("ab\xFF");
  EXPECT_EQ(a.encoding, TextEncoding::kGsm7);
  EXPECT_EQ(a.invalid_utf8, 1u);
  EXPECT_EQ(a.units, 3u);
}

TEST(SegmentText, SinglePartHasNoUdhAndDoesNotTakeAReference) {
  bool called = false;
  const auto m = SegmentText("Hello", {}, [&] {
    called = true;
    return uint16_t{1};
  });
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(called);
  ASSERT_EQ(m->parts.size(), 1u);
  EXPECT_EQ(m->parts[0].short_message, Hex("48 65 6C 6C 6F"));
  EXPECT_EQ(m->parts[0].esm_class_flags, 0);
  EXPECT_FALSE(m->parts[0].sar);
  EXPECT_EQ(m->data_coding, 0x00);
}

TEST(SegmentText, EightBitUdhParts) {
  const auto m = SegmentText(Repeat("a", 200), {}, [] { return uint16_t{0x1234}; });
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->parts.size(), 2u);
  EXPECT_EQ(std::vector<uint8_t>(m->parts[0].short_message.begin(),
                                 m->parts[0].short_message.begin() + 6),
            Hex("05 00 03 34 02 01"));
  EXPECT_EQ(std::vector<uint8_t>(m->parts[1].short_message.begin(),
                                 m->parts[1].short_message.begin() + 6),
            Hex("05 00 03 34 02 02"));
  EXPECT_EQ(m->parts[0].short_message.size(), 6u + 153u);
  EXPECT_EQ(m->parts[1].short_message.size(), 6u + 47u);
  EXPECT_EQ(m->parts[0].esm_class_flags, esm_class::kUdhi);
}

TEST(SegmentText, SixteenBitUdhParts) {
  const auto m =
      SegmentText(Repeat("ж", 100), Opts(ConcatMode::kUdh16), [] { return uint16_t{0xBEEF}; });
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->parts.size(), 2u);
  EXPECT_EQ(m->data_coding, 0x08);
  EXPECT_EQ(std::vector<uint8_t>(m->parts[1].short_message.begin(),
                                 m->parts[1].short_message.begin() + 7),
            Hex("06 08 04 BE EF 02 02"));
  EXPECT_EQ(TextOf(m->parts[0]).size(), 66u * 2);
  EXPECT_EQ(TextOf(m->parts[1]).size(), 34u * 2);
}

TEST(SegmentText, SarPartsCarryValuesNotUdh) {
  const auto m =
      SegmentText(Repeat("b", 170), Opts(ConcatMode::kSar), [] { return uint16_t{0x0102}; });
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->parts.size(), 2u);
  for (std::size_t k = 0; k < 2; ++k) {
    const MessagePart& p = m->parts[k];
    EXPECT_EQ(p.esm_class_flags, 0);
    ASSERT_TRUE(p.sar);
    EXPECT_EQ(
        *p.sar,
        (ConcatInfo{.ref = 0x0102, .total = 2, .seq = static_cast<uint8_t>(k + 1), .ref16 = true}));
  }
  EXPECT_EQ(m->parts[0].short_message.size(), 153u);
}

TEST(SegmentText, MessagePayloadIsOnePart) {
  const auto m =
      SegmentText(Repeat("c", 500), Opts(ConcatMode::kMessagePayload), [] { return uint16_t{1}; });
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->parts.size(), 1u);
  EXPECT_TRUE(m->parts[0].in_message_payload);
  EXPECT_EQ(m->parts[0].short_message.size(), 500u);
  // A short text still goes in short_message.
  const auto s = SegmentText("hi", Opts(ConcatMode::kMessagePayload), [] { return uint16_t{1}; });
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->parts[0].in_message_payload);
}

TEST(SegmentText, PackedGsmPartsFit140Octets) {
  const auto m =
      SegmentText(Repeat("d", 306), Opts(ConcatMode::kUdh8, true), [] { return uint16_t{9}; });
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->parts.size(), 2u);
  EXPECT_EQ(m->parts[0].short_message.size(), 140u);  // 6 UDH + 1 fill bit + 153 septets
  const auto single =
      SegmentText(Repeat("d", 160), Opts(ConcatMode::kUdh8, true), [] { return uint16_t{9}; });
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single->parts[0].short_message.size(), 140u);
}

TEST(SegmentText, NeverSplitsEscapeOrSurrogatePairs) {
  const auto gsm =
      SegmentText(Repeat("a", 152) + "€" + Repeat("z", 10), {}, [] { return uint16_t{1}; });
  ASSERT_TRUE(gsm.ok());
  ASSERT_EQ(gsm->parts.size(), 2u);
  EXPECT_EQ(TextOf(gsm->parts[0]).size(), 152u);
  EXPECT_EQ(TextOf(gsm->parts[1]), Hex("1B 65 7A 7A 7A 7A 7A 7A 7A 7A 7A 7A"));

  const auto ucs =
      SegmentText(Repeat("ж", 66) + "😀" + Repeat("ж", 5), {}, [] { return uint16_t{1}; });
  ASSERT_TRUE(ucs.ok());
  ASSERT_EQ(ucs->parts.size(), 2u);
  EXPECT_EQ(TextOf(ucs->parts[0]).size(), 132u);
  EXPECT_EQ(TextOf(ucs->parts[1]), Hex("D8 3D DE 00 04 36 04 36 04 36 04 36 04 36"));
}

TEST(SegmentText, ForcedEncodingCountsUnmappable) {
  const auto m = SegmentText("naïve ç", Opts(ConcatMode::kUdh8, false, TextEncoding::kGsm7),
                             [] { return uint16_t{1}; });
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->encoding, TextEncoding::kGsm7);
  EXPECT_EQ(m->unmappable, 2u);  // ï and ç
  const auto latin = SegmentText("naïve ç", Opts(ConcatMode::kUdh8, false, TextEncoding::kLatin1),
                                 [] { return uint16_t{1}; });
  ASSERT_TRUE(latin.ok());
  EXPECT_EQ(latin->data_coding, 0x03);
  EXPECT_EQ(latin->unmappable, 0u);
  EXPECT_FALSE(SegmentText("x", Opts(ConcatMode::kUdh8, false, TextEncoding::kBinary), [] {
                 return uint16_t{1};
               }).ok());
}

TEST(SegmentText, TooManyPartsIsAnError) {
  const auto ok = SegmentText(Repeat("e", 153 * 255), {}, [] { return uint16_t{1}; });
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->parts.size(), 255u);
  const auto too_long = SegmentText(Repeat("e", 153 * 255 + 1), {}, [] { return uint16_t{1}; });
  EXPECT_EQ(too_long.status().code(), absl::StatusCode::kInvalidArgument);
  const auto payload = SegmentText(Repeat("e", 70000), Opts(ConcatMode::kMessagePayload),
                                   [] { return uint16_t{1}; });
  EXPECT_EQ(payload.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SegmentEncoded, BinaryUses140And134Octets) {
  const std::vector<uint8_t> data(300, 0xAB);
  const auto m = SegmentEncoded(TextEncoding::kBinary, data, {}, [] { return uint16_t{5}; });
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->parts.size(), 3u);
  EXPECT_EQ(TextOf(m->parts[0]).size(), 134u);
  EXPECT_EQ(TextOf(m->parts[2]).size(), 32u);
  EXPECT_EQ(m->data_coding, 0x04);
  const std::vector<uint8_t> small(140, 0x01);
  const auto one = SegmentEncoded(TextEncoding::kBinary, small, {}, [] { return uint16_t{5}; });
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->parts.size(), 1u);
}

}  // namespace
}  // namespace confab::smpp
