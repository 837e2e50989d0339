// libFuzzer target: arbitrary bytes decoded as an SMPP stream, PDU after PDU, as a session does.
// Oracle: a PDU that decodes re-encodes to the very same octets (except a response whose body
// the decoder may replace by a default, facts §1), and the re-encoding decodes to an equal PDU.
// Every rejected PDU's error response must itself encode and decode.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "smpp/codec.h"
#include "tests/fuzz/fuzz_check.h"

using confab::fuzz::Check;

namespace {

using confab::smpp::CommandStatus;
using confab::smpp::DecodeResult;
using confab::smpp::DecodeState;

bool Equal(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::span<const uint8_t> rest(data, size);
  std::vector<uint8_t> first;
  std::vector<uint8_t> second;
  while (!rest.empty()) {
    const DecodeResult r = confab::smpp::Decode(rest);
    if (r.state == DecodeState::kNeedMore) {
      Check(r.consumed == 0);
      break;
    }
    if (r.state == DecodeState::kFatal) {
      Check(r.error == CommandStatus::kInvCmdLen);
      first.clear();
      confab::smpp::Encode(confab::smpp::ErrorResponseFor(r.pdu.header, r.error), first);
      Check(first.size() == confab::smpp::kHeaderSize);
      break;
    }
    Check(r.consumed >= confab::smpp::kHeaderSize && r.consumed <= rest.size());
    Check(r.consumed == r.pdu.header.command_length);
    if (r.state == DecodeState::kRejected) {
      Check(r.error != CommandStatus::kOk);
      first.clear();
      confab::smpp::Encode(confab::smpp::ErrorResponseFor(r.pdu.header, r.error), first);
      const DecodeResult answer = confab::smpp::Decode(first);
      Check(answer.state == DecodeState::kOk && answer.consumed == first.size());
      Check(answer.pdu.header.sequence_number == r.pdu.header.sequence_number);
    } else {
      first.clear();
      confab::smpp::Encode(r.pdu, first);
      const bool may_differ = confab::smpp::IsResponse(r.pdu.header.command_id) &&
                              (r.pdu.header.command_status != CommandStatus::kOk ||
                               r.consumed == confab::smpp::kHeaderSize);
      if (!may_differ) {
        Check(Equal(first, rest.first(r.consumed)));
      }
      const DecodeResult again = confab::smpp::Decode(first);
      Check(again.state == DecodeState::kOk && again.consumed == first.size());
      second.clear();
      confab::smpp::Encode(again.pdu, second);
      Check(Equal(first, second));
    }
    rest = rest.subspan(r.consumed);
  }
  return 0;
}
