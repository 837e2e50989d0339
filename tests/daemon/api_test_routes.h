#pragma once

// Tests only: the routes a group of API endpoints installs, recorded by method and pattern and
// called the way the API router calls them, the answer waited for.

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "daemon/api.h"

namespace confab::api::testing {

class RecordedRoutes : public ApiRoutes {
 public:
  // Every route added must require `access` (a test failure otherwise).
  explicit RecordedRoutes(Access access = Access::kConversations) : access_(access) {}

  void Add(std::string method, std::string pattern, Access access, ApiHandler handler) override {
    EXPECT_EQ(access, access_) << pattern;
    handlers_[method + " " + pattern] = std::move(handler);
  }
  bool Has(const std::string& method_and_pattern) const {
    return handlers_.contains(method_and_pattern);
  }
  std::size_t size() const { return handlers_.size(); }

  // Runs the handler of `method` `pattern` with `call` (its method set to `method`) and waits
  // for the answer; a test failure and an empty answer when the route is missing or no answer
  // comes within a minute.
  HttpResponse Run(const std::string& method, const std::string& pattern, ApiCall call) const {
    auto found = handlers_.find(method + " " + pattern);
    EXPECT_NE(found, handlers_.end()) << method << " " << pattern;
    if (found == handlers_.end()) {
      return {};
    }
    call.http.method = method;
    auto answered = std::make_shared<std::promise<HttpResponse>>();
    std::future<HttpResponse> answer = answered->get_future();
    found->second(std::move(call),
                  [answered](HttpResponse response) { answered->set_value(std::move(response)); });
    if (answer.wait_for(std::chrono::minutes(1)) != std::future_status::ready) {
      ADD_FAILURE() << method << " " << pattern << ": no answer";
      return {};
    }
    return answer.get();
  }

 private:
  Access access_;
  std::map<std::string, ApiHandler> handlers_;
};

}  // namespace confab::api::testing
