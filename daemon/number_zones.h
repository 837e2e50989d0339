#pragma once

// Which time zones a subscriber number may be in (product §6: "else inferred from the number").
//
// Steps, the first that yields zones decides:
//  1. the region: libphonenumber's region for the number (GetRegionCodeForNumber); for a number
//     it cannot place (invalid for its country), the main region of its country code;
//  2. the area: the English geocoder description ("Los Angeles, CA", "California",
//     "Recife - PE", "Northwest Territories/Nunavut/Yukon") looked up in zone_tables.h as a
//     whole, by its last part (after ", " or " - "), or as '/'-separated areas (their union);
//  3. the national-number prefix table (Australia);
//  4. every canonical zone of the region that ICU knows (one for most countries).
// A number that is not a phone number at all (short code, junk) gets the zones of
// `default_region` (the brand number's default country), source kDefaultRegion; when that is
// unknown too, no zones (source kUnknown).
//
// Results are cached per (region, area), bounded. Thread-safe.

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace i18n::phonenumbers {
class PhoneNumberOfflineGeocoder;
}

namespace confab::quiet {

enum class ZoneSource {
  kProfile,        // the profile's own time zone
  kNumberArea,     // the number's state/province/area (tables) or its single-zone country
  kNumberRegion,   // every zone of the number's country (nothing narrowed it)
  kDefaultRegion,  // not a placeable number: every zone of the brand's default country
  kUnknown,        // nothing: quiet hours cannot be applied
};

// "profile", "number_area", "number_region", "default_region", "unknown".
std::string_view ZoneSourceName(ZoneSource source);

struct NumberZones {
  std::string region;              // "US"; empty when unknown
  std::string area;                // geocoder description, "" when none
  std::vector<std::string> zones;  // IANA ids, the most populous first
  // The zone whose window applies when `zones` have no common window: the region's primary
  // zone when it is among `zones`, else zones[0].
  std::string primary;
  ZoneSource source = ZoneSource::kUnknown;
};

class NumberZoneResolver {
 public:
  explicit NumberZoneResolver(size_t cache_capacity = 4096);
  ~NumberZoneResolver();
  NumberZoneResolver(const NumberZoneResolver&) = delete;
  NumberZoneResolver& operator=(const NumberZoneResolver&) = delete;

  // `number`: E.164 ("+14155550123") or national digits read with `default_region` ("US").
  NumberZones Resolve(std::string_view number, std::string_view default_region) const;

  size_t cache_size() const;

 private:
  struct Entry {
    std::vector<std::string> zones;
    std::string primary;
    ZoneSource source;
  };
  // The zones for (region, area, national number); the national number matters only for
  // regions with a prefix table, which are cached by (region, area, prefix).
  std::shared_ptr<const Entry> Lookup(const std::string& region, const std::string& area,
                                      std::string_view national) const;

  std::unique_ptr<i18n::phonenumbers::PhoneNumberOfflineGeocoder> geocoder_;
  const size_t cache_capacity_;
  mutable std::mutex mutex_;
  mutable absl::flat_hash_map<std::string, std::shared_ptr<const Entry>> cache_;
};

}  // namespace confab::quiet
