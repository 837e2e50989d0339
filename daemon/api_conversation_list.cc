// GET /v1/conversations: the inbox listing (api_conversations.h).
//
// Order and pages. Every listed conversation has a Position, ~activity_s + thread: the inbox
// key without its (state, unread) prefix, so bytewise order is "newest activity first" in the
// unread stream, the read stream and their merge alike. A page ends at the Position of its last
// entry and the next page starts strictly after it, in every stream: a conversation whose
// activity moves it to the front lands before the cursor and is not listed again, and one that
// changes stream (marked read) keeps its Position, so it cannot reappear behind the cursor
// either. Both streams are scanned for `limit` entries after the cursor; the first `limit` of
// their merge are the page.
//
// A brand filter passes over other brands' entries, at most kScanBudget per stream per page;
// past that the page ends early at the last key examined (its "horizon") and the cursor resumes
// there, so no request does unbounded work.
//
// A campaign/flow filter reads the attribution index (conversations attributed to it, thread
// order), their profiles, and sorts by Position: one pass per page, fine for the thousands of
// replies a campaign gets, capped at kMaxAttributed ("partial": true beyond).
//
// Built pages are kept in a ListingCache keyed by the parsed filter and cursor position (not the
// query text, so parameter order and spelling do not matter) and answered again while the store's
// Version() has not moved. Filter and cursor are checked before the cache is asked, so a bad
// request or an unconfigured brand is refused even when a page for it was cached.

#include <algorithm>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "boost/json/array.hpp"
#include "boost/json/monotonic_resource.hpp"
#include "daemon/api_conversations_internal.h"
#include "daemon/api_json.h"
#include "daemon/api_listing_cache.h"
#include "store/reader.h"

