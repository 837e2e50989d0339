#pragma once

// Shared helpers for the quiet-hours tests: fixed instants and zones by id.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "daemon/quiet_hours.h"

namespace confab::quiet::testing {

// "2026-03-08T06:30:00Z" → the instant; a malformed literal fails the test.
inline absl::Time At(const std::string& rfc3339) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &error)) {
    ADD_FAILURE() << "bad instant " << rfc3339 << ": " << error;
  }
  return t;
}

inline std::string Utc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

inline RecipientZones ZonesOf(ZoneCache& cache, const std::vector<std::string>& ids,
                              size_t primary = 0) {
  RecipientZones out;
  for (const std::string& id : ids) {
    auto zone = cache.Get(id);
    EXPECT_TRUE(zone.ok()) << id;
    if (zone.ok()) {
      out.zones.push_back(*zone);
    }
  }
  out.primary = primary;
  out.source = ZoneSource::kNumberArea;
  return out;
}

inline LocalWindow Window(int start_hour, int start_minute, int end_hour, int end_minute) {
  return {start_hour * 60 + start_minute, end_hour * 60 + end_minute};
}

}  // namespace confab::quiet::testing
