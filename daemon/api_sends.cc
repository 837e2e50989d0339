// POST /v1/sends — campaign and flow sends (product §5, §6): one message per recipient, refused
// per recipient when not subscribed, blocked or not a number; the recipient's attribution
// candidate is set so that its next inbound within the window is attributed to the send.

#include <atomic>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "boost/json/array.hpp"
#include "boost/json/parse.hpp"
#include "daemon/api_actions_internal.h"
#include "smpp/segment.h"

namespace confab::api::actions {
namespace {

constexpr std::size_t kMaxRecipients = 1000;

struct Send {
  store::MessageKind kind = store::MessageKind::kCampaign;
  store::AttributionKind attribution = store::AttributionKind::kCampaign;
  uint64_t id = 0;
  uint64_t brand = 0;
  std::shared_ptr<const config::NumberConfig> brand_config;
  std::string text;
  std::vector<std::string> recipients;  // as given (a non-string is "")
};

absl::StatusOr<Send> SendOf(const ApiCall& call, const ApiDeps& deps) {
  absl::StatusOr<boost::json::object> body = JsonBody(call);
  if (!body.ok()) {
    return body.status();
  }
  Send send;
  const boost::json::value* kind = body->if_contains("kind");
  const std::string_view kind_name =
      kind != nullptr && kind->is_string() ? View(kind->as_string()) : "";
  if (kind_name == "flow") {
    send.kind = store::MessageKind::kFlow;
    send.attribution = store::AttributionKind::kFlow;
  } else if (kind_name != "campaign") {
    return absl::InvalidArgumentError("kind must be campaign or flow");
  }
  const boost::json::value* id = body->if_contains("id");
  if (id != nullptr && id->is_uint64()) {
    send.id = id->as_uint64();
  } else if (id != nullptr && id->is_int64() && id->as_int64() >= 0) {
    send.id = static_cast<uint64_t>(id->as_int64());
  } else {
    return absl::InvalidArgumentError("id must be a non-negative integer (the campaign/flow id)");
  }
  const boost::json::value* brand = body->if_contains("brand");
  absl::StatusOr<uint64_t> brand_id = brand != nullptr && brand->is_string()
                                          ? store::NumberId(View(brand->as_string()))
                                          : absl::InvalidArgumentError("");
  if (!brand_id.ok()) {
    return absl::InvalidArgumentError("brand must be the brand number, E.164 or short code");
  }
  send.brand = *brand_id;
  const boost::json::value* text = body->if_contains("text");
  if (text == nullptr || !text->is_string() || text->as_string().empty()) {
    return absl::InvalidArgumentError("text must be a non-empty string");
  }
  send.text = std::string(View(text->as_string()));
  if (smpp::AnalyzeText(send.text).segments > smpp::kMaxParts) {
    return absl::InvalidArgumentError(
        absl::StrCat("text is longer than ", smpp::kMaxParts, " SMS segments"));
  }
  const boost::json::value* recipients = body->if_contains("recipients");
  if (recipients == nullptr || !recipients->is_array() || recipients->as_array().empty() ||
      recipients->as_array().size() > kMaxRecipients) {
    return absl::InvalidArgumentError(
        absl::StrCat("recipients must be an array of 1 to ", kMaxRecipients, " numbers per call"));
  }
  for (const boost::json::value& recipient : recipients->as_array()) {
    send.recipients.emplace_back(recipient.is_string() ? View(recipient.as_string()) : "");
  }
  absl::StatusOr<std::shared_ptr<const config::NumberConfig>> config = BrandOf(deps, send.brand);
  if (!config.ok()) {
    return config.status();
  }
  send.brand_config = *std::move(config);
  return send;
}

// The error code a failed recipient reports: a refusal's own, else the HTTP error's.
std::string CodeOf(const absl::Status& status) {
  const HttpResponse response = ErrorResponse(status);
  boost::system::error_code ec;
  const boost::json::value body = boost::json::parse(response.body, ec);
  const boost::json::value* code = ec ? nullptr : body.find_pointer("/error/code", ec);
  return code != nullptr && code->is_string() ? std::string(View(code->as_string())) : "internal";
}

boost::json::object Refused(const std::string& recipient, std::string_view code,
                            std::string_view message) {
  boost::json::object json;
  json["recipient"] = recipient;
  json["status"] = "refused";
  json["code"] = code;
  json["message"] = message;
  json["message_id"] = nullptr;
  json["segments"] = nullptr;
  return json;
}

struct Results {
  explicit Results(std::size_t count, Respond answer)
      : results(count), pending(count + 1), respond(std::move(answer)) {}
  std::vector<boost::json::object> results;
  std::atomic<std::size_t> pending;  // recipients not done, +1 while they are being issued
  Respond respond;

