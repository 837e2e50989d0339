#pragma once

// The public redirect endpoint for short links (product §7), served on its own listener
// ([links].address/port), never on the admin API's.
//
// - GET /{code}  -> 302, Location: the stored target, Cache-Control: no-store; a click is
//   recorded (time, user agent, and whether the agent is a known link-preview bot).
// - HEAD /{code} -> the same answer without a body, and NO click: HEAD is what link checkers
//   and some preview fetchers send, never a person following the link.
// - Unknown code, malformed path, expired link -> 404 with a small HTML page.
// - Any other method -> 405 (Allow: GET, HEAD). Nothing else is served on this listener.
// A failure to record a click is logged and does not stop the redirect: the person still gets
// where the link goes. A failure to read the store answers 503.

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "daemon/http_types.h"
#include "daemon/link_store.h"

namespace confab {

// Known link-preview fetchers, by case-insensitive substring of the User-Agent.
class BotDetector {
 public:
  explicit BotDetector(const std::vector<std::string>& agents);
  bool IsBot(std::string_view user_agent) const;

 private:
  std::vector<std::string> agents_;  // lower case
};

class RedirectService {
 public:
  using Clock = std::function<absl::Time()>;
  // `store` must outlive the service; `clock` defaults to absl::Now.
  RedirectService(LinkStore* store, BotDetector bots, Clock clock = nullptr);

  HttpResponse Handle(const HttpRequest& request) const;

  // Replaces the bot list ([links].bot_user_agents, on SIGHUP) for the requests that start from
  // now on; requests being handled finish with the list they started with. Thread-safe, and the
  // I/O threads never wait on it beyond an atomic load.
  void SetBots(BotDetector bots);

  // Routes every request of `router` here (its fallback); the router should have no other
  // routes.
  void Install(HttpRouter& router) const;

 private:
  LinkStore* store_;
  std::atomic<std::shared_ptr<const BotDetector>> bots_;
  Clock clock_;
};

}  // namespace confab
