// libFuzzer target: the TLV parser on arbitrary bytes. Oracle: a sequence that parses re-encodes
// to the same octets, every known tag respects its length rule, and the typed getters never
// read past a value.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "smpp/pdu.h"
#include "smpp/tlv.h"
#include "tests/fuzz/fuzz_check.h"

using confab::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using confab::smpp::CommandStatus;
  const std::span<const uint8_t> input(data, size);
  confab::smpp::TlvList tlvs;
  const CommandStatus status = confab::smpp::DecodeTlvs(input, tlvs);
  // Getters run on whatever was parsed, even after a fault.
  (void)tlvs.MessagePayload();
  (void)tlvs.SarMsgRefNum();
  (void)tlvs.SarTotalSegments();
  (void)tlvs.SarSegmentSeqnum();
  (void)tlvs.ReceiptedMessageId();
  (void)tlvs.GetMessageState();
  (void)tlvs.NetworkErrorCode();
  (void)tlvs.UserMessageReference();
  (void)tlvs.SourcePort();
  (void)tlvs.DestinationPort();
  (void)tlvs.ScInterfaceVersion();
  (void)tlvs.MoreMessagesToSend();
  if (status != CommandStatus::kOk) {
    Check(status == CommandStatus::kInvOptParStream || status == CommandStatus::kInvParLen);
    return 0;
  }
  std::size_t total = 0;
  for (const confab::smpp::Tlv& t : tlvs) {
    if (auto rule = confab::smpp::KnownTlvLength(t.tag)) {
      Check(t.value.size() >= rule->min && t.value.size() <= rule->max);
    }
    total += 4 + t.value.size();
  }
  Check(total == size);
  std::vector<uint8_t> out;
  confab::smpp::EncodeTlvs(tlvs, out);
  Check(out.size() == size && std::equal(out.begin(), out.end(), input.begin()));
  return 0;
}