  void Done() {
    if (pending.fetch_sub(1) != 1) {
      return;
    }
    boost::json::array list;
    std::size_t queued = 0;
    for (boost::json::object& result : results) {
      queued += result.at("status") == "queued" ? 1 : 0;
      list.push_back(std::move(result));
    }
    boost::json::object json;
    json["queued"] = queued;
    json["refused"] = list.size() - queued;
    json["results"] = std::move(list);
    std::move(respond)(Json(json));
  }
};

void Sends(const ApiDeps& deps, const std::shared_ptr<Worker>& worker, ApiCall call,
           Respond respond) {
  absl::StatusOr<Send> send = SendOf(call, deps);
  if (!send.ok()) {
    std::move(respond)(ErrorResponse(send.status()));
    return;
  }
  auto results = std::make_shared<Results>(send->recipients.size(), std::move(respond));
  absl::flat_hash_set<uint64_t> seen;
  // Different recipients are different threads: their mutations go to the pipeline one after
  // another without waiting, and are committed together.
  for (std::size_t i = 0; i < send->recipients.size(); ++i) {
    const std::string& recipient = send->recipients[i];
    absl::StatusOr<uint64_t> profile = store::NumberId(recipient);
    if (recipient.empty() || recipient[0] != '+' || !profile.ok()) {
      results->results[i] =
          Refused(recipient, "invalid_number", "not an E.164 number (+15551234567)");
      results->Done();
      continue;
    }
    if (!seen.insert(*profile).second) {
      results->results[i] = Refused(recipient, "duplicate", "listed earlier in this send");
      results->Done();
      continue;
    }
    OutboundRequest request;
    request.thread = {send->brand, *profile};
    request.brand = send->brand_config;
    request.kind = send->kind;
    request.texts = {send->text};
    request.attribution = send->attribution;
    request.attribution_id = send->id;
    QueueOutbound(deps, worker, std::move(request),
                  [results, i, recipient](absl::StatusOr<std::vector<PreparedText>> done) {
                    if (!done.ok()) {
                      results->results[i] = Refused(recipient, CodeOf(done.status()),
                                                    std::string(done.status().message()));
                      if (!absl::IsFailedPrecondition(done.status())) {
                        results->results[i]["status"] = "failed";  // not a rule: try again
                      }
                    } else {
                      const PreparedText& text = done->front();
                      boost::json::object json;
                      json["recipient"] = recipient;
                      json["status"] = "queued";
                      json["code"] = nullptr;
                      json["message"] = nullptr;
                      json["message_id"] = *text.seq;
                      json["segments"] = text.segments;
                      json["encoding"] = EncodingName(text.encoding);
                      json["delivery"] = DeliveryName(text.delivery);
                      json["quiet_hours"] = text.quiet.verdict;
                      results->results[i] = std::move(json);
                    }
                    results->Done();
                  });
  }
  results->Done();
}

}  // namespace

void InstallSendRoutes(ApiRoutes& routes, const ApiDeps& deps, std::shared_ptr<Worker> worker) {
  routes.Add("POST", "/v1/sends", Access::kConversations,
             [deps, worker](ApiCall call, Respond respond) {
               Sends(deps, worker, std::move(call), std::move(respond));
             });
}

}  // namespace confab::api::actions
