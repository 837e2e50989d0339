// Brand number settings (daemon/api_settings.h, daemon/brand_settings.h) over a real pipeline on
// the in-memory store: changes are validated like the config file, stored, survive a reload and
// change what the pipeline does for the next MO, without a restart.

#include "daemon/api_settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "daemon/brand_numbers.h"
#include "store/reader.h"
#include "tests/daemon/api_test_routes.h"
#include "tests/daemon/pipeline_fixture.h"

namespace confab::api {
namespace {

using pipeline::testing::kBrand;
using pipeline::testing::TextMo;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testing::RecordedRoutes;

constexpr char kOtherBrand[] = "+15550100001";

class SettingsRoutes final : public RecordedRoutes {
 public:
  SettingsRoutes() : RecordedRoutes(Access::kSettings) {}
  HttpResponse Call(const std::string& method, const std::string& pattern,
                    const std::string& brand = "", std::string body = "") {
    ApiCall call;
    call.http.target = pattern;
    call.http.body = std::move(body);
    if (!brand.empty()) {
      call.path_params = {{"brand", brand}};
    }
    call.role = config::Role::kAdmin;
    return Run(method, pattern, std::move(call));
  }
};

config::Config TwoBrands() {
  config::Config config = pipeline::testing::TestConfig();
  config.links.short_domain = "s.acme.example";
  config.notifications.smtp_url = "smtp://127.0.0.1:2525";
  config.notifications.smtp_from = "confab@acme.example";
  config::NumberConfig second = config.numbers[0];
  second.number = kOtherBrand;
  config.numbers.push_back(second);
  return config;
}

boost::json::object Body(const HttpResponse& response) {
  return boost::json::parse(response.body).as_object();
}

class ApiSettingsTest : public pipeline::testing::PipelineFixture {
 protected:
  void SetUp() override {
    StartPipeline(config_);
    settings_ = MakeSettings();
    // What the daemon does on a change: the pipeline decides with the new settings.
    settings_->OnChange([this](const BrandSettings& settings) {
      ++changes_;
      auto brands = pipeline::BrandDirectory::Build(*settings.Effective(), *classifier_);
      ASSERT_TRUE(brands.ok()) << brands.status();
      pipeline_->SetBrands(*brands);
    });
    ASSERT_TRUE(settings_->Reload(config_).ok());
    InstallSettingsRoutes(routes_, deps_, *settings_);
  }

  std::unique_ptr<BrandSettings> MakeSettings() {
    return std::make_unique<BrandSettings>(store_, store_.handles(), *committer_,
                                           [this] { return now_ms_.load(); });
  }
  HttpResponse Patch(const std::string& brand, const std::string& body) {
    return routes_.Call("PATCH", "/v1/numbers/{brand}/settings", brand, body);
  }
  HttpResponse Get(const std::string& brand) {
    return routes_.Call("GET", "/v1/numbers/{brand}/settings", brand);
  }
  std::optional<store::SettingsRecord> Stored(const std::string& brand) {
    auto record = store::StoreReader(store_).GetSettings(*store::NumberId(brand));
    EXPECT_TRUE(record.ok()) << record.status();
    return record.ok() ? *record : std::nullopt;
  }

  config::Config config_ = TwoBrands();
  std::unique_ptr<BrandSettings> settings_;
  SettingsRoutes routes_;
  ApiDeps deps_;
  int changes_ = 0;
};

TEST_F(ApiSettingsTest, ListsEveryNumberWithItsEffectiveSettings) {
  EXPECT_EQ(routes_.size(), 4u);
  HttpResponse response = routes_.Call("GET", "/v1/numbers");
  ASSERT_EQ(response.status, 200) << response.body;
  const boost::json::object all = Body(response);
  const boost::json::array& numbers = all.at("numbers").as_array();
  ASSERT_EQ(numbers.size(), 2u);
  EXPECT_EQ(numbers[0].at("number").as_string(), kBrand);
  EXPECT_EQ(numbers[1].at("number").as_string(), kOtherBrand);
  const boost::json::object& first = numbers[0].as_object();
  EXPECT_EQ(first.at("auto_responder").at("mode").as_string(), "all");
  EXPECT_EQ(first.at("link_shortening").as_bool(), true);
  EXPECT_EQ(first.at("notifications").at("unread_indicator").as_bool(), true);
  EXPECT_TRUE(first.at("notifications").at("emails").as_array().empty());
  EXPECT_EQ(first.at("quiet_hours").at("policy").as_string(), "warn");
  EXPECT_EQ(first.at("quiet_hours").at("start").as_string(), "08:00");
  EXPECT_EQ(first.at("quiet_hours").at("end").as_string(), "20:00");
  EXPECT_TRUE(first.at("overridden").as_array().empty());
}

TEST_F(ApiSettingsTest, PatchIsStoredAndTheNextMoUsesItWithoutRestart) {
  HttpResponse response =
      Patch(kBrand, R"({"auto_responder": {"text": "{{organization_prefix}}: Back at 9am."}})");
  ASSERT_EQ(response.status, 200) << response.body;
  boost::json::object body = Body(response);
  EXPECT_EQ(body.at("auto_responder").at("text").as_string(),
            "{{organization_prefix}}: Back at 9am.");
  EXPECT_EQ(boost::json::serialize(body.at("overridden")), R"(["auto_responder.text"])");
  EXPECT_EQ(changes_, 2);  // the Reload, then this change
  ASSERT_TRUE(Stored(kBrand).has_value());
  EXPECT_EQ(Stored(kBrand)->updated_ms, pipeline::testing::kStartMs);
  EXPECT_FALSE(Stored(kOtherBrand).has_value());

  ASSERT_EQ(Send(TextMo("+15557770001", "hello?")), smpp::CommandStatus::kOk);
  const std::vector<store::MessageRecord> replies = Replies("+15557770001");
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].text, "Acme: Back at 9am.");

