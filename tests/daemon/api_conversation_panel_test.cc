// GET /v1/unread, the profile panel and the consent trail (daemon/api_conversations.h).

#include "tests/daemon/api_conversations_fixture.h"

namespace confab::api::testing {
namespace {

TEST_F(ApiConversationsTest, UnreadIndicatorCountsConversationsNotMessages) {
  Mo("+15551230001", "a");
  Mo("+15551230001", "a again");
  Mo("+15551230002", "b");
  Mo("+15551230003", "c", kOtherBrand);
  MarkRead("+15551230002");
  HttpResponse response = routes_.Call("/v1/unread", "/v1/unread");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(boost::json::parse(response.body).at("unread_conversations").as_int64(), 2);
}

TEST_F(ApiConversationsTest, PanelShowsHeadTimeZoneActivityAndTheThreadNewestFirst) {
  Mo("+14155550123", "Do you have this in blue?");
  Mo("+14155550123", "and in red?");
  HttpResponse response = Panel(kBrand, "+14155550123");
  ASSERT_EQ(response.status, 200) << response.body;
  const boost::json::object body = boost::json::parse(response.body).as_object();
  EXPECT_EQ(body.at("profile").as_string(), "+14155550123");
  EXPECT_EQ(body.at("state").as_string(), "open");
  EXPECT_TRUE(body.at("unread").as_bool());
  const boost::json::object& zone = body.at("time_zone").as_object();
  EXPECT_EQ(zone.at("region").as_string(), "US");
  EXPECT_EQ(zone.at("zone").as_string(), "America/Los_Angeles");  // 415: San Francisco
  EXPECT_EQ(zone.at("source").as_string(), "number_area");
  const boost::json::object& activity = body.at("recent_activity").as_object();
  EXPECT_EQ(activity.at("received").as_int64(), 2);
  EXPECT_EQ(activity.at("last_received").as_string(), "2027-01-15T08:00:02.000Z");
  const boost::json::array& messages = body.at("messages").as_array();
  ASSERT_EQ(messages.size(), 2u);  // the auto-response waits in the outbox, not yet here
  EXPECT_EQ(messages[0].at("text").as_string(), "and in red?");
  EXPECT_EQ(messages[0].at("direction").as_string(), "inbound");
  EXPECT_EQ(messages[0].at("kind").as_string(), "conversation");
  EXPECT_EQ(messages[0].at("encoding").as_string(), "gsm7");
  EXPECT_EQ(messages[0].at("segments").as_int64(), 1);
  EXPECT_EQ(messages[0].at("delivery").as_string(), "received");
  EXPECT_TRUE(messages[0].at("attribution").is_null());
  EXPECT_TRUE(messages[0].at("delivery_error").is_null());
  EXPECT_EQ(messages[1].at("text").as_string(), "Do you have this in blue?");
  EXPECT_GT(messages[0].at("seq").as_int64(), messages[1].at("seq").as_int64());
}

TEST_F(ApiConversationsTest, PanelUsesTheProfilesOwnTimeZoneWhenSet) {
  Mo("+14155550123", "hi");
  Change(Thread("+14155550123"),
         [](store::ProfileRecord& p, store::WriteSet&) { p.time_zone = "Europe/Berlin"; });
  HttpResponse response = Panel(kBrand, "+14155550123");
  ASSERT_EQ(response.status, 200) << response.body;
  const boost::json::value zone = boost::json::parse(response.body).at("time_zone");
  EXPECT_EQ(zone.at("zone").as_string(), "Europe/Berlin");
  EXPECT_EQ(zone.at("source").as_string(), "profile");
}

TEST_F(ApiConversationsTest, PanelErrors) {
  Mo("+15551230001", "hello");
  Mo("+15551230002", "START");  // a keyword: a profile with consent, no conversation
  EXPECT_EQ(Panel(kBrand, "+15551230001").status, 200);
  for (const auto& [profile, code] : {std::pair{"+15551230002", "no_conversation"},
                                      std::pair{"+15551230003", "no_conversation"}}) {
    HttpResponse response = Panel(kBrand, profile);
    EXPECT_EQ(response.status, 404) << profile;
    EXPECT_EQ(ErrorCode(response), code);
  }
  HttpResponse unknown = Panel("+15559999999", "+15551230001");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(ErrorCode(unknown), "unknown_brand");
  EXPECT_EQ(Panel(kBrand, "not-a-number").status, 400);
  EXPECT_EQ(Panel("abc", "+15551230001").status, 400);
}

TEST_F(ApiConversationsTest, ConsentShowsTheAuditTrailInPages) {
  Mo("+15551230001", "START");
  Mo("+15551230001", "STOP");
  Mo("+15551230001", "JOIN");  // not START again: that is a carrier retransmission (dedup)
  HttpResponse all = Consent(kBrand, "+15551230001");
  ASSERT_EQ(all.status, 200) << all.body;
  const boost::json::object body = boost::json::parse(all.body).as_object();
  EXPECT_EQ(body.at("consent").as_string(), "subscribed");
  EXPECT_EQ(body.at("audit_total").as_int64(), 3);
  EXPECT_TRUE(body.at("next_after").is_null());
  const boost::json::array& audit = body.at("audit").as_array();
  ASSERT_EQ(audit.size(), 3u);
  EXPECT_EQ(audit[0].at("from").as_string(), "never");
  EXPECT_EQ(audit[0].at("to").as_string(), "subscribed");
  EXPECT_EQ(audit[0].at("cause").as_string(), "keyword");
  EXPECT_EQ(audit[0].at("raw_text").as_string(), "START");
  EXPECT_FALSE(audit[0].at("message_seq").is_null());
  EXPECT_EQ(audit[1].at("to").as_string(), "unsubscribed");
  EXPECT_EQ(audit[1].at("at").as_string(), "2027-01-15T08:00:02.000Z");

  HttpResponse first = Consent(kBrand, "+15551230001", "?limit=2");
  ASSERT_EQ(first.status, 200);
  const boost::json::value page = boost::json::parse(first.body);
  EXPECT_EQ(page.at("audit").as_array().size(), 2u);
  ASSERT_EQ(page.at("next_after").as_int64(), 1);
  HttpResponse rest = Consent(kBrand, "+15551230001", "?limit=2&after=1");
  ASSERT_EQ(rest.status, 200);
  const boost::json::value last = boost::json::parse(rest.body);
  ASSERT_EQ(last.at("audit").as_array().size(), 1u);
  EXPECT_EQ(last.at("audit").as_array()[0].at("seq").as_int64(), 2);
  EXPECT_TRUE(last.at("next_after").is_null());
}

TEST_F(ApiConversationsTest, ConsentErrors) {
  Mo("+15551230001", "hello");
  EXPECT_EQ(Consent(kBrand, "+15551230001").status, 200);
  HttpResponse none = Consent(kBrand, "+15551230009");
  EXPECT_EQ(none.status, 404);
  EXPECT_EQ(ErrorCode(none), "no_profile");
  HttpResponse unknown = Consent("+15559999999", "+15551230001");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(ErrorCode(unknown), "unknown_brand");
  EXPECT_EQ(Consent(kBrand, "x").status, 400);
  for (const char* query : {"?limit=0", "?limit=501", "?after=x", "?after=-2"}) {
    HttpResponse bad = Consent(kBrand, "+15551230001", query);
    EXPECT_EQ(bad.status, 400) << query;
    EXPECT_EQ(ErrorCode(bad), "invalid_argument");
  }
}

}  // namespace
}  // namespace confab::api::testing
