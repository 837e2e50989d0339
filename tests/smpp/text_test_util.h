#pragma once

// Helpers for the text-coding tests, written independently of the code under test.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "smpp/text_coding.h"
#include "tests/smpp/hex.h"

namespace confab::smpp::testing {

inline std::vector<uint8_t> Hex(std::string_view hex) { return FromHex(hex); }

inline std::vector<uint8_t> Bytes(std::string_view s) { return {s.begin(), s.end()}; }

// One code point as UTF-8 (valid scalar values only).
inline std::string Utf8(char32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return s;
}

inline std::string Utf8(std::u32string_view text) {
  std::string s;
  for (char32_t cp : text) {
    s += Utf8(cp);
  }
  return s;
}

// Decode options for a link with packed (or unpacked) GSM 7-bit.
inline DecodeOptions Packed(bool packed, std::size_t udh_octets = 0) {
  DecodeOptions options;
  options.gsm_packed = packed;
  options.udh_octets = udh_octets;
  return options;
}

}  // namespace confab::smpp::testing
