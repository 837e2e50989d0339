// POST /v1/conversations/{brand}/{profile}/replies — agent replies (product §6, §7).

#include <utility>

#include "absl/strings/str_cat.h"
#include "boost/json/array.hpp"
#include "daemon/api_actions_internal.h"
#include "smpp/segment.h"

namespace confab::api::actions {
namespace {

constexpr std::size_t kMaxTextsPerReply = 10;

// One text: non-empty, at most 255 SMS (shortening never lengthens, so what fits now fits then).
absl::Status CheckText(const boost::json::value& value, std::string_view field) {
  if (!value.is_string()) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(field), " must be a string"));
  }
  const boost::json::string& text = value.as_string();
  if (text.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(field), " must not be empty"));
  }
  if (smpp::AnalyzeText(View(text)).segments > smpp::kMaxParts) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(field), " is longer than ", smpp::kMaxParts, " SMS segments"));
  }
  return absl::OkStatus();
}

// {"text": "..."} or {"texts": ["...", ...]} — exactly one of them.
absl::StatusOr<std::vector<std::string>> TextsOf(const boost::json::object& body) {
  const boost::json::value* text = body.if_contains("text");
  const boost::json::value* texts = body.if_contains("texts");
  if ((text == nullptr) == (texts == nullptr)) {
    return absl::InvalidArgumentError("the body needs exactly one of text or texts");
  }
  std::vector<std::string> out;
  if (text != nullptr) {
    if (absl::Status status = CheckText(*text, "text"); !status.ok()) {
      return status;
    }
    out.emplace_back(text->as_string());
    return out;
  }
  if (!texts->is_array() || texts->as_array().empty() ||
      texts->as_array().size() > kMaxTextsPerReply) {
    return absl::InvalidArgumentError(
        absl::StrCat("texts must be an array of 1 to ", kMaxTextsPerReply, " strings"));
  }
  for (std::size_t i = 0; i < texts->as_array().size(); ++i) {
    const boost::json::value& item = texts->as_array()[i];
    if (absl::Status status = CheckText(item, absl::StrCat("texts[", i, "]")); !status.ok()) {
      return status;
    }
    out.emplace_back(item.as_string());
  }
  return out;
}

void Reply(const ApiDeps& deps, const std::shared_ptr<Worker>& worker, ApiCall call,
           Respond respond) {
  absl::StatusOr<Target> target = TargetOf(call, deps);
  absl::StatusOr<std::optional<bool>> dry_run = QueryBool(call, "dry_run");
  absl::StatusOr<boost::json::object> body = JsonBody(call);
  absl::StatusOr<std::vector<std::string>> texts =
      body.ok() ? TextsOf(*body) : absl::StatusOr<std::vector<std::string>>(body.status());
  for (const absl::Status& status : {target.status(), dry_run.status(), texts.status()}) {
    if (!status.ok()) {
      std::move(respond)(ErrorResponse(status));
      return;
    }
  }
  OutboundRequest request;
  request.thread = target->thread;
  request.brand = target->brand;
  request.kind = store::MessageKind::kAgentReply;
  request.texts = *std::move(texts);
  request.dry_run = dry_run->value_or(false);
  const store::ThreadId thread = request.thread;
  const bool preview = request.dry_run;
  QueueOutbound(deps, worker, std::move(request),
                [thread, preview, respond = std::move(respond)](
                    absl::StatusOr<std::vector<PreparedText>> done) mutable {
                  if (!done.ok()) {
                    std::move(respond)(ErrorResponse(done.status()));
                    return;
                  }
                  boost::json::array replies;
                  for (const PreparedText& text : *done) {
                    replies.push_back(PreparedJson(thread, text));
                  }
                  boost::json::object json;
                  json["brand"] = store::NumberText(thread.brand);
                  json["profile"] = store::NumberText(thread.profile);
                  json["dry_run"] = preview;
                  json["replies"] = std::move(replies);
                  std::move(respond)(Json(json));
                });
}

}  // namespace

void InstallReplyRoutes(ApiRoutes& routes, const ApiDeps& deps, std::shared_ptr<Worker> worker) {
  routes.Add("POST", "/v1/conversations/{brand}/{profile}/replies", Access::kConversations,
             [deps, worker](ApiCall call, Respond respond) {
               Reply(deps, worker, std::move(call), std::move(respond));
             });
}

}  // namespace confab::api::actions
