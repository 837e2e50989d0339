#pragma once

// The admin API's conversation READ endpoints (issue #5, product §4, §5, §8), all
// Access::kConversations; docs/api/conversations.md documents requests and answers.
//
//   GET /v1/conversations                      the inbox: filters state, unread, brand,
//                                              campaign | flow; newest activity first; cursor
//                                              pages that never repeat an entry
//   GET /v1/unread                             the unread indicator (conversations, not messages)
//   GET /v1/conversations/{brand}/{profile}    the profile panel and the last 50 messages
//   GET /v1/profiles/{brand}/{profile}/consent consent and its audit trail, paged
//
// Handlers read committed state synchronously through store::StoreReader (they run on the API
// worker thread) and answer before returning. Cost of a first inbox page of 50: one or two
// inbox scans of ~50 keys, 50 profile Gets, 50 message Gets (the newest message is at the seq
// below the profile's next_message_seq; a scan only when that one is not written yet). Inbox
// pages are kept while the store does not change (api_listing_cache.h): asked again before any
// write, a page costs a map lookup and a copy.

#include <cstddef>

#include "daemon/api.h"

namespace confab::api {

// `listing_cache_pages`: inbox pages kept (0: none, every page is built from the store).
void InstallConversationRoutes(ApiRoutes& routes, const ApiDeps& deps,
                               std::size_t listing_cache_pages = 64);

}  // namespace confab::api
