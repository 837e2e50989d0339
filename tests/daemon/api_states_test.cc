// Conversation states, snooze timers, block/unblock and consent through the real pipeline.

#include <gtest/gtest.h>

#include <string>

#include "tests/daemon/api_actions_test_util.h"

namespace confab::api::testing {
namespace {

constexpr char kBob[] = "+15551230002";
constexpr uint64_t kHourMs = 3600 * 1000;

using StateTest = ActionsTest;

std::vector<std::pair<store::TimerKey, store::TimerRecord>> Timers(const store::KvSource& store) {
  auto due = store::StoreReader(store).DueTimers(UINT64_MAX - 1, 100);
  EXPECT_TRUE(due.ok()) << due.status();
  return due.ok() ? *due : std::vector<std::pair<store::TimerKey, store::TimerRecord>>{};
}

TEST_F(StateTest, SnoozeLaterTodayWritesTheTimerThatWakesTheConversation) {
  ASSERT_EQ(Send(TextMo(kBob, "Hello")), smpp::CommandStatus::kOk);
  Answer answer = Conversation("snooze", kBob, R"({"preset": "later_today"})");
  ASSERT_EQ(answer.status, 200) << boost::json::serialize(answer.body);
  EXPECT_EQ(answer.body.at("state"), "snoozed");
  const uint64_t until = kStartMs + 3 * kHourMs;
  EXPECT_EQ(Text(answer.body.at("snooze_until")), FormatTimeMs(until));
  EXPECT_EQ(Profile(kBob)->state, store::ConversationState::kSnoozed);
  auto timers = Timers(store_);
  ASSERT_EQ(timers.size(), 1u);
  EXPECT_EQ(timers[0].first, (store::TimerKey{until, store::TimerKind::kSnoozeWake, Thread(kBob)}));
  EXPECT_EQ(timers[0].second.payload, until);

  now_ms_ = until - 1;  // not yet
  ASSERT_TRUE(RunTimers().ok());
  EXPECT_EQ(Profile(kBob)->state, store::ConversationState::kSnoozed);
  now_ms_ = until;
  ASSERT_TRUE(RunTimers().ok());
  EXPECT_EQ(Profile(kBob)->state, store::ConversationState::kOpen);
  EXPECT_TRUE(Timers(store_).empty());
}

TEST_F(StateTest, SnoozePresetsAndExplicitTimes) {
  ASSERT_EQ(Send(TextMo(kBob, "Hello")), smpp::CommandStatus::kOk);
  // kStartMs is 2027-01-15T08:00Z: 00:00 in Los Angeles, so "tomorrow" there is the 16th.
  EXPECT_EQ(Conversation("snooze", kBob, R"({"preset": "tomorrow"})").body.at("snooze_until"),
            "2027-01-16T09:00:00.000Z");
  EXPECT_EQ(
      Conversation("snooze", kBob, R"({"preset": "tomorrow", "time_zone": "America/Los_Angeles"})")
          .body.at("snooze_until"),
      "2027-01-16T17:00:00.000Z");
  EXPECT_EQ(Conversation("snooze", kBob, R"({"preset": "tomorrow", "time_zone": "Asia/Tokyo"})")
                .body.at("snooze_until"),
            "2027-01-16T00:00:00.000Z");  // 17:00 on the 15th in Tokyo → 09:00 on the 16th
  EXPECT_EQ(
      Text(Conversation("snooze", kBob, R"({"preset": "next_week"})").body.at("snooze_until")),
      FormatTimeMs(kStartMs + 7 * 24 * kHourMs));
  EXPECT_EQ(Conversation("snooze", kBob, R"({"until": "2027-01-15T12:30:00-05:00"})")
                .body.at("snooze_until"),
            "2027-01-15T17:30:00.000Z");
  // Each new snooze replaced the previous one's timer.
  auto timers = Timers(store_);
  ASSERT_EQ(timers.size(), 1u);
  EXPECT_EQ(timers[0].first.due_ms, kStartMs + 9 * kHourMs + 30 * 60 * 1000);
}

TEST_F(StateTest, SnoozeRefusesBadBodies) {
  ASSERT_EQ(Send(TextMo(kBob, "Hello")), smpp::CommandStatus::kOk);
  for (const char* body : {"", "{}", R"({"preset": "someday"})", R"({"preset": 3})",
                           R"({"preset": "tomorrow", "time_zone": "Mars/Olympus"})",
                           R"({"until": "2027-01-15T07:00:00Z"})", R"({"until": "tomorrow"})",
                           R"({"preset": "next_week", "until": "2027-02-01T00:00:00Z"})"}) {
    EXPECT_EQ(Conversation("snooze", kBob, body).status, 400) << body;
  }
  EXPECT_EQ(Profile(kBob)->state, store::ConversationState::kOpen);
  EXPECT_TRUE(Timers(store_).empty());
}

TEST_F(StateTest, OpenCloseReadUnread) {
  ASSERT_EQ(Send(TextMo(kBob, "Hello")), smpp::CommandStatus::kOk);
  EXPECT_EQ(pipeline_->UnreadConversations(), 1);
  Answer answer = Conversation("read", kBob);
  EXPECT_EQ(answer.body.at("unread"), false);
  EXPECT_FALSE(Profile(kBob)->unread);
  EXPECT_EQ(pipeline_->UnreadConversations(), 0);
  EXPECT_EQ(Conversation("unread", kBob).body.at("unread"), true);
  EXPECT_EQ(pipeline_->UnreadConversations(), 1);

  EXPECT_EQ(Conversation("close", kBob).body.at("state"), "closed");
  auto closed =
      store::StoreReader(store_).ScanInbox(store::ConversationState::kClosed, true, "", 10);
  ASSERT_TRUE(closed.ok());
  ASSERT_EQ(closed->entries.size(), 1u);  // the inbox index moved with the state
  // Snoozed, then opened by hand: the wake-up timer goes with the snooze.
  Conversation("snooze", kBob, R"({"preset": "later_today"})");
  EXPECT_EQ(Conversation("open", kBob).body.at("state"), "open");
  EXPECT_TRUE(Profile(kBob)->snooze_until_ms == 0);
  EXPECT_TRUE(Timers(store_).empty());
}

TEST_F(StateTest, StatesNeedAConversation) {
  for (const char* action : {"open", "close", "read", "unread"}) {
    Answer answer = Conversation(action, kBob);
    EXPECT_EQ(answer.status, 404) << action;
    EXPECT_EQ(answer.code(), "no_conversation");
  }
  ASSERT_EQ(Send(TextMo(kBob, "HELP")), smpp::CommandStatus::kOk);  // a keyword: no thread
  EXPECT_EQ(Conversation("snooze", kBob, R"({"preset": "later_today"})").code(), "no_conversation");
  EXPECT_EQ(Conversation("open", kBob, "", "", "+15559999999").status, 404);  // unknown brand
  EXPECT_EQ(Conversation("open", "12a").status, 400);
  EXPECT_EQ(Profile(kBob)->state, store::ConversationState::kNone);
}

TEST_F(StateTest, BlockClosesAndSilencesButKeepsInboundAndOptOut) {
  ASSERT_EQ(Send(TextMo(kBob, "Hello")), smpp::CommandStatus::kOk);
  Conversation("snooze", kBob, R"({"preset": "later_today"})");
  Answer answer = Profile("POST", "block", kBob);
  ASSERT_EQ(answer.status, 200);
  EXPECT_EQ(answer.body.at("blocked"), true);
  EXPECT_EQ(answer.body.at("state"), "closed");
  EXPECT_TRUE(Timers(store_).empty());
  // Inbound is stored, but neither reopens the conversation nor gets an auto-response.
  const std::size_t replies = Replies(kBob).size();
  now_ms_ += 3 * kHourMs;  // past the auto-responder's loop guard
  ASSERT_EQ(Send(TextMo(kBob, "Hello again")), smpp::CommandStatus::kOk);
  EXPECT_EQ(Messages(kBob).front().record.text, "Hello again");
  EXPECT_EQ(Profile(kBob)->state, store::ConversationState::kClosed);
  EXPECT_EQ(Replies(kBob).size(), replies);
  // An opt-out is still honoured.
  ASSERT_EQ(Send(TextMo(kBob, "START")), smpp::CommandStatus::kOk);
  ASSERT_EQ(Send(TextMo(kBob, "STOP")), smpp::CommandStatus::kOk);
  EXPECT_EQ(Profile(kBob)->consent, store::Consent::kUnsubscribed);

  answer = Profile("POST", "unblock", kBob);
  EXPECT_EQ(answer.body.at("blocked"), false);
  EXPECT_EQ(answer.body.at("state"), "closed");  // reopened by the profile's next message
  ASSERT_EQ(Send(TextMo(kBob, "Back")), smpp::CommandStatus::kOk);
  EXPECT_EQ(Profile(kBob)->state, store::ConversationState::kOpen);
}

TEST_F(StateTest, BlockingANumberThatNeverWroteCreatesItsRecord) {
  Answer answer = Profile("POST", "block", kBob);
  ASSERT_EQ(answer.status, 200);
  EXPECT_EQ(answer.body.at("state"), "none");
  ASSERT_TRUE(Profile(kBob));
  EXPECT_TRUE(Profile(kBob)->blocked);
  ASSERT_EQ(Send(TextMo(kBob, "Hi")), smpp::CommandStatus::kOk);
  EXPECT_EQ(Profile(kBob)->state, store::ConversationState::kNone);  // no conversation opens
}

TEST_F(StateTest, ConsentByApiIsAuditedWithCauseApi) {
  Answer answer =
      Profile("PUT", "consent", kBob, R"({"consent": "subscribed", "note": "signed form #12"})");
  ASSERT_EQ(answer.status, 200) << boost::json::serialize(answer.body);
  EXPECT_EQ(answer.body.at("consent"), "subscribed");
  EXPECT_EQ(answer.body.at("changed"), true);
  EXPECT_EQ(answer.body.at("audit").at("cause"), "api");
  EXPECT_EQ(answer.body.at("audit").at("from"), "never");
  EXPECT_EQ(Profile(kBob)->consent, store::Consent::kSubscribed);  // the record was created
  auto audit = store::StoreReader(store_).ListAudit(Thread(kBob), 10);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].cause, store::ConsentCause::kApi);
  EXPECT_EQ((*audit)[0].to, store::Consent::kSubscribed);
  EXPECT_EQ((*audit)[0].raw_text, "signed form #12");
  EXPECT_FALSE((*audit)[0].has_message);
  EXPECT_EQ((*audit)[0].at_ms, kStartMs);

