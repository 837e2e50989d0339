#pragma once

// Admin API: brand number settings (issue #5; product §3 auto-responder, §6 quiet hours, §7
// link shortening, §8 notifications). Role: owner or admin (Access::kSettings).
//
//   GET    /v1/numbers                              every brand number, effective settings
//   GET    /v1/numbers/{brand}/settings             one number's effective settings
//   PATCH  /v1/numbers/{brand}/settings             change some (daemon/brand_settings_patch.h)
//   DELETE /v1/numbers/{brand}/settings/overrides   back to the config file's values
//
// Changes are validated like the config file, stored durably, and effective at once (the
// BrandSettings listeners). docs/api/settings.md has examples and every error.

#include "daemon/api.h"
#include "daemon/brand_settings.h"

namespace confab::api {

void InstallSettingsRoutes(ApiRoutes& routes, const ApiDeps& deps, BrandSettings& settings);

}  // namespace confab::api
