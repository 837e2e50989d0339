#include "daemon/http_types.h"

#include <future>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "base/hex.h"
#include "base/string_view.h"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"

namespace confab {
namespace {

// The path's segments without the leading '/': "/v1/a/" → {"v1", "a", ""}.
std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> segments;
  if (!path.empty() && path.front() == '/') {
    path.remove_prefix(1);
  }
  for (absl::string_view segment : absl::StrSplit(Sv(path), '/')) {
    segments.push_back(StdSv(segment));
  }
  return segments;
}

bool IsParameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::string PercentDecode(std::string_view text, bool plus_is_space) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int high = HexDigitValue(text[i + 1]);
      const int low = HexDigitValue(text[i + 2]);
      if (high >= 0 && low >= 0) {
        decoded.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    decoded.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return decoded;
}

std::string_view HttpRequest::Path() const {
  std::string_view target_view = target;
  return target_view.substr(0, target_view.find('?'));
}

std::string_view HttpRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, Sv(name))) {
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
  std::vector<std::string> segments;
  for (std::string_view segment : Segments(path)) {
    segments.emplace_back(segment);
  }
  routes_.push_back({std::move(method), std::move(segments), std::move(handler), nullptr});
}

void HttpRouter::AddAsync(std::string method, std::string path, AsyncHttpHandler handler) {
  Add(std::move(method), std::move(path), nullptr);
  routes_.back().async_handler = std::move(handler);
}

void HttpRouter::SetFallback(HttpHandler handler) { fallback_ = std::move(handler); }

const HttpRouter::Route_* HttpRouter::Find(HttpRequest& request, HttpResponse& refusal) const {
  const std::string_view path = request.Path();
  const std::vector<std::string_view> segments = Segments(path);
  bool path_known = false;
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) {
      continue;
    }
    bool matches = true;
    for (std::size_t i = 0; i < segments.size() && matches; ++i) {
      matches =
          IsParameter(route.segments[i]) ? !segments[i].empty() : route.segments[i] == segments[i];
    }
    if (!matches) {
      continue;
    }
    path_known = true;
    // HEAD is answered like GET; the server drops the body.
    if (route.method == request.method || (request.method == "HEAD" && route.method == "GET")) {
      request.path_params.clear();
      for (std::size_t i = 0; i < segments.size(); ++i) {
        const std::string& name = route.segments[i];
        if (IsParameter(name)) {
          request.path_params.emplace_back(name.substr(1, name.size() - 2),
                                           PercentDecode(segments[i], false));
        }
      }
      return &route;
    }
  }
  if (path_known) {
    refusal = JsonError(405, "method_not_allowed",
                        std::string(request.method) + " is not allowed on " + std::string(path));
  } else if (fallback_) {
    refusal = fallback_(request);
  } else {
    refusal = JsonError(404, "not_found", "no such endpoint: " + std::string(path));
  }
  return nullptr;
}

HttpResponse HttpRouter::Route(const HttpRequest& request) const {
  std::promise<HttpResponse> answered;
  std::future<HttpResponse> answer = answered.get_future();
  Dispatch(request,
           [&answered](HttpResponse response) mutable { answered.set_value(std::move(response)); });
  return answer.get();
}

std::optional<HttpResponse> HttpRouter::Answer(HttpRequest& request,
                                               const AsyncHttpHandler** async) const {
  HttpResponse refusal;
  const Route_* route = Find(request, refusal);
  if (route == nullptr) {
    return refusal;
  }
  if (route->async_handler) {
    *async = &route->async_handler;
    return std::nullopt;
  }
  return route->handler(request);
}

void HttpRouter::Dispatch(HttpRequest request, HttpRespond respond) const {
  const AsyncHttpHandler* async = nullptr;
  std::optional<HttpResponse> answer = Answer(request, &async);
  if (answer) {
    std::move(respond)(*std::move(answer));
  } else {
    (*async)(std::move(request), std::move(respond));
  }
}

}  // namespace confab
