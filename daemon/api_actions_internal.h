#pragma once

// Internal to the action endpoints (api_actions.cc, api_queue.cc, api_replies.cc, api_states.cc,
// api_consent.cc, api_sends.cc): refusals with their API code, JSON pieces, the worker that
// re-prepares a send whose message seq was taken meanwhile, and the outbound queueing that
// replies and campaign sends share.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "boost/json/object.hpp"
#include "boost/json/string.hpp"
#include "daemon/api.h"
#include "daemon/api_json.h"
#include "store/records.h"
#include "store/schema.h"

namespace confab::api::actions {

// A refusal with its own API code: `http` 404 → NotFound, 409 → FailedPrecondition; the code
// travels as the status's payload so that ErrorResponse answers {"error": {"code": code}}.
absl::Status RuleError(int http, std::string_view code, std::string_view message);
// The HTTP answer for any status: RuleError's code when it has one, else ErrorFromStatus.
HttpResponse ErrorResponse(const absl::Status& status);

inline std::string_view View(const boost::json::string& text) {
  return std::string_view(text.data(), text.size());
}

// RFC 3339 (any offset) → ms since the epoch; InvalidArgument naming `field` otherwise.
absl::StatusOr<uint64_t> ParseTime(std::string_view text, std::string_view field);

// The thread of the path and its configured brand number: 400 bad number, 404 unknown brand.
struct Target {
  store::ThreadId thread;
  std::shared_ptr<const config::NumberConfig> brand;
};
absl::StatusOr<Target> TargetOf(const ApiCall& call, const ApiDeps& deps);
absl::StatusOr<std::shared_ptr<const config::NumberConfig>> BrandOf(const ApiDeps& deps,
                                                                    uint64_t brand);

// Runs posted tasks in order on its own thread; the destructor runs what is left, then joins
// (so its tasks must not own it: sends in flight hold it weakly).
class Worker {
 public:
  Worker();
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;
  void Post(absl::AnyInvocable<void() &&> task);

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<absl::AnyInvocable<void() &&>> tasks_;
  bool stopping_ = false;
  std::thread thread_;
};

// --- Outbound texts (api_queue.cc) ---------------------------------------------------------

struct OutboundRequest {
  store::ThreadId thread;
  std::shared_ptr<const config::NumberConfig> brand;
  store::MessageKind kind = store::MessageKind::kAgentReply;  // or kCampaign / kFlow
  std::vector<std::string> texts;                             // in order, each ≤ 255 segments
  store::AttributionKind attribution = store::AttributionKind::kNone;
  uint64_t attribution_id = 0;
  bool dry_run = false;
};

struct QuietOutcome {
  std::string policy;   // "warn", "defer", "off"
  std::string verdict;  // "inside", "outside" (sent, flagged), "defer", "off", "unknown"
  std::string reason;
  uint64_t defer_until_ms = 0;  // verdict "defer": when the window opens
};

struct PreparedText {
  std::optional<uint32_t> seq;  // the message id; none in a dry run
  std::string text;             // final: shortened (dry run: with placeholder codes)
  std::size_t links = 0;        // URLs replaced
  store::TextEncoding encoding = store::TextEncoding::kGsm7;
  std::size_t segments = 1;
  QuietOutcome quiet;
  uint64_t due_ms = 0;
  store::DeliveryState delivery = store::DeliveryState::kQueued;
};

// The refusal of an outbound text to `profile` (nullopt: no record) of `kind`, or OK: an agent
// reply needs a conversation (404 → 409 no_conversation), every kind an unblocked (409 blocked),
// subscribed (409 not_subscribed) profile (product §6).
absl::Status CheckOutbound(const std::optional<store::ProfileRecord>& profile,
                           store::MessageKind kind);

using OutboundDone = absl::AnyInvocable<void(absl::StatusOr<std::vector<PreparedText>>) &&>;
// Checks, finalizes (shortening, encoding, segments, quiet hours) and — unless a dry run — queues
// the texts in one mutation of the thread; `done` runs once durable (any thread). Blocks the
// caller for the profile read and the link inserts (call it on the API worker).
void QueueOutbound(const ApiDeps& deps, std::shared_ptr<Worker> worker, OutboundRequest request,
                   OutboundDone done);

// A JSON object per prepared text (the reply and send answers).
boost::json::object PreparedJson(const store::ThreadId& thread, const PreparedText& text);

// --- Route groups -------------------------------------------------------------------------

void InstallReplyRoutes(ApiRoutes& routes, const ApiDeps& deps, std::shared_ptr<Worker> worker);
void InstallStateRoutes(ApiRoutes& routes, const ApiDeps& deps);
void InstallConsentRoutes(ApiRoutes& routes, const ApiDeps& deps);
void InstallSendRoutes(ApiRoutes& routes, const ApiDeps& deps, std::shared_ptr<Worker> worker);

}  // namespace confab::api::actions
