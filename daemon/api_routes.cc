// The admin API's endpoint groups, registered in one place (docs/api.md lists them).
#include "daemon/api_actions.h"
#include "daemon/api_binds.h"
#include "daemon/api_conversations.h"
#include "daemon/api_router.h"
#include "daemon/api_settings.h"

namespace confab::api {

void InstallApiRoutes(ApiRoutes& routes, const ApiDeps& deps, BrandSettings& settings) {
  InstallConversationRoutes(routes, deps);  // the inbox, threads, profile panels, consent reads
  InstallActionRoutes(routes, deps);        // replies, states, blocks, consent, sends
  InstallSettingsRoutes(routes, deps, settings);  // brand number settings
  InstallBindRoutes(routes, deps);                // carriers and binds
}

}  // namespace confab::api
