#include "daemon/number_zones.h"

#include <unicode/locid.h>
#include <unicode/strenum.h>
#include <unicode/timezone.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "daemon/time_zones.h"
#include "daemon/zone_tables.h"
#include "phonenumbers/geocoding/phonenumber_offline_geocoder.h"
#include "phonenumbers/phonenumberutil.h"

namespace confab::quiet {
namespace {

using ::i18n::phonenumbers::PhoneNumber;
using ::i18n::phonenumbers::PhoneNumberUtil;

// Debian's abseil has its own string_view type.
absl::string_view AbslView(std::string_view text) { return {text.data(), text.size()}; }

std::vector<std::string> SplitZones(std::string_view zones) {
  return absl::StrSplit(AbslView(zones), ' ', absl::SkipEmpty());
}

// Every canonical location zone of `region` in ICU's order (alphabetical).
std::vector<std::string> RegionZones(const std::string& region) {
  std::vector<std::string> out;
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::StringEnumeration> ids(icu::TimeZone::createTimeZoneIDEnumeration(
      UCAL_ZONE_TYPE_CANONICAL_LOCATION, region.c_str(), nullptr, status));
  if (U_FAILURE(status) || ids == nullptr) {
    return out;
  }
  int32_t length = 0;
  while (const char* id = ids->next(&length, status)) {
    if (U_FAILURE(status)) {
      break;
    }
    out.emplace_back(id, static_cast<size_t>(length));
  }
  return out;
}

// The zones the tables give for a geocoder description (see the header, step 2).
std::vector<std::string> AreaZones(std::string_view region, std::string_view area) {
  if (std::string_view zones = ZonesForArea(region, area); !zones.empty()) {
    return SplitZones(zones);
  }
  for (std::string_view separator : {", ", " - "}) {
    if (size_t at = area.rfind(separator); at != std::string_view::npos) {
      if (std::string_view zones = ZonesForArea(region, area.substr(at + separator.size()));
          !zones.empty()) {
        return SplitZones(zones);
      }
    }
  }
  std::vector<std::string> out;
  if (area.find('/') != std::string_view::npos) {
    for (absl::string_view part : absl::StrSplit(AbslView(area), '/')) {
      for (std::string& zone :
           SplitZones(ZonesForArea(region, std::string_view(part.data(), part.size())))) {
        if (std::find(out.begin(), out.end(), zone) == out.end()) {
          out.push_back(std::move(zone));
        }
      }
    }
  }
  return out;
}

// The region's primary zone when it is one of `zones` (compared by ICU canonical id, since
// ICU lists "America/Buenos_Aires" where the table says "America/Argentina/Buenos_Aires"),
// moved to the front; else zones[0].
std::string PickPrimary(std::string_view region, std::vector<std::string>& zones) {
  if (zones.empty()) {
    return {};
  }
  absl::StatusOr<std::string> primary = CanonicalZoneId(PrimaryZone(region));
  if (primary.ok()) {
    for (size_t i = 0; i < zones.size(); ++i) {
      absl::StatusOr<std::string> canonical = CanonicalZoneId(zones[i]);
      if (canonical.ok() && *canonical == *primary) {
        std::rotate(zones.begin(), zones.begin() + static_cast<std::ptrdiff_t>(i),
                    zones.begin() + static_cast<std::ptrdiff_t>(i) + 1);
        break;
      }
    }
  }
  return zones.front();
}

}  // namespace

std::string_view ZoneSourceName(ZoneSource source) {
  switch (source) {
    case ZoneSource::kProfile:
      return "profile";
    case ZoneSource::kNumberArea:
      return "number_area";
    case ZoneSource::kNumberRegion:
      return "number_region";
    case ZoneSource::kDefaultRegion:
      return "default_region";
    case ZoneSource::kUnknown:
      break;
  }
  return "unknown";
}

NumberZoneResolver::NumberZoneResolver(size_t cache_capacity)
    : geocoder_(std::make_unique<i18n::phonenumbers::PhoneNumberOfflineGeocoder>()),
      cache_capacity_(cache_capacity) {}

NumberZoneResolver::~NumberZoneResolver() = default;

NumberZones NumberZoneResolver::Resolve(std::string_view number,
                                        std::string_view default_region) const {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  NumberZones out;
  PhoneNumber parsed;
  std::string region;
  std::string national;
  if (util.Parse(std::string(number), std::string(default_region), &parsed) ==
      PhoneNumberUtil::NO_PARSING_ERROR) {
    util.GetRegionCodeForNumber(parsed, &region);
    if (region == "ZZ") {
      // Not valid for any region (e.g. a number from a range the metadata does not know yet):
      // the country is still known from its calling code.
      util.GetRegionCodeForCountryCode(parsed.country_code(), &region);
    }
    util.GetNationalSignificantNumber(parsed, &national);
  }
  if (region.size() == 2 && region != "ZZ") {
    out.area = geocoder_->GetDescriptionForNumber(parsed, icu::Locale::getEnglish());
    std::shared_ptr<const Entry> entry = Lookup(region, out.area, national);
    if (!entry->zones.empty()) {
      out.region = std::move(region);
      out.zones = entry->zones;
      out.primary = entry->primary;
      out.source = entry->source;
      return out;
    }
  }
  out.area.clear();
  std::string fallback(default_region);
  std::shared_ptr<const Entry> entry = Lookup(fallback, "", "");
  if (!entry->zones.empty()) {
    out.region = std::move(fallback);
    out.zones = entry->zones;
    out.primary = entry->primary;
    out.source = ZoneSource::kDefaultRegion;
  }
  return out;
}

std::shared_ptr<const NumberZoneResolver::Entry> NumberZoneResolver::Lookup(
    const std::string& region, const std::string& area, std::string_view national) const {
  // The prefix zones are a cheap scan and part of the key (only Australia has them).
  const std::string_view prefix_zones = ZonesForNationalPrefix(region, national);
  std::string key = absl::StrCat(region, "\n", area, "\n", AbslView(prefix_zones));
  {
    std::lock_guard lock(mutex_);
    if (auto it = cache_.find(key); it != cache_.end()) {
      return it->second;
    }
  }
  auto entry = std::make_shared<Entry>();
  entry->source = ZoneSource::kNumberArea;
  entry->zones = AreaZones(region, area);
  if (entry->zones.empty()) {
    entry->zones = SplitZones(prefix_zones);
  }
  if (entry->zones.empty()) {
    entry->zones = RegionZones(region);
    entry->source = entry->zones.size() > 1 ? ZoneSource::kNumberRegion : ZoneSource::kNumberArea;
  }
  entry->primary = PickPrimary(region, entry->zones);
  std::lock_guard lock(mutex_);
  if (cache_.size() >= cache_capacity_) {
    cache_.clear();
  }
  return cache_.try_emplace(std::move(key), std::move(entry)).first->second;
}

size_t NumberZoneResolver::cache_size() const {
  std::lock_guard lock(mutex_);
  return cache_.size();
}

}  // namespace confab::quiet
