// libFuzzer target: decode user data by every data_coding, then re-encode the text; and the
// encoders/segmenter on arbitrary (often invalid) UTF-8.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "smpp/segment.h"
#include "smpp/text_coding.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace confab::smpp;
  if (size < 1) {
    return 0;
  }
  const uint8_t dc = data[0];
  const std::span<const uint8_t> body(data + 1, size - 1);
  for (const bool packed : {false, true}) {
    DecodeOptions options;
    options.gsm_packed = packed;
    const DecodedText decoded = DecodeUserData(dc, body, options);
    if (decoded.encoding == TextEncoding::kBinary) {
      continue;
    }
    // Decoded text is valid UTF-8: UCS-2 round trip without substitution.
    std::vector<uint8_t> ucs2;
    if (EncodeUcs2(decoded.utf8, ucs2) != 0) {
      std::abort();
    }
    std::string back;
    if (DecodeUcs2(ucs2, back) != 0 || back != decoded.utf8) {
      std::abort();
    }
    // Re-encoding in the source encoding never fails; GSM text with no substitution round trips.
    std::vector<uint8_t> again;
    const std::size_t unmapped = EncodeFromUtf8(decoded.encoding, decoded.utf8, again);
    if (decoded.encoding == TextEncoding::kGsm7 && decoded.replaced == 0 && unmapped == 0) {
      std::string twice;
      DecodeGsm7(again, twice);
      if (twice != decoded.utf8) {
        std::abort();
      }
    }
  }
  // The raw octets as UTF-8 text through analysis and segmentation.
  const std::string_view text(reinterpret_cast<const char*>(body.data()), body.size());
  const TextAnalysis analysis = AnalyzeText(text);
  const auto segmented = SegmentText(text, {}, [] { return uint16_t{1}; });
  if (!segmented.ok() || segmented->parts.size() != analysis.segments) {
    std::abort();
  }
  return 0;
}
