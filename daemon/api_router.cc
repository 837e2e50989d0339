#include "daemon/api_router.h"

#include <array>
#include <atomic>
#include <chrono>
#include <exception>
#include <utility>

#include "boost/asio/post.hpp"
#include "daemon/logging.h"

namespace confab::api {
namespace {

const char* StatusClass(int status) {
  if (status < 300) {
    return "2xx";
  }
  if (status < 400) {
    return "3xx";
  }
  return status < 500 ? "4xx" : "5xx";
}

HttpResponse Unauthorized(const absl::Status& status) {
  HttpResponse response = ErrorFromStatus(status);
  response.headers.emplace_back("WWW-Authenticate", R"(Bearer realm="confab")");
  return response;
}

}  // namespace

ApiRouter::ApiRouter(HttpRouter& http, const TokenAuth& auth, boost::asio::any_io_executor workers,
                     metrics::Registry& metrics, ApiRouterOptions options)
    : http_(http),
      auth_(auth),
      workers_(std::move(workers)),
      metrics_(metrics),
      options_(options),
      pending_(std::make_shared<std::atomic<std::size_t>>(0)) {}

void ApiRouter::Add(std::string method, std::string pattern, Access access, ApiHandler handler) {
  const metrics::Labels labels = {{"route", method + " " + pattern}};
  metrics::Histogram* latency =
      &metrics_.GetHistogram("confab_api_request_seconds", "admin API request → answer",
                             metrics::LatencyBuckets(), labels);
  metrics::Counter* by_class[4];
  for (int i = 0; i < 4; ++i) {
    metrics::Labels with_class = labels;
    with_class.emplace_back("status", StatusClass(200 + i * 100));
    by_class[i] =
        &metrics_.GetCounter("confab_api_requests_total", "admin API answers", with_class);
  }
  auto shared_handler = std::make_shared<ApiHandler>(std::move(handler));
  http_.AddAsync(
      std::move(method), std::move(pattern),
      [this, access, shared_handler, latency, by_class = std::to_array(by_class)](
          HttpRequest request, HttpRespond respond) {
        const auto started = std::chrono::steady_clock::now();
        // Counts the answer and frees its pending slot; called exactly once.
        auto answer = [latency, by_class, started, pending = pending_](
                          HttpRespond to, HttpResponse response, bool was_pending) {
          const int index = response.status < 300   ? 0
                            : response.status < 400 ? 1
                            : response.status < 500 ? 2
                                                    : 3;
          by_class[index]->Add();
          latency->Observe(
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
          if (was_pending) {
            pending->fetch_sub(1);
          }
          std::move(to)(std::move(response));
        };
        absl::StatusOr<Principal> principal = auth_.Authenticate(request.Header("Authorization"));
        if (!principal.ok()) {
          answer(std::move(respond), Unauthorized(principal.status()), false);
          return;
        }
        if (!Allows(principal->role, access)) {
          answer(std::move(respond),
                 JsonError(403, "forbidden",
                           "this token's role may not use " + std::string(request.Path())),
                 false);
          return;
        }
        if (pending_->fetch_add(1) >= options_.max_pending) {
          pending_->fetch_sub(1);
          answer(std::move(respond),
                 JsonError(429, "too_many_requests", "the API is busy; retry shortly"), false);
          return;
        }
        ApiCall call;
        call.path_params = std::move(request.path_params);
        call.http = std::move(request);
        call.role = principal->role;
        call.token_name = principal->name;
        // Shared by the handler's Respond and the exception path, so the answer goes once.
        struct Once {
          std::atomic<bool> answered{false};
          HttpRespond respond;
        };
        auto once = std::make_shared<Once>();
        once->respond = std::move(respond);
        auto reply = [answer, once](HttpResponse response) {
          if (!once->answered.exchange(true)) {
            answer(std::move(once->respond), std::move(response), true);
          }
        };
        boost::asio::post(workers_, [shared_handler, reply, call = std::move(call)]() mutable {
          try {
            (*shared_handler)(std::move(call), reply);
          } catch (const std::exception& error) {
            Logger("api")->error("handler threw: {}", error.what());
            reply(JsonError(500, "internal", "the handler failed; see the log"));
          }
        });
      });
}

}  // namespace confab::api
