// New-message notifications (daemon/notifier.h): webhooks and e-mails to loopback servers,
// retries, the burst rule, blocked profiles, queue overflow, and the pipeline's hook. Waiting is
// on the notifier's attempt observer and the servers' records; nothing sleeps.

#include "daemon/notifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "boost/json/parse.hpp"
#include "tests/daemon/notifier_test_servers.h"
#include "tests/daemon/pipeline_fixture.h"

namespace confab::notify {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Mail;
using ::testing::Not;
using testing::Recorder;
using testing::SmtpServer;
using testing::WebhookCall;
using testing::WebhookServer;

constexpr char kBrand[] = "+15550100000";
constexpr uint64_t kT0 = 1'800'000'000'000;
constexpr uint64_t kMinute = 60'000;

uint64_t Id(const std::string& number) { return *store::NumberId(number); }

pipeline::InboundStored Event(const std::string& profile, uint64_t at_ms,
                              std::string text = "Is my order shipped?") {
  return {{Id(kBrand), Id(profile)}, 3, std::move(text), at_ms, true, false};
}

class NotifierTest : public ::testing::Test {
 protected:
  NotifierTest() {
    number_.number = kBrand;
    number_.organization_prefix = "Acme";
    options_.burst_window_ms = 5 * kMinute;
    options_.max_attempts = 3;
    options_.min_backoff = std::chrono::milliseconds(1);
    options_.max_backoff = std::chrono::milliseconds(2);
    options_.transport.smtp_url = smtp_.url();
    options_.transport.smtp_from = "confab@acme.example";
    options_.on_attempt = [this](const absl::Status& status) { attempts_.Add(status); };
  }
  ~NotifierTest() override {
    if (notifier_) {
      notifier_->Stop();
    }
  }

  void Make(bool start = true) {
    auto number = std::make_shared<const config::NumberConfig>(number_);
    notifier_ = std::make_unique<Notifier>(
        options_,
        [number](uint64_t brand) -> std::shared_ptr<const config::NumberConfig> {
          return brand == Id(kBrand) ? number : nullptr;
        },
        metrics_);
    if (start) {
      notifier_->Start();
    }
  }
  uint64_t Count(const std::string& name, const metrics::Labels& labels = {}) {
    return metrics_.GetCounter(name, "", labels).value();
  }
  uint64_t Sent(const std::string& channel) {
    return Count("confab_notifications_total", {{"channel", channel}, {"outcome", "sent"}});
  }
  std::vector<std::string> WebhookProfiles(std::size_t n) {
    std::vector<std::string> profiles;
    for (const WebhookCall& call : webhook_.calls().WaitFor(n)) {
      profiles.emplace_back(boost::json::parse(call.body).at("profile").as_string());
    }
    return profiles;
  }

  WebhookServer webhook_{{500}};  // the first call fails
  SmtpServer smtp_;
  config::NumberConfig number_;
  NotifierOptions options_;
  metrics::Registry metrics_;
  Recorder<absl::Status> attempts_;
  std::unique_ptr<Notifier> notifier_;
};

TEST_F(NotifierTest, WebhookFailingOnceIsRetriedAndSent) {
  number_.notifications.webhook_url = webhook_.url();
  Make();
  notifier_->Notify({Event("+15557770001", kT0 + 1234)});
  const std::vector<absl::Status> attempts = attempts_.WaitFor(2);
  EXPECT_FALSE(attempts[0].ok());
  EXPECT_THAT(attempts[0].ToString(), HasSubstr("HTTP 500"));
  EXPECT_TRUE(attempts[1].ok()) << attempts[1];
  const std::vector<WebhookCall> calls = webhook_.calls().WaitFor(2);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[1].target, "/hook");
  EXPECT_EQ(calls[1].content_type, "application/json");
  EXPECT_EQ(calls[0].body, calls[1].body);  // the same notification, again
  const boost::json::value body = boost::json::parse(calls[1].body);
  EXPECT_EQ(body.at("event").as_string(), "message.received");
  EXPECT_EQ(body.at("brand").as_string(), kBrand);
  EXPECT_EQ(body.at("profile").as_string(), "+15557770001");
  EXPECT_EQ(body.at("text").as_string(), "Is my order shipped?");
  EXPECT_EQ(body.at("at").as_string(), "2027-01-15T08:00:01.234Z");
  EXPECT_EQ(body.at("message_seq").as_int64(), 3);
  EXPECT_EQ(body.at("conversation").as_string(), "/v1/conversations/+15550100000/+15557770001");
  EXPECT_EQ(Sent("webhook"), 1u);
  EXPECT_EQ(Count("confab_notification_retries_total", {{"channel", "webhook"}}), 1u);
}

