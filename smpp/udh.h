#pragma once

// User Data Header parsing and building (facts §8) and concatenation info from the SAR TLVs
// (facts §5.1). Pure functions over octets: no PDU structs, so they are usable (and fuzzed) on
// their own.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "absl/status/statusor.h"

namespace confab::smpp {

inline constexpr uint8_t kIeiConcat8 = 0x00;
inline constexpr uint8_t kIeiPorts8 = 0x04;
inline constexpr uint8_t kIeiPorts16 = 0x05;
inline constexpr uint8_t kIeiConcat16 = 0x08;

// One part of a concatenated message. `total` >= 1 and 1 <= `seq` <= `total` whenever a parser
// here returns it.
struct ConcatInfo {
  uint16_t ref = 0;  // < 256 when !ref16
  uint8_t total = 0;
  uint8_t seq = 0;
  bool ref16 = false;  // from IEI 0x08 or the SAR TLVs (always 16-bit)

  friend bool operator==(const ConcatInfo&, const ConcatInfo&) = default;
};

struct PortInfo {
  uint16_t destination = 0;
  uint16_t originator = 0;
  bool wide = false;  // 16-bit ports (IEI 0x05) rather than 8-bit (IEI 0x04)

  friend bool operator==(const PortInfo&, const PortInfo&) = default;
};

struct Udh {
  std::optional<ConcatInfo> concat;
  std::optional<PortInfo> ports;
  // Octets taken by the header including the UDHL octet: the text starts here.
  std::size_t payload_offset = 0;
};

// Parses the UDH at the start of `user_data` (short_message or message_payload with esm_class
// UDHI set). Unknown IEs are skipped. When an IE repeats, the last one wins (3GPP TS 23.040).
// Errors (InvalidArgument, with the reason): empty input, UDHL past the end, an IE header or IE
// data past the UDHL, a concat/port IE with the wrong length, concat total 0, seq 0 or > total.
absl::StatusOr<Udh> ParseUdh(std::span<const uint8_t> user_data);

// Concatenation info from the SAR TLV values. All absent -> nullopt (not concatenated).
// Some but not all present, total 0, seq 0 or > total -> InvalidArgument.
absl::StatusOr<std::optional<ConcatInfo>> ConcatFromSar(std::optional<uint16_t> sar_msg_ref_num,
                                                        std::optional<uint8_t> sar_total_segments,
                                                        std::optional<uint8_t> sar_segment_seqnum);

// The user data of one inbound short message split into header facts and text octets.
struct SplitUserDataResult {
  std::optional<ConcatInfo> concat;  // from the UDH, else from the SAR TLVs
  std::optional<PortInfo> ports;
  std::size_t udh_octets = 0;        // 0 without UDHI
  std::span<const uint8_t> payload;  // the octets after the UDH (a view into the input)
};

// Splits user data (short_message, or message_payload when present) by esm_class: with UDHI set
// the UDH is parsed (errors as ParseUdh); the SAR TLV values are used when the UDH has no
// concatenation IE (a UDH concat IE wins when both are present). Invalid SAR values are an error.
absl::StatusOr<SplitUserDataResult> SplitUserData(uint8_t esm_class,
                                                  std::span<const uint8_t> user_data,
                                                  std::optional<uint16_t> sar_msg_ref_num = {},
                                                  std::optional<uint8_t> sar_total_segments = {},
                                                  std::optional<uint8_t> sar_segment_seqnum = {});

// Appends a UDH (UDHL + IEs) holding `concat` and/or `ports` (concat first). Appends nothing when
// both are absent. An 8-bit concat ref uses the low octet of `ref`.
void BuildUdh(const std::optional<ConcatInfo>& concat, const std::optional<PortInfo>& ports,
              std::vector<uint8_t>& out);

// The size BuildUdh would append.
std::size_t UdhSize(const std::optional<ConcatInfo>& concat, const std::optional<PortInfo>& ports);

}  // namespace confab::smpp
