#include "tests/smpp/codec_test_util.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <variant>

#include "smpp/pdu_fields.h"

namespace confab::smpp::testing {
namespace {

// A visitor of smpp/pdu_fields.h that writes each field as one line of text.
class Flattener {
 public:
  explicit Flattener(std::vector<std::string>& out) : out_(out) {}
  void Fail(CommandStatus) {}
  void U8(uint8_t v) { out_.push_back("int1 " + std::to_string(v)); }
  void Status(CommandStatus v) {
    out_.push_back("int4 " + std::to_string(static_cast<uint32_t>(v)));
  }
  void CString(std::string_view v, std::size_t, CommandStatus) {
    out_.push_back("cos '" + std::string(v) + "'");
  }
  void Time(std::string_view v, CommandStatus) { out_.push_back("time '" + std::string(v) + "'"); }
  void ShortMessage(std::span<const uint8_t> v) { out_.push_back("sm " + ToHex(v)); }
  void Tlvs(const TlvList& tlvs) {
    for (const Tlv& t : tlvs) {
      char tag[8];
      std::snprintf(tag, sizeof tag, "%04X", t.tag);
      out_.push_back(std::string("tlv ") + tag + " " + ToHex(t.value));
    }
  }
  template <class T, class F>
  void List(const std::vector<T>& items, std::size_t, std::size_t, CommandStatus, F describe) {
    out_.push_back("count " + std::to_string(items.size()));
    for (const T& item : items) {
      describe(*this, item);
    }
  }

 private:
  std::vector<std::string>& out_;
};

}  // namespace

std::string ToHex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xF]);
  }
  return out;
}

std::vector<uint8_t> EncodeToBytes(const Pdu& pdu) {
  std::vector<uint8_t> out;
  Encode(pdu, out);
  return out;
}

std::vector<std::string> Flatten(const Pdu& pdu) {
  std::vector<std::string> out;
  out.push_back("command_id " + std::string(CommandIdName(pdu.header.command_id)));
  out.push_back("status " + std::to_string(static_cast<uint32_t>(pdu.header.command_status)));
  out.push_back("seq " + std::to_string(pdu.header.sequence_number));
  std::visit(
      [&](const auto& body) {
        Flattener flattener(out);
        fields::Describe(flattener, body);
      },
      pdu.body);
  return out;
}

Pdu DecodeOne(std::span<const uint8_t> wire) {
  DecodeResult r = Decode(wire);
  EXPECT_EQ(r.state, DecodeState::kOk) << "error " << CommandStatusName(r.error);
  EXPECT_EQ(r.consumed, wire.size());
  EXPECT_EQ(r.pdu.header.command_length, wire.size());
  return r.pdu;
}

}  // namespace confab::smpp::testing