  // The mode too: off means no answer at all.
  ASSERT_EQ(Patch(kBrand, R"({"auto_responder": {"mode": "off"}})").status, 200);
  ASSERT_EQ(Send(TextMo("+15557770002", "anyone?")), smpp::CommandStatus::kOk);
  EXPECT_THAT(Replies("+15557770002"), IsEmpty());
}

TEST_F(ApiSettingsTest, PatchesAccumulateAndSurviveAReload) {
  ASSERT_EQ(Patch(kBrand, R"({"link_shortening": false})").status, 200);
  HttpResponse response = Patch(kBrand, R"({"quiet_hours": {"policy": "defer", "start": "09:30"},
                        "notifications": {"emails": ["ops@acme.example"],
                                          "webhook_url": "https://hooks.acme.example/sms"}})");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(boost::json::serialize(Body(response).at("overridden")),
            R"(["link_shortening","notifications.emails","notifications.webhook_url",)"
            R"("quiet_hours.policy","quiet_hours.start"])");

  // A restart: a fresh BrandSettings over the same store, and a file whose other values moved.
  config::Config edited = config_;
  edited.numbers[0].quiet_hours.end = {21, 0};
  edited.numbers[0].link_shortening = true;
  std::unique_ptr<BrandSettings> restarted = MakeSettings();
  ASSERT_TRUE(restarted->Reload(edited).ok());
  std::shared_ptr<const config::NumberConfig> number = restarted->Current(*store::NumberId(kBrand));
  ASSERT_NE(number, nullptr);
  EXPECT_FALSE(number->link_shortening);  // the override wins over the file
  EXPECT_EQ(number->quiet_hours.policy, config::QuietHoursPolicy::kDefer);
  EXPECT_EQ(number->quiet_hours.start, (config::TimeOfDay{9, 30}));
  EXPECT_EQ(number->quiet_hours.end, (config::TimeOfDay{21, 0}));  // the file's new value
  EXPECT_THAT(number->notifications.emails, ElementsAre("ops@acme.example"));
  EXPECT_EQ(number->notifications.webhook_url, "https://hooks.acme.example/sms");
  EXPECT_TRUE(restarted->Current(*store::NumberId(kOtherBrand))->link_shortening);
  EXPECT_EQ(restarted->Current(1), nullptr);
}

