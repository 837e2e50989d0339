#include "smpp/segment.h"

#include <string>

#include "absl/status/status.h"
#include "smpp/gsm7_tables.h"
#include "smpp/types.h"
#include "smpp/utf8_internal.h"

namespace confab::smpp {

SegmentLimits LimitsFor(TextEncoding encoding, ConcatMode mode) {
  const bool wide_ref = mode == ConcatMode::kUdh16;
  switch (encoding) {
    case TextEncoding::kGsm7:
      return {160, wide_ref ? 152u : 153u};
    case TextEncoding::kUcs2:
      return {70, wide_ref ? 66u : 67u};
    default:
      return {140, wide_ref ? 133u : 134u};
  }
}

namespace {

// Greedy part counter: the same cut rule as SplitUnits below, one character at a time.
struct PartCounter {
  std::size_t per_part;
  std::size_t parts = 1;
  std::size_t fill = 0;

  void Add(std::size_t cost) {
    if (fill + cost > per_part) {
      ++parts;
      fill = 0;
    }
    fill += cost;
  }
};

std::size_t SegmentsFor(std::size_t units, const SegmentLimits& limits,
                        const PartCounter& counter) {
  return units <= limits.single ? 1 : counter.parts;
}

}  // namespace

TextAnalysis AnalyzeText(std::string_view utf8, ConcatMode mode) {
  const ConcatMode count_mode = mode == ConcatMode::kMessagePayload ? ConcatMode::kUdh8 : mode;
  const SegmentLimits gsm_limits = LimitsFor(TextEncoding::kGsm7, count_mode);
  const SegmentLimits ucs_limits = LimitsFor(TextEncoding::kUcs2, count_mode);
  PartCounter gsm{gsm_limits.per_part};
  PartCounter ucs{ucs_limits.per_part};
  TextAnalysis result;
  std::size_t septets = 0;
  std::size_t utf16_units = 0;
  bool gsm_fits = true;
  std::size_t i = 0;
  while (i < utf8.size()) {
    const std::size_t before = i;
    const char32_t cp = internal::NextCodePoint(utf8, i);
    ++result.characters;
    int gsm_cost = 1;  // '?' for an invalid octet
    std::size_t ucs_cost = 1;
    if (cp == internal::kInvalidCodePoint) {
      ++result.invalid_utf8;
    } else {
      gsm_cost = internal::GsmSeptetCost(cp);
      ucs_cost = i - before == 4 ? 2 : 1;  // 4-octet UTF-8 = above U+FFFF = surrogate pair
    }
    if (gsm_cost == 0) {
      gsm_fits = false;
    } else if (gsm_fits) {
      septets += static_cast<std::size_t>(gsm_cost);
      gsm.Add(static_cast<std::size_t>(gsm_cost));
    }
    utf16_units += ucs_cost;
    ucs.Add(ucs_cost);
  }
  if (gsm_fits) {
    result.encoding = TextEncoding::kGsm7;
    result.units = septets;
    result.segments = SegmentsFor(septets, gsm_limits, gsm);
    result.units_per_segment = result.segments == 1 ? gsm_limits.single : gsm_limits.per_part;
  } else {
    result.encoding = TextEncoding::kUcs2;
    result.units = utf16_units;
    result.segments = SegmentsFor(utf16_units, ucs_limits, ucs);
    result.units_per_segment = result.segments == 1 ? ucs_limits.single : ucs_limits.per_part;
  }
  return result;
}

namespace {

// Octets per unit of `encoding` in its unpacked encoded form.
std::size_t OctetsPerUnit(TextEncoding encoding) { return encoding == TextEncoding::kUcs2 ? 2 : 1; }

// Octets of the character starting at `pos`: an ESC pair, a surrogate pair, or one unit.
std::size_t CharOctets(TextEncoding encoding, std::span<const uint8_t> data, std::size_t pos) {
  const std::size_t left = data.size() - pos;
  if (encoding == TextEncoding::kGsm7) {
    return data[pos] == internal::kGsmEscape && left >= 2 ? 2 : 1;
  }
  if (encoding == TextEncoding::kUcs2) {
    if (left < 2) {
      return left;
    }
    const bool high = data[pos] >= 0xD8 && data[pos] <= 0xDB;
    const bool low_follows = left >= 4 && data[pos + 2] >= 0xDC && data[pos + 2] <= 0xDF;
    return high && low_follows ? 4 : 2;
  }
  return 1;
}

struct Range {
  std::size_t begin;
  std::size_t end;
};

// Cuts `data` into ranges of at most `per_part` units without splitting a character.
std::vector<Range> SplitUnits(TextEncoding encoding, std::span<const uint8_t> data,
                              std::size_t per_part) {
  const std::size_t max_octets = per_part * OctetsPerUnit(encoding);
  std::vector<Range> ranges;
  std::size_t begin = 0;
  std::size_t pos = 0;
  while (pos < data.size()) {
    const std::size_t len = CharOctets(encoding, data, pos);
    if (pos + len - begin > max_octets) {
      ranges.push_back({begin, pos});
      begin = pos;
    }
    pos += len;
  }
  ranges.push_back({begin, data.size()});
  return ranges;
}

// The GSM octets of one part: unpacked as they are, or packed after `udh_octets` of UDH.
void AppendText(TextEncoding encoding, std::span<const uint8_t> text, bool gsm_packed,
                std::size_t udh_octets, std::vector<uint8_t>& out) {
  if (encoding == TextEncoding::kGsm7 && gsm_packed) {
    PackSeptets(text, out, FillBitsAfterUdh(udh_octets));
  } else {
    out.insert(out.end(), text.begin(), text.end());
  }
}

}  // namespace

absl::StatusOr<SegmentedMessage> SegmentEncoded(TextEncoding encoding,
                                                std::span<const uint8_t> encoded,
                                                const SegmentOptions& options,
                                                absl::FunctionRef<uint16_t()> next_ref) {
  SegmentedMessage result;
  result.encoding = encoding;
  result.data_coding = DataCodingFor(encoding);
  result.units = encoded.size() / OctetsPerUnit(encoding);
  const SegmentLimits limits = LimitsFor(encoding, options.mode);
  const bool packed = options.gsm_packed && encoding == TextEncoding::kGsm7;

  if (result.units <= limits.single) {
    MessagePart& part = result.parts.emplace_back();
    AppendText(encoding, encoded, packed, 0, part.short_message);
    return result;
  }
  if (options.mode == ConcatMode::kMessagePayload) {
    MessagePart& part = result.parts.emplace_back();
    AppendText(encoding, encoded, packed, 0, part.short_message);
    if (part.short_message.size() > kMaxMessagePayload) {
      return absl::InvalidArgumentError("message of " + std::to_string(part.short_message.size()) +
                                        " octets exceeds the 65535-octet message_payload");
    }
    part.in_message_payload = true;
    return result;
  }
  const std::vector<Range> ranges = SplitUnits(encoding, encoded, limits.per_part);
  if (ranges.size() > kMaxParts) {
    return absl::InvalidArgumentError("message needs " + std::to_string(ranges.size()) +
                                      " parts; at most 255 are possible");
  }
  const uint16_t ref = next_ref();
  const bool udh_mode = options.mode != ConcatMode::kSar;
  result.parts.reserve(ranges.size());
  for (std::size_t k = 0; k < ranges.size(); ++k) {
    ConcatInfo concat{.ref = ref,
                      .total = static_cast<uint8_t>(ranges.size()),
                      .seq = static_cast<uint8_t>(k + 1),
                      .ref16 = options.mode != ConcatMode::kUdh8};
    if (!concat.ref16) {
      concat.ref &= 0xFF;
    }
    MessagePart& part = result.parts.emplace_back();
    std::size_t udh_octets = 0;
    if (udh_mode) {
      BuildUdh(concat, std::nullopt, part.short_message);
      udh_octets = part.short_message.size();
      part.esm_class_flags = esm_class::kUdhi;
    } else {
      part.sar = concat;
    }
    const auto text = encoded.subspan(ranges[k].begin, ranges[k].end - ranges[k].begin);
    part.short_message.reserve(udh_octets + text.size());
    AppendText(encoding, text, packed, udh_octets, part.short_message);
  }
  return result;
}

absl::StatusOr<SegmentedMessage> SegmentText(std::string_view utf8, const SegmentOptions& options,
                                             absl::FunctionRef<uint16_t()> next_ref) {
  const TextEncoding encoding =
      options.encoding ? *options.encoding : AnalyzeText(utf8, options.mode).encoding;
  if (encoding == TextEncoding::kBinary) {
    return absl::InvalidArgumentError("SegmentText cannot encode text as binary");
  }
  std::vector<uint8_t> encoded;
  const std::size_t unmappable = EncodeFromUtf8(encoding, utf8, encoded);
  absl::StatusOr<SegmentedMessage> result = SegmentEncoded(encoding, encoded, options, next_ref);
  if (result.ok()) {
    result->unmappable = unmappable;
  }
  return result;
}

}  // namespace confab::smpp
