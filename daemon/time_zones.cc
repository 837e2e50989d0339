#include "daemon/time_zones.h"

#include <unicode/basictz.h>
#include <unicode/timezone.h>
#include <unicode/tztrans.h>
#include <unicode/unistr.h>

#include <utility>

#include "absl/strings/str_cat.h"

namespace confab::quiet {
namespace {

// Debian's abseil has its own string_view type.
absl::string_view AbslView(std::string_view text) { return {text.data(), text.size()}; }

}  // namespace

absl::StatusOr<std::string> CanonicalZoneId(std::string_view id) {
  if (id.empty() || id.size() > 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("not an IANA time zone: \"", AbslView(id), "\""));
  }
  UErrorCode status = U_ZERO_ERROR;
  UBool is_system = false;
  icu::UnicodeString canonical;
  icu::TimeZone::getCanonicalID(
      icu::UnicodeString::fromUTF8(icu::StringPiece(id.data(), static_cast<int32_t>(id.size()))),
      canonical, is_system, status);
  std::string out;
  canonical.toUTF8String(out);
  if (U_FAILURE(status) || !is_system || out == "Etc/Unknown") {
    return absl::InvalidArgumentError(
        absl::StrCat("not an IANA time zone: \"", AbslView(id), "\""));
  }
  return out;
}

absl::Status ValidateZoneId(std::string_view id) { return CanonicalZoneId(id).status(); }

Zone::~Zone() = default;

absl::StatusOr<std::unique_ptr<Zone>> Zone::Create(std::string_view id) {
  absl::StatusOr<std::string> canonical = CanonicalZoneId(id);
  if (!canonical.ok()) {
    return canonical.status();
  }
  std::unique_ptr<icu::TimeZone> tz(icu::TimeZone::createTimeZone(
      icu::UnicodeString::fromUTF8(icu::StringPiece(id.data(), static_cast<int32_t>(id.size())))));
  // System zones are OlsonTimeZone, a BasicTimeZone; the cast is checked all the same.
  auto* basic = dynamic_cast<icu::BasicTimeZone*>(tz.get());
  if (basic == nullptr) {
    return absl::InternalError(absl::StrCat("ICU zone without transitions: ", AbslView(id)));
  }
  tz.release();
  std::unique_ptr<Zone> zone(new Zone());
  zone->id_ = std::string(id);
  zone->canonical_id_ = *std::move(canonical);
  zone->tz_.reset(basic);
  return zone;
}

absl::Duration Zone::OffsetAt(absl::Time t) const {
  int32_t raw = 0;
  int32_t dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  tz_->getOffset(absl::ToUDate(t), /*local=*/false, raw, dst, status);
  return U_FAILURE(status) ? absl::ZeroDuration() : absl::Milliseconds(int64_t{raw} + dst);
}

std::pair<absl::Time, absl::Time> Zone::FromLocal(absl::Time local) const {
  // The FORMER/LATTER options pick the offset before/after a transition for wall times in a
  // gap or an overlap; elsewhere both give the one offset.
  auto at = [&](UTimeZoneLocalOption option) {
    int32_t raw = 0;
    int32_t dst = 0;
    UErrorCode status = U_ZERO_ERROR;
    tz_->getOffsetFromLocal(absl::ToUDate(local), option, option, raw, dst, status);
    return local - (U_FAILURE(status) ? absl::ZeroDuration() : absl::Milliseconds(raw + dst));
  };
  return {at(UCAL_TZ_LOCAL_FORMER), at(UCAL_TZ_LOCAL_LATTER)};
}

void Zone::TransitionsBetween(absl::Time from, absl::Time to, std::vector<absl::Time>* out) const {
  icu::TimeZoneTransition transition;
  double base = absl::ToUDate(from);
  while (tz_->getNextTransition(base, /*inclusive=*/false, transition)) {
    base = transition.getTime();
    absl::Time at = absl::FromUDate(base);
    if (at > to) {
      break;
    }
    out->push_back(at);
  }
}

absl::StatusOr<std::shared_ptr<const Zone>> ZoneCache::Get(std::string_view id) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = zones_.find(AbslView(id)); it != zones_.end()) {
      return it->second;
    }
  }
  // Built outside the lock: ICU's zone loading is the slow part and is itself thread-safe.
  absl::StatusOr<std::unique_ptr<Zone>> built = Zone::Create(id);
  if (!built.ok()) {
    return built.status();
  }
  std::shared_ptr<const Zone> zone = *std::move(built);
  std::lock_guard lock(mutex_);
  if (zones_.size() >= capacity_) {
    zones_.clear();
  }
  return zones_.try_emplace(std::string(id), std::move(zone)).first->second;
}

size_t ZoneCache::size() const {
  std::lock_guard lock(mutex_);
  return zones_.size();
}

}  // namespace confab::quiet
