// libFuzzer target: a PATCH body of the brand settings endpoint (daemon/brand_settings_patch.h),
// arbitrary bytes parsed as JSON the way the API does (non-throwing boost::json::parse), then
// ParseSettingsPatch. A patch that parses must survive the round trip the header promises:
// SettingsPatchJson, serialized as stored and parsed back, gives the same patch.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "config/config.h"
#include "daemon/brand_settings_patch.h"
#include "tests/fuzz/fuzz_check.h"

using confab::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  boost::system::error_code ec;
  const boost::json::value body = boost::json::parse(text, ec);
  if (ec || !body.is_object()) {
    return 0;
  }
  const absl::StatusOr<confab::SettingsPatch> patch = confab::ParseSettingsPatch(body.get_object());
  if (!patch.ok()) {
    // Every refusal names the bad fields, one "field: what" per line.
    Check(patch.status().code() == absl::StatusCode::kInvalidArgument);
    Check(patch.status().message().find(": ") != std::string_view::npos);
    return 0;
  }
  Check(patch->empty() == patch->Keys().empty());

  // Round trip through the stored form: object → text → object → patch.
  const std::string stored = boost::json::serialize(confab::SettingsPatchJson(*patch));
  const boost::json::value reread = boost::json::parse(stored, ec);
  Check(!ec && reread.is_object());
  const absl::StatusOr<confab::SettingsPatch> again =
      confab::ParseSettingsPatch(reread.get_object());
  Check(again.ok() && *again == *patch);

  // Merging a patch into itself or into nothing changes nothing.
  confab::SettingsPatch merged = *patch;
  merged.MergeFrom(*patch);
  Check(merged == *patch);
  confab::SettingsPatch from_empty;
  from_empty.MergeFrom(*patch);
  Check(from_empty == *patch);

  // Applied to a number, the settings view shows the patched values and lists the keys.
  confab::config::NumberConfig number;
  number.number = "+15550100000";
  patch->ApplyTo(number);
  const boost::json::object view = confab::NumberSettingsJson(number, *patch);
  const boost::json::value* overridden = view.if_contains("overridden");
  Check(overridden != nullptr && overridden->is_array() &&
        overridden->get_array().size() == patch->Keys().size());
  if (patch->auto_responder_text) {
    Check(number.auto_responder.text == *patch->auto_responder_text);
  }
  if (patch->quiet_hours_start) {
    Check(confab::ParseClockTime(confab::FormatClockTime(*patch->quiet_hours_start)) ==
          patch->quiet_hours_start);
  }
  return 0;
}
