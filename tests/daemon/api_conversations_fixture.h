#pragma once

// Tests only: the conversation read endpoints (daemon/api_conversations.h) over a real pipeline
// on the in-memory store. Conversations are made by MOs and changed by pipeline mutations, the
// way the daemon makes them; handlers are called directly and answer through a future.

#include <gtest/gtest.h>

#include <functional>
#include <future>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "boost/json/parse.hpp"
#include "daemon/api_conversations.h"
#include "daemon/quiet_hours.h"
#include "store/write_set.h"
#include "tests/daemon/api_test_routes.h"
#include "tests/daemon/pipeline_fixture.h"

namespace confab::api::testing {

using pipeline::testing::kBrand;
using pipeline::testing::TextMo;
using smpp::CommandStatus;

inline constexpr char kOtherBrand[] = "+15550100001";

// The read routes; Call runs one with GET `target` and the path parameters.
class TestRoutes final : public RecordedRoutes {
 public:
  HttpResponse Call(const std::string& pattern, std::string target,
                    std::vector<std::pair<std::string, std::string>> params = {}) {
    ApiCall call;
    call.http.target = std::move(target);
    call.path_params = std::move(params);
    return Run("GET", pattern, std::move(call));
  }
};

inline config::Config TwoBrands() {
  config::Config config = pipeline::testing::TestConfig();
  config::NumberConfig second = config.numbers[0];
  second.number = kOtherBrand;
  config.numbers.push_back(second);
  return config;
}

class ApiConversationsTest : public pipeline::testing::PipelineFixture {
 protected:
  void SetUp() override {
    StartPipeline(TwoBrands());
    config_ = TwoBrands();
    deps_.source = &store_;
    deps_.pipeline = pipeline_.get();
    deps_.metrics = &metrics_;
    deps_.quiet_hours = &quiet_;
    deps_.brand = [this](uint64_t id) -> std::shared_ptr<const config::NumberConfig> {
      for (const config::NumberConfig& number : config_.numbers) {
        if (*store::NumberId(number.number) == id) {
          return std::make_shared<config::NumberConfig>(number);
        }
      }
      return nullptr;
    };
    deps_.clock = [this] { return now_ms_.load(); };
    InstallConversationRoutes(routes_, deps_);
  }

  // An MO from `from` to `brand`, one second after the previous one (distinct activity).
  void Mo(const std::string& from, const std::string& text, const std::string& brand = kBrand) {
    now_ms_ += 1000;
    pipeline::testing::Mo mo = TextMo(from, text);
    mo.destination = brand.substr(1);
    ASSERT_EQ(Send(mo), CommandStatus::kOk);
  }
  // Changes a thread's profile through the pipeline, as the state endpoints do.
  void Change(const store::ThreadId& thread,
              std::function<void(store::ProfileRecord&, store::WriteSet&)> change) {
    ASSERT_TRUE(Mutate(thread,
                       [thread, change](std::optional<store::ProfileRecord>& profile,
                                        store::WriteSet& writes) -> absl::Status {
                         if (!profile) {
                           return absl::NotFoundError("no profile");
                         }
                         const store::ProfileRecord before = *profile;
                         change(*profile, writes);
                         writes.PutProfile(thread, &before, *profile);
                         return absl::OkStatus();
                       })
                    .ok());
  }
  void MarkRead(const std::string& from) {
    Change(Thread(from), [](store::ProfileRecord& p, store::WriteSet&) { p.unread = false; });
  }

  // Inbox pages answered from the listing cache ("hit") or built ("miss") so far.
  uint64_t ListingCache(const std::string& result) {
    return metrics_.GetCounter("confab_api_listing_cache_total", "", {{"result", result}}).value();
  }

  // GET target on the listing; the parsed body (status checked).
  boost::json::object List(const std::string& query, int status = 200) {
    HttpResponse response = routes_.Call("/v1/conversations", "/v1/conversations" + query);
    EXPECT_EQ(response.status, status) << query << ": " << response.body;
    return boost::json::parse(response.body).as_object();
  }
  // The profiles of a listing, in order.
  static std::vector<std::string> Profiles(const boost::json::object& body) {
    std::vector<std::string> out;
    for (const boost::json::value& item : body.at("conversations").as_array()) {
      out.emplace_back(item.at("profile").as_string());
    }
    return out;
  }
  static std::string Cursor(const boost::json::object& body) {
    const boost::json::value& next = body.at("next_cursor");
    return next.is_null() ? "" : std::string(next.as_string());
  }
  HttpResponse Panel(const std::string& brand, const std::string& profile) {
    return routes_.Call("/v1/conversations/{brand}/{profile}",
                        "/v1/conversations/" + brand + "/" + profile,
                        {{"brand", brand}, {"profile", profile}});
  }
  HttpResponse Consent(const std::string& brand, const std::string& profile,
                       const std::string& query = "") {
    return routes_.Call("/v1/profiles/{brand}/{profile}/consent",
                        "/v1/profiles/" + brand + "/" + profile + "/consent" + query,
                        {{"brand", brand}, {"profile", profile}});
  }
  static std::string ErrorCode(const HttpResponse& response) {
    return std::string(boost::json::parse(response.body).at("error").at("code").as_string());
  }

  config::Config config_;
  quiet::QuietHours quiet_;
  ApiDeps deps_;
  TestRoutes routes_;
};

}  // namespace confab::api::testing
