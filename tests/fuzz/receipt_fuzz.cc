// libFuzzer target: the delivery receipt parser, with TLV values taken from the input's head.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

#include "smpp/receipt.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  confab::smpp::ReceiptTlvs tlvs;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // First octet: flags choosing which TLVs to take from the next octets.
  if (size >= 5) {
    const uint8_t flags = data[0];
    if (flags & 1) {
      tlvs.message_state = data[1];
    }
    if (flags & 2) {
      tlvs.network_error_code = std::span<const uint8_t>(data + 2, (flags & 4) ? 3 : 2);
    }
    text.remove_prefix(5);
    if (flags & 8) {
      const std::size_t id_len = std::min<std::size_t>(text.size(), flags >> 4);
      tlvs.receipted_message_id = text.substr(0, id_len);
      text.remove_prefix(id_len);
    }
  }
  const auto receipt = confab::smpp::ParseDeliveryReceipt(text, tlvs);
  if (receipt.ok()) {
    if (receipt->message_id.empty()) {
      std::abort();
    }
    if (receipt->state &&
        (static_cast<int>(*receipt->state) < 1 || static_cast<int>(*receipt->state) > 8)) {
      std::abort();
    }
    for (const auto format :
         {confab::smpp::MessageIdFormat::kAsIs, confab::smpp::MessageIdFormat::kHex,
          confab::smpp::MessageIdFormat::kDecimal}) {
      if (!confab::smpp::SameMessageId(receipt->message_id, format, receipt->message_id, format)) {
        std::abort();
      }
    }
  }
  return 0;
}
