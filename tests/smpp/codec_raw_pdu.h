#pragma once

// Raw PDU building and decode expectations shared by the decoder tests.

#include <gtest/gtest.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "smpp/codec.h"
#include "tests/smpp/codec_test_util.h"

namespace confab::smpp::testing {

class RawPdu {
 public:
  RawPdu(uint32_t command_id, uint32_t sequence_number, uint32_t status = 0)
      : id_(command_id), seq_(sequence_number), status_(status) {}
  RawPdu& U8(uint8_t v) {
    body_.push_back(v);
    return *this;
  }
  RawPdu& U16(uint16_t v) { return U8(v >> 8).U8(v & 0xFF); }
  RawPdu& Chars(std::string_view s) {
    body_.insert(body_.end(), s.begin(), s.end());
    return *this;
  }
  RawPdu& Cos(std::string_view s) { return Chars(s).U8(0); }
  RawPdu& Hex(std::string_view hex) {
    for (uint8_t b : FromHex(hex)) {
      body_.push_back(b);
    }
    return *this;
  }
  std::vector<uint8_t> Build() const {
    std::vector<uint8_t> out;
    for (uint32_t v : {static_cast<uint32_t>(16 + body_.size()), id_, status_, seq_}) {
      for (int shift = 24; shift >= 0; shift -= 8) {
        out.push_back(static_cast<uint8_t>(v >> shift));
      }
    }
    out.insert(out.end(), body_.begin(), body_.end());
    return out;
  }

 private:
  uint32_t id_;
  uint32_t seq_;
  uint32_t status_;
  std::vector<uint8_t> body_;
};

inline constexpr uint32_t kSubmitSmId = static_cast<uint32_t>(CommandId::kSubmitSm);

// submit_sm with the given addresses and short message, up to (not including) the TLVs.
inline RawPdu SubmitSmRaw(std::string_view source, std::string_view destination, uint8_t sm_length,
                          std::string_view short_message) {
  RawPdu raw(kSubmitSmId, 42);
  raw.Cos("").U8(5).U8(0).Cos(source).U8(1).U8(1).Cos(destination);
  raw.U8(0).U8(0).U8(0).Cos("").Cos("").U8(1).U8(0).U8(0).U8(0);
  raw.U8(sm_length).Chars(short_message);
  return raw;
}

inline DecodeResult DecodeAll(const std::vector<uint8_t>& wire) {
  DecodeResult r = Decode(wire);
  if (r.state == DecodeState::kOk || r.state == DecodeState::kRejected) {
    EXPECT_EQ(r.consumed, wire.size()) << "a whole PDU is consumed";
  }
  return r;
}

inline void ExpectRejected(const std::vector<uint8_t>& wire, CommandStatus expected) {
  const DecodeResult r = DecodeAll(wire);
  EXPECT_EQ(r.state, DecodeState::kRejected);
  EXPECT_EQ(CommandStatusName(r.error), CommandStatusName(expected));
}

}  // namespace confab::smpp::testing
