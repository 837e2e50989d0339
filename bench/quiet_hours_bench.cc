// Quiet-hours check cost on the send path (daemon/quiet_hours.h): the window check for zones
// already resolved, and zone inference from a number (libphonenumber + geocoder + cache).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "daemon/quiet_hours.h"

namespace confab::quiet {
namespace {

RecipientZones Resolve(QuietHours& quiet, const std::string& number) {
  absl::StatusOr<RecipientZones> zones = quiet.ZonesFor("", number, "US");
  return zones.ok() ? *std::move(zones) : RecipientZones{};
}

// One zone, inside the window (the common case: nothing to search).
void BM_CheckOneZoneInside(benchmark::State& state) {
  QuietHours quiet;
  RecipientZones zones = Resolve(quiet, "+12127365000");
  CheckInput input{absl::FromUnixSeconds(1781535600), Policy::kWarn, {}, false};  // 11:00 EDT
  for (auto _ : state) {
    benchmark::DoNotOptimize(quiet.Check(zones, input));
  }
}
BENCHMARK(BM_CheckOneZoneInside);

// Two zones (Texas), outside: the next-opening search runs.
void BM_CheckTwoZonesOutside(benchmark::State& state) {
  QuietHours quiet;
  RecipientZones zones = Resolve(quiet, "+19565551234");
  CheckInput input{absl::FromUnixSeconds(1781503200), Policy::kDefer, {}, false};  // 01:00 CDT
  for (auto _ : state) {
    benchmark::DoNotOptimize(quiet.Check(zones, input));
  }
}
BENCHMARK(BM_CheckTwoZonesOutside);

// A toll-free number: every US zone (29), outside.
void BM_CheckAllUsZonesOutside(benchmark::State& state) {
  QuietHours quiet;
  RecipientZones zones = Resolve(quiet, "+18005551234");
  CheckInput input{absl::FromUnixSeconds(1781503200), Policy::kDefer, {}, false};  // 02:00 EDT
  for (auto _ : state) {
    benchmark::DoNotOptimize(quiet.Check(zones, input));
  }
}
BENCHMARK(BM_CheckAllUsZonesOutside);

// Inference from the number, cache warm (parse + geocode + lookup).
void BM_ZonesForNumber(benchmark::State& state) {
  QuietHours quiet;
  const std::vector<std::string> numbers = {"+12127365000", "+14155550123", "+19565551234",
                                            "+442079460000", "+61292501234"};
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(quiet.ZonesFor("", numbers[i++ % numbers.size()], "US"));
  }
}
BENCHMARK(BM_ZonesForNumber);

}  // namespace
}  // namespace confab::quiet

BENCHMARK_MAIN();
