#include "config/values.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace confab::config::internal {

std::optional<absl::Duration> ParseConfigDuration(std::string_view text) {
  // abseil has no day unit; a leading "<digits>d" is taken here and the rest, if any, by abseil.
  absl::Duration days = absl::ZeroDuration();
  const std::size_t d = text.find('d');
  if (d != std::string_view::npos && d > 0 &&
      std::all_of(text.begin(), text.begin() + d, [](char c) { return c >= '0' && c <= '9'; })) {
    int64_t count = 0;
    if (d > 6 || std::from_chars(text.data(), text.data() + d, count).ec != std::errc()) {
      return std::nullopt;  // more than a million days is not a configuration value
    }
    days = absl::Hours(24 * count);
    text.remove_prefix(d + 1);
    if (text.empty()) {
      return days;
    }
  }
  absl::Duration rest;
  if (!absl::ParseDuration(Sv(text), &rest) || rest == absl::InfiniteDuration() ||
      rest == -absl::InfiniteDuration()) {
    return std::nullopt;
  }
  if (days != absl::ZeroDuration() && rest < absl::ZeroDuration()) {
    return std::nullopt;  // "1d-5h" is not a duration anyone means
  }
  return days + rest;
}

std::optional<TimeOfDay> ParseTimeOfDay(std::string_view text) {
  const auto digit = [&](std::size_t i) { return text[i] >= '0' && text[i] <= '9'; };
  if (text.size() != 5 || text[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4)) {
    return std::nullopt;
  }
  const TimeOfDay time{(text[0] - '0') * 10 + (text[1] - '0'),
                       (text[3] - '0') * 10 + (text[4] - '0')};
  if (time.hour > 23 || time.minute > 59) {
    return std::nullopt;
  }
  return time;
}

std::string FormatTimeOfDay(TimeOfDay time) {
  return absl::StrFormat("%02d:%02d", time.hour, time.minute);
}

bool IsIpAddress(std::string_view text) {
  const std::string s(text);
  unsigned char buffer[16];
  return inet_pton(AF_INET, s.c_str(), buffer) == 1 || inet_pton(AF_INET6, s.c_str(), buffer) == 1;
}

bool IsCidr(std::string_view text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return false;
  }
  const std::string address(text.substr(0, slash));
  const std::string_view prefix_text = text.substr(slash + 1);
  int prefix = 0;
  if (prefix_text.empty() || prefix_text.size() > 3 ||
      !std::all_of(prefix_text.begin(), prefix_text.end(),
                   [](char c) { return c >= '0' && c <= '9'; }) ||
      std::from_chars(prefix_text.data(), prefix_text.data() + prefix_text.size(), prefix).ec !=
          std::errc()) {
    return false;
  }
  unsigned char buffer[16];
  if (inet_pton(AF_INET, address.c_str(), buffer) == 1) {
    return prefix <= 32;
  }
  return inet_pton(AF_INET6, address.c_str(), buffer) == 1 && prefix <= 128;
}

bool IsHostName(std::string_view text) {
  if (IsIpAddress(text)) {
    return true;
  }
  if (text.empty() || text.size() > 253) {
    return false;
  }
  for (absl::string_view label : absl::StrSplit(Sv(text), '.')) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') {
        return false;
      }
    }
  }
  return true;
}

bool IsHostAndPort(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || IsIpAddress(text)) {
    return IsHostName(text);
  }
  int port = 0;
  const std::string_view port_text = text.substr(colon + 1);
  return IsHostName(text.substr(0, colon)) && !port_text.empty() && port_text.size() <= 5 &&
         std::all_of(port_text.begin(), port_text.end(),
                     [](char c) { return c >= '0' && c <= '9'; }) &&
         std::from_chars(port_text.data(), port_text.data() + port_text.size(), port).ec ==
             std::errc() &&
         port >= 1 && port <= 65535;
}

bool IsEmailAddress(std::string_view text) {
  const std::size_t at = text.find('@');
  if (at == std::string_view::npos || at == 0 || text.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  if (std::any_of(text.begin(), text.end(), [](char c) {
        return absl::ascii_isspace(static_cast<unsigned char>(c)) ||
               absl::ascii_iscntrl(static_cast<unsigned char>(c));
      })) {
    return false;
  }
  const std::string_view domain = text.substr(at + 1);
  return domain.find('.') != std::string_view::npos && IsHostName(domain);
}

bool IsHttpUrl(std::string_view text) {
  std::string_view rest;
  if (text.starts_with("https://")) {
    rest = text.substr(8);
  } else if (text.starts_with("http://")) {
    rest = text.substr(7);
  } else {
    return false;
  }
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (std::any_of(text.begin(), text.end(), [](char c) {
        return absl::ascii_isspace(static_cast<unsigned char>(c)) ||
               absl::ascii_iscntrl(static_cast<unsigned char>(c));
      })) {
    return false;
  }
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
    const std::size_t close = authority.find(']');
    return close != std::string_view::npos && IsIpAddress(authority.substr(1, close - 1));
  }
  return IsHostAndPort(authority);
}

std::string_view TrimAscii(std::string_view text) {
  const auto space = [](char c) { return absl::ascii_isspace(static_cast<unsigned char>(c)); };
  while (!text.empty() && space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

std::vector<std::string_view> KnownPlaceholders() {
  return {"organization_prefix", "email", "help_phone", "program_name", "message_frequency"};
}

TemplateScan ScanTemplate(std::string_view text) {
  TemplateScan scan;
  std::size_t pos = 0;
  while ((pos = text.find("{{", pos)) != std::string_view::npos) {
    const std::size_t close = text.find("}}", pos + 2);
    if (close == std::string_view::npos) {
      scan.error = "unclosed {{";
      return scan;
    }
    const std::string_view name = TrimAscii(text.substr(pos + 2, close - pos - 2));
    scan.placeholders.emplace_back(name);
    pos = close + 2;
  }
  return scan;
}

}  // namespace confab::config::internal
