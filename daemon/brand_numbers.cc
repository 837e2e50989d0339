#include "daemon/brand_numbers.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/status_macros.h"
#include "base/string_view.h"
#include "store/schema.h"

namespace confab::pipeline {
namespace {

using ::i18n::phonenumbers::PhoneNumber;
using ::i18n::phonenumbers::PhoneNumberUtil;

constexpr uint8_t kTonInternational = 1;
constexpr uint8_t kTonNational = 2;
constexpr uint8_t kTonAlphanumeric = 5;

bool AllDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return absl::ascii_isdigit(c); });
}

uint64_t ToMs(absl::Duration duration) {
  return static_cast<uint64_t>(std::max<int64_t>(0, absl::ToInt64Milliseconds(duration)));
}

void AddEntries(const config::PerLanguage<std::vector<std::string>>& phrases, classify::Kind kind,
                bool requires_pending, classify::KeywordTableInput& input) {
  const std::pair<const std::vector<std::string>*, classify::Language> by_language[] = {
      {&phrases.en, classify::Language::kEnglish},
      {&phrases.es, classify::Language::kSpanish},
      {&phrases.fr, classify::Language::kFrench}};
  for (const auto& [list, language] : by_language) {
    for (const std::string& phrase : *list) {
      input.entries.push_back({kind, language, phrase, requires_pending});
    }
  }
}

classify::KeywordTableInput TablesOf(const config::NumberConfig& number) {
  classify::KeywordTableInput input;
  AddEntries(number.keywords.opt_out, classify::Kind::kOptOut, false, input);
  AddEntries(number.keywords.opt_in, classify::Kind::kOptIn, false, input);
  AddEntries(number.keywords.opt_in_confirm, classify::Kind::kOptIn, true, input);
  AddEntries(number.keywords.help, classify::Kind::kHelp, false, input);
  input.contains_rule = config::ContainsRuleEnabled(number);
  input.version = 1;
  return input;
}

std::array<std::string, 3> Render(const config::PerLanguage<std::string>& texts,
                                  const config::NumberConfig& number) {
  return {config::RenderTemplate(texts.en, number), config::RenderTemplate(texts.es, number),
          config::RenderTemplate(texts.fr, number)};
}

// E.164 digits after a "+": 1 to 15 of them.
absl::StatusOr<std::string> PlusDigits(std::string_view digits) {
  if (!AllDigits(digits) || digits.size() > 15 || digits.front() == '0') {
    return absl::InvalidArgumentError(absl::StrCat("\"", Sv(digits), "\" is not an E.164 number"));
  }
  return absl::StrCat("+", Sv(digits));
}

}  // namespace

const std::string& BrandNumber::ReplyFor(classify::Kind kind, classify::Language language) const {
  static const std::string kNone;
  std::size_t k = 0;
  switch (kind) {
    case classify::Kind::kConversation:
      return kNone;
    case classify::Kind::kOptOut:
      k = 0;
      break;
    case classify::Kind::kOptIn:
      k = 1;
      break;
    case classify::Kind::kHelp:
      k = 2;
      break;
  }
  std::size_t l = 0;
  if (language == classify::Language::kSpanish) {
    l = 1;
  } else if (language == classify::Language::kFrench) {
    l = 2;
  }
  return replies[k][l].empty() ? replies[k][0] : replies[k][l];
}

absl::StatusOr<std::shared_ptr<const BrandDirectory>> BrandDirectory::Build(
    const config::Config& config, const classify::Classifier& classifier) {
  std::shared_ptr<BrandDirectory> directory(new BrandDirectory());
  for (const config::NumberConfig& number : config.numbers) {
    absl::StatusOr<classify::CompiledKeywords> keywords = classifier.Compile(TablesOf(number));
    if (!keywords.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "number ", number.number, ": keyword tables: ", keywords.status().message()));
    }
    auto brand = std::make_unique<BrandNumber>(*std::move(keywords));
    brand->number = number.number;
    ASSIGN_OR_RETURN(brand->id, store::NumberId(number.number));
    brand->default_country = number.default_country;
    if (!number.carriers.empty()) {
      for (std::size_t i = 0; i < config.carriers.size(); ++i) {
        if (config.carriers[i].name == number.carriers.front()) {
          brand->route = static_cast<uint32_t>(i);
        }
      }
    }
    brand->replies = {Render(number.templates.opt_out, number),
                      Render(number.templates.opt_in, number),
                      Render(number.templates.help, number)};
    brand->auto_responder = number.auto_responder.mode;
    brand->auto_response = config::RenderTemplate(number.auto_responder.text, number);
    brand->auto_response_interval_ms = ToMs(number.auto_responder.min_interval);
    brand->attribution_window_ms = ToMs(number.attribution_window);
    brand->notifies =
        !number.notifications.emails.empty() || !number.notifications.webhook_url.empty();
    directory->by_id_[brand->id] = brand.get();
    directory->numbers_.push_back(std::move(brand));
  }
  return std::shared_ptr<const BrandDirectory>(std::move(directory));
}

const BrandNumber* BrandDirectory::Find(std::string_view address, uint8_t ton) const {
  auto lookup = [this](std::string_view text) -> const BrandNumber* {
    absl::StatusOr<uint64_t> id = store::NumberId(text);
    if (!id.ok()) {
      return nullptr;
    }
    auto it = by_id_.find(*id);
    return it == by_id_.end() ? nullptr : it->second;
  };
  if (address.empty()) {
    return nullptr;
  }
  if (address.front() == '+') {
    return lookup(address);
  }
  // Digits alone: a short code, or an international number without its "+".
  if (const BrandNumber* brand = lookup(address); brand != nullptr) {
    return brand;
  }
  if (const BrandNumber* brand = lookup(absl::StrCat("+", Sv(address))); brand != nullptr) {
    return brand;
  }
  if (ton == kTonInternational) {
    return nullptr;
  }
  // A national number: read it in each brand number's country (there are few brand numbers).
  for (const auto& brand : numbers_) {
    if (absl::StatusOr<std::string> e164 =
            NormalizeSubscriber(address, kTonNational, brand->default_country);
        e164.ok() && *e164 == brand->number) {
      return brand.get();
    }
  }
  return nullptr;
}

absl::StatusOr<std::string> NormalizeSubscriber(std::string_view address, uint8_t ton,
                                                std::string_view default_country) {
  if (ton == kTonAlphanumeric) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", Sv(address), "\" is an alphanumeric sender, not a subscriber number"));
  }
  if (address.empty()) {
    return absl::InvalidArgumentError("empty source address");
  }
  // The hot path: carriers send international numbers (TON 1), no parsing needed.
  if (address.front() == '+') {
    return PlusDigits(address.substr(1));
  }
  if (ton == kTonInternational) {
    return PlusDigits(address.starts_with("00") ? address.substr(2) : address);
  }
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber parsed;
  if (util.Parse(std::string(address), std::string(default_country), &parsed) !=
          PhoneNumberUtil::NO_PARSING_ERROR ||
      !util.IsPossibleNumber(parsed)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", Sv(address), "\" is not a phone number in ", Sv(default_country)));
  }
  std::string e164;
  util.Format(parsed, PhoneNumberUtil::E164, &e164);
  return e164;
}

}  // namespace confab::pipeline
