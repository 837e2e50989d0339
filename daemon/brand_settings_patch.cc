// Settings patches: JSON in and out, and applying them to a NumberConfig. Values are only
// checked for their form here (types, enum names, "HH:MM"); whether the result is a valid number
// (templates, placeholders, e-mail addresses, URLs, start before end) is config::Validate's job,
// run by BrandSettings::Apply on the patched config.

#include "daemon/brand_settings_patch.h"

#include <initializer_list>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "base/string_view.h"
#include "boost/json/array.hpp"
#include "boost/json/value.hpp"

namespace confab {
namespace {

namespace json = boost::json;

template <typename E>
std::optional<E> EnumFromName(std::string_view name, std::initializer_list<E> values) {
  for (E value : values) {
    if (config::NameOf(value) == name) {
      return value;
    }
  }
  return std::nullopt;
}

template <typename E>
std::string Choices(std::initializer_list<E> values) {
  std::vector<std::string> names;
  for (E value : values) {
    names.emplace_back(config::NameOf(value));
  }
  return absl::StrCat("expected one of ", absl::StrJoin(names, ", "));
}

constexpr auto kModes = {config::AutoResponderMode::kAll, config::AutoResponderMode::kNonConsented,
                         config::AutoResponderMode::kOff};
constexpr auto kPolicies = {config::QuietHoursPolicy::kWarn, config::QuietHoursPolicy::kDefer,
                            config::QuietHoursPolicy::kOff};

// Collects "field: what" lines.
class Errors {
 public:
  void Add(std::string_view field, std::string_view what) {
    lines_.push_back(absl::StrCat(Sv(field), ": ", Sv(what)));
  }
  bool empty() const { return lines_.empty(); }
  absl::Status ToStatus() const { return absl::InvalidArgumentError(absl::StrJoin(lines_, "\n")); }

