// Validation of [[number]] entries: the brand number itself (product §1), its route, keyword
// tables, reply templates and the per-number policies. Numbers are checked with libphonenumber
// so that country codes and regions are the real ones.

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "config/checks.h"
#include "config/config.h"
#include "config/values.h"
#include "phonenumbers/phonenumberutil.h"

namespace confab::config::internal {
namespace {

using ::i18n::phonenumbers::PhoneNumber;
using ::i18n::phonenumbers::PhoneNumberUtil;

bool AllDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsRegion(const std::string& region) {
  static const std::set<std::string>* const kRegions = [] {
    auto* regions = new std::set<std::string>;
    PhoneNumberUtil::GetInstance()->GetSupportedRegions(regions);
    return regions;
  }();
  return kRegions->contains(region);
}

void CheckBrandNumber(const NumberConfig& number, const std::string& key, Checker& check) {
  const std::string& text = number.number;
  const bool region_ok = IsRegion(number.default_country);
  if (!region_ok) {
    check.Error(key + ".default_country",
                absl::StrCat("\"", number.default_country,
                             "\" is not an ISO 3166 region code such as \"US\""));
  }
  if (text.empty()) {
    check.Error(key + ".number",
                "must be set (E.164 such as \"+15550100000\" or short code digits)");
    return;
  }
  if (std::any_of(text.begin(), text.end(),
                  [](char c) { return absl::ascii_isalpha(static_cast<unsigned char>(c)); })) {
    check.Error(key + ".number",
                absl::StrCat("\"", text,
                             "\" is an alphanumeric sender ID: it cannot receive texts, so it "
                             "cannot be a brand number (use E.164 or short code digits)"));
    return;
  }
  if (text.front() == '+') {
    PhoneNumber parsed;
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    if (!AllDigits(text.substr(1)) || text.size() > 16 ||
        util.Parse(text, "ZZ", &parsed) != PhoneNumberUtil::NO_PARSING_ERROR ||
        !util.IsPossibleNumber(parsed)) {
      check.Error(key + ".number", absl::StrCat("\"", text, "\" is not a possible E.164 number"));
      return;
    }
    if (region_ok &&
        util.GetCountryCodeForRegion(number.default_country) != parsed.country_code()) {
      check.Error(key + ".default_country",
                  absl::StrCat("\"", number.default_country, "\" is not in country code +",
                               parsed.country_code(), " of ", text));
    }
    return;
  }
  if (!AllDigits(text) || text.size() < 3 || text.size() > 8) {
    check.Error(key + ".number",
                absl::StrCat("\"", text,
                             "\" must be E.164 (\"+\" and digits) or a short code of 3 to 8 "
                             "digits"));
  }
}

void CheckRoute(const Config& config, const NumberConfig& number, const std::string& key,
                Checker& check) {
  if (number.carriers.empty()) {
    check.Error(key + ".carriers", "must name at least one carrier");
    return;
  }
  std::set<std::string> seen;
  bool can_send = false;
  for (const std::string& name : number.carriers) {
    const auto carrier = std::find_if(config.carriers.begin(), config.carriers.end(),
                                      [&](const CarrierConfig& c) { return c.name == name; });
    if (carrier == config.carriers.end()) {
      check.Error(key + ".carriers", absl::StrCat("unknown carrier \"", name, "\""));
      can_send = true;  // one error per cause
    } else if (carrier->bind_type != BindType::kReceiver) {
      can_send = true;
    }
    if (!seen.insert(name).second) {
      check.Error(key + ".carriers", absl::StrCat("\"", name, "\" is listed twice"));
    }
  }
  if (!can_send) {
    check.Error(key + ".carriers", "none of these carriers can send (all bind as receiver)");
  }
}

// Keywords are compared as the classifier will see them at the least: ASCII upper case.
void CheckKeywords(const NumberConfig& number, const std::string& key, Checker& check) {
  const std::pair<const char*, const PerLanguage<std::vector<std::string>>*> categories[] = {
      {"opt_out", &number.keywords.opt_out},
      {"opt_in", &number.keywords.opt_in},
      {"opt_in_confirm", &number.keywords.opt_in_confirm},
      {"help", &number.keywords.help}};
  std::map<std::string, std::string> owner;  // KEYWORD → "opt_out.en"
  for (const auto& [category, languages] : categories) {
    const std::pair<const char*, const std::vector<std::string>*> lists[] = {
        {"en", &languages->en}, {"es", &languages->es}, {"fr", &languages->fr}};
    for (const auto& [language, list] : lists) {
      const std::string list_key = absl::StrCat(key, ".keywords.", category, ".", language);
      const std::string here = absl::StrCat(category, ".", language);
      for (const std::string& keyword : *list) {
        const std::string upper = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(keyword));
        if (upper.empty()) {
          check.Error(list_key, "has an empty keyword");
          continue;
        }
        check.MaxLength(list_key, keyword, 64);
        auto [it, inserted] = owner.emplace(upper, here);
        if (inserted) {
          continue;
        }
        if (it->second == here) {
          check.Error(list_key, absl::StrCat("\"", keyword, "\" is listed twice"));
        } else if (!it->second.starts_with(absl::StrCat(category, "."))) {
          check.Error(list_key, absl::StrCat("\"", keyword, "\" is also in keywords.", it->second));
        }
      }
    }
  }
}

// Placeholders: known ones only, and each used one must have a value. Missing values are
// reported once per value, naming the templates that need it.
void CheckTemplates(const NumberConfig& number, const std::string& key, Checker& check) {
  std::vector<std::pair<std::string, const std::string*>> texts;
  const std::pair<const char*, const PerLanguage<std::string>*> categories[] = {
      {"opt_out", &number.templates.opt_out},
      {"opt_in", &number.templates.opt_in},
      {"help", &number.templates.help}};
  for (const auto& [category, t] : categories) {
    texts.emplace_back(absl::StrCat("templates.", category, ".en"), &t->en);
    texts.emplace_back(absl::StrCat("templates.", category, ".es"), &t->es);
    texts.emplace_back(absl::StrCat("templates.", category, ".fr"), &t->fr);
  }
  if (number.auto_responder.mode != AutoResponderMode::kOff) {
    texts.emplace_back("auto_responder.text", &number.auto_responder.text);
  }
  const std::map<std::string_view, const std::string*> values = {
      {"organization_prefix", &number.organization_prefix},
      {"email", &number.email},
      {"help_phone", &number.help_phone},
      {"program_name", &number.program_name},
      {"message_frequency", &number.message_frequency}};
  std::map<std::string_view, std::vector<std::string>> needed_by;  // empty value → templates
  for (const auto& [name, text] : texts) {
    const std::string text_key = absl::StrCat(key, ".", name);
    if (text->empty()) {
      check.Error(text_key, "must not be empty");
      continue;
    }
    check.MaxLength(text_key, *text, 1000);
    const TemplateScan scan = ScanTemplate(*text);
    if (!scan.error.empty()) {
      check.Error(text_key, scan.error);
    }
    for (const std::string& placeholder : scan.placeholders) {
      const auto value = values.find(placeholder);
      if (value == values.end()) {
        check.Error(text_key,
                    absl::StrCat("unknown placeholder {{", placeholder, "}}; known: ",
                                 absl::StrJoin(KnownPlaceholders(), ", ",
                                               [](std::string* out, std::string_view known) {
                                                 out->append(known);
                                               })));
      } else if (value->second->empty()) {
        std::vector<std::string>& users = needed_by[value->first];
        if (std::find(users.begin(), users.end(), name) == users.end()) {
          users.push_back(name);
        }
      }
    }
  }
  for (const auto& [value, users] : needed_by) {
    if (value == "organization_prefix") {
      continue;  // reported as required by CheckNumber
    }
    check.Error(absl::StrCat(key, ".", Sv(value)),
                absl::StrCat("must be set: used by ", absl::StrJoin(users, ", ")));
  }
}

void CheckNumber(const Config& config, std::size_t index, Checker& check) {
  const NumberConfig& number = config.numbers[index];
  const std::string key = absl::StrCat("number[", index, "]");
  CheckBrandNumber(number, key, check);
  if (number.organization_prefix.empty()) {
    check.Error(key + ".organization_prefix", "must be set (every reply starts with it)");
  }
  check.MaxLength(key + ".organization_prefix", number.organization_prefix, 32);
  check.MaxLength(key + ".program_name", number.program_name, 64);
  check.MaxLength(key + ".help_phone", number.help_phone, 32);
  check.MaxLength(key + ".message_frequency", number.message_frequency, 64);
  if (!number.email.empty() && !IsEmailAddress(number.email)) {
    check.Error(key + ".email", absl::StrCat("\"", number.email, "\" is not an e-mail address"));
  }
  CheckRoute(config, number, key, check);
  CheckKeywords(number, key, check);
  CheckTemplates(number, key, check);
  check.Range(key + ".auto_responder.min_interval", number.auto_responder.min_interval,
              absl::Seconds(1), absl::Hours(24 * 7));
  const QuietHoursConfig& quiet = number.quiet_hours;
  if (quiet.end.hour * 60 + quiet.end.minute <= quiet.start.hour * 60 + quiet.start.minute) {
    check.Error(key + ".quiet_hours.end", absl::StrCat("must be after quiet_hours.start (",
                                                       FormatTimeOfDay(quiet.start), ")"));
  }
  check.Range(key + ".attribution_window", number.attribution_window, absl::Minutes(1),
              absl::Hours(24 * 90));
  for (const std::string& email : number.notifications.emails) {
    if (!IsEmailAddress(email)) {
      check.Error(key + ".notifications.emails",
                  absl::StrCat("\"", email, "\" is not an e-mail address"));
    }
  }
  if (!number.notifications.webhook_url.empty() && !IsHttpUrl(number.notifications.webhook_url)) {
    check.Error(key + ".notifications.webhook_url", "must be an http:// or https:// URL");
  }
}

}  // namespace

void CheckNumbers(const Config& config, Checker& check) {
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < config.numbers.size(); ++i) {
    CheckNumber(config, i, check);
    const std::string& number = config.numbers[i].number;
    if (auto [it, inserted] = seen.emplace(number, i); !inserted && !number.empty()) {
      check.Error(absl::StrCat("number[", i, "].number"),
                  absl::StrCat("\"", number, "\" is already number[", it->second, "]"));
    }
  }
}

}  // namespace confab::config::internal
