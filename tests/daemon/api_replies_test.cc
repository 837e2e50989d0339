// POST /v1/conversations/{brand}/{profile}/replies: agent replies through the real pipeline.

#include <gtest/gtest.h>

#include <string>

#include "tests/daemon/api_actions_test_util.h"

namespace confab::api::testing {
namespace {

constexpr char kAlice[] = "+15551230001";
constexpr char kLongUrl[] = "https://shop.example.com/spring/collection?utm_source=sms";

using ReplyTest = ActionsTest;

TEST_F(ReplyTest, InstallsEveryActionRoute) {
  EXPECT_EQ(routes_.size(), 10u);
  for (const char* key : {"POST /v1/conversations/{brand}/{profile}/replies",
                          "POST /v1/conversations/{brand}/{profile}/snooze",
                          "POST /v1/profiles/{brand}/{profile}/block",
                          "PUT /v1/profiles/{brand}/{profile}/consent", "POST /v1/sends"}) {
    EXPECT_TRUE(routes_.Has(key)) << key;
  }
}

TEST_F(ReplyTest, QueuesTheShortenedReplyDurably) {
  Subscribed(kAlice);
  const uint32_t seq = Profile(kAlice)->next_message_seq;
  now_ms_ += 60'000;
  Answer answer = Reply(kAlice, std::string(R"({"text": "See )") + kLongUrl + R"("})");
  ASSERT_EQ(answer.status, 200) << boost::json::serialize(answer.body);
  const boost::json::object& reply = answer.body.at("replies").at(0).as_object();
  EXPECT_EQ(reply.at("message_id").as_int64(), seq);
  EXPECT_EQ(reply.at("text"), "See https://s.co/C0000000");
  EXPECT_EQ(reply.at("links").as_int64(), 1);
  EXPECT_EQ(reply.at("encoding"), "gsm7");
  EXPECT_EQ(reply.at("segments").as_int64(), 1);
  EXPECT_EQ(reply.at("delivery"), "queued");
  EXPECT_EQ(reply.at("quiet_hours").at("verdict"), "inside");
  EXPECT_EQ(
      Text(reply.at("outbox_id")),
      "+15550100000/+15551230001/" + std::to_string(now_ms_.load()) + "/" + std::to_string(seq));

  // The message in the thread, a reference item in the outbox, the thread's head moved.
  std::optional<store::MessageRecord> message = Message(kAlice, seq);
  ASSERT_TRUE(message);
  EXPECT_EQ(message->kind, store::MessageKind::kAgentReply);
  EXPECT_EQ(message->direction, store::Direction::kOutbound);
  EXPECT_EQ(message->delivery, store::DeliveryState::kQueued);
  EXPECT_EQ(message->text, "See https://s.co/C0000000");
  auto queued = Queued(kAlice);
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].first.due_ms, now_ms_.load());
  EXPECT_EQ(queued[0].first.message.seq, seq);
  EXPECT_EQ(queued[0].second.route, 3u);
  EXPECT_EQ(Profile(kAlice)->next_message_seq, seq + 1);
  EXPECT_EQ(Profile(kAlice)->last_activity_ms, now_ms_.load());
  // The short link names this message: clicks attribute to it.
  auto link = links_.Get("C0000000");
  ASSERT_TRUE(link.ok() && link->has_value());
  EXPECT_EQ((*link)->message, (store::MessageKey{Thread(kAlice), seq}));
  EXPECT_EQ((*link)->url, kLongUrl);
}

TEST_F(ReplyTest, SeveralTextsGoOutInOrder) {
  Subscribed(kAlice);
  const uint32_t seq = Profile(kAlice)->next_message_seq;
  Answer answer = Reply(kAlice, R"({"texts": ["first", "second ✓ ünïcode", "third"]})");
  ASSERT_EQ(answer.status, 200);
  const boost::json::array& replies = answer.body.at("replies").as_array();
  ASSERT_EQ(replies.size(), 3u);
  const char* texts[] = {"first", "second ✓ ünïcode", "third"};
  for (uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(replies[i].at("message_id").as_int64(), seq + i);
    EXPECT_EQ(Message(kAlice, seq + i)->text, texts[i]);
  }
  EXPECT_EQ(replies[1].at("encoding"), "ucs2");  // ✓ is not GSM 7-bit
  auto queued = Queued(kAlice);
  ASSERT_EQ(queued.size(), 3u);
  for (uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(queued[i].first.message.seq, seq + i);  // same due time: sent in seq order
  }
}

TEST_F(ReplyTest, ReportsEncodingAndSegmentsOfTheFinalText) {
  Subscribed(kAlice);
  Answer answer = Reply(kAlice, R"({"text": ")" + std::string(161, 'a') + R"("})");
  EXPECT_EQ(answer.body.at("replies").at(0).at("segments").as_int64(), 2);
  answer = Reply(kAlice, R"({"text": ")" + std::string(70, 'x') + R"(😀"})");
  EXPECT_EQ(answer.body.at("replies").at(0).at("encoding"), "ucs2");
  EXPECT_EQ(answer.body.at("replies").at(0).at("segments").as_int64(), 2);  // 72 units
}

TEST_F(ReplyTest, DryRunPreviewsAndWritesNothing) {
  Subscribed(kAlice);
  const store::ProfileRecord before = *Profile(kAlice);
  const std::size_t messages = Messages(kAlice).size();
  Answer answer = Reply(kAlice, std::string(R"({"text": "See )") + kLongUrl + R"("})", "dry_run=1");
  ASSERT_EQ(answer.status, 200);
  EXPECT_EQ(answer.body.at("dry_run"), true);
  const boost::json::object& reply = answer.body.at("replies").at(0).as_object();
  EXPECT_EQ(reply.at("text"), "See https://s.co/xxxxxxxx");
  EXPECT_TRUE(reply.at("message_id").is_null());
  EXPECT_TRUE(reply.at("outbox_id").is_null());
  EXPECT_EQ(*Profile(kAlice), before);
  EXPECT_EQ(Messages(kAlice).size(), messages);
  EXPECT_TRUE(Queued(kAlice).empty());
  EXPECT_EQ(links_.size(), 0u);
}

TEST_F(ReplyTest, RefusedWithoutAConversation) {
  EXPECT_EQ(Reply(kAlice, R"({"text": "hi"})").code(), "no_conversation");  // no record
  ASSERT_EQ(Send(TextMo(kAlice, "START")), smpp::CommandStatus::kOk);       // subscribed, no thread
  Answer answer = Reply(kAlice, R"({"text": "hi"})");
  EXPECT_EQ(answer.status, 409);
  EXPECT_EQ(answer.code(), "no_conversation");
  // A dry run gives the same answer.
  EXPECT_EQ(Reply(kAlice, R"({"text": "hi"})", "dry_run=true").code(), "no_conversation");
  EXPECT_TRUE(Queued(kAlice).empty());
}

TEST_F(ReplyTest, RefusedWhenNotSubscribedOrBlockedAndSendsNothing) {
  ASSERT_EQ(Send(TextMo(kAlice, "Hello?")), smpp::CommandStatus::kOk);  // consent: never
  const std::size_t messages = Messages(kAlice).size();
  Answer answer = Reply(kAlice, R"({"text": "hi https://example.com/a-long-path-here"})");
  EXPECT_EQ(answer.status, 409);
  EXPECT_EQ(answer.code(), "not_subscribed");
  EXPECT_EQ(links_.size(), 0u);  // refused before any link is made

  Subscribed(kAlice);
  ASSERT_EQ(Send(TextMo(kAlice, "STOP")), smpp::CommandStatus::kOk);
  EXPECT_EQ(Reply(kAlice, R"({"text": "hi"})").code(), "not_subscribed");

  ASSERT_EQ(Send(TextMo(kAlice, "START")), smpp::CommandStatus::kOk);
  ASSERT_EQ(Profile("POST", "block", kAlice).status, 200);
  answer = Reply(kAlice, R"({"text": "hi"})");
  EXPECT_EQ(answer.status, 409);
  EXPECT_EQ(answer.code(), "blocked");
  EXPECT_TRUE(Queued(kAlice).empty());
  for (const store::ThreadMessage& message : Messages(kAlice)) {
    EXPECT_NE(message.record.kind, store::MessageKind::kAgentReply);
  }
  EXPECT_GT(Messages(kAlice).size(), messages);
}

TEST_F(ReplyTest, BadRequestsNameTheField) {
  Subscribed(kAlice);
  struct Case {
    std::string body;
    std::string query;
    std::string in_message;
  };
  const Case cases[] = {
      {"", "", "body"},
      {"{not json", "", "JSON"},
      {"[1]", "", "object"},
      {R"({})", "", "text"},
      {R"({"text": "a", "texts": ["b"]})", "", "exactly one"},
      {R"({"text": ""})", "", "text"},
      {R"({"text": 5})", "", "text"},
      {R"({"texts": []})", "", "texts"},
      {R"({"texts": ["ok", 7]})", "", "texts[1]"},
      {R"({"text": ")" + std::string(153 * 255 + 1, 'a') + R"("})", "", "255"},
      {R"({"text": "ok"})", "dry_run=maybe", "dry_run"},
  };
  for (const Case& c : cases) {
    Answer answer = Reply(kAlice, c.body, c.query);
    EXPECT_EQ(answer.status, 400) << c.body.substr(0, 40);
    EXPECT_NE(std::string(answer.body.at("error").at("message").as_string()).find(c.in_message),
              std::string::npos)
        << answer.body.at("error").at("message");
  }
  EXPECT_EQ(Conversation("replies", "not-a-number", R"({"text": "x"})").status, 400);
  Answer unknown = Conversation("replies", kAlice, R"({"text": "x"})", "", "+15559999999");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_TRUE(Queued(kAlice).empty());
}

TEST_F(ReplyTest, QuietHoursDeferHoldsTheReplyUntilTheWindowOpens) {
  Subscribed(kAlice);
  SetTimeZone(kAlice, "America/New_York");  // kStartMs is 03:00 there
  brand_config_->quiet_hours = {config::QuietHoursPolicy::kDefer, {8, 0}, {20, 0}};
  Answer answer = Reply(kAlice, R"({"text": "Good morning"})");
  ASSERT_EQ(answer.status, 200);
  const boost::json::object& reply = answer.body.at("replies").at(0).as_object();
  const uint64_t opening = kStartMs + 5 * 3600 * 1000;  // 08:00 EST = 13:00Z
  EXPECT_EQ(reply.at("quiet_hours").at("verdict"), "defer");
  EXPECT_EQ(Text(reply.at("quiet_hours").at("defer_until")), FormatTimeMs(opening));
  EXPECT_EQ(reply.at("delivery"), "deferred");
  auto queued = Queued(kAlice);
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].first.due_ms, opening);
  EXPECT_EQ(Message(kAlice, queued[0].first.message.seq)->delivery,
            store::DeliveryState::kDeferred);
}

TEST_F(ReplyTest, QuietHoursWarnSendsAndFlagsAndOffSkipsTheCheck) {
  Subscribed(kAlice);
  SetTimeZone(kAlice, "America/New_York");
  brand_config_->quiet_hours = {config::QuietHoursPolicy::kWarn, {8, 0}, {20, 0}};
  Answer answer = Reply(kAlice, R"({"text": "Late reply"})");
  const boost::json::object& reply = answer.body.at("replies").at(0).as_object();
  EXPECT_EQ(reply.at("quiet_hours").at("verdict"), "outside");
  EXPECT_NE(std::string(reply.at("quiet_hours").at("reason").as_string()).find("outside"),
            std::string::npos);
  EXPECT_EQ(reply.at("delivery"), "queued");
  EXPECT_EQ(Queued(kAlice).at(0).first.due_ms, kStartMs);

  brand_config_->quiet_hours.policy = config::QuietHoursPolicy::kOff;
  answer = Reply(kAlice, R"({"text": "Another"})");
  EXPECT_EQ(answer.body.at("replies").at(0).at("quiet_hours").at("verdict"), "off");
}

TEST_F(ReplyTest, ShorteningOffForTheBrandKeepsTheText) {
  Subscribed(kAlice);
  brand_config_->link_shortening = false;
  Answer answer = Reply(kAlice, std::string(R"({"text": ")") + kLongUrl + R"("})");
  EXPECT_EQ(answer.body.at("replies").at(0).at("text"), kLongUrl);
  EXPECT_EQ(links_.size(), 0u);
}

TEST_F(ReplyTest, AnMoTakingTheSeqMeanwhileMovesTheReplyAndItsLinks) {
  Subscribed(kAlice);
  const uint32_t seq = Profile(kAlice)->next_message_seq;
  bool sent = false;
  // While the reply's link is being made for `seq`, the profile writes again and takes it.
  codes_.on_next = [&] {
    if (!sent) {
      sent = true;
      ASSERT_EQ(Send(TextMo(kAlice, "Are you there?")), smpp::CommandStatus::kOk);
    }
  };
  Answer answer = Reply(kAlice, std::string(R"({"text": ")") + kLongUrl + R"("})");
  ASSERT_EQ(answer.status, 200) << boost::json::serialize(answer.body);
  const uint32_t reply_seq =
      static_cast<uint32_t>(answer.body.at("replies").at(0).at("message_id").as_int64());
  EXPECT_GT(reply_seq, seq);  // after the MO (and its auto-response, if any)
  EXPECT_EQ(Message(kAlice, seq)->direction, store::Direction::kInbound);
  EXPECT_EQ(Message(kAlice, reply_seq)->kind, store::MessageKind::kAgentReply);
  // The link the reply carries names the reply.
  EXPECT_EQ(answer.body.at("replies").at(0).at("text"), "https://s.co/C0000001");
  EXPECT_EQ((*links_.Get("C0000001"))->message, (store::MessageKey{Thread(kAlice), reply_seq}));
}

}  // namespace
}  // namespace confab::api::testing
