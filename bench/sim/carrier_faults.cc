#include "bench/sim/carrier_faults.h"

#include <algorithm>
#include <array>
#include <utility>

namespace confab::sim {
namespace {

constexpr std::array<std::pair<std::string_view, MtFault>, 7> kNames = {{
    {"none", MtFault::kNone},
    {"throttle", MtFault::kThrottle},
    {"queue-full", MtFault::kQueueFull},
    {"no-response", MtFault::kNoResponse},
    {"slow", MtFault::kSlow},
    {"disconnect", MtFault::kDisconnect},
    {"undeliverable", MtFault::kUndeliverable},
}};

constexpr std::array<std::pair<std::string_view, MtFault>, 6> kMagic = {{
    {kMagicThrottle, MtFault::kThrottle},
    {kMagicQueueFull, MtFault::kQueueFull},
    {kMagicNoResponse, MtFault::kNoResponse},
    {kMagicSlow, MtFault::kSlow},
    {kMagicDisconnect, MtFault::kDisconnect},
    {kMagicUndeliverable, MtFault::kUndeliverable},
}};

std::string_view Digits(std::string_view s) {
  return !s.empty() && s.front() == '+' ? s.substr(1) : s;
}

}  // namespace

std::string_view MtFaultName(MtFault fault) {
  for (const auto& [name, value] : kNames) {
    if (value == fault) {
      return name;
    }
  }
  return "?";
}

std::optional<MtFault> MtFaultFromName(std::string_view name) {
  for (const auto& [n, value] : kNames) {
    if (n == name) {
      return value;
    }
  }
  return std::nullopt;
}

MtFault FaultForDestination(std::string_view destination) {
  const std::string_view digits = Digits(destination);
  for (const auto& [number, fault] : kMagic) {
    if (Digits(number) == digits) {
      return fault;
    }
  }
  return MtFault::kNone;
}

std::string E164(std::string_view address) {
  const std::string_view digits = Digits(address);
  const bool numeric = !digits.empty() && std::all_of(digits.begin(), digits.end(),
                                                      [](char c) { return c >= '0' && c <= '9'; });
  if (!numeric) {
    return std::string(address);
  }
  std::string out;  // not "+" + string: GCC 12 warns falsely (-Wrestrict) on that
  out.reserve(digits.size() + 1);
  out.push_back('+');
  out.append(digits);
  return out;
}

}  // namespace confab::sim
