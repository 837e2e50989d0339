#pragma once

// Outbound encoding choice and segmentation into concatenated parts (product §6, facts §8).
//
// Units: GSM 7-bit counts septets (an extension character costs 2), UCS-2 counts UTF-16 code
// units (a character above U+FFFF costs 2), every other encoding counts octets.
// Limits per SMS (single / per part with an 8-bit-ref UDH / with a 16-bit-ref UDH):
//   GSM 7-bit 160 / 153 / 152, UCS-2 70 / 67 / 66, 8-bit (binary, Latin-1, IA5) 140 / 134 / 133.
// SAR parts use the 8-bit-ref limits (the SMSC adds a 6-octet UDH itself).
// Parts are cut greedily at character boundaries: an ESC pair or a surrogate pair never straddles
// two parts, so a GSM part may hold 152 septets and a UCS-2 part 66 units.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "smpp/text_coding.h"
#include "smpp/udh.h"

namespace confab::smpp {

// How a carrier wants long messages (a per-carrier setting).
enum class ConcatMode : uint8_t {
  kUdh8,            // UDH in short_message, IEI 0x00 (8-bit reference) — the default
  kUdh16,           // UDH in short_message, IEI 0x08 (16-bit reference)
  kSar,             // sar_msg_ref_num / sar_total_segments / sar_segment_seqnum TLVs
  kMessagePayload,  // the whole text in one message_payload TLV; the SMSC splits it
};

inline constexpr std::size_t kMaxParts = 255;
inline constexpr std::size_t kMaxMessagePayload = 65535;

struct SegmentLimits {
  std::size_t single = 0;    // units that fit in one SMS without a UDH
  std::size_t per_part = 0;  // units per part of a concatenated message
};
SegmentLimits LimitsFor(TextEncoding encoding, ConcatMode mode);

struct TextAnalysis {
  TextEncoding encoding = TextEncoding::kGsm7;  // kGsm7 when every character fits, else kUcs2
  std::size_t units = 0;                        // units of the whole text in `encoding`
  std::size_t segments = 1;                     // SMS the text takes (1 for an empty text)
  std::size_t units_per_segment = 0;            // the limit that applies: single or per part
  std::size_t characters = 0;    // code points (each invalid UTF-8 octet counts as one)
  std::size_t invalid_utf8 = 0;  // invalid octets (become '?' or U+FFFD when encoded)
};

// The encoding the gateway picks for `utf8` and the SMS count. One pass, no allocation: the API
// and the admin preview call it on every send. kMessagePayload counts segments as the SMSC will
// cut them (8-bit-ref limits). Segment counts equal SegmentText's part counts in the other modes.
TextAnalysis AnalyzeText(std::string_view utf8, ConcatMode mode = ConcatMode::kUdh8);

struct SegmentOptions {
  ConcatMode mode = ConcatMode::kUdh8;
  bool gsm_packed = false;  // the link wants packed septets (UDH followed by fill bits)
  // Forced encoding (kGsm7, kIa5, kLatin1 or kUcs2); unset = AnalyzeText's choice.
  std::optional<TextEncoding> encoding;
};

struct MessagePart {
  // The octets for short_message: UDH (UDH modes, multi-part only) + the encoded text. In
  // kMessagePayload mode with a text longer than one SMS, the octets for message_payload.
  std::vector<uint8_t> short_message;
  uint8_t esm_class_flags = 0;      // esm_class::kUdhi when short_message starts with a UDH
  std::optional<ConcatInfo> sar;    // kSar multi-part: values for the three SAR TLVs
  bool in_message_payload = false;  // put short_message into the message_payload TLV instead
};

struct SegmentedMessage {
  TextEncoding encoding = TextEncoding::kGsm7;
  uint8_t data_coding = 0;
  std::size_t units = 0;       // of the whole text
  std::size_t unmappable = 0;  // characters replaced while encoding ('?' / U+FFFD)
  std::vector<MessagePart> parts;
};

// Encodes `utf8` and cuts it into parts ready for submit_sm. `next_ref` supplies the
// concatenation reference (called once, only when there is more than one part; an 8-bit UDH uses
// its low octet). InvalidArgument when the text needs more than 255 parts, or more than 65535
// octets in kMessagePayload mode, or the forced encoding is kBinary.
absl::StatusOr<SegmentedMessage> SegmentText(std::string_view utf8, const SegmentOptions& options,
                                             absl::FunctionRef<uint16_t()> next_ref);

// The same for already-encoded octets (`encoding` says how to keep characters whole: unpacked
// GSM septets, UTF-16BE, or octets). Used for binary data and by SegmentText.
absl::StatusOr<SegmentedMessage> SegmentEncoded(TextEncoding encoding,
                                                std::span<const uint8_t> encoded,
                                                const SegmentOptions& options,
                                                absl::FunctionRef<uint16_t()> next_ref);

}  // namespace confab::smpp