TEST_F(NotifierTest, GivesUpAfterTheLastAttemptAndCountsIt) {
  WebhookServer down({503, 503, 503, 503});
  number_.notifications.webhook_url = down.url();
  Make();
  notifier_->Notify({Event("+15557770001", kT0)});
  const std::vector<absl::Status> attempts = attempts_.WaitFor(3);
  for (const absl::Status& status : attempts) {
    EXPECT_THAT(status.ToString(), HasSubstr("HTTP 503"));
  }
  EXPECT_EQ(Count("confab_notifications_total", {{"channel", "webhook"}, {"outcome", "failed"}}),
            1u);
  EXPECT_EQ(Count("confab_notification_retries_total", {{"channel", "webhook"}}), 2u);
  EXPECT_EQ(Sent("webhook"), 0u);
}

TEST_F(NotifierTest, EmailGoesThroughTheRelayToEveryAddress) {
  number_.notifications.emails = {"ops@acme.example", "lead@acme.example"};
  Make();
  notifier_->Notify({Event("+15557770001", kT0, "Hi\n.hidden line\nbye")});
  ASSERT_TRUE(attempts_.WaitFor(1)[0].ok()) << attempts_.values()[0];
  const std::vector<Mail> mails = smtp_.mails().WaitFor(1);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].from, "<confab@acme.example>");
  EXPECT_THAT(mails[0].to, ElementsAre("<ops@acme.example>", "<lead@acme.example>"));
  const std::string& data = mails[0].data;
  EXPECT_THAT(data, HasSubstr("From: <confab@acme.example>\r\n"));
  EXPECT_THAT(data, HasSubstr("To: ops@acme.example, lead@acme.example\r\n"));
  EXPECT_THAT(data, HasSubstr("Subject: New message from +15557770001 to +15550100000 (Acme)\r\n"));
  EXPECT_THAT(data, HasSubstr("Content-Type: text/plain; charset=utf-8\r\n"));
  // The preview, its line ends made CRLF and its leading dot stuffed (by libcurl).
  EXPECT_THAT(data, HasSubstr("\r\n\r\nHi\r\n..hidden line\r\nbye\r\n"));
  EXPECT_THAT(data, HasSubstr("Conversation: /v1/conversations/+15550100000/+15557770001\r\n"));
  EXPECT_EQ(Sent("email"), 1u);
}

TEST_F(NotifierTest, OneNotificationPerConversationPerBurst) {
  WebhookServer up;
  number_.notifications.webhook_url = up.url();
  Make();
  notifier_->Notify({Event("+15557770001", kT0), Event("+15557770001", kT0 + kMinute),
                     Event("+15557770002", kT0 + kMinute),
                     Event("+15557770001", kT0 + 5 * kMinute - 1),
                     Event("+15557770001", kT0 + 5 * kMinute)});
  attempts_.WaitFor(3);
  std::vector<std::string> profiles;
  for (const WebhookCall& call : up.calls().WaitFor(3)) {
    profiles.emplace_back(boost::json::parse(call.body).at("profile").as_string());
  }
  EXPECT_THAT(profiles, ElementsAre("+15557770001", "+15557770002", "+15557770001"));
  EXPECT_EQ(Count("confab_notifications_coalesced_total"), 2u);
}

TEST_F(NotifierTest, BlockedProfilesKeywordsAndQuietNumbersNeverNotify) {
  WebhookServer up;
  number_.notifications.webhook_url = up.url();
  Make();
  pipeline::InboundStored blocked = Event("+15557770001", kT0);
  blocked.blocked = true;
  pipeline::InboundStored keyword = Event("+15557770002", kT0);
  keyword.conversation = false;
  pipeline::InboundStored other_brand = Event("+15557770003", kT0);
  other_brand.thread.brand = Id("+15550100009");  // not configured
  notifier_->Notify({blocked, keyword, other_brand, Event("+15557770004", kT0)});
  attempts_.WaitFor(1);
  ASSERT_EQ(up.calls().values().size(), 1u);  // events are handled in order: the rest is done
  EXPECT_THAT(boost::json::parse(up.calls().values()[0].body).at("profile").as_string(),
              "+15557770004");
  EXPECT_EQ(attempts_.values().size(), 1u);
}

TEST_F(NotifierTest, AFullQueueDropsAndCounts) {
  WebhookServer up;
  number_.notifications.webhook_url = up.url();
  options_.queue_capacity = 2;
  Make(/*start=*/false);
  notifier_->Notify({Event("+15557770001", kT0), Event("+15557770002", kT0),
                     Event("+15557770003", kT0), Event("+15557770004", kT0)});
  EXPECT_EQ(Count("confab_notifications_dropped_total"), 2u);
  notifier_->Start();
  attempts_.WaitFor(2);
  std::vector<std::string> profiles;
  for (const WebhookCall& call : up.calls().WaitFor(2)) {
    profiles.emplace_back(boost::json::parse(call.body).at("profile").as_string());
  }
  EXPECT_THAT(profiles, ElementsAre("+15557770001", "+15557770002"));
}

