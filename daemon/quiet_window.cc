// The window arithmetic of quiet_hours.h: is every zone inside its local window at an instant,
// and when is the first instant from now at which they all are.
//
// "Inside" only changes at instants where some zone's wall clock crosses the window's start or
// end, or where some zone's offset changes. The earliest open instant after a closed `now` is
// therefore one of: each zone's opening wall time converted with the offset before and after
// any nearby transition (a fall-back day has two), or a transition itself (a spring-forward
// jump over the opening). Checking those candidates in order finds it exactly, without
// stepping through time.
#include <algorithm>
#include <cstdint>

#include "daemon/quiet_hours.h"

namespace confab::quiet {
namespace {

constexpr int64_t kDaySeconds = 24 * 60 * 60;
// The search horizon: a daily window that exists at all opens within ~25 hours; three days
// leave room for DST and rule changes.
constexpr int kHorizonDays = 3;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Seconds since 1970-01-01T00:00 on `zone`'s wall clock at `t`.
int64_t LocalSeconds(const Zone& zone, absl::Time t) {
  return absl::ToUnixSeconds(t + zone.OffsetAt(t));
}

bool Contains(const LocalWindow& window, int64_t local_seconds) {
  const int64_t second_of_day = local_seconds - FloorDiv(local_seconds, kDaySeconds) * kDaySeconds;
  const int64_t start = int64_t{window.start_minute} * 60;
  const int64_t end = int64_t{window.end_minute} * 60;
  if (start < end) {
    return second_of_day >= start && second_of_day < end;
  }
  return second_of_day >= start || second_of_day < end;  // wraps past midnight
}

bool OpenAt(std::span<const std::shared_ptr<const Zone>> zones, const LocalWindow& window,
            absl::Time t) {
  return std::all_of(zones.begin(), zones.end(), [&](const std::shared_ptr<const Zone>& zone) {
    return Contains(window, LocalSeconds(*zone, t));
  });
}

// The first instant in (now, now + horizon] at which every zone is inside; InfiniteFuture if
// none.
absl::Time NextOpening(std::span<const std::shared_ptr<const Zone>> zones,
                       const LocalWindow& window, absl::Time now) {
  const absl::Time horizon = now + absl::Hours(24 * kHorizonDays);
  std::vector<absl::Time> candidates;
  for (const std::shared_ptr<const Zone>& zone : zones) {
    const int64_t today = FloorDiv(LocalSeconds(*zone, now), kDaySeconds);
    for (int64_t day = today - 1; day <= today + kHorizonDays; ++day) {
      const absl::Time local =
          absl::FromUnixSeconds(day * kDaySeconds + int64_t{window.start_minute} * 60);
      auto [former, latter] = zone->FromLocal(local);
      candidates.push_back(former);
      candidates.push_back(latter);
    }
    zone->TransitionsBetween(now, horizon, &candidates);
  }
  std::sort(candidates.begin(), candidates.end());
  for (absl::Time candidate : candidates) {
    if (candidate > now && candidate <= horizon && OpenAt(zones, window, candidate)) {
      return candidate;
    }
  }
  return absl::InfiniteFuture();
}

}  // namespace

WindowState EvaluateWindow(std::span<const std::shared_ptr<const Zone>> zones, size_t primary,
                           const LocalWindow& window, absl::Time now) {
  WindowState state;
  state.next_opening = now;
  if (zones.empty()) {
    return state;
  }
  const absl::CivilSecond epoch(1970, 1, 1, 0, 0, 0);
  for (const std::shared_ptr<const Zone>& zone : zones) {
    const int64_t local = LocalSeconds(*zone, now);
    state.local_times.push_back(
        {zone->id(), epoch + local, zone->OffsetAt(now), Contains(window, local)});
  }
  state.open_now = std::all_of(state.local_times.begin(), state.local_times.end(),
                               [](const ZoneTime& time) { return time.in_window; });
  if (state.open_now) {
    return state;
  }
  state.next_opening = NextOpening(zones, window, now);
  if (state.next_opening == absl::InfiniteFuture() && zones.size() > 1) {
    // No common window: the primary zone's window alone.
    std::span<const std::shared_ptr<const Zone>> alone =
        zones.subspan(primary < zones.size() ? primary : 0, 1);
    state.intersection_empty = true;
    state.open_now = Contains(window, LocalSeconds(*alone[0], now));
    state.next_opening = state.open_now ? now : NextOpening(alone, window, now);
  }
  return state;
}

}  // namespace confab::quiet
