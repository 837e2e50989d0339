// The conversation listing's filters and cursor (api_conversations_internal.h).

#include <xxhash.h>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "daemon/api_conversations_internal.h"
#include "daemon/api_json.h"
#include "store/coding.h"

namespace confab::api::conversations {
namespace {

constexpr uint8_t kCursorVersion = 1;
// Seeds the checksum so that it is not a plain XXH3 of the payload: a checksum, not a secret (a
// forged cursor could only name another position of a listing the caller may read anyway).
constexpr uint64_t kCursorSeed = 0x636f6e6661622d31;  // "confab-1"
// version(1) state(1) unread(1) brand flag(1) brand(8) kind(1) id(8) position(20) check(8)
constexpr std::size_t kCursorBytes = 1 + 1 + 1 + 1 + 8 + 1 + 8 + kPositionSize + 8;

absl::StatusOr<store::ConversationState> ParseState(std::string_view text) {
  // The names the API writes (StateName) are the ones it reads; "none" lists nothing.
  for (const store::ConversationState state :
       {store::ConversationState::kOpen, store::ConversationState::kSnoozed,
        store::ConversationState::kClosed}) {
    if (text == StateName(state)) {
      return state;
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "query parameter state must be open, snoozed or closed, not '", std::string(text), "'"));
}

// Everything in the cursor but the position and the checksum: the listing it belongs to.
std::string FilterBytes(const ListFilter& filter) {
  std::string out;
  out.push_back(static_cast<char>(kCursorVersion));
  out.push_back(static_cast<char>(filter.state));
  out.push_back(static_cast<char>(filter.unread ? (*filter.unread ? 1 : 0) : 2));
  out.push_back(static_cast<char>(filter.brand ? 1 : 0));
  store::PutBigEndian64(out, filter.brand.value_or(0));
  out.push_back(static_cast<char>(filter.source_kind));
  store::PutBigEndian64(out, filter.source_id);
  return out;
}

}  // namespace

std::string EncodePosition(const Position& position) {
  std::string out;
  out.reserve(kPositionSize);
  store::PutBigEndian32(out, ~position.activity_s);
  store::PutBigEndian64(out, position.thread.brand);
  store::PutBigEndian64(out, position.thread.profile);
  return out;
}

Position DecodePosition(std::string_view bytes) {
  Position out;
  store::ByteReader reader(bytes);
  uint32_t inverted = 0;
  reader.BigEndian32(inverted);
  reader.BigEndian64(out.thread.brand);
  reader.BigEndian64(out.thread.profile);
  out.activity_s = ~inverted;
  return out;
}

absl::StatusOr<ListFilter> ParseListFilter(const ApiCall& call) {
  ListFilter filter;
  if (std::optional<std::string> state = call.Query("state")) {
    ASSIGN_OR_RETURN(filter.state, ParseState(*state));
  }
  ASSIGN_OR_RETURN(filter.unread, QueryBool(call, "unread"));
  if (std::optional<std::string> brand = call.Query("brand")) {
    absl::StatusOr<uint64_t> id = store::NumberId(*brand);
    if (!id.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("query parameter brand '", *brand,
                                                     "' is not an E.164 number or a short code"));
    }
    filter.brand = *id;
  }
  for (auto [name, kind] : {std::pair{"campaign", store::AttributionKind::kCampaign},
                            std::pair{"flow", store::AttributionKind::kFlow}}) {
    std::optional<std::string> text = call.Query(name);
    if (!text) {
      continue;
    }
    if (filter.source_kind != store::AttributionKind::kNone) {
      return absl::InvalidArgumentError("give campaign or flow, not both");
    }
    if (!absl::SimpleAtoi(*text, &filter.source_id)) {
      return absl::InvalidArgumentError(
          absl::StrCat("query parameter ", name, " must be an integer id, not '", *text, "'"));
    }
    filter.source_kind = kind;
  }
  if (std::optional<std::string> limit = call.Query("limit")) {
    std::size_t value = 0;
    if (!absl::SimpleAtoi(*limit, &value) || value < 1 || value > kMaxLimit) {
      return absl::InvalidArgumentError(
          absl::StrCat("query parameter limit must be an integer from 1 to ", kMaxLimit, ", not '",
                       *limit, "'"));
    }
    filter.limit = value;
  }
  return filter;
}

std::string EncodeCursor(const ListFilter& filter, const Position& last) {
  std::string bytes = FilterBytes(filter);
  bytes += EncodePosition(last);
  store::PutBigEndian64(bytes, XXH3_64bits_withSeed(bytes.data(), bytes.size(), kCursorSeed));
  return absl::WebSafeBase64Escape(bytes);
}

absl::StatusOr<Position> DecodeCursor(const ListFilter& filter, std::string_view cursor) {
  std::string bytes;
  if (!absl::WebSafeBase64Unescape(std::string(cursor), &bytes) || bytes.size() != kCursorBytes) {
    return absl::InvalidArgumentError("cursor is not one this API handed out");
  }
  const std::string_view body = std::string_view(bytes).substr(0, kCursorBytes - 8);
  store::ByteReader check(std::string_view(bytes).substr(body.size()));
  uint64_t sum = 0;
  if (!check.BigEndian64(sum) ||
      sum != XXH3_64bits_withSeed(body.data(), body.size(), kCursorSeed)) {
    return absl::InvalidArgumentError("cursor is damaged or was altered");
  }
  const std::string expected = FilterBytes(filter);
  if (body.substr(0, expected.size()) != expected) {
    return absl::InvalidArgumentError(
        "cursor belongs to a listing with other filters (state, unread, brand, campaign, flow)");
  }
  return DecodePosition(body.substr(expected.size()));
}

}  // namespace confab::api::conversations
