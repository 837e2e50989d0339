#include "daemon/http_types.h"

#include "absl/strings/match.h"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"

namespace confab {

std::string_view HttpRequest::Path() const {
  std::string_view target_view = target;
  return target_view.substr(0, target_view.find('?'));
}

std::string_view HttpRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, absl::string_view(name.data(), name.size()))) {
      return value;
    }
  }
  return {};
}

HttpResponse JsonResponse(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

HttpResponse JsonError(int status, std::string_view code, std::string_view message) {
  boost::json::value body = {{"error", {{"code", code}, {"message", message}}}};
  return JsonResponse(status, boost::json::serialize(body));
}

void HttpRouter::Add(std::string method, std::string path, HttpHandler handler) {
  routes_.push_back({std::move(method), std::move(path), std::move(handler)});
}

void HttpRouter::SetFallback(HttpHandler handler) { fallback_ = std::move(handler); }

HttpResponse HttpRouter::Route(const HttpRequest& request) const {
  const std::string_view path = request.Path();
  bool path_known = false;
  for (const auto& route : routes_) {
    if (route.path != path) {
      continue;
    }
    path_known = true;
    // HEAD is answered like GET; the server drops the body.
    if (route.method == request.method || (request.method == "HEAD" && route.method == "GET")) {
      return route.handler(request);
    }
  }
  if (path_known) {
    return JsonError(405, "method_not_allowed",
                     std::string(request.method) + " is not allowed on " + std::string(path));
  }
  if (fallback_) {
    return fallback_(request);
  }
  return JsonError(404, "not_found", "no such endpoint: " + std::string(path));
}

}  // namespace confab
