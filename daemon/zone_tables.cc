// The tables are small and read-only; a linear scan over ~130 rows costs less than the
// libphonenumber call before it, and results are cached per (region, area) by NumberZones.
#include "daemon/zone_tables.h"

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace confab::quiet {
namespace {

// Debian's abseil has its own string_view type.
absl::string_view AbslView(std::string_view text) { return {text.data(), text.size()}; }

struct Area {
  std::string_view region;
  std::string_view name;
  std::string_view abbreviation;
  std::string_view zones;
};

constexpr std::string_view kEt = "America/New_York";
constexpr std::string_view kCt = "America/Chicago";
constexpr std::string_view kMt = "America/Denver";
constexpr std::string_view kPt = "America/Los_Angeles";

// clang-format off
constexpr Area kAreas[] = {
    // United States (50 states and DC).
    {"US", "Alabama", "AL", kCt}, {"US", "Alaska", "AK", "America/Anchorage"},
    {"US", "Arizona", "AZ", "America/Phoenix"}, {"US", "Arkansas", "AR", kCt},
    {"US", "California", "CA", kPt}, {"US", "Colorado", "CO", kMt},
    {"US", "Connecticut", "CT", kEt}, {"US", "Delaware", "DE", kEt},
    {"US", "District of Columbia", "DC", kEt}, {"US", "Washington D.C.", "", kEt},
    {"US", "Florida", "FL", "America/New_York America/Chicago"}, {"US", "Georgia", "GA", kEt},
    {"US", "Hawaii", "HI", "Pacific/Honolulu"},
    {"US", "Idaho", "ID", "America/Boise America/Los_Angeles"}, {"US", "Illinois", "IL", kCt},
    {"US", "Indiana", "IN", "America/Indiana/Indianapolis America/Chicago"},
    {"US", "Iowa", "IA", kCt}, {"US", "Kansas", "KS", kCt},
    {"US", "Kentucky", "KY", "America/New_York America/Chicago"}, {"US", "Louisiana", "LA", kCt},
    {"US", "Maine", "ME", kEt}, {"US", "Maryland", "MD", kEt}, {"US", "Massachusetts", "MA", kEt},
    {"US", "Michigan", "MI", "America/Detroit"}, {"US", "Minnesota", "MN", kCt},
    {"US", "Mississippi", "MS", kCt}, {"US", "Missouri", "MO", kCt}, {"US", "Montana", "MT", kMt},
    {"US", "Nebraska", "NE", "America/Chicago America/Denver"}, {"US", "Nevada", "NV", kPt},
    {"US", "New Hampshire", "NH", kEt}, {"US", "New Jersey", "NJ", kEt},
    {"US", "New Mexico", "NM", kMt}, {"US", "New York", "NY", kEt},
    {"US", "North Carolina", "NC", kEt},
    {"US", "North Dakota", "ND", "America/Chicago America/Denver"}, {"US", "Ohio", "OH", kEt},
    {"US", "Oklahoma", "OK", kCt}, {"US", "Oregon", "OR", kPt},
    {"US", "Pennsylvania", "PA", kEt}, {"US", "Rhode Island", "RI", kEt},
    {"US", "South Carolina", "SC", kEt},
    {"US", "South Dakota", "SD", "America/Chicago America/Denver"},
    {"US", "Tennessee", "TN", "America/Chicago America/New_York"},
    {"US", "Texas", "TX", "America/Chicago America/Denver"}, {"US", "Utah", "UT", kMt},
    {"US", "Vermont", "VT", kEt}, {"US", "Virginia", "VA", kEt}, {"US", "Washington", "WA", kPt},
    {"US", "West Virginia", "WV", kEt}, {"US", "Wisconsin", "WI", kCt},
    {"US", "Wyoming", "WY", kMt},
    // Canada (provinces and territories).
    {"CA", "Alberta", "AB", "America/Edmonton"}, {"CA", "British Columbia", "BC", "America/Vancouver"},
    {"CA", "Manitoba", "MB", "America/Winnipeg"}, {"CA", "New Brunswick", "NB", "America/Moncton"},
    {"CA", "Newfoundland and Labrador", "NL", "America/St_Johns America/Goose_Bay"},
    {"CA", "Nova Scotia", "NS", "America/Halifax"}, {"CA", "Ontario", "ON", "America/Toronto"},
    {"CA", "Prince Edward Island", "PE", "America/Halifax"},
    {"CA", "Quebec", "QC", "America/Toronto"}, {"CA", "Saskatchewan", "SK", "America/Regina"},
    {"CA", "Northwest Territories", "NT", "America/Yellowknife"},
    {"CA", "Nunavut", "NU", "America/Iqaluit America/Rankin_Inlet America/Cambridge_Bay"},
    {"CA", "Yukon", "YT", "America/Whitehorse"},
    // Australia: states, territories and the capitals (the geocoder names towns).
    {"AU", "New South Wales", "NSW", "Australia/Sydney"}, {"AU", "Sydney", "", "Australia/Sydney"},
    {"AU", "Australian Capital Territory", "ACT", "Australia/Sydney"},
    {"AU", "Canberra", "", "Australia/Sydney"}, {"AU", "Victoria", "VIC", "Australia/Melbourne"},
    {"AU", "Melbourne", "", "Australia/Melbourne"}, {"AU", "Queensland", "QLD", "Australia/Brisbane"},
    {"AU", "Brisbane", "", "Australia/Brisbane"}, {"AU", "South Australia", "SA", "Australia/Adelaide"},
    {"AU", "Adelaide", "", "Australia/Adelaide"}, {"AU", "Broken Hill", "", "Australia/Broken_Hill"},
    {"AU", "Western Australia", "WA", "Australia/Perth"}, {"AU", "Perth", "", "Australia/Perth"},
    {"AU", "Tasmania", "TAS", "Australia/Hobart"}, {"AU", "Hobart", "", "Australia/Hobart"},
    {"AU", "Northern Territory", "NT", "Australia/Darwin"}, {"AU", "Darwin", "", "Australia/Darwin"},
    // Mexico: the states off Central time (the rest, and the default, is Mexico City).
    {"MX", "Baja California", "BC", "America/Tijuana"},
    {"MX", "Baja California Sur", "BCS", "America/Mazatlan"}, {"MX", "Sinaloa", "SIN", "America/Mazatlan"},
    {"MX", "Nayarit", "NAY", "America/Mazatlan"}, {"MX", "Sonora", "SON", "America/Hermosillo"},
    {"MX", "Chihuahua", "CHIH", "America/Chihuahua"}, {"MX", "Quintana Roo", "QR", "America/Cancun"},
    {"MX", "Mexico City", "FD", "America/Mexico_City"}, {"MX", "Jalisco", "JAL", "America/Mexico_City"},
    {"MX", "Nuevo Leon", "NL", "America/Monterrey"}, {"MX", "Yucatan", "YUC", "America/Merida"},
    // Brazil: the states off Brasília time (the rest is Sao_Paulo).
    {"BR", "Amazonas", "AM", "America/Manaus"}, {"BR", "Roraima", "RR", "America/Boa_Vista"},
    {"BR", "Rondônia", "RO", "America/Porto_Velho"}, {"BR", "Acre", "AC", "America/Rio_Branco"},
    {"BR", "Mato Grosso", "MT", "America/Cuiaba"},
    {"BR", "Mato Grosso do Sul", "MS", "America/Campo_Grande"},
    {"BR", "São Paulo", "SP", "America/Sao_Paulo"}, {"BR", "Rio de Janeiro", "RJ", "America/Sao_Paulo"},
    {"BR", "Pernambuco", "PE", "America/Recife"}, {"BR", "Bahia", "BA", "America/Bahia"},
};

struct Prefix {
  std::string_view region;
  std::string_view prefix;
  std::string_view zones;
};

constexpr Prefix kPrefixes[] = {
    {"AU", "2", "Australia/Sydney"},
    {"AU", "3", "Australia/Melbourne Australia/Hobart"},
    {"AU", "7", "Australia/Brisbane"},
    {"AU", "8", "Australia/Adelaide Australia/Perth Australia/Darwin"},
    {"AU", "86", "Australia/Perth"}, {"AU", "89", "Australia/Perth"},
    {"AU", "87", "Australia/Adelaide Australia/Darwin"},
    {"AU", "88", "Australia/Adelaide Australia/Darwin"}, {"AU", "889", "Australia/Darwin"},
    // Spain: geographic numbers are mainland time except the Canary Islands' 822/828/922/928.
    {"ES", "8", "Europe/Madrid"}, {"ES", "9", "Europe/Madrid"},
    {"ES", "822", "Atlantic/Canary"}, {"ES", "828", "Atlantic/Canary"},
    {"ES", "922", "Atlantic/Canary"}, {"ES", "928", "Atlantic/Canary"},
};

constexpr std::string_view kPrimary[][2] = {
    {"US", "America/New_York"}, {"CA", "America/Toronto"},   {"AU", "Australia/Sydney"},
    {"MX", "America/Mexico_City"}, {"BR", "America/Sao_Paulo"}, {"RU", "Europe/Moscow"},
    {"ID", "Asia/Jakarta"},     {"KZ", "Asia/Almaty"},       {"CD", "Africa/Kinshasa"},
    {"AR", "America/Argentina/Buenos_Aires"}, {"CL", "America/Santiago"},
    {"ES", "Europe/Madrid"},    {"PT", "Europe/Lisbon"},     {"NZ", "Pacific/Auckland"},
    {"EC", "America/Guayaquil"}, {"MN", "Asia/Ulaanbaatar"}, {"DE", "Europe/Berlin"},
    {"UA", "Europe/Kyiv"},      {"CN", "Asia/Shanghai"},
};
// clang-format on

}  // namespace

std::string_view ZonesForArea(std::string_view region, std::string_view area) {
  if (area.empty()) {
    return {};
  }
  for (const Area& row : kAreas) {
    if (row.region == region &&
        (absl::EqualsIgnoreCase(AbslView(row.name), AbslView(area)) ||
         (!row.abbreviation.empty() &&
          absl::EqualsIgnoreCase(AbslView(row.abbreviation), AbslView(area))))) {
      return row.zones;
    }
  }
  return {};
}

std::string_view ZonesForNationalPrefix(std::string_view region, std::string_view national) {
  std::string_view best;
  size_t best_length = 0;
  for (const Prefix& row : kPrefixes) {
    if (row.region == region && row.prefix.size() > best_length &&
        absl::StartsWith(AbslView(national), AbslView(row.prefix))) {
      best = row.zones;
      best_length = row.prefix.size();
    }
  }
  return best;
}

std::vector<std::string_view> AllTableZones() {
  std::vector<std::string_view> out;
  auto add = [&out](std::string_view zones) {
    for (absl::string_view zone : absl::StrSplit(AbslView(zones), ' ', absl::SkipEmpty())) {
      out.emplace_back(zone.data(), zone.size());
    }
  };
  for (const Area& row : kAreas) {
    add(row.zones);
  }
  for (const Prefix& row : kPrefixes) {
    add(row.zones);
  }
  for (const auto& row : kPrimary) {
    add(row[1]);
  }
  return out;
}

std::string_view PrimaryZone(std::string_view region) {
  for (const auto& row : kPrimary) {
    if (row[0] == region) {
      return row[1];
    }
  }
  return {};
}

}  // namespace confab::quiet