namespace confab::api::conversations {
namespace {

struct Entry {
  std::string position;  // EncodePosition
  store::ThreadId thread;
  std::optional<store::ProfileRecord> profile;  // read already (campaign listing) or later
};

// One stream's scan: entries strictly after `after`, and how far it looked.
struct Stream {
  std::vector<Entry> entries;
  std::optional<std::string> horizon;  // nullopt: reached the end of the stream
};

absl::StatusOr<Stream> ScanStream(const store::KvSource& source, const ListFilter& filter,
                                  bool unread, const std::optional<std::string>& after) {
  Stream out;
  out.entries.reserve(filter.limit);
  const std::string prefix = store::InboxPrefix(filter.state, unread);
  const std::string start = after ? prefix + *after : prefix;
  std::size_t passed_over = 0;
  absl::Status error;
  RETURN_IF_ERROR(
      source.Scan(store::Cf::kInbox, prefix, start, [&](std::string_view key, std::string_view) {
        if (after && key == start) {
          return true;  // the previous page's last entry
        }
        if (key.size() != store::kInboxKeySize) {
          error = absl::DataLossError("malformed key in the store's inbox family");
          return false;
        }
        const std::string_view position = key.substr(prefix.size());
        if (out.entries.size() >= filter.limit) {
          out.horizon = out.entries.back().position;  // something follows: not the end
          return false;
        }
        const Position decoded = DecodePosition(position);
        if (filter.brand && decoded.thread.brand != *filter.brand) {
          if (++passed_over >= kScanBudget) {
            out.horizon = std::string(position);
            return false;
          }
          return true;
        }
        out.entries.push_back({std::string(position), decoded.thread, std::nullopt});
        return true;
      }));
  RETURN_IF_ERROR(error);
  return out;
}

// The conversations of the campaign/flow in listing order, after `after`.
absl::StatusOr<Stream> ScanAttributed(const store::KvSource& source, const ListFilter& filter,
                                      const std::optional<std::string>& after, bool& partial) {
  const store::StoreReader reader(source);
  ASSIGN_OR_RETURN(std::vector<store::ThreadId> threads,
                   reader.ListAttributedThreads(filter.source_kind, filter.source_id, std::nullopt,
                                                kMaxAttributed + 1));
  partial = threads.size() > kMaxAttributed;
  threads.resize(std::min(threads.size(), kMaxAttributed));
  Stream out;
  for (const store::ThreadId& thread : threads) {
    if (filter.brand && thread.brand != *filter.brand) {
      continue;
    }
    ASSIGN_OR_RETURN(std::optional<store::ProfileRecord> profile, reader.GetProfile(thread));
    if (!profile || profile->state != filter.state ||
        (filter.unread && profile->unread != *filter.unread)) {
      continue;
    }
    std::string position =
        EncodePosition({static_cast<uint32_t>(profile->last_activity_ms / 1000), thread});
    if (after && position <= *after) {
      continue;
    }
    out.entries.push_back({std::move(position), thread, std::move(profile)});
  }
  std::sort(out.entries.begin(), out.entries.end(),
            [](const Entry& a, const Entry& b) { return a.position < b.position; });
  return out;
}

// The first `limit` entries of the streams' merge that every stream has looked at, and the
// position the next page starts after (nullopt: nothing follows).
std::vector<Entry> Merge(std::vector<Stream> streams, std::size_t limit,
                         std::optional<std::string>& next) {
  std::optional<std::string> horizon;  // the least far any stream looked
  for (const Stream& stream : streams) {
    if (stream.horizon && (!horizon || *stream.horizon < *horizon)) {
      horizon = stream.horizon;
    }
  }
  std::vector<Entry> merged;
  for (Stream& stream : streams) {
    for (Entry& entry : stream.entries) {
      if (!horizon || entry.position <= *horizon) {
        merged.push_back(std::move(entry));
      }
    }
  }
  std::sort(merged.begin(), merged.end(),
            [](const Entry& a, const Entry& b) { return a.position < b.position; });
  // A conversation that moved between the two scans may sit in both: keep its first.
  absl::flat_hash_set<std::pair<uint64_t, uint64_t>> seen;
  std::vector<Entry> page;
  page.reserve(limit);
  std::size_t taken_upto = 0;
  for (; taken_upto < merged.size() && page.size() < limit; ++taken_upto) {
    const store::ThreadId& thread = merged[taken_upto].thread;
    if (seen.insert({thread.brand, thread.profile}).second) {
      page.push_back(std::move(merged[taken_upto]));
    }
  }
  if (taken_upto < merged.size()) {
    next = page.back().position;
  } else {
    next = horizon;  // everything up to the horizon is listed; nullopt: the end
  }
  return page;
}

// What a page's answer depends on besides the store: the filter and where it starts.
std::string PageKey(const ListFilter& filter, const std::optional<std::string>& after) {
  std::string key = absl::StrCat(
      static_cast<int>(filter.state), ",", filter.unread ? (*filter.unread ? "1" : "0") : "-", ",",
      filter.brand ? absl::StrCat(*filter.brand) : "-", ",", static_cast<int>(filter.source_kind),
      ",", filter.source_id, ",", filter.limit, ",");
  if (after) {
    key.append(*after);
  }
  return key;
}

}  // namespace

absl::StatusOr<boost::json::object> ConversationItem(const store::StoreReader& reader,
                                                     const store::ThreadId& thread,
                                                     const store::ProfileRecord& profile,
                                                     boost::json::storage_ptr storage) {
  boost::json::object item = ConversationJson(thread, profile, storage);
  // The newest message is normally at the seq below next_message_seq; a reply the pipeline
  // queued with its MO reserves that seq before the sender writes it, so look further then.
  std::optional<store::ThreadMessage> newest;
  if (profile.next_message_seq > 0) {
    const store::MessageKey key{thread, profile.next_message_seq - 1};
    ASSIGN_OR_RETURN(std::optional<store::MessageRecord> record, reader.GetMessage(key));
    if (record) {
      newest = store::ThreadMessage{key, *std::move(record)};
    } else {
      ASSIGN_OR_RETURN(std::vector<store::ThreadMessage> list, reader.ListThread(thread, 1));
      if (!list.empty()) {
        newest = std::move(list.front());
      }
    }
  }
  item["preview"] = newest ? boost::json::value(PreviewJson(newest->key, newest->record, storage))
                           : boost::json::value(nullptr);
  return item;
}

HttpResponse ListConversations(const ApiDeps& deps, const ApiCall& call, ListingCache* cache) {
  absl::StatusOr<ListFilter> filter = ParseListFilter(call);
  if (!filter.ok()) {
    return ErrorFromStatus(filter.status());
  }
  if (filter->brand && deps.brand(*filter->brand) == nullptr) {
    return JsonError(404, "unknown_brand", "the brand number is not configured");
  }
  std::optional<std::string> after;
  if (std::optional<std::string> cursor = call.Query("cursor"); cursor && !cursor->empty()) {
    absl::StatusOr<Position> position = DecodeCursor(*filter, *cursor);
    if (!position.ok()) {
      return ErrorFromStatus(position.status());
    }
    after = EncodePosition(*position);
  }
  // Read before the page's reads: the page is at least this new (store/kv.h).
  const uint64_t version = deps.source->Version();
  std::string page_key;
  if (cache != nullptr) {
    page_key = PageKey(*filter, after);
    if (std::shared_ptr<const std::string> cached = cache->Find(page_key, version)) {
      return JsonResponse(200, *cached);
    }
  }

  std::vector<Stream> streams;
  bool partial = false;
  if (filter->source_kind != store::AttributionKind::kNone) {
    absl::StatusOr<Stream> attributed = ScanAttributed(*deps.source, *filter, after, partial);
    if (!attributed.ok()) {
      return ErrorFromStatus(attributed.status());
    }
    streams.push_back(*std::move(attributed));
  } else {
    for (bool unread : {true, false}) {
      if (filter->unread && *filter->unread != unread) {
        continue;
      }
      absl::StatusOr<Stream> stream = ScanStream(*deps.source, *filter, unread, after);
      if (!stream.ok()) {
        return ErrorFromStatus(stream.status());
      }
      streams.push_back(*std::move(stream));
    }
  }
  std::optional<std::string> next;
  std::vector<Entry> page = Merge(std::move(streams), filter->limit, next);

  boost::json::monotonic_resource resource(64 * 1024);
  boost::json::storage_ptr storage(&resource);
  boost::json::object body(storage);
  boost::json::array& items = body["conversations"].emplace_array();
  items.reserve(page.size());
  const store::StoreReader reader(*deps.source);
  for (Entry& entry : page) {
    if (!entry.profile) {
      absl::StatusOr<std::optional<store::ProfileRecord>> profile = reader.GetProfile(entry.thread);
      if (!profile.ok()) {
        return ErrorFromStatus(profile.status());
      }
      if (!*profile) {
        continue;  // an index entry without its record: nothing to show
      }
      entry.profile = **profile;
    }
    absl::StatusOr<boost::json::object> item =
        ConversationItem(reader, entry.thread, *entry.profile, storage);
    if (!item.ok()) {
      return ErrorFromStatus(item.status());
    }
    items.push_back(*std::move(item));
  }
  body["next_cursor"] = next ? boost::json::value(EncodeCursor(*filter, DecodePosition(*next)))
                             : boost::json::value(nullptr);
  if (filter->source_kind != store::AttributionKind::kNone) {
    body["partial"] = partial;
  }
  HttpResponse answer = Json(body);
  if (cache != nullptr) {
    cache->Insert(std::move(page_key), version, std::make_shared<const std::string>(answer.body));
  }
  return answer;
}

}  // namespace confab::api::conversations
