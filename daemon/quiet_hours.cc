#include "daemon/quiet_hours.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "config/config.h"

namespace confab::quiet {
namespace {

// Zones named in a reason before "and N more" (a number with no narrowing area has dozens).
constexpr size_t kReasonZones = 4;

std::string Clock(int minute) { return absl::StrFormat("%02d:%02d", minute / 60, minute % 60); }
std::string Clock(const absl::CivilSecond& local) {
  return absl::StrFormat("%02d:%02d", local.hour(), local.minute());
}
std::string Utc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%MZ", t, absl::UTCTimeZone());
}

// "21:14 in America/Los_Angeles, 00:14 in America/New_York" for the zones `pick` selects.
template <typename Pick>
std::string ListTimes(const std::vector<ZoneTime>& times, Pick pick) {
  std::string out;
  size_t listed = 0;
  size_t more = 0;
  for (const ZoneTime& time : times) {
    if (!pick(time)) {
      continue;
    }
    if (listed == kReasonZones) {
      ++more;
      continue;
    }
    absl::StrAppend(&out, listed == 0 ? "" : ", ", Clock(time.local), " in ", time.zone);
    ++listed;
  }
  if (more > 0) {
    absl::StrAppend(&out, " and ", more, " more");
  }
  return out;
}

std::string Describe(const RecipientZones& zones, const CheckInput& input, const Verdict& v) {
  if (zones.zones.empty()) {
    return "recipient time zone unknown: quiet hours not applied";
  }
  const std::string window =
      absl::StrCat(Clock(input.window.start_minute), "-", Clock(input.window.end_minute));
  auto applies = [&](const ZoneTime& time) {
    return !v.intersection_empty || time.zone == v.window_zone;
  };
  std::string out;
  if (v.allowed_now) {
    out = absl::StrCat("inside quiet-hours window (", window,
                       " local): ", ListTimes(v.zones, applies));
  } else {
    out = absl::StrCat(
        "outside quiet hours (", window, " local): ",
        ListTimes(v.zones, [&](const ZoneTime& t) { return applies(t) && !t.in_window; }),
        "; next window opens ", Utc(v.next_opening));
    // The opening on each zone's own clock, at the opening instant's offsets.
    std::vector<ZoneTime> at_opening;
    for (const std::shared_ptr<const Zone>& zone : zones.zones) {
      const absl::Duration offset = zone->OffsetAt(v.next_opening);
      const absl::CivilSecond local =
          absl::CivilSecond(1970, 1, 1, 0, 0, 0) + absl::ToUnixSeconds(v.next_opening + offset);
      at_opening.push_back({zone->id(), local, offset, true});
    }
    absl::StrAppend(&out, " (", ListTimes(at_opening, applies), ")");
  }
  if (v.intersection_empty) {
    absl::StrAppend(&out, "; no common window across ", zones.zones.size(), " zones, so ",
                    v.window_zone, "'s applies");
  }
  if (input.keyword_reply) {
    absl::StrAppend(&out, "; keyword reply, never held");
  } else if (input.policy == Policy::kOff) {
    absl::StrAppend(&out, "; quiet hours off for this number");
  } else if (v.action == Action::kSendWithWarning) {
    absl::StrAppend(&out, "; sent with a warning");
  } else if (v.action == Action::kDefer) {
    absl::StrAppend(&out, "; held until ", Utc(v.defer_until));
  }
  return out;
}

}  // namespace

absl::Status ValidateWindow(const LocalWindow& window) {
  if (window.start_minute < 0 || window.start_minute >= 24 * 60 || window.end_minute < 0 ||
      window.end_minute > 24 * 60) {
    return absl::InvalidArgumentError(absl::StrCat("quiet-hours window out of range: start ",
                                                   window.start_minute, " min, end ",
                                                   window.end_minute, " min"));
  }
  if (window.start_minute == window.end_minute) {
    return absl::InvalidArgumentError("quiet-hours window is empty: start equals end");
  }
  return absl::OkStatus();
}

std::string_view PolicyName(Policy policy) {
  switch (policy) {
    case Policy::kWarn:
      return "warn";
    case Policy::kDefer:
      return "defer";
    case Policy::kOff:
      break;
  }
  return "off";
}

std::string_view ActionName(Action action) {
  switch (action) {
    case Action::kSend:
      return "send";
    case Action::kSendWithWarning:
      return "send_with_warning";
    case Action::kDefer:
      break;
  }
  return "defer";
}

absl::StatusOr<RecipientZones> QuietHours::ZonesFor(std::string_view profile_zone,
                                                    std::string_view number,
                                                    std::string_view default_region) {
  RecipientZones out;
  if (!profile_zone.empty()) {
    absl::StatusOr<std::shared_ptr<const Zone>> zone = zones_.Get(profile_zone);
    if (!zone.ok()) {
      return zone.status();
    }
    out.zones.push_back(*std::move(zone));
    out.source = ZoneSource::kProfile;
    return out;
  }
  NumberZones inferred = resolver_.Resolve(number, default_region);
  for (const std::string& id : inferred.zones) {
    // Ids come from ICU or from the tables (whose ids the tests check against ICU).
    absl::StatusOr<std::shared_ptr<const Zone>> zone = zones_.Get(id);
    if (!zone.ok()) {
      continue;
    }
    if (id == inferred.primary) {
      out.primary = out.zones.size();
    }
    out.zones.push_back(*std::move(zone));
  }
  out.source = out.zones.empty() ? ZoneSource::kUnknown : inferred.source;
  out.region = std::move(inferred.region);
  out.area = std::move(inferred.area);
  return out;
}

absl::StatusOr<Verdict> QuietHours::Check(const RecipientZones& zones,
                                          const CheckInput& input) const {
  if (absl::Status valid = ValidateWindow(input.window); !valid.ok()) {
    return valid;
  }
  WindowState state = EvaluateWindow(zones.zones, zones.primary, input.window, input.now);
  Verdict v;
  v.allowed_now = state.open_now;
  v.next_opening = state.next_opening;
  v.zones = std::move(state.local_times);
  v.source = zones.source;
  v.intersection_empty = state.intersection_empty;
  if (v.intersection_empty) {
    v.window_zone = zones.zones[zones.primary < zones.zones.size() ? zones.primary : 0]->id();
  }
  if (v.allowed_now || input.keyword_reply || input.policy == Policy::kOff) {
    v.action = Action::kSend;
  } else if (input.policy == Policy::kDefer) {
    v.action = Action::kDefer;
    v.defer_until = v.next_opening;
  } else {
    v.action = Action::kSendWithWarning;
  }
  v.reason = Describe(zones, input, v);
  return v;
}

CheckInput CheckInputFromConfig(const config::QuietHoursConfig& config, absl::Time now,
                                bool keyword_reply) {
  CheckInput input;
  input.now = now;
  input.keyword_reply = keyword_reply;
  input.window = {config.start.hour * 60 + config.start.minute,
                  config.end.hour * 60 + config.end.minute};
  switch (config.policy) {
    case config::QuietHoursPolicy::kWarn:
      input.policy = Policy::kWarn;
      break;
    case config::QuietHoursPolicy::kDefer:
      input.policy = Policy::kDefer;
      break;
    case config::QuietHoursPolicy::kOff:
      input.policy = Policy::kOff;
      break;
  }
  return input;
}

}  // namespace confab::quiet
