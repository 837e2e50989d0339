#pragma once

// IANA time zones for quiet hours, backed by ICU and cached so that the check on every outbound
// send builds no ICU objects.
//
// Offsets come from ICU's rules at the actual instant (TimeZone::getOffset with local=false), so
// DST, half-hour zones (Asia/Kolkata, Australia/Adelaide) and 30-minute DST (Lord Howe) are
// exact for every instant ICU's tzdata covers.

#include <unicode/uversion.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

U_NAMESPACE_BEGIN  // ICU's versioned namespace (icu_72), aliased as icu
    class BasicTimeZone;
U_NAMESPACE_END

namespace confab::quiet {

// OK when `id` names a zone ICU's tzdata knows ("America/New_York", "Asia/Kolkata", "UTC");
// InvalidArgument otherwise ("Mars/Base", "", "america/new york"). ICU would silently map an
// unknown id to "Etc/Unknown"; this refuses it instead.
absl::Status ValidateZoneId(std::string_view id);

// ICU's canonical id for `id` ("Asia/Kolkata" → "Asia/Calcutta", ICU 72 keeps CLDR's ids), or
// the error ValidateZoneId gives.
absl::StatusOr<std::string> CanonicalZoneId(std::string_view id);

// One zone. Immutable once built; every method is const and thread-safe.
class Zone {
 public:
  // InvalidArgument for an id ValidateZoneId refuses.
  static absl::StatusOr<std::unique_ptr<Zone>> Create(std::string_view id);
  ~Zone();

  const std::string& id() const { return id_; }                      // as given
  const std::string& canonical_id() const { return canonical_id_; }  // ICU's canonical id

  // The UTC offset (standard + daylight) in effect at `t`.
  absl::Duration OffsetAt(absl::Time t) const;

  // The instants whose wall clock reads `local` (the local wall time counted, like Unix time,
  // from 1970-01-01T00:00 local): local - offset, with the offset before and the offset after
  // any transition near `local`. Equal outside transitions. In a spring-forward gap neither
  // instant shows `local` on the wall (it does not exist); in a fall-back overlap both do.
  std::pair<absl::Time, absl::Time> FromLocal(absl::Time local) const;

  // Appends the transition instants (DST changes, rule changes) in (from, to].
  void TransitionsBetween(absl::Time from, absl::Time to, std::vector<absl::Time>* out) const;

 private:
  Zone() = default;
  std::string id_;
  std::string canonical_id_;
  std::unique_ptr<icu::BasicTimeZone> tz_;
};

// Zones by id, built once. Bounded: when `capacity` ids are cached the cache is emptied and
// refilled (zones in use stay alive through their shared_ptr). There are ~600 IANA zones, so
// the default never empties in practice. Thread-safe.
class ZoneCache {
 public:
  explicit ZoneCache(size_t capacity = 1024) : capacity_(capacity) {}

  absl::StatusOr<std::shared_ptr<const Zone>> Get(std::string_view id);
  size_t size() const;

 private:
  const size_t capacity_;
  mutable std::mutex mutex_;
  absl::flat_hash_map<std::string, std::shared_ptr<const Zone>> zones_;
};

}  // namespace confab::quiet
