#include "daemon/redirect.h"

#include <algorithm>
#include <array>
#include <utility>

#include "absl/strings/ascii.h"
#include "daemon/logging.h"
#include "daemon/shortener.h"

namespace confab {
namespace {

constexpr std::string_view kNotFoundPage =
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    "<title>Link not found</title></head>\n<body><h1>Link not found</h1>"
    "<p>This link does not exist or has expired.</p></body></html>\n";

HttpResponse NotFoundPage() {
  HttpResponse response;
  response.status = 404;
  response.content_type = "text/html; charset=utf-8";
  response.body = std::string(kNotFoundPage);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

HttpResponse PlainError(int status, std::string_view message) {
  HttpResponse response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::string(message);
  return response;
}

// A Location value must not carry anything that could end or fold the header.
bool IsSafeHeaderValue(std::string_view value) {
  return !value.empty() && std::none_of(value.begin(), value.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
}

}  // namespace

BotDetector::BotDetector(const std::vector<std::string>& agents) {
  for (const std::string& agent : agents) {
    if (!agent.empty()) {
      agents_.push_back(absl::AsciiStrToLower(agent));
    }
  }
}

bool BotDetector::IsBot(std::string_view user_agent) const {
  // Lower-cased on the stack: this runs once per click on the I/O thread, and a browser's
  // User-Agent (~100-200 bytes) would otherwise cost an allocation. Longer ones take the heap.
  constexpr std::size_t kStackBytes = 512;
  std::array<char, kStackBytes> stack;
  std::string heap;
  char* lower = stack.data();
  if (user_agent.size() > kStackBytes) {
    heap.resize(user_agent.size());
    lower = heap.data();
  }
  std::transform(user_agent.begin(), user_agent.end(), lower,
                 [](char c) { return absl::ascii_tolower(static_cast<unsigned char>(c)); });
  const std::string_view text(lower, user_agent.size());
  return std::any_of(agents_.begin(), agents_.end(), [&](const std::string& agent) {
    return text.find(agent) != std::string_view::npos;
  });
}

RedirectService::RedirectService(LinkStore* store, BotDetector bots, Clock clock)
    : store_(store),
      bots_(std::make_shared<const BotDetector>(std::move(bots))),
      clock_(clock ? std::move(clock) : Clock([] { return absl::Now(); })) {}

HttpResponse RedirectService::Handle(const HttpRequest& request) const {
  const bool head = request.method == "HEAD";
  if (request.method != "GET" && !head) {
    HttpResponse response = PlainError(405, "method not allowed\n");
    response.headers.emplace_back("Allow", "GET, HEAD");
    return response;
  }
  const std::string_view path = request.Path();
  if (path.size() != 1 + kShortCodeLength || path.front() != '/' || !IsShortCode(path.substr(1))) {
    return NotFoundPage();
  }
  const std::string_view code = path.substr(1);
  absl::StatusOr<std::optional<LinkRecord>> record = store_->Get(code);
  if (!record.ok()) {
    Logger("links")->error("reading short link {}: {}", code, record.status().ToString());
    return PlainError(503, "temporarily unavailable\n");
  }
  const absl::Time now = clock_();
  if (!record->has_value() || now >= (*record)->expires || !IsSafeHeaderValue((*record)->url)) {
    return NotFoundPage();
  }
  if (!head) {
    const std::string_view agent = request.Header("User-Agent");
    const bool is_bot = bots_.load()->IsBot(agent);
    // The link Get has just found: the store does not look it up again.
    if (absl::Status recorded =
            store_->RecordClick(code, LinkClick{now, std::string(agent), is_bot});
        !recorded.ok()) {
      Logger("links")->warn("click on {} not recorded: {}", code, recorded.ToString());
    }
  }
  HttpResponse response;
  response.status = 302;
  response.content_type = "text/plain; charset=utf-8";
  response.headers.reserve(2);
  response.headers.emplace_back("Location", std::move((*record)->url));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

void RedirectService::SetBots(BotDetector bots) {
  bots_.store(std::make_shared<const BotDetector>(std::move(bots)));
}

void RedirectService::Install(HttpRouter& router) const {
  router.SetFallback([this](const HttpRequest& request) { return Handle(request); });
}

}  // namespace confab
