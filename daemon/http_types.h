#pragma once

// HTTP request and response as the admin API's handlers see them. Plain structs, so handlers and
// their tests never include Beast; only admin_server.cc converts to and from Beast's types.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"

namespace confab {

struct HttpRequest {
  std::string method;  // "GET", "POST", …
  std::string target;  // path and query, as received
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Filled by the router: the route pattern's {name} segments, percent-decoded.
  std::vector<std::pair<std::string, std::string>> path_params;

  // The path without the query string.
  std::string_view Path() const;
  // The value of the first header named `name` (case-insensitive), or "".
  std::string_view Header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// %XX sequences decoded (a malformed one is kept as written); with plus_is_space, '+' is a
// space (query strings), else kept (paths: "+1555…" stays a number).
std::string PercentDecode(std::string_view text, bool plus_is_space);

// A response with a JSON body.
HttpResponse JsonResponse(int status, std::string body);

// A JSON error body in the API's one shape: {"error": {"code": "...", "message": "..."}}.
HttpResponse JsonError(int status, std::string_view code, std::string_view message);

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;
// Answers a request exactly once, from any thread.
using HttpRespond = absl::AnyInvocable<void(HttpResponse) &&>;
// A handler that answers later (or at once) through its HttpRespond.
using AsyncHttpHandler = std::function<void(HttpRequest request, HttpRespond respond)>;

// Routing by method and path. A path is exact ("/metrics") or a pattern whose segments may be
// "{name}", matching one non-empty segment ("/v1/conversations/{brand}/{profile}"); the matched
// segments reach the handler percent-decoded in HttpRequest::path_params. Unknown path → 404,
// known path with another method → 405; both as JSON errors. With a fallback set, the fallback
// answers unknown paths instead of the 404 (the short-link listener routes everything to one
// handler this way).
class HttpRouter {
 public:
  void Add(std::string method, std::string path, HttpHandler handler);
  void AddAsync(std::string method, std::string path, AsyncHttpHandler handler);
  void SetFallback(HttpHandler handler);
  // Answers synchronously; for an async route, waits for its answer (tests only).
  HttpResponse Route(const HttpRequest& request) const;
  // Answers through `respond`: synchronous routes at once, async ones when they answer.
  void Dispatch(HttpRequest request, HttpRespond respond) const;
  // For servers: a synchronous route's answer (or the 404/405/fallback answer), returned at
  // once; for an async route nullopt, with `*async` set to its handler for the caller to run
  // with `request` (whose path_params are filled).
  std::optional<HttpResponse> Answer(HttpRequest& request, const AsyncHttpHandler** async) const;

 private:
  struct Route_ {
    std::string method;
    std::vector<std::string> segments;  // of the path; "{name}" matches any one segment
    HttpHandler handler;
    AsyncHttpHandler async_handler;
  };
  // The route for the request (with path_params filled), or the error/fallback answer.
  const Route_* Find(HttpRequest& request, HttpResponse& refusal) const;
  std::vector<Route_> routes_;
  HttpHandler fallback_;
};

}  // namespace confab