 private:
  std::vector<std::string> lines_;
};

// The object under `key`, or null after reporting it (when present and not an object).
const json::object* Section(const json::object& body, std::string_view key, Errors& errors) {
  const json::value* value = body.if_contains(key);
  if (value == nullptr) {
    return nullptr;
  }
  if (!value->is_object()) {
    errors.Add(key, "expected an object");
    return nullptr;
  }
  return &value->get_object();
}

void UnknownKeys(const json::object& object, std::string_view prefix,
                 std::initializer_list<std::string_view> known, Errors& errors) {
  for (const auto& [key, value] : object) {
    if (std::find(known.begin(), known.end(), std::string_view(key)) == known.end()) {
      errors.Add(absl::StrCat(Sv(prefix), Sv(std::string_view(key))), "unknown setting");
    }
  }
}

void ReadBool(const json::object& object, std::string_view key, std::string_view field,
              std::optional<bool>& out, Errors& errors) {
  if (const json::value* value = object.if_contains(key)) {
    if (value->is_bool()) {
      out = value->get_bool();
    } else {
      errors.Add(field, "expected true or false");
    }
  }
}

void ReadString(const json::object& object, std::string_view key, std::string_view field,
                std::optional<std::string>& out, Errors& errors) {
  if (const json::value* value = object.if_contains(key)) {
    if (value->is_string()) {
      out = std::string(value->get_string());
    } else {
      errors.Add(field, "expected a string");
    }
  }
}

template <typename E>
void ReadEnum(const json::object& object, std::string_view key, std::string_view field,
              std::initializer_list<E> values, std::optional<E>& out, Errors& errors) {
  std::optional<std::string> name;
  ReadString(object, key, field, name, errors);
  if (name) {
    out = EnumFromName(*name, values);
    if (!out) {
      errors.Add(field, Choices(values));
    }
  }
}

void ReadTime(const json::object& object, std::string_view key, std::string_view field,
              std::optional<config::TimeOfDay>& out, Errors& errors) {
  std::optional<std::string> text;
  ReadString(object, key, field, text, errors);
  if (text) {
    out = ParseClockTime(*text);
    if (!out) {
      errors.Add(field, "expected a time of day \"HH:MM\"");
    }
  }
}

void ReadEmails(const json::object& object, std::optional<std::vector<std::string>>& out,
                Errors& errors) {
  const json::value* value = object.if_contains("emails");
  if (value == nullptr) {
    return;
  }
  if (!value->is_array()) {
    errors.Add("notifications.emails", "expected an array of strings");
    return;
  }
  std::vector<std::string> emails;
  for (const json::value& item : value->get_array()) {
    if (!item.is_string()) {
      errors.Add("notifications.emails", "expected an array of strings");
      return;
    }
    emails.emplace_back(item.get_string());
  }
  out = std::move(emails);
}

}  // namespace

std::optional<config::TimeOfDay> ParseClockTime(std::string_view text) {
  const auto digit = [&](std::size_t i) { return text[i] >= '0' && text[i] <= '9'; };
  if (text.size() != 5 || text[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4)) {
    return std::nullopt;
  }
  const config::TimeOfDay time{(text[0] - '0') * 10 + (text[1] - '0'),
                               (text[3] - '0') * 10 + (text[4] - '0')};
  if (time.hour > 23 || time.minute > 59) {
    return std::nullopt;
  }
  return time;
}

std::string FormatClockTime(config::TimeOfDay time) {
  return absl::StrFormat("%02d:%02d", time.hour, time.minute);
}

bool SettingsPatch::empty() const { return Keys().empty(); }

std::vector<std::string> SettingsPatch::Keys() const {
  std::vector<std::string> keys;
  const auto add = [&](bool set, const char* key) {
    if (set) {
      keys.emplace_back(key);
    }
  };
  add(auto_responder_mode.has_value(), "auto_responder.mode");
  add(auto_responder_text.has_value(), "auto_responder.text");
  add(link_shortening.has_value(), "link_shortening");
  add(unread_indicator.has_value(), "notifications.unread_indicator");
  add(emails.has_value(), "notifications.emails");
  add(webhook_url.has_value(), "notifications.webhook_url");
  add(quiet_hours_policy.has_value(), "quiet_hours.policy");
  add(quiet_hours_start.has_value(), "quiet_hours.start");
  add(quiet_hours_end.has_value(), "quiet_hours.end");
  return keys;
}

void SettingsPatch::MergeFrom(const SettingsPatch& later) {
  const auto take = [](auto& into, const auto& from) {
    if (from.has_value()) {
      into = from;
    }
  };
  take(auto_responder_mode, later.auto_responder_mode);
  take(auto_responder_text, later.auto_responder_text);
  take(link_shortening, later.link_shortening);
  take(unread_indicator, later.unread_indicator);
  take(emails, later.emails);
  take(webhook_url, later.webhook_url);
  take(quiet_hours_policy, later.quiet_hours_policy);
  take(quiet_hours_start, later.quiet_hours_start);
  take(quiet_hours_end, later.quiet_hours_end);
}

void SettingsPatch::ApplyTo(config::NumberConfig& number) const {
  const auto set = [](auto& into, const auto& from) {
    if (from.has_value()) {
      into = *from;
    }
  };
  set(number.auto_responder.mode, auto_responder_mode);
  set(number.auto_responder.text, auto_responder_text);
  set(number.link_shortening, link_shortening);
  set(number.notifications.unread_indicator, unread_indicator);
  set(number.notifications.emails, emails);
  set(number.notifications.webhook_url, webhook_url);
  set(number.quiet_hours.policy, quiet_hours_policy);
  set(number.quiet_hours.start, quiet_hours_start);
  set(number.quiet_hours.end, quiet_hours_end);
}

absl::StatusOr<SettingsPatch> ParseSettingsPatch(const json::object& body) {
  SettingsPatch patch;
  Errors errors;
  UnknownKeys(body, "", {"auto_responder", "link_shortening", "notifications", "quiet_hours"},
              errors);
  if (const json::object* auto_responder = Section(body, "auto_responder", errors)) {
    UnknownKeys(*auto_responder, "auto_responder.", {"mode", "text"}, errors);
    ReadEnum(*auto_responder, "mode", "auto_responder.mode", kModes, patch.auto_responder_mode,
             errors);
    ReadString(*auto_responder, "text", "auto_responder.text", patch.auto_responder_text, errors);
  }
  ReadBool(body, "link_shortening", "link_shortening", patch.link_shortening, errors);
  if (const json::object* notifications = Section(body, "notifications", errors)) {
    UnknownKeys(*notifications, "notifications.", {"unread_indicator", "emails", "webhook_url"},
                errors);
    ReadBool(*notifications, "unread_indicator", "notifications.unread_indicator",
             patch.unread_indicator, errors);
    ReadEmails(*notifications, patch.emails, errors);
    ReadString(*notifications, "webhook_url", "notifications.webhook_url", patch.webhook_url,
               errors);
  }
  if (const json::object* quiet = Section(body, "quiet_hours", errors)) {
    UnknownKeys(*quiet, "quiet_hours.", {"policy", "start", "end"}, errors);
    ReadEnum(*quiet, "policy", "quiet_hours.policy", kPolicies, patch.quiet_hours_policy, errors);
    ReadTime(*quiet, "start", "quiet_hours.start", patch.quiet_hours_start, errors);
    ReadTime(*quiet, "end", "quiet_hours.end", patch.quiet_hours_end, errors);
  }
  if (!errors.empty()) {
    return errors.ToStatus();
  }
  return patch;
}

json::object SettingsPatchJson(const SettingsPatch& patch) {
  json::object out;
  const auto section = [&](const char* key) -> json::object& { return out[key].emplace_object(); };
  if (patch.auto_responder_mode || patch.auto_responder_text) {
    json::object& a = section("auto_responder");
    if (patch.auto_responder_mode) {
      a["mode"] = config::NameOf(*patch.auto_responder_mode);
    }
    if (patch.auto_responder_text) {
      a["text"] = *patch.auto_responder_text;
    }
  }
  if (patch.link_shortening) {
    out["link_shortening"] = *patch.link_shortening;
  }
  if (patch.unread_indicator || patch.emails || patch.webhook_url) {
    json::object& n = section("notifications");
    if (patch.unread_indicator) {
      n["unread_indicator"] = *patch.unread_indicator;
    }
    if (patch.emails) {
      n["emails"] = json::array(patch.emails->begin(), patch.emails->end());
    }
    if (patch.webhook_url) {
      n["webhook_url"] = *patch.webhook_url;
    }
  }
  if (patch.quiet_hours_policy || patch.quiet_hours_start || patch.quiet_hours_end) {
    json::object& q = section("quiet_hours");
    if (patch.quiet_hours_policy) {
      q["policy"] = config::NameOf(*patch.quiet_hours_policy);
    }
    if (patch.quiet_hours_start) {
      q["start"] = FormatClockTime(*patch.quiet_hours_start);
    }
    if (patch.quiet_hours_end) {
      q["end"] = FormatClockTime(*patch.quiet_hours_end);
    }
  }
  return out;
}

json::object NumberSettingsJson(const config::NumberConfig& number,
                                const SettingsPatch& overrides) {
  SettingsPatch all;
  all.auto_responder_mode = number.auto_responder.mode;
  all.auto_responder_text = number.auto_responder.text;
  all.link_shortening = number.link_shortening;
  all.unread_indicator = number.notifications.unread_indicator;
  all.emails = number.notifications.emails;
  all.webhook_url = number.notifications.webhook_url;
  all.quiet_hours_policy = number.quiet_hours.policy;
  all.quiet_hours_start = number.quiet_hours.start;
  all.quiet_hours_end = number.quiet_hours.end;
  json::object out = SettingsPatchJson(all);
  out["number"] = number.number;
  out["organization_prefix"] = number.organization_prefix;
  json::array overridden;
  for (const std::string& key : overrides.Keys()) {
    overridden.emplace_back(key);
  }
  out["overridden"] = std::move(overridden);
  return out;
}

}  // namespace confab
