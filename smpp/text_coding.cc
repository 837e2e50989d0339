// IA5, Latin-1 and UCS-2 <-> UTF-8, and the data_coding rules (facts §6.5, §9.4). GSM 7-bit is in
// gsm7.cc. Hand-written rather than ICU: the smpp library also builds for the fuzzers with no
// dependency beyond abseil, and the loops here are simple enough to be exhaustively tested.

#include "smpp/text_coding.h"

#include <cstring>

#include "smpp/types.h"
#include "smpp/utf8_internal.h"

namespace confab::smpp {

namespace {

constexpr uint8_t kQuestionMark = '?';

char* WriteReplacement(char* p) { return internal::WriteUtf8(internal::kReplacementChar, p); }

}  // namespace

std::string_view TextEncodingName(TextEncoding encoding) {
  switch (encoding) {
    case TextEncoding::kGsm7:
      return "GSM7";
    case TextEncoding::kIa5:
      return "IA5";
    case TextEncoding::kLatin1:
      return "LATIN1";
    case TextEncoding::kUcs2:
      return "UCS2";
    case TextEncoding::kBinary:
      return "BINARY";
  }
  return "UNKNOWN";
}

TextEncoding EncodingForDataCoding(uint8_t dc, DefaultAlphabet default_alphabet) {
  switch (dc) {
    case data_coding::kSmscDefault:
      return default_alphabet == DefaultAlphabet::kIa5      ? TextEncoding::kIa5
             : default_alphabet == DefaultAlphabet::kLatin1 ? TextEncoding::kLatin1
                                                            : TextEncoding::kGsm7;
    case data_coding::kIa5:
      return TextEncoding::kIa5;
    case data_coding::kLatin1:
      return TextEncoding::kLatin1;
    case data_coding::kUcs2:
      return TextEncoding::kUcs2;
    default:
      break;
  }
  if (dc < 0x10) {  // 0x02, 0x04 binary; the alphabets we do not decode are kept as octets
    return TextEncoding::kBinary;
  }
  if (dc < 0x80) {  // GSM DCS general data coding and automatic deletion groups
    if (dc & 0x20) {
      return TextEncoding::kBinary;  // compressed
    }
    switch ((dc >> 2) & 0x03) {
      case 0:
        return TextEncoding::kGsm7;
      case 2:
        return TextEncoding::kUcs2;
      default:
        return TextEncoding::kBinary;
    }
  }
  if (dc < 0xC0) {
    return TextEncoding::kBinary;  // reserved
  }
  if (dc < 0xE0) {
    return TextEncoding::kGsm7;  // message waiting indication, discard / store
  }
  if (dc < 0xF0) {
    return TextEncoding::kUcs2;  // message waiting indication, store, UCS-2
  }
  return (dc & 0x04) ? TextEncoding::kBinary : TextEncoding::kGsm7;  // message class group
}

uint8_t DataCodingFor(TextEncoding encoding) {
  switch (encoding) {
    case TextEncoding::kGsm7:
      return data_coding::kSmscDefault;
    case TextEncoding::kIa5:
      return data_coding::kIa5;
    case TextEncoding::kLatin1:
      return data_coding::kLatin1;
    case TextEncoding::kUcs2:
      return data_coding::kUcs2;
    case TextEncoding::kBinary:
      return data_coding::kBinary;
  }
  return data_coding::kBinary;
}

std::size_t DecodeIa5(std::span<const uint8_t> octets, std::string& out) {
  const std::size_t old_size = out.size();
  out.resize(old_size + octets.size() * 3);
  char* const begin = out.data() + old_size;
  char* p = begin;
  std::size_t replaced = 0;
  for (const uint8_t b : octets) {
    if (b < 0x80) {
      *p++ = static_cast<char>(b);
    } else {
      p = WriteReplacement(p);
      ++replaced;
    }
  }
  out.resize(old_size + static_cast<std::size_t>(p - begin));
  return replaced;
}

std::size_t DecodeLatin1(std::span<const uint8_t> octets, std::string& out) {
  const std::size_t old_size = out.size();
  out.resize(old_size + octets.size() * 2);
  char* const begin = out.data() + old_size;
  char* p = begin;
  for (const uint8_t b : octets) {
    if (b < 0x80) {
      *p++ = static_cast<char>(b);
    } else {
      *p++ = static_cast<char>(0xC0 | (b >> 6));
      *p++ = static_cast<char>(0x80 | (b & 0x3F));
    }
  }
  out.resize(old_size + static_cast<std::size_t>(p - begin));
  return 0;
}

std::size_t DecodeUcs2(std::span<const uint8_t> in, std::string& out) {
  const std::size_t n = in.size();
  const std::size_t old_size = out.size();
  // Worst case 3 octets per 2 input octets (BMP), +3 for an odd trailing octet, +4 slack.
  out.resize(old_size + (n / 2) * 3 + 8);
  char* const begin = out.data() + old_size;
  char* p = begin;
  const uint8_t* s = in.data();
  std::size_t replaced = 0;
  std::size_t i = 0;
  while (i + 1 < n) {
    // ASCII fast path: four units 00 xx with xx < 0x80.
    if (i + 8 <= n && (s[i] | s[i + 2] | s[i + 4] | s[i + 6]) == 0 &&
        ((s[i + 1] | s[i + 3] | s[i + 5] | s[i + 7]) & 0x80) == 0) {
      p[0] = static_cast<char>(s[i + 1]);
      p[1] = static_cast<char>(s[i + 3]);
      p[2] = static_cast<char>(s[i + 5]);
      p[3] = static_cast<char>(s[i + 7]);
      p += 4;
      i += 8;
      continue;
    }
    const char32_t unit = (static_cast<char32_t>(s[i]) << 8) | s[i + 1];
    i += 2;
    if (unit < 0x80) {
      *p++ = static_cast<char>(unit);
    } else if (unit < 0xD800 || unit > 0xDFFF) {
      p = internal::WriteUtf8(unit, p);
    } else if (unit <= 0xDBFF && i + 1 < n && s[i] >= 0xDC && s[i] <= 0xDF) {
      const char32_t low = (static_cast<char32_t>(s[i]) << 8) | s[i + 1];
      i += 2;
      p = internal::WriteUtf8(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), p);
    } else {  // lone high or low surrogate
      p = WriteReplacement(p);
      ++replaced;
    }
  }
  if (i < n) {  // odd trailing octet
    p = WriteReplacement(p);
    ++replaced;
  }
  out.resize(old_size + static_cast<std::size_t>(p - begin));
  return replaced;
}

