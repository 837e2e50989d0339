#include "bench/sim/flags.h"

#include <algorithm>
#include <charconv>

#include "boost/asio/ip/address.hpp"

namespace confab::sim {

absl::StatusOr<Flags> Flags::Parse(const std::vector<std::string>& args,
                                   const std::vector<std::string>& booleans,
                                   const std::vector<std::string>& known) {
  Flags flags;
  auto in = [](const std::vector<std::string>& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0) {
      return absl::InvalidArgumentError("unexpected argument: " + arg);
    }
    std::string name = arg.substr(2);
    std::string value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (in(booleans, name)) {
      flags.values_.emplace(name, has_value ? value : "true");
    } else if (in(known, name)) {
      if (!has_value) {
        if (i + 1 >= args.size()) {
          return absl::InvalidArgumentError("--" + name + " needs a value");
        }
        value = args[++i];
      }
      flags.values_.emplace(name, value);
    } else {
      return absl::InvalidArgumentError("unknown flag --" + name);
    }
  }
  return flags;
}

std::string Flags::Get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

std::vector<std::string> Flags::GetAll(const std::string& name) const {
  std::vector<std::string> out;
  for (auto [it, end] = values_.equal_range(name); it != end; ++it) {
    out.push_back(it->second);
  }
  return out;
}

absl::StatusOr<uint64_t> Flags::GetUint(const std::string& name, uint64_t fallback) const {
  if (!Has(name)) {
    return fallback;
  }
  const std::string text = Get(name);
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return absl::InvalidArgumentError("--" + name + ": not a number: " + text);
  }
  return value;
}

absl::StatusOr<double> Flags::GetDouble(const std::string& name, double fallback) const {
  if (!Has(name)) {
    return fallback;
  }
  const std::string text = Get(name);
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < 0) {
    return absl::InvalidArgumentError("--" + name + ": not a number: " + text);
  }
  return value;
}

absl::StatusOr<std::chrono::milliseconds> Flags::GetDuration(
    const std::string& name, std::chrono::milliseconds fallback) const {
  if (!Has(name)) {
    return fallback;
  }
  const std::string text = Get(name);
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const std::string unit(ptr, text.data() + text.size());
  double scale = unit.empty() || unit == "ms" ? 1 : unit == "s" ? 1e3 : unit == "m" ? 6e4 : -1;
  if (ec != std::errc() || scale < 0 || value < 0) {
    return absl::InvalidArgumentError("--" + name + ": not a duration (250ms, 2s, 1m): " + text);
  }
  return std::chrono::milliseconds(static_cast<int64_t>(value * scale));
}

absl::StatusOr<std::pair<std::string, uint16_t>> ParseHostPort(const std::string& text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError("expected HOST:PORT, got " + text);
  }
  std::string host = text.substr(0, colon);
  unsigned port = 0;
  const char* begin = text.data() + colon + 1;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, port);
  if (ec != std::errc() || ptr != end || port > 65535 || host.empty()) {
    return absl::InvalidArgumentError("expected HOST:PORT, got " + text);
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return std::make_pair(host, static_cast<uint16_t>(port));
}

bool IsLoopback(const std::string& host) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

}  // namespace confab::sim
