#pragma once

// Quiet hours (product §6): may an outbound text go to a recipient now, given the recipient's
// local time?
//
// Zones: the profile's own time zone when set (an IANA id; an invalid one is refused, never
// guessed around), else the zones the number may be in (number_zones.h).
//
// Window: [start, end) in local wall-clock time, default 08:00–20:00. An instant is inside when
// its local wall clock, at that instant's own UTC offset, reads a time of day in the window, so
// DST needs no special case: on a spring-forward day a window opening inside the missing hour
// opens when the clock jumps (02:30 → 03:00 local); on a fall-back day a wall time that occurs
// twice counts both times. start > end wraps past midnight (22:00–06:00); 00:00–24:00 is all
// day; start == end is refused.
//
// Several zones: the window is their INTERSECTION — every zone must be inside at once
// (08:00–20:00 in New York and Los Angeles = 11:00–20:00 Eastern). When the intersection is
// empty within the next three days (the zones are too far apart for the window), the window of
// the primary zone applies alone (the region's most populous zone, see zone_tables.h) and the
// verdict says so: deferring forever or sending at any hour are both worse.
//
// Policy per brand number: kWarn sends and says it is outside hours, kDefer holds the text until
// `defer_until` (the caller stores it durably as a timer), kOff sends. Keyword replies are never
// held (they answer the subscriber's own text): they are sent whatever the policy.
//
// Every input is explicit, the clock included: no wall clock is read here. Thread-safe; the
// check builds no ICU objects once a zone has been seen (ZoneCache).

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "daemon/number_zones.h"
#include "daemon/time_zones.h"

namespace confab::config {
struct QuietHoursConfig;
}

namespace confab::quiet {

struct LocalWindow {
  int start_minute = 8 * 60;  // minutes after local midnight, 0..1439
  int end_minute = 20 * 60;   // 0..1440 (1440 = midnight at the end of the day)
};

// InvalidArgument when a bound is out of range or start == end.
absl::Status ValidateWindow(const LocalWindow& window);

enum class Policy { kWarn, kDefer, kOff };
enum class Action { kSend, kSendWithWarning, kDefer };

std::string_view PolicyName(Policy policy);  // "warn", "defer", "off"
std::string_view ActionName(Action action);  // "send", "send_with_warning", "defer"

// The zones a recipient may be in, resolved once per recipient (QuietHours::ZonesFor).
struct RecipientZones {
  std::vector<std::shared_ptr<const Zone>> zones;  // empty: unknown
  size_t primary = 0;                              // index into zones
  ZoneSource source = ZoneSource::kUnknown;
  std::string region;  // number's region, "" for a profile zone
  std::string area;    // geocoder description, "" when none
};

// One zone's wall clock at the instant checked.
struct ZoneTime {
  std::string zone;  // IANA id
  absl::CivilSecond local;
  absl::Duration utc_offset;
  bool in_window = false;
};

// The window arithmetic alone, for explicit zones (exposed for tests and the API preview).
struct WindowState {
  bool open_now = true;
  // The first instant >= now at which the window is open: `now` when open, InfiniteFuture when
  // there are no zones.
  absl::Time next_opening = absl::InfiniteFuture();
  bool intersection_empty = false;    // the primary zone's window was used alone
  std::vector<ZoneTime> local_times;  // every zone given, at `now`
};
WindowState EvaluateWindow(std::span<const std::shared_ptr<const Zone>> zones, size_t primary,
                           const LocalWindow& window, absl::Time now);

struct CheckInput {
  absl::Time now;
  Policy policy = Policy::kWarn;
  LocalWindow window;
  bool keyword_reply = false;  // never held, whatever the policy
};

struct Verdict {
  bool allowed_now = true;  // inside the window (or quiet hours cannot apply: unknown zone)
  Action action = Action::kSend;
  absl::Time defer_until = absl::InfinitePast();  // set only with Action::kDefer
  absl::Time next_opening;                        // `now` when allowed_now
  std::vector<ZoneTime> zones;                    // the zones considered, with local times
  ZoneSource source = ZoneSource::kUnknown;
  bool intersection_empty = false;
  std::string window_zone;  // when intersection_empty: the zone whose window applied
  // For the API and logs, e.g. "outside quiet hours (08:00-20:00 local): 21:14 in
  // America/Los_Angeles; next window opens 2026-06-16T15:00Z (08:00 in America/Los_Angeles);
  // sent with a warning".
  std::string reason;
};

class QuietHours {
 public:
  QuietHours() = default;

  // The profile's zone when `profile_zone` is not empty (InvalidArgument if it is not an IANA
  // zone), else the zones of `number` (E.164, or national read with `default_region`).
  absl::StatusOr<RecipientZones> ZonesFor(std::string_view profile_zone, std::string_view number,
                                          std::string_view default_region);

  // InvalidArgument only for an invalid window.
  absl::StatusOr<Verdict> Check(const RecipientZones& zones, const CheckInput& input) const;

  ZoneCache& zone_cache() { return zones_; }
  NumberZoneResolver& resolver() { return resolver_; }
  const NumberZoneResolver& resolver() const { return resolver_; }  // Resolve is const

 private:
  ZoneCache zones_;
  NumberZoneResolver resolver_;
};

// The brand number's configured policy and window, as CheckInput fields.
CheckInput CheckInputFromConfig(const config::QuietHoursConfig& config, absl::Time now,
                                bool keyword_reply);

}  // namespace confab::quiet
