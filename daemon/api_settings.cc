// The settings handlers: thin over BrandSettings, which validates, persists and publishes. They
// run on the API worker thread, so Apply may wait for its write to be durable.

#include "daemon/api_settings.h"

#include "absl/strings/str_cat.h"
#include "base/string_view.h"
#include "boost/json/array.hpp"
#include "store/schema.h"

namespace confab::api {
namespace {

namespace json = boost::json;

absl::StatusOr<uint64_t> BrandFromParams(const ApiCall& call) {
  absl::StatusOr<uint64_t> brand = store::NumberId(call.Param("brand"));
  if (!brand.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("brand: \"", Sv(call.Param("brand")),
                     "\" is not an E.164 number (\"+15551234567\") or short code digits"));
  }
  return brand;
}

HttpResponse SettingsResponse(const BrandSettings& settings, uint64_t brand) {
  std::shared_ptr<const config::NumberConfig> number = settings.Current(brand);
  if (!number) {
    return ErrorFromStatus(absl::NotFoundError(
        absl::StrCat("brand number ", store::NumberText(brand), " is not configured")));
  }
  return Json(NumberSettingsJson(*number, settings.Overrides(brand)));
}

}  // namespace

void InstallSettingsRoutes(ApiRoutes& routes, const ApiDeps& /*deps*/, BrandSettings& settings) {
  routes.Add("GET", "/v1/numbers", Access::kSettings, [&settings](ApiCall, Respond respond) {
    json::array numbers;
    for (const std::shared_ptr<const config::NumberConfig>& number : settings.All()) {
      absl::StatusOr<uint64_t> id = store::NumberId(number->number);
      numbers.emplace_back(
          NumberSettingsJson(*number, id.ok() ? settings.Overrides(*id) : SettingsPatch{}));
    }
    std::move(respond)(Json(json::object{{"numbers", std::move(numbers)}}));
  });

  routes.Add("GET", "/v1/numbers/{brand}/settings", Access::kSettings,
             [&settings](ApiCall call, Respond respond) {
               absl::StatusOr<uint64_t> brand = BrandFromParams(call);
               std::move(respond)(brand.ok() ? SettingsResponse(settings, *brand)
                                             : ErrorFromStatus(brand.status()));
             });

  routes.Add("PATCH", "/v1/numbers/{brand}/settings", Access::kSettings,
             [&settings](ApiCall call, Respond respond) {
               absl::StatusOr<uint64_t> brand = BrandFromParams(call);
               if (!brand.ok()) {
                 std::move(respond)(ErrorFromStatus(brand.status()));
                 return;
               }
               absl::StatusOr<json::object> body = JsonBody(call);
               if (!body.ok()) {
                 std::move(respond)(ErrorFromStatus(body.status()));
                 return;
               }
               absl::StatusOr<SettingsPatch> patch = ParseSettingsPatch(*body);
               if (!patch.ok()) {
                 std::move(respond)(ErrorFromStatus(patch.status()));
                 return;
               }
               absl::StatusOr<config::NumberConfig> applied = settings.Apply(*brand, *patch);
               std::move(respond)(applied.ok() ? SettingsResponse(settings, *brand)
                                               : ErrorFromStatus(applied.status()));
             });

  routes.Add("DELETE", "/v1/numbers/{brand}/settings/overrides", Access::kSettings,
             [&settings](ApiCall call, Respond respond) {
               absl::StatusOr<uint64_t> brand = BrandFromParams(call);
               if (!brand.ok()) {
                 std::move(respond)(ErrorFromStatus(brand.status()));
                 return;
               }
               absl::StatusOr<config::NumberConfig> cleared = settings.ClearOverrides(*brand);
               std::move(respond)(cleared.ok() ? SettingsResponse(settings, *brand)
                                               : ErrorFromStatus(cleared.status()));
             });
}

}  // namespace confab::api
