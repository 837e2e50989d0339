#pragma once

// Internal to smpp/: GSM 03.38 tables (facts §9.1, §9.2) and the lookup tables derived from
// them for fast encoding and decoding. Not part of the library's API.

#include <array>
#include <cstdint>

namespace confab::smpp::internal {

inline constexpr uint8_t kGsmEscape = 0x1B;

// Default alphabet: code -> Unicode. The ESC position (0x1B) holds 0.
extern const std::array<char32_t, 128> kGsmBasic;
// Extension table: code after ESC -> Unicode, 0 where undefined.
extern const std::array<char32_t, 128> kGsmExtension;

// One septet's UTF-8 form, ready to be copied with a fixed 4-octet store.
struct Utf8Seq {
  char bytes[4];
  uint8_t len;
};
// Decoding: basic code -> UTF-8. Entries >= 0x80 (not septets) hold U+FFFD; ESC has len 0.
extern const std::array<Utf8Seq, 256> kGsmBasicUtf8;
// Decoding: extension code -> UTF-8; len 0 where undefined.
extern const std::array<Utf8Seq, 128> kGsmExtensionUtf8;

// Encoding result for one code point: the basic code (< 0x80), kGsmExtFlag | extension code,
// or kGsmNone.
inline constexpr uint16_t kGsmNone = 0xFFFF;
inline constexpr uint16_t kGsmExtFlag = 0x100;
// Encoding table for U+0000..U+00FF.
extern const std::array<uint16_t, 256> kGsmFromLatin;
uint16_t GsmFromUnicode(char32_t cp);

// Septets a code point costs in GSM 7-bit: 1, 2 (extension) or 0 when it does not fit.
inline int GsmSeptetCost(char32_t cp) {
  const uint16_t code = cp < 256 ? kGsmFromLatin[cp] : GsmFromUnicode(cp);
  return code == kGsmNone ? 0 : (code & kGsmExtFlag) ? 2 : 1;
}

}  // namespace confab::smpp::internal
