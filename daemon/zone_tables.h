#pragma once

// Compact data that ICU does not have: which IANA zones a sub-national area of a multi-zone
// country uses, keyed the way libphonenumber's English geocoder names areas ("California",
// "CA", "Ontario", "Sonora", "MT", "Sydney"), plus national-number prefixes for Australia and
// Spain, whose geocoder names towns or provinces rather than states.
//
// Sources: the IANA tz database (zone1970.tab and the comments in `northamerica`,
// `australasia`, `southamerica`), and for Australian prefixes the ACMA numbering plan (02
// NSW/ACT, 03 VIC/TAS, 07 QLD, 08 SA/NT/WA with 08 6/08 9 for WA and 08 89 for the NT) and
// for Spanish ones the CNMC plan (822/828/922/928: Canary Islands).
// Rule for an area that spans zones: list every zone where a substantial share of its people
// live (Florida: Eastern and Central); enclaves of a few thousand people are left out (Kenora
// in Ontario, Adak in Alaska, the Navajo Nation in Arizona), or every window in the state
// would shrink for them.
//
// Zones are space-separated IANA ids, the most populous first.

#include <string_view>
#include <vector>

namespace confab::quiet {

// The zones of `area` (matched case-insensitively against the names and abbreviations of
// `region`'s states or provinces); empty when the table has no such area.
std::string_view ZonesForArea(std::string_view region, std::string_view area);

// The zones for a national significant number (digits after the country code) by its longest
// listed prefix; empty when the region has no prefix table or no prefix matches.
std::string_view ZonesForNationalPrefix(std::string_view region, std::string_view national);

// The zone whose window applies when a region's zones have no common window (see
// quiet_hours.h): its most populous zone; empty for regions the table does not list (then the
// first zone ICU lists is used).
std::string_view PrimaryZone(std::string_view region);

// Every zone id the tables mention (with repeats), for checking them against ICU's tzdata.
std::vector<std::string_view> AllTableZones();

}  // namespace confab::quiet
