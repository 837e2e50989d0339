#include "smpp/gsm7_tables.h"

#include <array>

// Every derived table is computed at compile time from the two transcribed tables, so the
// encoder and the decoder cannot disagree.

namespace confab::smpp::internal {

// Transcribed from facts §9.1 (code = column + row).
constexpr std::array<char32_t, 128> kGsmBasic = {
    // 0x00
    0x0040, 0x00A3, 0x0024, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC,  //
    0x00F2, 0x00C7, 0x000A, 0x00D8, 0x00F8, 0x000D, 0x00C5, 0x00E5,  //
    // 0x10 (0x1B is ESC)
    0x0394, 0x005F, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8,  //
    0x03A3, 0x0398, 0x039E, 0x0000, 0x00C6, 0x00E6, 0x00DF, 0x00C9,  //
    // 0x20
    0x0020, 0x0021, 0x0022, 0x0023, 0x00A4, 0x0025, 0x0026, 0x0027,  //
    0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F,  //
    // 0x30
    0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,  //
    0x0038, 0x0039, 0x003A, 0x003B, 0x003C, 0x003D, 0x003E, 0x003F,  //
    // 0x40
    0x00A1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,  //
    0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F,  //
    // 0x50
    0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057,  //
    0x0058, 0x0059, 0x005A, 0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7,  //
    // 0x60
    0x00BF, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067,  //
    0x0068, 0x0069, 0x006A, 0x006B, 0x006C, 0x006D, 0x006E, 0x006F,  //
    // 0x70
    0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,  //
    0x0078, 0x0079, 0x007A, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,  //
};

namespace {

// Facts §9.2: the ten extension characters.
struct ExtensionEntry {
  uint8_t code;
  char32_t cp;
};
constexpr ExtensionEntry kExtensionEntries[] = {
    {0x0A, 0x000C}, {0x14, 0x005E}, {0x28, 0x007B}, {0x29, 0x007D}, {0x2F, 0x005C},
    {0x3C, 0x005B}, {0x3D, 0x007E}, {0x3E, 0x005D}, {0x40, 0x007C}, {0x65, 0x20AC},
};

constexpr Utf8Seq ToUtf8(char32_t cp) {
  Utf8Seq seq{};
  if (cp < 0x80) {
    seq.bytes[0] = static_cast<char>(cp);
    seq.len = 1;
  } else if (cp < 0x800) {
    seq.bytes[0] = static_cast<char>(0xC0 | (cp >> 6));
    seq.bytes[1] = static_cast<char>(0x80 | (cp & 0x3F));
    seq.len = 2;
  } else {
    seq.bytes[0] = static_cast<char>(0xE0 | (cp >> 12));
    seq.bytes[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    seq.bytes[2] = static_cast<char>(0x80 | (cp & 0x3F));
    seq.len = 3;
  }
  return seq;
}

// The greek capitals of the default table all lie in U+0393..U+03A9.
constexpr char32_t kGreekFirst = 0x0393;
constexpr char32_t kGreekLast = 0x03A9;
constexpr char32_t kEuro = 0x20AC;

constexpr std::array<uint16_t, kGreekLast - kGreekFirst + 1> kGsmFromGreek = [] {
  std::array<uint16_t, kGreekLast - kGreekFirst + 1> t{};
  for (auto& v : t) {
    v = kGsmNone;
  }
  for (uint16_t code = 0; code < 128; ++code) {
    if (kGsmBasic[code] >= kGreekFirst && kGsmBasic[code] <= kGreekLast) {
      t[kGsmBasic[code] - kGreekFirst] = code;
    }
  }
  return t;
}();

}  // namespace

constexpr std::array<char32_t, 128> kGsmExtension = [] {
  std::array<char32_t, 128> t{};
  for (const auto& e : kExtensionEntries) {
    t[e.code] = e.cp;
  }
  return t;
}();

constexpr std::array<Utf8Seq, 256> kGsmBasicUtf8 = [] {
  std::array<Utf8Seq, 256> t{};
  for (int code = 0; code < 256; ++code) {
    t[code] = code < 128 ? ToUtf8(kGsmBasic[code]) : ToUtf8(0xFFFD);
  }
  t[kGsmEscape].len = 0;
  return t;
}();

constexpr std::array<Utf8Seq, 128> kGsmExtensionUtf8 = [] {
  std::array<Utf8Seq, 128> t{};
  for (const auto& e : kExtensionEntries) {
    t[e.code] = ToUtf8(e.cp);
  }
  return t;
}();

constexpr std::array<uint16_t, 256> kGsmFromLatin = [] {
  std::array<uint16_t, 256> t{};
  for (auto& v : t) {
    v = kGsmNone;
  }
  for (uint16_t code = 0; code < 128; ++code) {
    if (code != kGsmEscape && kGsmBasic[code] < 256) {
      t[kGsmBasic[code]] = code;
    }
  }
  for (const auto& e : kExtensionEntries) {
    if (e.cp < 256) {
      t[e.cp] = kGsmExtFlag | e.code;
    }
  }
  return t;
}();

uint16_t GsmFromUnicode(char32_t cp) {
  if (cp < 256) {
    return kGsmFromLatin[cp];
  }
  if (cp >= kGreekFirst && cp <= kGreekLast) {
    return kGsmFromGreek[cp - kGreekFirst];
  }
  if (cp == kEuro) {
    return kGsmExtFlag | 0x65;
  }
  return kGsmNone;
}

}  // namespace confab::smpp::internal