  // Unchanged: nothing to audit. A keyword change afterwards continues the same trail.
  EXPECT_EQ(Profile("PUT", "consent", kBob, R"({"consent": "subscribed"})").body.at("changed"),
            false);
  ASSERT_EQ(Send(TextMo(kBob, "STOP")), smpp::CommandStatus::kOk);
  EXPECT_EQ(
      Profile("PUT", "consent", kBob, R"({"consent": "subscribed"})").body.at("audit").at("seq"),
      2);
  audit = store::StoreReader(store_).ListAudit(Thread(kBob), 10);
  ASSERT_EQ(audit->size(), 3u);
  EXPECT_EQ((*audit)[1].cause, store::ConsentCause::kKeyword);
  EXPECT_EQ((*audit)[2].cause, store::ConsentCause::kApi);
}

TEST_F(StateTest, ConsentRefusesBadBodies) {
  for (const char* body : {"", "{}", R"({"consent": "maybe"})", R"({"consent": 1})",
                           R"({"consent": "subscribed", "note": 5})"}) {
    EXPECT_EQ(Profile("PUT", "consent", kBob, body).status, 400) << body;
  }
  EXPECT_EQ(Profile("PUT", "consent", kBob,
                    R"({"consent": "subscribed", "note": ")" + std::string(1025, 'n') + R"("})")
                .status,
            400);
  EXPECT_FALSE(Profile(kBob));
}

}  // namespace
}  // namespace confab::api::testing
