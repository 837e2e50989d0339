// IA5, Latin-1, UCS-2 (surrogates), invalid UTF-8 and the data_coding rules (facts §6.5, §9.4).

#include "smpp/text_coding.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/smpp/text_test_util.h"

namespace confab::smpp {
namespace {

using testing::Bytes;
using testing::Hex;
using testing::Utf8;

TEST(Latin1, EveryOctetBothWays) {
  for (int b = 0; b < 256; ++b) {
    SCOPED_TRACE(b);
    const uint8_t octet = static_cast<uint8_t>(b);
    std::string decoded;
    EXPECT_EQ(DecodeLatin1(std::span(&octet, 1), decoded), 0u);
    EXPECT_EQ(decoded, Utf8(static_cast<char32_t>(b)));
    std::vector<uint8_t> encoded;
    EXPECT_EQ(EncodeLatin1(decoded, encoded), 0u);
    EXPECT_EQ(encoded, std::vector<uint8_t>{octet});
  }
}

TEST(Latin1, CharactersAboveFFBecomeQuestionMarks) {
  std::vector<uint8_t> out;
  EXPECT_EQ(EncodeLatin1("café €5 Ā😀", out), 3u);
  EXPECT_EQ(out, Hex("63 61 66 E9 20 3F 35 20 3F 3F"));
}

TEST(Ia5, AsciiOnly) {
  std::string decoded;
  EXPECT_EQ(DecodeIa5(Hex("48 69 7E 80 FF"), decoded), 2u);
  EXPECT_EQ(decoded, "Hi~\uFFFD\uFFFD");
  std::vector<uint8_t> encoded;
  EXPECT_EQ(EncodeIa5("Ok é`", encoded), 1u);
  EXPECT_EQ(encoded, Hex("4F 6B 20 3F 60"));
}

TEST(Ucs2, KnownVectorsFromTheFacts) {
  std::vector<uint8_t> encoded;
  EXPECT_EQ(EncodeUcs2("Hi€", encoded), 0u);
  EXPECT_EQ(encoded, Hex("00 48 00 69 20 AC"));
  encoded.clear();
  EXPECT_EQ(EncodeUcs2("😀", encoded), 0u);
  EXPECT_EQ(encoded, Hex("D8 3D DE 00"));
  std::string decoded;
  EXPECT_EQ(DecodeUcs2(Hex("00 48 00 69 20 AC D8 3D DE 00"), decoded), 0u);
  EXPECT_EQ(decoded, "Hi€😀");
}

TEST(Ucs2, SurrogateEdges) {
  struct Case {
    const char* hex;
    std::string expected;
    std::size_t replaced;
  };
  const Case cases[] = {
      {"D8 3D 00 41",
       "\uFFFD"
       "A",
       1},  // high surrogate, then not a low one
      {"DE 00 00 41",
       "\uFFFD"
       "A",
       1},                                  // lone low surrogate
      {"00 41 D8 3D", "A\uFFFD", 1},        // high surrogate at the end
      {"D8 3D D8 3D DE 00", "\uFFFD😀", 1},  // high, then a valid pair
      {"DB FF DF FF", Utf8(0x10FFFF), 0},   // the last code point
      {"D8 00 DC 00", Utf8(0x10000), 0},    // the first astral code point
      {"00 41 00", "A\uFFFD", 1},           // odd trailing octet
      {"FF FE", Utf8(0xFFFE), 0},           // a noncharacter is still a character
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.hex);
    std::string decoded;
    EXPECT_EQ(DecodeUcs2(Hex(c.hex), decoded), c.replaced);
    EXPECT_EQ(decoded, c.expected);
  }
}

TEST(Ucs2, AsciiFastPathMatchesSlowPath) {
  // 8-octet groups mixing ASCII and non-ASCII units at every offset.
  std::string text = "abcdefgh";
  for (int pos = 0; pos < 8; ++pos) {
    std::string t = text;
    t.replace(static_cast<std::size_t>(pos), 1, "é");
    std::vector<uint8_t> encoded;
    EncodeUcs2(t + t, encoded);
    std::string decoded;
    EXPECT_EQ(DecodeUcs2(encoded, decoded), 0u);
    EXPECT_EQ(decoded, t + t);
  }
}

TEST(InvalidUtf8, ReplacedOctetByOctetAndCounted) {
  struct Case {
    std::string input;
    std::size_t bad_octets;
  };
  const Case cases[] = {
      {"\xC3", 1},              // truncated 2-octet sequence
      {"\xE2\x82", 2},          // truncated 3-octet sequence
      {"\xC0\xAF", 2},          // overlong '/'
      {"\xE0\x80\xAF", 3},      // overlong 3-octet
      {"\xED\xA0\x80", 3},      // encoded surrogate
      {"\xF4\x90\x80\x80", 4},  // above U+10FFFF
      {"\x80", 1},              // stray continuation
      {"\xFF", 1},              // never valid
  };
  for (std::size_t index = 0; index < std::size(cases); ++index) {
    const Case& c = cases[index];
    SCOPED_TRACE(index);
    const std::string input = "a" + c.input + "b";
    std::vector<uint8_t> gsm;
    EXPECT_EQ(EncodeGsm7(input, gsm), c.bad_octets);
    EXPECT_EQ(gsm.size(), c.bad_octets + 2);
    std::vector<uint8_t> ucs2;
    EXPECT_EQ(EncodeUcs2(input, ucs2), c.bad_octets);
    std::string back;
    EXPECT_EQ(DecodeUcs2(ucs2, back), 0u);
    std::string expected = "a";
    for (std::size_t k = 0; k < c.bad_octets; ++k) {
      expected += "\uFFFD";
    }
    EXPECT_EQ(back, expected + "b");
    std::vector<uint8_t> latin1;
    EXPECT_EQ(EncodeLatin1(input, latin1), c.bad_octets);
  }
}

TEST(DataCoding, DocumentedRule) {
  struct Case {
    uint8_t dc;
    TextEncoding expected;
  };
  const Case cases[] = {
      {0x00, TextEncoding::kGsm7},   {0x01, TextEncoding::kIa5},    {0x02, TextEncoding::kBinary},
      {0x03, TextEncoding::kLatin1}, {0x04, TextEncoding::kBinary}, {0x05, TextEncoding::kBinary},
      {0x06, TextEncoding::kBinary}, {0x08, TextEncoding::kUcs2},   {0x0E, TextEncoding::kBinary},
      {0x10, TextEncoding::kGsm7},   {0x14, TextEncoding::kBinary}, {0x18, TextEncoding::kUcs2},
      {0x30, TextEncoding::kBinary}, {0x80, TextEncoding::kBinary}, {0xC0, TextEncoding::kGsm7},
      {0xD5, TextEncoding::kGsm7},   {0xE3, TextEncoding::kUcs2},   {0xF0, TextEncoding::kGsm7},
      {0xF3, TextEncoding::kGsm7},   {0xF4, TextEncoding::kBinary}, {0xF7, TextEncoding::kBinary},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(EncodingForDataCoding(c.dc), c.expected) << int{c.dc};
  }
  EXPECT_EQ(EncodingForDataCoding(0x00, DefaultAlphabet::kLatin1), TextEncoding::kLatin1);
  EXPECT_EQ(EncodingForDataCoding(0x00, DefaultAlphabet::kIa5), TextEncoding::kIa5);
  EXPECT_EQ(DataCodingFor(TextEncoding::kGsm7), 0x00);
  EXPECT_EQ(DataCodingFor(TextEncoding::kUcs2), 0x08);
  EXPECT_EQ(DataCodingFor(TextEncoding::kLatin1), 0x03);
  EXPECT_EQ(DataCodingFor(TextEncoding::kIa5), 0x01);
  EXPECT_EQ(DataCodingFor(TextEncoding::kBinary), 0x04);
}

TEST(DecodeUserData, ByDataCoding) {
  DecodedText gsm = DecodeUserData(0x00, Hex("48 69 1B 65"));
  EXPECT_EQ(gsm.encoding, TextEncoding::kGsm7);
  EXPECT_EQ(gsm.utf8, "Hi€");
  EXPECT_EQ(gsm.replaced, 0u);

  DecodedText packed = DecodeUserData(0x00, Hex("C8 32 9B FD 06"), testing::Packed(true));
  EXPECT_EQ(packed.utf8, "Hello");

  DecodedText latin = DecodeUserData(
      0x00, Hex("E9"),
      {.default_alphabet = DefaultAlphabet::kLatin1, .gsm_packed = false, .udh_octets = 0});
  EXPECT_EQ(latin.encoding, TextEncoding::kLatin1);
  EXPECT_EQ(latin.utf8, "é");

  DecodedText ucs2 = DecodeUserData(0x08, Hex("00 48 D8 3D"));
  EXPECT_EQ(ucs2.utf8, "H\uFFFD");
  EXPECT_EQ(ucs2.replaced, 1u);

  DecodedText binary = DecodeUserData(0x04, Hex("00 FF 1B"));
  EXPECT_EQ(binary.encoding, TextEncoding::kBinary);
  EXPECT_TRUE(binary.utf8.empty());
  EXPECT_EQ(binary.binary, Hex("00 FF 1B"));
}

TEST(DecodeUserData, PackedGsmAfterAUdhSkipsTheFillBits) {
  std::vector<uint8_t> septets;
  EncodeGsm7("Hello", septets);
  for (const std::size_t udh_octets : {6u, 7u, 12u}) {
    SCOPED_TRACE(udh_octets);
    std::vector<uint8_t> packed;
    PackSeptets(septets, packed, FillBitsAfterUdh(udh_octets));
    EXPECT_EQ(DecodeUserData(0x00, packed, testing::Packed(true, udh_octets)).utf8, "Hello");
  }
  EXPECT_EQ(FillBitsAfterUdh(0), 0);
  EXPECT_EQ(FillBitsAfterUdh(6), 1);
  EXPECT_EQ(FillBitsAfterUdh(7), 0);
}

TEST(EncodeFromUtf8, DispatchesAndKeepsBinary) {
  std::vector<uint8_t> out;
  EXPECT_EQ(EncodeFromUtf8(TextEncoding::kBinary, "\x01\xFF", out), 0u);
  EXPECT_EQ(out, Bytes("\x01\xFF"));
  out.clear();
  EXPECT_EQ(EncodeFromUtf8(TextEncoding::kGsm7, "{}", out), 0u);
  EXPECT_EQ(out, Hex("1B 28 1B 29"));
  std::string s;
  EXPECT_EQ(DecodeToUtf8(TextEncoding::kBinary, Hex("41"), s), 0u);
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(TextEncodingName(TextEncoding::kUcs2), "UCS2");
}

}  // namespace
}  // namespace confab::smpp
