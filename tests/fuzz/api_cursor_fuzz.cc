// libFuzzer target: the conversation listing's query filters and opaque cursor
// (daemon/api_conversations_internal.h). Both come from API clients. Input layout:
//   <query string> '\n' <cursor> '\n' <position bytes>
// The query goes through ParseListFilter (via ApiCall::Query's percent-decoding); the cursor
// through DecodeCursor for the parsed filter. Whatever the bytes, nothing may crash; and a
// cursor made by EncodeCursor decodes back to its position for its listing (limit aside) and is
// refused for another listing.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "daemon/api.h"
#include "daemon/api_conversations_internal.h"
#include "store/schema.h"
#include "tests/fuzz/fuzz_check.h"

using confab::fuzz::Check;

namespace {

namespace conv = confab::api::conversations;

// The next '\n'-terminated field of `rest` (all of it when there is no '\n').
std::string_view TakeField(std::string_view& rest) {
  const std::size_t end = rest.find('\n');
  const std::string_view field = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  return field;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string_view query = TakeField(rest);
  const std::string_view cursor = TakeField(rest);

  confab::api::ApiCall call;
  call.http.method = "GET";
  call.http.target = "/v1/conversations?" + std::string(query);
  const absl::StatusOr<conv::ListFilter> parsed = conv::ParseListFilter(call);
  if (!parsed.ok()) {
    Check(parsed.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }
  const conv::ListFilter& filter = *parsed;
  Check(filter.limit >= 1 && filter.limit <= conv::kMaxLimit);
  Check(filter.state != confab::store::ConversationState::kNone);
  if (filter.brand) {
    Check(confab::store::NumberId(confab::store::NumberText(*filter.brand)).value_or(0) ==
          *filter.brand);
  }

  // Arbitrary cursor text: decoded or refused, never a crash; a decoded one re-encodes to a
  // cursor that decodes to the same position.
  const absl::StatusOr<conv::Position> decoded = conv::DecodeCursor(filter, cursor);
  if (decoded.ok()) {
    const absl::StatusOr<conv::Position> again =
        conv::DecodeCursor(filter, conv::EncodeCursor(filter, *decoded));
    Check(again.ok() && *again == *decoded);
  } else {
    Check(decoded.status().code() == absl::StatusCode::kInvalidArgument);
  }

  // Round trip of a position taken from the remaining bytes.
  std::string position_bytes(rest.substr(0, conv::kPositionSize));
  position_bytes.resize(conv::kPositionSize, '\0');
  const conv::Position position = conv::DecodePosition(position_bytes);
  Check(conv::EncodePosition(position) == position_bytes);
  const std::string made = conv::EncodeCursor(filter, position);
  const absl::StatusOr<conv::Position> back = conv::DecodeCursor(filter, made);
  Check(back.ok() && *back == position);

  // The limit is not part of the listing; every other filter is.
  conv::ListFilter other_limit = filter;
  other_limit.limit = filter.limit == 1 ? 2 : 1;
  Check(conv::DecodeCursor(other_limit, made).ok());
  conv::ListFilter other_state = filter;
  other_state.state = filter.state == confab::store::ConversationState::kOpen
                          ? confab::store::ConversationState::kClosed
                          : confab::store::ConversationState::kOpen;
  Check(!conv::DecodeCursor(other_state, made).ok());
  conv::ListFilter other_unread = filter;
  other_unread.unread = filter.unread ? std::nullopt : std::optional<bool>(true);
  Check(!conv::DecodeCursor(other_unread, made).ok());
  conv::ListFilter other_source = filter;
  other_source.source_id = filter.source_id + 1;
  Check(!conv::DecodeCursor(other_source, made).ok());

  // A cursor with one character changed is refused (or, if still well-formed, still names a
  // position of this listing: base64 has several spellings of the last bits).
  if (!made.empty()) {
    std::string altered = made;
    const std::size_t at = static_cast<std::size_t>(position.activity_s) % altered.size();
    altered[at] = altered[at] == 'A' ? 'B' : 'A';
    const absl::StatusOr<conv::Position> damaged = conv::DecodeCursor(filter, altered);
    Check(!damaged.ok() || at + 1 == altered.size());
  }
  return 0;
}
