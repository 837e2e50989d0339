// GSM 03.38 tables both ways (every code), the ESC rules, and septet packing (facts §9.1-§9.3).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smpp/text_coding.h"
#include "tests/smpp/text_test_util.h"

namespace confab::smpp {
namespace {

using testing::Hex;
using testing::Utf8;

// Facts §9.1, written out row by row as text; position 0x1B (ESC) holds a placeholder.
const std::u32string kBasic =
    U"@£$¥èéùìòÇ\nØø\rÅå"
    U"Δ_ΦΓΛΩΠΨΣΘΞ\x1BÆæßÉ"
    U" !\"#¤%&'()*+,-./"
    U"0123456789:;<=>?"
    U"¡ABCDEFGHIJKLMNO"
    U"PQRSTUVWXYZÄÖÑÜ§"
    U"¿abcdefghijklmno"
    U"pqrstuvwxyzäöñüà";

struct Ext {
  uint8_t code;
  char32_t cp;
};
const Ext kExtension[] = {{0x0A, U'\f'}, {0x14, U'^'}, {0x28, U'{'}, {0x29, U'}'}, {0x2F, U'\\'},
                          {0x3C, U'['},  {0x3D, U'~'}, {0x3E, U']'}, {0x40, U'|'}, {0x65, U'€'}};

TEST(Gsm7Table, EveryBasicCodeDecodesAndEncodes) {
  ASSERT_EQ(kBasic.size(), 128u);
  for (int code = 0; code < 128; ++code) {
    if (code == 0x1B) {
      continue;
    }
    SCOPED_TRACE(code);
    const uint8_t septet = static_cast<uint8_t>(code);
    std::string decoded;
    EXPECT_EQ(DecodeGsm7(std::span(&septet, 1), decoded), 0u);
    EXPECT_EQ(decoded, Utf8(kBasic[code]));
    std::vector<uint8_t> encoded;
    EXPECT_EQ(EncodeGsm7(Utf8(kBasic[code]), encoded), 0u);
    EXPECT_EQ(encoded, std::vector<uint8_t>{septet});
  }
}

TEST(Gsm7Table, EveryExtensionCodeDecodesAndEncodesAsTwoSeptets) {
  for (const Ext& e : kExtension) {
    SCOPED_TRACE(e.code);
    const std::vector<uint8_t> pair = {0x1B, e.code};
    std::string decoded;
    EXPECT_EQ(DecodeGsm7(pair, decoded), 0u);
    EXPECT_EQ(decoded, Utf8(e.cp));
    std::vector<uint8_t> encoded;
    EXPECT_EQ(EncodeGsm7(Utf8(e.cp), encoded), 0u);
    EXPECT_EQ(encoded, pair);
  }
}

TEST(Gsm7Table, EveryOtherBmpCharacterBecomesQuestionMarkAndIsCounted) {
  std::u32string known = kBasic;
  for (const Ext& e : kExtension) {
    known += e.cp;
  }
  int unmapped_seen = 0;
  for (char32_t cp = 0; cp < 0x10000; ++cp) {
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == 0x1B || known.find(cp) != std::u32string::npos) {
      continue;
    }
    std::vector<uint8_t> encoded;
    ASSERT_EQ(EncodeGsm7(Utf8(cp), encoded), 1u) << std::hex << static_cast<uint32_t>(cp);
    ASSERT_EQ(encoded, std::vector<uint8_t>{0x3F}) << std::hex << static_cast<uint32_t>(cp);
    ++unmapped_seen;
  }
  EXPECT_EQ(unmapped_seen, 0x10000 - 0x800 - 138);  // all but surrogates and the 138 known
  std::vector<uint8_t> encoded;
  EXPECT_EQ(EncodeGsm7("a😀b`", encoded), 2u);  // emoji and backtick have no GSM code
  EXPECT_EQ(encoded, Hex("61 3F 62 3F"));
}

TEST(Gsm7Table, TrapCharactersFromTheFacts) {
  std::vector<uint8_t> encoded;
  EncodeGsm7("@$_¤¡¿", encoded);
  EXPECT_EQ(encoded, Hex("00 02 11 24 40 60"));
}

TEST(Gsm7Decode, EscapeEdgeCases) {
  std::string out;
  // ESC + code outside the extension table: the default-table character, not counted.
  EXPECT_EQ(DecodeGsm7(Hex("1B 41"), out), 0u);
  EXPECT_EQ(out, "A");
  out.clear();
  // Trailing lone ESC: U+FFFD, counted.
  EXPECT_EQ(DecodeGsm7(Hex("41 1B"), out), 1u);
  EXPECT_EQ(out, "A\uFFFD");
  out.clear();
  // ESC ESC: the first is an error, the second then escapes 'e' into '€'.
  EXPECT_EQ(DecodeGsm7(Hex("1B 1B 65"), out), 1u);
  EXPECT_EQ(out, "\uFFFD€");
  out.clear();
  // Octets with the top bit set are not septets.
  EXPECT_EQ(DecodeGsm7(Hex("80 41 FF 1B 80"), out), 4u);
  EXPECT_EQ(out, "\uFFFDA\uFFFD\uFFFD\uFFFD");
}

TEST(Gsm7Decode, AppendsWithoutClearing) {
  std::string out = "x";
  DecodeGsm7(Hex("48 69"), out);
  EXPECT_EQ(out, "xHi");
}

TEST(Gsm7Pack, KnownVectorsFromTheFacts) {
  std::vector<uint8_t> septets;
  EncodeGsm7("Hello", septets);
  std::vector<uint8_t> packed;
  PackSeptets(septets, packed);
  EXPECT_EQ(packed, Hex("C8 32 9B FD 06"));

  septets.clear();
  packed.clear();
  EncodeGsm7("hellohello", septets);
  PackSeptets(septets, packed);
  EXPECT_EQ(packed, Hex("E8 32 9B FD 46 97 D9 EC 37"));

  std::vector<uint8_t> unpacked;
  UnpackSeptets(packed, unpacked);
  EXPECT_EQ(unpacked, septets);
}

TEST(Gsm7Pack, SevenAndEightSeptetEdge) {
  // 7 septets and 8 septets both take 7 octets.
  std::vector<uint8_t> seven = {'A', 'B', 'C', 'D', 'E', 'F', 'G'};
  std::vector<uint8_t> eight = {'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'};
  std::vector<uint8_t> packed7;
  std::vector<uint8_t> packed8;
  PackSeptets(seven, packed7);
  PackSeptets(eight, packed8);
  EXPECT_EQ(packed7.size(), 7u);
  EXPECT_EQ(packed8.size(), 7u);
  EXPECT_EQ(PackedSize(7), 7u);
  EXPECT_EQ(PackedSize(8), 7u);
  EXPECT_EQ(PackedSize(9), 8u);
  std::vector<uint8_t> out;
  UnpackSeptets(packed7, out);  // the 7 zero padding bits are not a trailing '@'
  EXPECT_EQ(out, seven);
  out.clear();
  UnpackSeptets(packed8, out);
  EXPECT_EQ(out, eight);
  // A real trailing '@' at septet 8 is indistinguishable from padding without a count.
  std::vector<uint8_t> with_at = {'A', 'B', 'C', 'D', 'E', 'F', 'G', 0x00};
  std::vector<uint8_t> packed_at;
  PackSeptets(with_at, packed_at);
  EXPECT_EQ(packed_at, packed7);
  out.clear();
  UnpackSeptets(packed_at, out, 0, 8);
  EXPECT_EQ(out, with_at);
}

TEST(Gsm7Pack, HundredSixtyCharactersFitIn140Octets) {
  std::string text;
  for (int i = 0; i < 160; ++i) {
    text += static_cast<char>('a' + i % 26);
  }
  std::vector<uint8_t> septets;
  EncodeGsm7(text, septets);
  std::vector<uint8_t> packed;
  PackSeptets(septets, packed);
  EXPECT_EQ(packed.size(), 140u);
  std::vector<uint8_t> unpacked;
  UnpackSeptets(packed, unpacked);
  std::string decoded;
  DecodeGsm7(unpacked, decoded);
  EXPECT_EQ(decoded, text);
}

TEST(Gsm7Pack, FillBitsAfterUdhRoundTrip) {
  std::vector<uint8_t> septets;
  EncodeGsm7("Fill bits: {€}", septets);
  for (int fill = 0; fill < 7; ++fill) {
    SCOPED_TRACE(fill);
    std::vector<uint8_t> packed;
    PackSeptets(septets, packed, fill);
    EXPECT_EQ(packed.size(), PackedSize(septets.size(), fill));
    EXPECT_EQ(packed[0] & ((1 << fill) - 1), 0);  // the fill bits are zero
    std::vector<uint8_t> unpacked;
    UnpackSeptets(packed, unpacked, fill, static_cast<long>(septets.size()));
    EXPECT_EQ(unpacked, septets);
  }
  // One fill bit after a 6-octet UDH: 153 septets + 1 bit = 134 octets, 140 with the UDH.
  EXPECT_EQ(PackedSize(153, 1), 134u);
}

TEST(Gsm7Pack, ShortInputs) {
  std::vector<uint8_t> out;
  UnpackSeptets({}, out);
  EXPECT_TRUE(out.empty());
  PackSeptets({}, out, 3);
  EXPECT_TRUE(out.empty());
  UnpackSeptets(Hex("01"), out, 6);  // 2 bits after the fill: no whole septet
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace confab::smpp