std::size_t EncodeUcs2(std::string_view utf8, std::vector<uint8_t>& out) {
  const std::size_t old_size = out.size();
  // Worst case 2 output octets per input octet (ASCII, or invalid octets -> U+FFFD).
  out.resize(old_size + utf8.size() * 2);
  uint8_t* const begin = out.data() + old_size;
  uint8_t* p = begin;
  std::size_t replaced = 0;
  const std::size_t n = utf8.size();
  std::size_t i = 0;
  while (i < n) {
    if (i + 8 <= n && internal::AllAscii8(utf8.data() + i)) {
      for (std::size_t k = 0; k < 8; ++k) {
        p[2 * k] = 0;
        p[2 * k + 1] = static_cast<uint8_t>(utf8[i + k]);
      }
      p += 16;
      i += 8;
      continue;
    }
    char32_t cp = internal::NextCodePoint(utf8, i);
    if (cp == internal::kInvalidCodePoint) {
      cp = internal::kReplacementChar;
      ++replaced;
    }
    if (cp < 0x10000) {
      *p++ = static_cast<uint8_t>(cp >> 8);
      *p++ = static_cast<uint8_t>(cp & 0xFF);
    } else {
      const char32_t v = cp - 0x10000;
      const char32_t high = 0xD800 + (v >> 10);
      const char32_t low = 0xDC00 + (v & 0x3FF);
      *p++ = static_cast<uint8_t>(high >> 8);
      *p++ = static_cast<uint8_t>(high & 0xFF);
      *p++ = static_cast<uint8_t>(low >> 8);
      *p++ = static_cast<uint8_t>(low & 0xFF);
    }
  }
  out.resize(old_size + static_cast<std::size_t>(p - begin));
  return replaced;
}

namespace {

// Latin-1 and IA5 share the encoder: code points up to `max` pass, the rest become '?'.
std::size_t EncodeSingleOctet(std::string_view utf8, std::vector<uint8_t>& out, char32_t max) {
  const std::size_t old_size = out.size();
  out.resize(old_size + utf8.size());
  uint8_t* const begin = out.data() + old_size;
  uint8_t* p = begin;
  std::size_t unmapped = 0;
  std::size_t i = 0;
  while (i < utf8.size()) {
    const char32_t cp = internal::NextCodePoint(utf8, i);
    if (cp <= max) {
      *p++ = static_cast<uint8_t>(cp);
    } else {
      *p++ = kQuestionMark;
      ++unmapped;
    }
  }
  out.resize(old_size + static_cast<std::size_t>(p - begin));
  return unmapped;
}

}  // namespace

std::size_t EncodeIa5(std::string_view utf8, std::vector<uint8_t>& out) {
  return EncodeSingleOctet(utf8, out, 0x7F);
}

std::size_t EncodeLatin1(std::string_view utf8, std::vector<uint8_t>& out) {
  return EncodeSingleOctet(utf8, out, 0xFF);
}

std::size_t DecodeToUtf8(TextEncoding encoding, std::span<const uint8_t> data, std::string& out) {
  switch (encoding) {
    case TextEncoding::kGsm7:
      return DecodeGsm7(data, out);
    case TextEncoding::kIa5:
      return DecodeIa5(data, out);
    case TextEncoding::kLatin1:
      return DecodeLatin1(data, out);
    case TextEncoding::kUcs2:
      return DecodeUcs2(data, out);
    case TextEncoding::kBinary:
      return 0;
  }
  return 0;
}

std::size_t EncodeFromUtf8(TextEncoding encoding, std::string_view utf8,
                           std::vector<uint8_t>& out) {
  switch (encoding) {
    case TextEncoding::kGsm7:
      return EncodeGsm7(utf8, out);
    case TextEncoding::kIa5:
      return EncodeIa5(utf8, out);
    case TextEncoding::kLatin1:
      return EncodeLatin1(utf8, out);
    case TextEncoding::kUcs2:
      return EncodeUcs2(utf8, out);
    case TextEncoding::kBinary:
      out.insert(out.end(), utf8.begin(), utf8.end());
      return 0;
  }
  return 0;
}

DecodedText DecodeUserData(uint8_t data_coding, std::span<const uint8_t> user_data,
                           const DecodeOptions& options) {
  DecodedText result;
  result.encoding = EncodingForDataCoding(data_coding, options.default_alphabet);
  if (result.encoding == TextEncoding::kBinary) {
    result.binary.assign(user_data.begin(), user_data.end());
    return result;
  }
  if (result.encoding == TextEncoding::kGsm7 && options.gsm_packed) {
    std::vector<uint8_t> septets;
    UnpackSeptets(user_data, septets, FillBitsAfterUdh(options.udh_octets));
    result.replaced = DecodeGsm7(septets, result.utf8);
    return result;
  }
  result.replaced = DecodeToUtf8(result.encoding, user_data, result.utf8);
  return result;
}

}  // namespace confab::smpp
