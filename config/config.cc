// The small pieces of config.h that are neither loading nor validation: enum names, source
// lines, the contains-rule default and template rendering.

#include "config/config.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "config/fields.h"
#include "config/values.h"

namespace confab::config {
namespace {

template <typename E>
std::string_view NameIn(E value) {
  for (const auto& entry : internal::EnumNames(value)) {
    if (entry.value == value) {
      return entry.name;
    }
  }
  return "?";
}

}  // namespace

std::string_view LogLevelName(LogLevel level) { return NameIn(level); }
std::string_view NameOf(LogLevel value) { return NameIn(value); }
std::string_view NameOf(Durability value) { return NameIn(value); }
std::string_view NameOf(CompactionPriority value) { return NameIn(value); }
std::string_view NameOf(Role value) { return NameIn(value); }
std::string_view NameOf(CarrierMode value) { return NameIn(value); }
std::string_view NameOf(BindType value) { return NameIn(value); }
std::string_view NameOf(LongMessages value) { return NameIn(value); }
std::string_view NameOf(ReceiptIdFormat value) { return NameIn(value); }
std::string_view NameOf(ResendPolicy value) { return NameIn(value); }
std::string_view NameOf(AutoResponderMode value) { return NameIn(value); }
std::string_view NameOf(QuietHoursPolicy value) { return NameIn(value); }

int SourceLines::Find(std::string_view key) const {
  while (!key.empty()) {
    if (auto it = lines_.find(key); it != lines_.end()) {
      return it->second;
    }
    // Up one level: "a.b[2].c" → "a.b[2]" → "a.b" → "a".
    const std::size_t cut = key.find_last_of(".[");
    if (cut == std::string_view::npos) {
      break;
    }
    key = key.substr(0, cut);
  }
  return 0;
}

bool ContainsRuleEnabled(const NumberConfig& number) {
  if (number.contains_rule.has_value()) {
    return *number.contains_rule;
  }
  if (!number.number.empty() && number.number.front() == '+') {
    return number.number.starts_with("+1");
  }
  return number.default_country == "US";
}

std::string RenderTemplate(std::string_view text, const NumberConfig& number) {
  std::string out;
  out.reserve(text.size() + 64);
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find("{{", pos);
    const std::size_t close = open == std::string_view::npos ? open : text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      break;
    }
    out.append(text.substr(pos, open - pos));
    const std::string_view name = internal::TrimAscii(text.substr(open + 2, close - open - 2));
    const std::string* value = nullptr;
    if (name == "organization_prefix") {
      value = &number.organization_prefix;
    } else if (name == "email") {
      value = &number.email;
    } else if (name == "help_phone") {
      value = &number.help_phone;
    } else if (name == "program_name") {
      value = &number.program_name;
    } else if (name == "message_frequency") {
      value = &number.message_frequency;
    }
    if (value != nullptr) {
      out.append(*value);
    } else {
      out.append(text.substr(open, close + 2 - open));
    }
    pos = close + 2;
  }
  out.append(text.substr(std::min(pos, text.size())));
  return out;
}

}  // namespace confab::config
