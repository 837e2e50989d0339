#include "smpp/udh.h"

#include <string>

#include "absl/status/status.h"
#include "smpp/types.h"

namespace confab::smpp {

namespace {

absl::Status Malformed(const char* what, std::size_t at) {
  return absl::InvalidArgumentError(std::string("malformed UDH: ") + what + " at octet " +
                                    std::to_string(at));
}

absl::Status CheckConcat(const ConcatInfo& c, std::size_t at) {
  if (c.total == 0) {
    return Malformed("concatenation total is 0", at);
  }
  if (c.seq == 0 || c.seq > c.total) {
    return Malformed("concatenation sequence number outside 1..total", at);
  }
  return absl::OkStatus();
}

uint16_t Be16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

}  // namespace

absl::StatusOr<Udh> ParseUdh(std::span<const uint8_t> data) {
  if (data.empty()) {
    return Malformed("no UDHL octet", 0);
  }
  const std::size_t udhl = data[0];
  if (1 + udhl > data.size()) {
    return Malformed("UDHL past the end of the user data", 0);
  }
  Udh udh;
  udh.payload_offset = 1 + udhl;
  std::size_t pos = 1;
  const std::size_t end = 1 + udhl;
  while (pos < end) {
    if (pos + 2 > end) {
      return Malformed("IE header past the UDHL", pos);
    }
    const uint8_t iei = data[pos];
    const std::size_t iedl = data[pos + 1];
    const std::size_t value = pos + 2;
    if (value + iedl > end) {
      return Malformed("IE data past the UDHL", pos);
    }
    const uint8_t* v = data.data() + value;
    switch (iei) {
      case kIeiConcat8: {
        if (iedl != 3) {
          return Malformed("8-bit concatenation IE length is not 3", pos);
        }
        ConcatInfo c{.ref = v[0], .total = v[1], .seq = v[2], .ref16 = false};
        if (absl::Status s = CheckConcat(c, pos); !s.ok()) {
          return s;
        }
        udh.concat = c;
        break;
      }
      case kIeiConcat16: {
        if (iedl != 4) {
          return Malformed("16-bit concatenation IE length is not 4", pos);
        }
        ConcatInfo c{.ref = Be16(v), .total = v[2], .seq = v[3], .ref16 = true};
        if (absl::Status s = CheckConcat(c, pos); !s.ok()) {
          return s;
        }
        udh.concat = c;
        break;
      }
      case kIeiPorts8:
        if (iedl != 2) {
          return Malformed("8-bit port IE length is not 2", pos);
        }
        udh.ports = PortInfo{.destination = v[0], .originator = v[1], .wide = false};
        break;
      case kIeiPorts16:
        if (iedl != 4) {
          return Malformed("16-bit port IE length is not 4", pos);
        }
        udh.ports = PortInfo{.destination = Be16(v), .originator = Be16(v + 2), .wide = true};
        break;
      default:  // other IEs (special SMS indication, language shifts, ...) are not ours to read
        break;
    }
    pos = value + iedl;
  }
  return udh;
}

absl::StatusOr<std::optional<ConcatInfo>> ConcatFromSar(std::optional<uint16_t> ref,
                                                        std::optional<uint8_t> total,
                                                        std::optional<uint8_t> seq) {
  const int present = ref.has_value() + total.has_value() + seq.has_value();
  if (present == 0) {
    return std::optional<ConcatInfo>();
  }
  if (present != 3) {
    return absl::InvalidArgumentError(
        "SAR TLVs: sar_msg_ref_num, sar_total_segments and sar_segment_seqnum must all be present");
  }
  if (*total == 0) {
    return absl::InvalidArgumentError("SAR TLVs: sar_total_segments is 0");
  }
  if (*seq == 0 || *seq > *total) {
    return absl::InvalidArgumentError("SAR TLVs: sar_segment_seqnum outside 1..total");
  }
  return std::optional<ConcatInfo>(
      ConcatInfo{.ref = *ref, .total = *total, .seq = *seq, .ref16 = true});
}

absl::StatusOr<SplitUserDataResult> SplitUserData(uint8_t esm, std::span<const uint8_t> user_data,
                                                  std::optional<uint16_t> sar_ref,
                                                  std::optional<uint8_t> sar_total,
                                                  std::optional<uint8_t> sar_seq) {
  SplitUserDataResult result;
  result.payload = user_data;
  if (esm & esm_class::kUdhi) {
    absl::StatusOr<Udh> udh = ParseUdh(user_data);
    if (!udh.ok()) {
      return udh.status();
    }
    result.concat = udh->concat;
    result.ports = udh->ports;
    result.udh_octets = udh->payload_offset;
    result.payload = user_data.subspan(udh->payload_offset);
  }
  absl::StatusOr<std::optional<ConcatInfo>> sar = ConcatFromSar(sar_ref, sar_total, sar_seq);
  if (!sar.ok()) {
    return sar.status();
  }
  if (!result.concat) {
    result.concat = *sar;
  }
  return result;
}

std::size_t UdhSize(const std::optional<ConcatInfo>& concat, const std::optional<PortInfo>& ports) {
  std::size_t size = 0;
  if (concat) {
    size += concat->ref16 ? 6 : 5;
  }
  if (ports) {
    size += ports->wide ? 6 : 4;
  }
  return size == 0 ? 0 : size + 1;
}

void BuildUdh(const std::optional<ConcatInfo>& concat, const std::optional<PortInfo>& ports,
              std::vector<uint8_t>& out) {
  const std::size_t size = UdhSize(concat, ports);
  if (size == 0) {
    return;
  }
  out.push_back(static_cast<uint8_t>(size - 1));
  if (concat) {
    if (concat->ref16) {
      out.insert(out.end(), {kIeiConcat16, 4, static_cast<uint8_t>(concat->ref >> 8),
                             static_cast<uint8_t>(concat->ref & 0xFF), concat->total, concat->seq});
    } else {
      out.insert(out.end(), {kIeiConcat8, 3, static_cast<uint8_t>(concat->ref & 0xFF),
                             concat->total, concat->seq});
    }
  }
  if (ports) {
    if (ports->wide) {
      out.insert(out.end(), {kIeiPorts16, 4, static_cast<uint8_t>(ports->destination >> 8),
                             static_cast<uint8_t>(ports->destination & 0xFF),
                             static_cast<uint8_t>(ports->originator >> 8),
                             static_cast<uint8_t>(ports->originator & 0xFF)});
    } else {
      out.insert(out.end(), {kIeiPorts8, 2, static_cast<uint8_t>(ports->destination & 0xFF),
                             static_cast<uint8_t>(ports->originator & 0xFF)});
    }
  }
}

}  // namespace confab::smpp
