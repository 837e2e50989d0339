// libFuzzer target: the config loader (config/config.h) on arbitrary bytes as TOML text, then
// Validate and the reload plan on what loads. A config file is operator input, but a typo or a
// truncated file must be reported, never crash the daemon or its reload.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/config.h"
#include "tests/fuzz/fuzz_check.h"

using confab::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<confab::config::Config> config =
      confab::config::LoadConfigFromString(text, "fuzz.toml");
  if (!config.ok()) {
    // Refusals are InvalidArgument with a message saying what is wrong.
    Check(config.status().code() == absl::StatusCode::kInvalidArgument);
    Check(!config.status().message().empty());
    return 0;
  }
  const absl::Status valid = confab::config::Validate(*config);
  Check(valid.ok() ||
        (valid.code() == absl::StatusCode::kInvalidArgument && !valid.message().empty()));
  for (const confab::config::NumberConfig& number : config->numbers) {
    confab::config::ContainsRuleEnabled(number);
    confab::config::RenderTemplate(number.auto_responder.text, number);
  }
  if (valid.ok()) {
    // A config compared with itself changes nothing.
    const confab::config::ReloadPlan plan = confab::config::PlanReload(*config, *config);
    Check(plan.live.empty() && plan.needs_restart.empty());
  }
  return 0;
}
