#include "daemon/health.h"

#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "store/store.h"

namespace confab {

void AddHealthRoutes(HttpRouter& router, HealthSources sources) {
  router.Add("GET", "/healthz",
             [](const HttpRequest&) { return JsonResponse(200, R"({"status":"ok"})"); });
  router.Add("GET", "/readyz", [sources](const HttpRequest&) {
    const bool store_open = sources.store != nullptr && sources.store->is_open();
    boost::json::value body = {{"status", store_open ? "ready" : "not_ready"},
                               {"store", store_open ? "open" : "closed"},
                               {"binds", boost::json::array()}};
    return JsonResponse(store_open ? 200 : 503, boost::json::serialize(body));
  });
}

}  // namespace confab
