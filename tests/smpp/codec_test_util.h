#pragma once

// Helpers shared by the codec tests: hex conversion, encode-to-bytes, and Flatten(), which lists
// every field of a PDU as text so that two PDUs compare with a readable gtest diff.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "smpp/codec.h"
#include "smpp/pdu.h"
#include "tests/smpp/hex.h"

namespace confab::smpp::testing {

// Octets -> upper-case hex without spaces.
std::string ToHex(std::span<const uint8_t> bytes);
// The octets of an ASCII string.
inline std::span<const uint8_t> Octets(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::vector<uint8_t> EncodeToBytes(const Pdu& pdu);

// command_id, command_status, sequence_number and every body field in wire order, as text.
std::vector<std::string> Flatten(const Pdu& pdu);

// Decodes `wire`, which must hold exactly one well-formed PDU; fails the test otherwise.
Pdu DecodeOne(std::span<const uint8_t> wire);

}  // namespace confab::smpp::testing
