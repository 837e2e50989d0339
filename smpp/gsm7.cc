// GSM 03.38 7-bit: unpacked septets <-> UTF-8, and septet packing (facts §9.1-§9.3).
//
// Both directions size the output once for the worst case and write through a pointer, so the
// hot loops are one table lookup and a fixed 4-octet copy per septet (bench/smpp_text_bench.cc).

#include <algorithm>
#include <cstring>

#include "smpp/gsm7_tables.h"
#include "smpp/text_coding.h"
#include "smpp/utf8_internal.h"

namespace confab::smpp {

using internal::kGsmEscape;

namespace {

constexpr char kReplacementUtf8[4] = {'\xEF', '\xBF', '\xBD', '\0'};
constexpr uint8_t kGsmQuestionMark = 0x3F;

}  // namespace

std::size_t DecodeGsm7(std::span<const uint8_t> septets, std::string& out) {
  const std::size_t old_size = out.size();
  // Worst case 3 octets per septet (U+FFFD for an octet >= 0x80), +4 slack for the fixed copy.
  out.resize(old_size + septets.size() * 3 + 4);
  char* const begin = out.data() + old_size;
  char* p = begin;
  const uint8_t* s = septets.data();
  const std::size_t n = septets.size();
  std::size_t replaced = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const internal::Utf8Seq& seq = internal::kGsmBasicUtf8[s[i]];
    if (seq.len != 0) [[likely]] {
      std::memcpy(p, seq.bytes, 4);
      p += seq.len;
      replaced += s[i] >> 7;  // octets >= 0x80 decoded as U+FFFD
      continue;
    }
    // ESC. A lone trailing ESC, ESC ESC and ESC + non-septet are errors; the octet after the
    // ESC is then decoded on its own, so nothing is swallowed.
    if (i + 1 >= n || s[i + 1] == kGsmEscape || s[i + 1] >= 0x80) {
      std::memcpy(p, kReplacementUtf8, 4);
      p += 3;
      ++replaced;
      continue;
    }
    const uint8_t code = s[++i];
    const internal::Utf8Seq& ext = internal::kGsmExtensionUtf8[code];
    // 3GPP TS 23.038: an undefined extension code is shown as the default-table character.
    const internal::Utf8Seq& chosen = ext.len != 0 ? ext : internal::kGsmBasicUtf8[code];
    std::memcpy(p, chosen.bytes, 4);
    p += chosen.len;
  }
  out.resize(old_size + static_cast<std::size_t>(p - begin));
  return replaced;
}

std::size_t EncodeGsm7(std::string_view utf8, std::vector<uint8_t>& out) {
  const std::size_t old_size = out.size();
  // Worst case 2 septets per input octet (an ASCII extension character such as '{').
  out.resize(old_size + utf8.size() * 2);
  uint8_t* const begin = out.data() + old_size;
  uint8_t* p = begin;
  std::size_t unmapped = 0;
  const auto put = [&](uint16_t code) {
    if (code < 0x80) {
      *p++ = static_cast<uint8_t>(code);
    } else if (code == internal::kGsmNone) {
      *p++ = kGsmQuestionMark;
      ++unmapped;
    } else {
      *p++ = kGsmEscape;
      *p++ = static_cast<uint8_t>(code & 0x7F);
    }
  };
  const std::size_t n = utf8.size();
  std::size_t i = 0;
  while (i < n) {
    if (i + 8 <= n && internal::AllAscii8(utf8.data() + i)) {
      for (std::size_t k = 0; k < 8; ++k) {
        put(internal::kGsmFromLatin[static_cast<uint8_t>(utf8[i + k])]);
      }
      i += 8;
      continue;
    }
    const char32_t cp = internal::NextCodePoint(utf8, i);
    put(cp == internal::kInvalidCodePoint ? internal::kGsmNone : internal::GsmFromUnicode(cp));
  }
  out.resize(old_size + static_cast<std::size_t>(p - begin));
  return unmapped;
}

void PackSeptets(std::span<const uint8_t> septets, std::vector<uint8_t>& out, int fill_bits) {
  if (septets.empty()) {
    return;
  }
  fill_bits = fill_bits < 0 ? 0 : fill_bits % 7;
  out.reserve(out.size() + PackedSize(septets.size(), fill_bits));
  uint32_t acc = 0;
  int bits = fill_bits;  // the fill bits are the zero low bits of the first octet
  for (const uint8_t septet : septets) {
    acc |= static_cast<uint32_t>(septet & 0x7F) << bits;
    bits += 7;
    while (bits >= 8) {
      out.push_back(static_cast<uint8_t>(acc & 0xFF));
      acc >>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) {
    out.push_back(static_cast<uint8_t>(acc & 0xFF));
  }
}

void UnpackSeptets(std::span<const uint8_t> packed, std::vector<uint8_t>& out, int fill_bits,
                   long septet_count) {
  fill_bits = fill_bits < 0 ? 0 : fill_bits % 7;
  const std::size_t total_bits = packed.size() * 8;
  if (total_bits <= static_cast<std::size_t>(fill_bits)) {
    return;
  }
  const std::size_t available = (total_bits - static_cast<std::size_t>(fill_bits)) / 7;
  std::size_t count = available;
  if (septet_count >= 0) {
    count = std::min(available, static_cast<std::size_t>(septet_count));
  }
  const std::size_t old_size = out.size();
  out.resize(old_size + count);
  uint8_t* p = out.data() + old_size;
  for (std::size_t k = 0; k < count; ++k) {
    const std::size_t bit = static_cast<std::size_t>(fill_bits) + 7 * k;
    const std::size_t index = bit / 8;
    const unsigned shift = bit % 8;
    unsigned v = packed[index] >> shift;
    if (shift > 1) {  // the septet continues into the next octet, which exists by `available`
      v |= static_cast<unsigned>(packed[index + 1]) << (8 - shift);
    }
    p[k] = static_cast<uint8_t>(v & 0x7F);
  }
  // Zero padding of 7 spare bits looks like a trailing '@' (facts §9.3): drop it when the octet
  // count would be the same without it.
  if (septet_count < 0 && count > 0 && p[count - 1] == 0 &&
      PackedSize(count - 1, fill_bits) == packed.size()) {
    out.pop_back();
  }
}

}  // namespace confab::smpp
