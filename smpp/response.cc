#include <variant>

#include "smpp/window.h"

namespace confab::smpp {

DecodeResult Response::Decode() const {
  return smpp::Decode(std::span<const uint8_t>(bytes.data(), bytes.size()));
}

std::string_view Response::MessageId() const {
  DecodeResult result = Decode();
  if (result.state != DecodeState::kOk) {
    return {};
  }
  return std::visit(
      [](const auto& body) -> std::string_view {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_base_of_v<MessageIdRespBody, T> || std::is_same_v<T, DataSmResp> ||
                      std::is_same_v<T, SubmitMultiResp>) {
          return body.message_id;
        } else if constexpr (std::is_base_of_v<BindRespBody, T>) {
          return body.system_id;
        } else {
          return {};
        }
      },
      result.pdu.body);
}

}  // namespace confab::smpp
