// Message id normalization for correlating receipts with submit_sm_resp (see receipt.h).

#include <optional>
#include <string>
#include <vector>

#include "base/hex.h"
#include "smpp/receipt.h"

namespace confab::smpp {

namespace {

std::string_view TrimId(std::string_view v) {
  const auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0';
  };
  while (!v.empty() && space(v.front())) {
    v.remove_prefix(1);
  }
  while (!v.empty() && space(v.back())) {
    v.remove_suffix(1);
  }
  return v;
}

constexpr char kHexDigits[] = "0123456789abcdef";

std::optional<std::string> HexForm(std::string_view id) {
  std::string out;
  for (char c : id) {
    const int v = HexDigitValue(c);
    if (v < 0) {
      return std::nullopt;
    }
    if (out.empty() && v == 0) {
      continue;  // leading zero
    }
    out.push_back(kHexDigits[v]);
  }
  return out.empty() ? "0" : out;
}

// Decimal digits -> lowercase hex by long division by 16 (ids can exceed 64 bits).
std::optional<std::string> DecimalToHex(std::string_view id) {
  std::vector<uint8_t> digits;
  digits.reserve(id.size());
  for (char c : id) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    if (digits.empty() && c == '0') {
      continue;
    }
    digits.push_back(static_cast<uint8_t>(c - '0'));
  }
  std::string reversed;
  while (!digits.empty()) {
    std::vector<uint8_t> quotient;
    quotient.reserve(digits.size());
    unsigned remainder = 0;
    for (const uint8_t d : digits) {
      const unsigned cur = remainder * 10 + d;
      const unsigned q = cur / 16;
      remainder = cur % 16;
      if (!quotient.empty() || q != 0) {
        quotient.push_back(static_cast<uint8_t>(q));
      }
    }
    reversed.push_back(kHexDigits[remainder]);
    digits = std::move(quotient);
  }
  if (reversed.empty()) {
    return "0";
  }
  return std::string(reversed.rbegin(), reversed.rend());
}

}  // namespace

std::string NormalizeMessageId(std::string_view id, MessageIdFormat format) {
  id = TrimId(id);
  std::optional<std::string> numeric;
  if (!id.empty()) {
    if (format == MessageIdFormat::kHex) {
      numeric = HexForm(id);
    } else if (format == MessageIdFormat::kDecimal) {
      numeric = DecimalToHex(id);
    }
  }
  return numeric ? *std::move(numeric) : std::string(id);
}

bool SameMessageId(std::string_view a, MessageIdFormat a_format, std::string_view b,
                   MessageIdFormat b_format) {
  return NormalizeMessageId(a, a_format) == NormalizeMessageId(b, b_format);
}

}  // namespace confab::smpp
