#pragma once

// Internal to config/: parsing and checking of the value forms the config uses (durations,
// times of day, addresses, templates). Pure functions, no TOML.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "base/string_view.h"
#include "config/config.h"

namespace confab::config::internal {

// `text` without leading and trailing ASCII whitespace.
std::string_view TrimAscii(std::string_view text);

// absl::ParseDuration forms plus a leading whole number of days ("90d", "1d12h"). Infinite
// durations are refused; negative ones are returned (Validate reports them with the key).
std::optional<absl::Duration> ParseConfigDuration(std::string_view text);

// "HH:MM", 00:00 to 23:59.
std::optional<TimeOfDay> ParseTimeOfDay(std::string_view text);
std::string FormatTimeOfDay(TimeOfDay time);

bool IsIpAddress(std::string_view text);     // IPv4 or IPv6 literal
bool IsCidr(std::string_view text);          // address/prefix, prefix within the family's width
bool IsHostName(std::string_view text);      // RFC 1123 labels, or an IP literal
bool IsHostAndPort(std::string_view text);   // host name, optionally ":port"
bool IsEmailAddress(std::string_view text);  // local@domain.tld, no spaces
bool IsHttpUrl(std::string_view text);       // http:// or https:// followed by a host

// The placeholders a reply template may use: organization_prefix, email, help_phone,
// program_name, message_frequency.
std::vector<std::string_view> KnownPlaceholders();

// The {{name}} placeholders of a template, in order, or the first syntax error ("unclosed {{").
struct TemplateScan {
  std::vector<std::string> placeholders;
  std::string error;  // empty when the template is well formed
};
TemplateScan ScanTemplate(std::string_view text);

}  // namespace confab::config::internal
