#pragma once

// The per-brand-number settings the admin API may change (issue #5, product §3, §6, §7, §8), as
// a patch over a config::NumberConfig. One JSON shape serves both the PATCH body and the stored
// overrides (store/SCHEMA.md "settings"):
//
//   {"auto_responder": {"mode": "all|non_consented|off", "text": "..."},
//    "link_shortening": true,
//    "notifications": {"unread_indicator": true, "emails": ["a@b.example"],
//                      "webhook_url": "https://..."},
//    "quiet_hours": {"policy": "warn|defer|off", "start": "08:00", "end": "20:00"}}
//
// Every key is optional. Parsing reports every bad field at once, one "field: what" per line,
// named by its path ("quiet_hours.start").

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/json/object.hpp"
#include "config/config.h"

namespace confab {

struct SettingsPatch {
  std::optional<config::AutoResponderMode> auto_responder_mode;
  std::optional<std::string> auto_responder_text;
  std::optional<bool> link_shortening;
  std::optional<bool> unread_indicator;
  std::optional<std::vector<std::string>> emails;
  std::optional<std::string> webhook_url;
  std::optional<config::QuietHoursPolicy> quiet_hours_policy;
  std::optional<config::TimeOfDay> quiet_hours_start;
  std::optional<config::TimeOfDay> quiet_hours_end;

  bool empty() const;
  // The key paths this patch sets ("auto_responder.mode", "link_shortening", …), in the order
  // above.
  std::vector<std::string> Keys() const;
  // Takes every value `later` sets (later wins).
  void MergeFrom(const SettingsPatch& later);
  // Sets what the patch sets.
  void ApplyTo(config::NumberConfig& number) const;

  friend bool operator==(const SettingsPatch&, const SettingsPatch&) = default;
};

// The patch in `body`; InvalidArgument listing every unknown key, wrong type and bad value.
absl::StatusOr<SettingsPatch> ParseSettingsPatch(const boost::json::object& body);
// The JSON form ParseSettingsPatch reads back (only the keys the patch sets).
boost::json::object SettingsPatchJson(const SettingsPatch& patch);

// The settings view of a brand number: the patchable settings with their effective values,
// plus "number", "organization_prefix" and "overridden" (the key paths the API changed).
boost::json::object NumberSettingsJson(const config::NumberConfig& number,
                                       const SettingsPatch& overrides);

// "HH:MM", 00:00 to 23:59.
std::optional<config::TimeOfDay> ParseClockTime(std::string_view text);
std::string FormatClockTime(config::TimeOfDay time);

}  // namespace confab
