// libFuzzer target: the UDH parser (and BuildUdh round trip) on arbitrary user data.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "smpp/udh.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::span<const uint8_t> input(data, size);
  // SplitUserData with UDHI set: the payload is the tail of the input.
  if (const auto split = confab::smpp::SplitUserData(0x40, input); split.ok()) {
    if (split->udh_octets + split->payload.size() != size ||
        (size > 0 && split->payload.data() != data + split->udh_octets)) {
      std::abort();
    }
  }
  const auto udh = confab::smpp::ParseUdh(input);
  if (!udh.ok()) {
    return 0;
  }
  // Invariants of an accepted header.
  if (udh->payload_offset < 1 || udh->payload_offset > size) {
    std::abort();
  }
  if (udh->concat &&
      (udh->concat->total == 0 || udh->concat->seq == 0 || udh->concat->seq > udh->concat->total)) {
    std::abort();
  }
  // What we build from the parsed values parses back to the same values.
  std::vector<uint8_t> rebuilt;
  confab::smpp::BuildUdh(udh->concat, udh->ports, rebuilt);
  if (!rebuilt.empty()) {
    const auto again = confab::smpp::ParseUdh(rebuilt);
    if (!again.ok() || again->concat != udh->concat || again->ports != udh->ports ||
        again->payload_offset != rebuilt.size()) {
      std::abort();
    }
  }
  return 0;
}
