#pragma once

// HTTP request and response as the admin API's handlers see them. Plain structs, so handlers and
// their tests never include Beast; only admin_server.cc converts to and from Beast's types.

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace confab {

struct HttpRequest {
  std::string method;  // "GET", "POST", …
  std::string target;  // path and query, as received
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

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

// A response with a JSON body.
HttpResponse JsonResponse(int status, std::string body);

// A JSON error body in the API's one shape: {"error": {"code": "...", "message": "..."}}.
HttpResponse JsonError(int status, std::string_view code, std::string_view message);

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// Exact-path routing by method. Unknown path → 404, known path with another method → 405;
// both as JSON errors. With a fallback set, the fallback answers unknown paths instead of the 404
// (the short-link listener routes everything to one handler this way).
class HttpRouter {
 public:
  void Add(std::string method, std::string path, HttpHandler handler);
  void SetFallback(HttpHandler handler);
  HttpResponse Route(const HttpRequest& request) const;

 private:
  struct Route_ {
    std::string method;
    std::string path;
    HttpHandler handler;
  };
  std::vector<Route_> routes_;
  HttpHandler fallback_;
};

}  // namespace confab