TEST(NotifierConfigTest, NotificationsSectionIsValidated) {
  config::Config config = pipeline::testing::TestConfig();
  config.links.short_domain = "s.acme.example";
  config.numbers[0].notifications.emails = {"ops@acme.example"};
  config.notifications.smtp_url = "http://relay.example";
  config.notifications.retry_min_backoff = absl::Minutes(10);
  config.notifications.retry_max_backoff = absl::Minutes(1);
  const std::string errors(config::Validate(config).message());
  EXPECT_THAT(errors, HasSubstr("notifications.smtp_url: must be smtp://host[:port]"));
  EXPECT_THAT(errors, HasSubstr("notifications.smtp_from: must be an e-mail address"));
  EXPECT_THAT(errors, HasSubstr("notifications.retry_max_backoff: must be at least"));
  config.notifications.smtp_url = "smtps://relay.example:465";
  config.notifications.smtp_from = "confab@acme.example";
  config.notifications.retry_min_backoff = absl::Seconds(1);
  const std::string rest(config::Validate(config).message());
  EXPECT_THAT(rest, Not(HasSubstr("notifications")));
  const NotifierOptions options = NotifierOptions::FromConfig(config.notifications);
  EXPECT_EQ(options.burst_window_ms, 5 * kMinute);
  EXPECT_EQ(options.min_backoff, std::chrono::seconds(1));
  EXPECT_EQ(options.transport.smtp_url, "smtps://relay.example:465");
}

// Through a real pipeline: what it stores is what notifies.
class PipelineNotifierTest : public pipeline::testing::PipelineFixture {
 protected:
  void SetUp() override {
    config::Config config = pipeline::testing::TestConfig();
    config.numbers[0].notifications.webhook_url = webhook_.url();
    number_ = std::make_shared<const config::NumberConfig>(config.numbers[0]);
    StartPipeline(config);
    NotifierOptions options;
    options.on_attempt = [this](const absl::Status& status) { attempts_.Add(status); };
    notifier_ = std::make_unique<Notifier>(
        options,
        [this](uint64_t brand) -> std::shared_ptr<const config::NumberConfig> {
          return brand == Id(kBrand) ? number_ : nullptr;
        },
        metrics_);
    notifier_->Start();
    pipeline_->SetOnInboundStored([this](std::vector<pipeline::InboundStored> events) {
      notifier_->Notify(std::move(events));
    });
  }
  void TearDown() override {
    StopPipeline();
    notifier_->Stop();
  }
  void Mo(const std::string& from, const std::string& text) {
    ASSERT_EQ(Send(pipeline::testing::TextMo(from, text)), smpp::CommandStatus::kOk);
  }

  WebhookServer webhook_;
  std::shared_ptr<const config::NumberConfig> number_;
  Recorder<absl::Status> attempts_;
  std::unique_ptr<Notifier> notifier_;
};

TEST_F(PipelineNotifierTest, StoredConversationMessagesNotifyOncePerBurst) {
  Mo("+15557770001", "Where is my parcel?");
  Mo("+15557770002", "STOP");  // a keyword: no conversation, no notification
  now_ms_ += kMinute;
  Mo("+15557770001", "Hello??");       // same burst
  Mo("+15557770003", "First from 3");  // notifies
  ASSERT_TRUE(Mutate(Thread("+15557770003"), [](std::optional<store::ProfileRecord>& profile,
                                                store::WriteSet&) {
                profile->blocked = true;
                return absl::OkStatus();
              }).ok());
  now_ms_ += 10 * kMinute;
  Mo("+15557770003", "Blocked now");   // stored, never notifies
  Mo("+15557770001", "Still there?");  // a new burst
  attempts_.WaitFor(3);
  const std::vector<WebhookCall> calls = webhook_.calls().WaitFor(3);
  ASSERT_EQ(calls.size(), 3u);
  std::vector<std::string> texts;
  for (const WebhookCall& call : calls) {
    const boost::json::value body = boost::json::parse(call.body);
    texts.push_back(std::string(body.at("profile").as_string()) + " " +
                    std::string(body.at("text").as_string()));
  }
  EXPECT_THAT(texts, ElementsAre("+15557770001 Where is my parcel?", "+15557770003 First from 3",
                                 "+15557770001 Still there?"));
  EXPECT_EQ(metrics_.GetCounter("confab_notifications_coalesced_total", "").value(), 1u);
  EXPECT_EQ(Messages("+15557770003").size(), 2u);  // the blocked one's message is stored
}

}  // namespace
}  // namespace confab::notify
