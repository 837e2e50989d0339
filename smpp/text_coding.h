#pragma once

// Text coding of SMPP user data (facts §6.5, §9): decoding short_message / message_payload octets
// to UTF-8 by data_coding, and encoding UTF-8 into each supported alphabet.
//
// Contract shared by every function here:
// - Any input is accepted; nothing here reads out of bounds or fails. Bytes that are not valid in
//   the source alphabet become U+FFFD (decoding), characters that the target alphabet cannot hold
//   become '?' (encoding to GSM 7-bit, IA5, Latin-1) or U+FFFD (encoding to UCS-2, only for invalid
//   UTF-8). Each such substitution is COUNTED and the count is returned.
// - Encoders and decoders APPEND to `out`; they never clear it.
// - GSM 7-bit data is one septet per octet ("unpacked", what most SMSCs use on SMPP) unless a
//   function says otherwise; PackSeptets/UnpackSeptets convert for links that want packed data.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace confab::smpp {

enum class TextEncoding : uint8_t {
  kGsm7,    // GSM 03.38 default alphabet + extension table (ESC 0x1B)
  kIa5,     // IA5 / ASCII, 7 bits in an octet
  kLatin1,  // ISO-8859-1
  kUcs2,    // UTF-16BE (UCS-2 plus surrogate pairs)
  kBinary,  // 8-bit data: kept as octets, never interpreted as text
};

std::string_view TextEncodingName(TextEncoding encoding);  // "GSM7", "IA5", "LATIN1", "UCS2", ...

// What the link's data_coding 0 ("SMSC default alphabet") means; a per-carrier setting.
enum class DefaultAlphabet : uint8_t { kGsm7, kIa5, kLatin1 };

// The rule for every data_coding value (documented here because the spec leaves most to vendors):
//   0x00                 -> `default_alphabet` (GSM 7-bit unless the carrier says otherwise)
//   0x01 IA5, 0x03 Latin-1, 0x08 UCS-2, 0x02 / 0x04 binary
//   0x05-0x07, 0x09-0x0F (JIS, Cyrillic, Hebrew, pictogram, ...: alphabets we do not decode)
//                        -> kBinary, so that their octets are kept instead of mis-decoded
//   0x10-0x3F, 0x40-0x7F (GSM DCS general / auto-deletion groups): bit 5 set (compressed) ->
//                        kBinary; else bits 3-2: 00 GSM 7-bit, 01 binary, 10 UCS-2, 11 binary
//   0x80-0xBF (reserved)  -> kBinary
//   0xC0-0xDF (message waiting, GSM 7-bit) -> kGsm7; 0xE0-0xEF (message waiting, UCS-2) -> kUcs2
//   0xF0-0xFF (data coding / message class): bit 2 clear -> kGsm7, set -> kBinary
TextEncoding EncodingForDataCoding(uint8_t data_coding,
                                   DefaultAlphabet default_alphabet = DefaultAlphabet::kGsm7);

// The data_coding to send for an encoding: kGsm7 -> 0x00 (SMSC default, assumed GSM on the link),
// kIa5 -> 0x01, kLatin1 -> 0x03, kUcs2 -> 0x08, kBinary -> 0x04.
uint8_t DataCodingFor(TextEncoding encoding);

// ---- Decoding to UTF-8 (appends to `out`, returns the number of U+FFFD substitutions) ----

// Unpacked GSM 7-bit. ESC + a code outside the extension table decodes as the default-table
// character of that code (3GPP TS 23.038's rule for receivers), not counted. A trailing lone ESC,
// ESC ESC, and octets >= 0x80 (not septets) become U+FFFD and are counted.
std::size_t DecodeGsm7(std::span<const uint8_t> septets, std::string& out);
// 0x00-0x7F as ASCII; octets >= 0x80 -> U+FFFD, counted.
std::size_t DecodeIa5(std::span<const uint8_t> octets, std::string& out);
// Every octet is its code point; never substitutes (returns 0).
std::size_t DecodeLatin1(std::span<const uint8_t> octets, std::string& out);
// UTF-16BE with surrogate pairs. A lone surrogate or an odd trailing octet -> U+FFFD, counted.
std::size_t DecodeUcs2(std::span<const uint8_t> octets, std::string& out);

