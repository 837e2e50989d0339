#include "daemon/api_conversations.h"

#include "daemon/api_conversations_internal.h"
#include "daemon/api_listing_cache.h"
#include "daemon/pipeline.h"

namespace confab::api {
namespace {

// The reads answer at once: wraps a synchronous handler into an ApiHandler.
template <typename Read>
ApiHandler Answering(const ApiDeps& deps, Read read) {
  return [deps, read](ApiCall call, Respond respond) { std::move(respond)(read(deps, call)); };
}

HttpResponse Unread(const ApiDeps& deps, const ApiCall&) {
  // Kept by the pipeline as it decides (it counts the inbox once at start): no scan here.
  if (deps.pipeline == nullptr) {  // a read-only setup (api_bench) has no pipeline
    return JsonError(503, "unavailable", "the unread count is kept by the pipeline");
  }
  return Json({{"unread_conversations", deps.pipeline->UnreadConversations()}});
}

}  // namespace

void InstallConversationRoutes(ApiRoutes& routes, const ApiDeps& deps,
                               std::size_t listing_cache_pages) {
  auto cache = std::make_shared<conversations::ListingCache>(listing_cache_pages, deps.metrics);
  routes.Add("GET", "/v1/conversations", Access::kConversations,
             [deps, cache](ApiCall call, Respond respond) {
               std::move(respond)(conversations::ListConversations(deps, call, cache.get()));
             });
  routes.Add("GET", "/v1/unread", Access::kConversations, Answering(deps, Unread));
  routes.Add("GET", "/v1/conversations/{brand}/{profile}", Access::kConversations,
             Answering(deps, conversations::ConversationPanel));
  routes.Add("GET", "/v1/profiles/{brand}/{profile}/consent", Access::kConversations,
             Answering(deps, conversations::ConsentTrail));
}

}  // namespace confab::api
