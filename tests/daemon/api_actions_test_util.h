#pragma once

// The action endpoints over a real Pipeline and the in-memory store (PipelineFixture): handlers
// are recorded by a test ApiRoutes and called directly; their answer comes back through a
// promise (no sleeps). MOs create conversations as a carrier would.

#include <functional>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "daemon/api_actions.h"
#include "daemon/api_json.h"
#include "daemon/link_store.h"
#include "daemon/quiet_hours.h"
#include "daemon/shortener.h"
#include "store/reader.h"
#include "tests/daemon/api_test_routes.h"
#include "tests/daemon/pipeline_fixture.h"

namespace confab::api::testing {

using pipeline::testing::kBrand;
using pipeline::testing::kStartMs;
using pipeline::testing::TextMo;

using RecordingRoutes = RecordedRoutes;  // Access::kConversations

// Codes "C0000000", "C0000001", … (never repeating); `on_next` runs before each is drawn.
class CountingCodes : public CodeSource {
 public:
  ShortCode Next() override {
    if (on_next) {
      on_next();
    }
    std::string text = std::to_string(drawn_++);
    text = "C" + std::string(7 - text.size(), '0') + text;
    ShortCode code;
    std::copy(text.begin(), text.end(), code.begin());
    return code;
  }
  std::function<void()> on_next;

 private:
  std::size_t drawn_ = 0;
};

// A JSON string's text (anything else serialized), for comparisons with std::string.
inline std::string Text(const boost::json::value& value) {
  return value.is_string() ? std::string(value.as_string()) : boost::json::serialize(value);
}

struct Answer {
  int status = 0;
  boost::json::value body;
  // The error code of an error answer ("" otherwise).
  std::string code() const {
    const boost::json::value* code =
        body.is_object() ? body.as_object().if_contains("error") : nullptr;
    return code != nullptr ? std::string(code->at("code").as_string()) : "";
  }
};

class ActionsTest : public pipeline::testing::PipelineFixture {
 protected:
  using PipelineFixture::Profile;

  void SetUp() override {
    PipelineFixture::SetUp();
    brand_config_ =
        std::make_shared<config::NumberConfig>(pipeline::testing::TestConfig().numbers[0]);
    brand_config_->quiet_hours.start = {0, 0};  // all day: tests that want quiet hours set them
    brand_config_->quiet_hours.end = {24, 0};
    shortener_ =
        std::make_unique<Shortener>(ShortenerOptions{.short_domain = "s.co"}, &links_, &codes_);
    deps_.source = &store_;
    deps_.pipeline = pipeline_.get();
    deps_.shortener = shortener_.get();
    deps_.quiet_hours = &quiet_;
    deps_.brand = [this](uint64_t brand) -> std::shared_ptr<const config::NumberConfig> {
      return brand == *store::NumberId(kBrand) ? brand_config_ : nullptr;
    };
    deps_.route = [](uint64_t) { return 3u; };
    deps_.clock = [this] { return now_ms_.load(); };
    InstallActionRoutes(routes_, deps_);
  }
  void TearDown() override {
    routes_ = RecordingRoutes();  // the handlers (and the actions worker) go first
    PipelineFixture::TearDown();
  }

  Answer Call(const std::string& method, const std::string& pattern,
              std::vector<std::pair<std::string, std::string>> params, std::string body,
              std::string query = "") {
    ApiCall call;
    call.http.method = method;
    call.http.target = "/v1/x" + (query.empty() ? "" : "?" + query);
    call.http.body = std::move(body);
    call.path_params = std::move(params);
    call.role = config::Role::kSupport;
    HttpResponse response = routes_.Run(method, pattern, std::move(call));
    Answer answer;
    answer.status = response.status;
    boost::system::error_code ec;
    answer.body = boost::json::parse(response.body, ec);
    EXPECT_FALSE(ec) << response.body;
    return answer;
  }
  // POST/PUT on /v1/conversations|profiles/{brand}/{profile}/<action>.
  Answer Conversation(const std::string& action, const std::string& profile, std::string body = "",
                      std::string query = "", const std::string& brand = kBrand) {
    return Call("POST", "/v1/conversations/{brand}/{profile}/" + action,
                {{"brand", brand}, {"profile", profile}}, std::move(body), std::move(query));
  }
  Answer Profile(const std::string& method, const std::string& action, const std::string& profile,
                 std::string body = "") {
    return Call(method, "/v1/profiles/{brand}/{profile}/" + action,
                {{"brand", kBrand}, {"profile", profile}}, std::move(body));
  }
  Answer Reply(const std::string& profile, const std::string& body, std::string query = "") {
    return Conversation("replies", profile, body, std::move(query));
  }

  // A subscribed profile with an open conversation: START, then a question.
  void Subscribed(const std::string& from) {
    ASSERT_EQ(Send(TextMo(from, "START")), smpp::CommandStatus::kOk);
    ASSERT_EQ(Send(TextMo(from, "Do you have size 9 in blue?")), smpp::CommandStatus::kOk);
  }
  void SetTimeZone(const std::string& from, const std::string& zone) {
    ASSERT_TRUE(Mutate(Thread(from), [zone](std::optional<store::ProfileRecord>& profile,
                                            store::WriteSet&) {
                  profile->time_zone = zone;
                  return absl::OkStatus();
                }).ok());
  }
  // Outbox items that reference a message of `from` (API-queued: no embedded message).
  std::vector<std::pair<store::OutboxKey, store::OutboxItem>> Queued(const std::string& from) {
    std::vector<std::pair<store::OutboxKey, store::OutboxItem>> out;
    auto items = store::StoreReader(store_).ScanOutbox(std::nullopt, 10000);
    EXPECT_TRUE(items.ok()) << items.status();
    for (auto& [key, item] : *items) {
      if (key.message.thread == Thread(from) && !item.message) {
        out.emplace_back(key, item);
      }
    }
    return out;
  }
  std::optional<store::MessageRecord> Message(const std::string& from, uint32_t seq) {
    auto message = store::StoreReader(store_).GetMessage({Thread(from), seq});
    EXPECT_TRUE(message.ok()) << message.status();
    return message.ok() ? *message : std::nullopt;
  }

  std::shared_ptr<config::NumberConfig> brand_config_;
  InMemoryLinkStore links_;
  CountingCodes codes_;
  std::unique_ptr<Shortener> shortener_;
  quiet::QuietHours quiet_;
  ApiDeps deps_;
  RecordingRoutes routes_;
};

}  // namespace confab::api::testing