// ---- Encoding from UTF-8 (appends to `out`, returns the number of substitutions) ----
// Invalid UTF-8 (bad lead/continuation octets, overlong forms, encoded surrogates, > U+10FFFF)
// is replaced octet by octet and counted like an unmappable character.

// Unpacked septets; extension characters are written as ESC + code (2 septets).
std::size_t EncodeGsm7(std::string_view utf8, std::vector<uint8_t>& out);
std::size_t EncodeIa5(std::string_view utf8, std::vector<uint8_t>& out);
std::size_t EncodeLatin1(std::string_view utf8, std::vector<uint8_t>& out);
// UTF-16BE; characters above U+FFFF become surrogate pairs. Only invalid UTF-8 is counted.
std::size_t EncodeUcs2(std::string_view utf8, std::vector<uint8_t>& out);

// ---- Dispatch by encoding ----

struct DecodedText {
  TextEncoding encoding = TextEncoding::kGsm7;
  std::string utf8;             // the text; empty when encoding == kBinary
  std::vector<uint8_t> binary;  // the octets as received when encoding == kBinary
  std::size_t replaced = 0;     // U+FFFD substitutions made while decoding
};

struct DecodeOptions {
  DefaultAlphabet default_alphabet = DefaultAlphabet::kGsm7;
  bool gsm_packed = false;  // the link carries GSM 7-bit packed (UnpackSeptets first)
  // Octets of UDH that preceded the user data: packed GSM text starts after fill bits that
  // align it to a septet boundary, (7 - 8 * udh_octets % 7) % 7 of them.
  std::size_t udh_octets = 0;
};

// Fill bits between a UDH of `udh_octets` octets and packed GSM 7-bit text (facts §8).
constexpr int FillBitsAfterUdh(std::size_t udh_octets) {
  return udh_octets == 0 ? 0 : static_cast<int>((7 - (udh_octets * 8) % 7) % 7);
}

// Decodes user data (without its UDH) by data_coding.
DecodedText DecodeUserData(uint8_t data_coding, std::span<const uint8_t> user_data,
                           const DecodeOptions& options = {});

// Decodes `data` in `encoding` (not kBinary: returns 0 and appends nothing).
std::size_t DecodeToUtf8(TextEncoding encoding, std::span<const uint8_t> data, std::string& out);
// Encodes `utf8` into `encoding` (kBinary: appends the UTF-8 octets unchanged, returns 0).
std::size_t EncodeFromUtf8(TextEncoding encoding, std::string_view utf8, std::vector<uint8_t>& out);

// ---- GSM 7-bit packing (facts §9.3) ----

// Packs septets (each < 0x80; the top bit is ignored) LSB first, after `fill_bits` zero bits
// (0-6; used after a UDH so that the text starts on a septet boundary). Appends to `out`.
void PackSeptets(std::span<const uint8_t> septets, std::vector<uint8_t>& out, int fill_bits = 0);

// Unpacks the septets held in `packed` after `fill_bits` skipped bits. With
// `septet_count` < 0 the count is derived from the octet count; when the octets hold exactly 8n
// septets and the last one is 0, it is taken as padding (7 spare zero bits) and dropped: SMPP
// gives no septet count, so a real trailing '@' in that position cannot be told from padding.
void UnpackSeptets(std::span<const uint8_t> packed, std::vector<uint8_t>& out, int fill_bits = 0,
                   long septet_count = -1);

// Octets PackSeptets appends for `septets` septets after `fill_bits` fill bits (0 for none).
constexpr std::size_t PackedSize(std::size_t septets, int fill_bits = 0) {
  return septets == 0 ? 0 : (septets * 7 + static_cast<std::size_t>(fill_bits) + 7) / 8;
}

}  // namespace confab::smpp