TEST_F(ApiSettingsTest, BadFieldsAreNamedAndChangeNothing) {
  HttpResponse response = Patch(kBrand, R"({"auto_responder": {"mode": "sometimes", "tone": "warm"},
                        "link_shortening": "yes", "quiet_hours": {"start": "25:00"},
                        "notifications": {"emails": "ops@acme.example"}, "colour": 1})");
  ASSERT_EQ(response.status, 400) << response.body;
  const std::string message(Body(response).at("error").at("message").as_string());
  EXPECT_THAT(message, HasSubstr("auto_responder.mode: expected one of all, non_consented, off"));
  EXPECT_THAT(message, HasSubstr("auto_responder.tone: unknown setting"));
  EXPECT_THAT(message, HasSubstr("link_shortening: expected true or false"));
  EXPECT_THAT(message, HasSubstr("quiet_hours.start: expected a time of day \"HH:MM\""));
  EXPECT_THAT(message, HasSubstr("notifications.emails: expected an array of strings"));
  EXPECT_THAT(message, HasSubstr("colour: unknown setting"));

  // Well-formed but invalid for the number: config::Validate's rules, naming the field.
  response = Patch(kBrand, R"({"auto_responder": {"text": "{{bogus}} hi"},
                              "quiet_hours": {"start": "21:00"},
                              "notifications": {"emails": ["not-an-address"],
                                                "webhook_url": "ftp://x.example"}})");
  ASSERT_EQ(response.status, 400) << response.body;
  const std::string invalid(Body(response).at("error").at("message").as_string());
  EXPECT_THAT(invalid, HasSubstr("auto_responder.text: unknown placeholder {{bogus}}"));
  EXPECT_THAT(invalid, HasSubstr("quiet_hours.end: must be after quiet_hours.start (21:00)"));
  EXPECT_THAT(invalid, HasSubstr("notifications.emails: \"not-an-address\" is not an e-mail"));
  EXPECT_THAT(invalid, HasSubstr("notifications.webhook_url: must be an http:// or https:// URL"));
  EXPECT_THAT(invalid, Not(HasSubstr("number[")));

  EXPECT_FALSE(Stored(kBrand).has_value());
  EXPECT_EQ(changes_, 1);
  EXPECT_EQ(Body(Get(kBrand)).at("quiet_hours").at("start").as_string(), "08:00");
}

TEST_F(ApiSettingsTest, EmailsNeedTheSmtpRelay) {
  config_.notifications.smtp_url.clear();
  ASSERT_TRUE(settings_->Reload(config_).ok());
  HttpResponse response = Patch(kBrand, R"({"notifications": {"emails": ["ops@acme.example"]}})");
  ASSERT_EQ(response.status, 400) << response.body;
  EXPECT_THAT(response.body, HasSubstr("notifications.emails: needs notifications.smtp_url"));
}

TEST_F(ApiSettingsTest, BadRequestsUnknownBrandsAndStoreFailures) {
  EXPECT_EQ(Get("+15559999999").status, 404);
  EXPECT_EQ(Patch("+15559999999", R"({"link_shortening": false})").status, 404);
  EXPECT_EQ(routes_.Call("DELETE", "/v1/numbers/{brand}/settings/overrides", "+15559999999").status,
            404);
  EXPECT_EQ(Get("acme").status, 400);
  EXPECT_EQ(Patch("acme", R"({"link_shortening": false})").status, 400);
  EXPECT_EQ(Patch(kBrand, "{not json").status, 400);
  EXPECT_EQ(Patch(kBrand, "[1, 2]").status, 400);
  EXPECT_EQ(Patch(kBrand, "").status, 400);

  fail_writes_ = true;
  HttpResponse response = Patch(kBrand, R"({"link_shortening": false})");
  EXPECT_EQ(response.status, 503) << response.body;
  fail_writes_ = false;
  committer_->Resume();
  EXPECT_TRUE(Body(Get(kBrand)).at("link_shortening").as_bool());
  EXPECT_TRUE(settings_->Current(*store::NumberId(kBrand))->link_shortening);
}

TEST_F(ApiSettingsTest, DeletingOverridesRestoresTheFileValues) {
  ASSERT_EQ(Patch(kOtherBrand, R"({"link_shortening": false})").status, 200);
  ASSERT_TRUE(Stored(kOtherBrand).has_value());
  HttpResponse response =
      routes_.Call("DELETE", "/v1/numbers/{brand}/settings/overrides", kOtherBrand);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_TRUE(Body(response).at("link_shortening").as_bool());
  EXPECT_TRUE(Body(response).at("overridden").as_array().empty());
  EXPECT_FALSE(Stored(kOtherBrand).has_value());
}

TEST_F(ApiSettingsTest, ReloadIgnoresStoredSettingsThatNoLongerFit) {
  ASSERT_EQ(Patch(kBrand, R"({"notifications": {"emails": ["ops@acme.example"]}})").status, 200);
  ASSERT_EQ(Patch(kOtherBrand, R"({"link_shortening": false})").status, 200);
  // A record that is not ours.
  store::WriteSet garbage(store_.handles());
  garbage.PutSettings(*store::NumberId("+15550100002"), {1, "{not json"});
  ASSERT_TRUE(store_.Apply(garbage.batch()).ok());

  config::Config edited = config_;
  edited.notifications.smtp_url.clear();  // the e-mail override cannot work any more
  ASSERT_TRUE(settings_->Reload(edited).ok());
  EXPECT_THAT(settings_->Current(*store::NumberId(kBrand))->notifications.emails, IsEmpty());
  EXPECT_FALSE(settings_->Current(*store::NumberId(kOtherBrand))->link_shortening);
  EXPECT_TRUE(settings_->Overrides(*store::NumberId(kBrand)).empty());
}

}  // namespace
}  // namespace confab::api
