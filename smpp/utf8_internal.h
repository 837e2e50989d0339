#pragma once

// Internal to smpp/: UTF-8 reading and writing shared by the text encoders and the segment
// counter. Not part of the library's API.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace confab::smpp::internal {

inline constexpr char32_t kInvalidCodePoint = 0xFFFFFFFFu;
inline constexpr char32_t kReplacementChar = 0xFFFD;

// Reads the code point at s[i] and advances i. Invalid UTF-8 (bad lead, missing or bad
// continuation, overlong form, encoded surrogate, > U+10FFFF) consumes exactly one octet and
// returns kInvalidCodePoint, so a caller substitutes once per bad octet and always progresses.
inline char32_t NextCodePoint(std::string_view s, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t b0 = byte(i);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  const std::size_t left = s.size() - i;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (left >= 2 && (byte(i + 1) & 0xC0) == 0x80) {
      char32_t cp = (static_cast<char32_t>(b0 & 0x1F) << 6) | (byte(i + 1) & 0x3F);
      i += 2;
      return cp;
    }
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (left >= 3) {
      const uint8_t b1 = byte(i + 1);
      const uint8_t b2 = byte(i + 2);
      const uint8_t lo = b0 == 0xE0 ? 0xA0 : 0x80;  // no overlong forms
      const uint8_t hi = b0 == 0xED ? 0x9F : 0xBF;  // no encoded surrogates
      if (b1 >= lo && b1 <= hi && (b2 & 0xC0) == 0x80) {
        char32_t cp = (static_cast<char32_t>(b0 & 0x0F) << 12) |
                      (static_cast<char32_t>(b1 & 0x3F) << 6) | (b2 & 0x3F);
        i += 3;
        return cp;
      }
    }
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (left >= 4) {
      const uint8_t b1 = byte(i + 1);
      const uint8_t b2 = byte(i + 2);
      const uint8_t b3 = byte(i + 3);
      const uint8_t lo = b0 == 0xF0 ? 0x90 : 0x80;  // no overlong forms
      const uint8_t hi = b0 == 0xF4 ? 0x8F : 0xBF;  // nothing above U+10FFFF
      if (b1 >= lo && b1 <= hi && (b2 & 0xC0) == 0x80 && (b3 & 0xC0) == 0x80) {
        char32_t cp = (static_cast<char32_t>(b0 & 0x07) << 18) |
                      (static_cast<char32_t>(b1 & 0x3F) << 12) |
                      (static_cast<char32_t>(b2 & 0x3F) << 6) | (b3 & 0x3F);
        i += 4;
        return cp;
      }
    }
  }
  ++i;
  return kInvalidCodePoint;
}

// Writes `cp` (a valid scalar value or U+FFFD) as UTF-8 at p; returns the end. Needs 4 octets.
inline char* WriteUtf8(char32_t cp, char* p) {
  if (cp < 0x80) {
    *p++ = static_cast<char>(cp);
  } else if (cp < 0x800) {
    *p++ = static_cast<char>(0xC0 | (cp >> 6));
    *p++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *p++ = static_cast<char>(0xE0 | (cp >> 12));
    *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *p++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *p++ = static_cast<char>(0xF0 | (cp >> 18));
    *p++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *p++ = static_cast<char>(0x80 | (cp & 0x3F));
  }
  return p;
}

// True when the 8 octets at p are all ASCII.
inline bool AllAscii8(const char* p) {
  uint64_t word;
  __builtin_memcpy(&word, p, 8);
  return (word & 0x8080808080808080ull) == 0;
}

}  // namespace confab::smpp::internal
