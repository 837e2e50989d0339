#pragma once

// Internals of the conversation read endpoints (api_conversations.h), shared by their .cc files
// and tests: the listing's filters and its opaque cursor.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "boost/json/object.hpp"
#include "boost/json/storage_ptr.hpp"
#include "daemon/api.h"
#include "store/reader.h"
#include "store/schema.h"

namespace confab::api::conversations {

inline constexpr std::size_t kDefaultLimit = 50;
inline constexpr std::size_t kMaxLimit = 200;
// Inbox keys examined per page at most when a brand filter passes over other brands' entries:
// a page may then come back short (even empty) with a next_cursor to continue from.
inline constexpr std::size_t kScanBudget = 20'000;
// Conversations of one campaign or flow considered at most (they are read whole, then sorted
// by activity); beyond, the answer says "partial": true.
inline constexpr std::size_t kMaxAttributed = 100'000;

// What GET /v1/conversations lists.
struct ListFilter {
  store::ConversationState state = store::ConversationState::kOpen;
  std::optional<bool> unread;  // nullopt: both, merged by activity
  std::optional<uint64_t> brand;
  store::AttributionKind source_kind = store::AttributionKind::kNone;  // campaign/flow filter
  uint64_t source_id = 0;
  std::size_t limit = kDefaultLimit;
  friend bool operator==(const ListFilter&, const ListFilter&) = default;
};

// Where a page ended, in listing order: the inbox key's suffix ~activity_s(4) thread(16), so
// bytewise order is listing order in every stream (unread, read, attributed).
struct Position {
  uint32_t activity_s = 0;
  store::ThreadId thread;
  friend bool operator==(const Position&, const Position&) = default;
};
inline constexpr std::size_t kPositionSize = 20;
std::string EncodePosition(const Position& position);
// `bytes` must be kPositionSize long.
Position DecodePosition(std::string_view bytes);

// The filters of a request (InvalidArgument naming the parameter otherwise).
absl::StatusOr<ListFilter> ParseListFilter(const ApiCall& call);

// The cursor for the page after `last` in the listing `filter` (limit aside): base64url of
// version, the filters, the position and a checksum, so that a cursor edited by hand or taken
// from another listing is refused rather than silently listing something else.
std::string EncodeCursor(const ListFilter& filter, const Position& last);
// The position a cursor resumes after; InvalidArgument when it is malformed, altered, or from
// another listing.
absl::StatusOr<Position> DecodeCursor(const ListFilter& filter, std::string_view cursor);

class ListingCache;  // api_listing_cache.h

// The handlers (answer synchronously). `cache` (nullable) keeps built inbox pages.
HttpResponse ListConversations(const ApiDeps& deps, const ApiCall& call, ListingCache* cache);
HttpResponse ConversationPanel(const ApiDeps& deps, const ApiCall& call);
HttpResponse ConsentTrail(const ApiDeps& deps, const ApiCall& call);

// One listed conversation: ConversationJson plus "preview", the newest message (PreviewJson;
// null when the thread has none).
absl::StatusOr<boost::json::object> ConversationItem(const store::StoreReader& reader,
                                                     const store::ThreadId& thread,
                                                     const store::ProfileRecord& profile,
                                                     boost::json::storage_ptr storage);

}  // namespace confab::api::conversations
