// GET /v1/conversations: filters, order, pages and cursors (daemon/api_conversations.h).

#include "tests/daemon/api_conversations_fixture.h"

namespace confab::api::testing {
namespace {

TEST_F(ApiConversationsTest, InstallsTheFourReadRoutes) { EXPECT_EQ(routes_.size(), 4u); }

TEST_F(ApiConversationsTest, ListsOpenUnreadNewestFirstWithHeadAndPreview) {
  Mo("+15551230001", "first");
  Mo("+15551230002", "second");
  Mo("+15551230003", std::string(200, 'x'));
  const boost::json::object body = List("?state=open&unread=true");
  EXPECT_EQ(Profiles(body),
            (std::vector<std::string>{"+15551230003", "+15551230002", "+15551230001"}));
  EXPECT_TRUE(body.at("next_cursor").is_null());
  const boost::json::object& newest = body.at("conversations").as_array()[0].as_object();
  EXPECT_EQ(newest.at("brand").as_string(), kBrand);
  EXPECT_EQ(newest.at("state").as_string(), "open");
  EXPECT_TRUE(newest.at("unread").as_bool());
  EXPECT_EQ(newest.at("consent").as_string(), "never");
  EXPECT_FALSE(newest.at("blocked").as_bool());
  EXPECT_TRUE(newest.at("snooze_until").is_null());
  EXPECT_TRUE(newest.at("candidate").is_null());
  EXPECT_EQ(newest.at("last_activity").as_string(), "2027-01-15T08:00:03.000Z");
  // The MO's auto-response waits in the outbox (its seq is reserved): the preview is the MO.
  const boost::json::object& preview = newest.at("preview").as_object();
  EXPECT_EQ(preview.at("direction").as_string(), "inbound");
  EXPECT_EQ(preview.at("kind").as_string(), "conversation");
  EXPECT_EQ(preview.at("text").as_string(), std::string(160, 'x') + "\u2026");
}

TEST_F(ApiConversationsTest, ACachedPageIsAnsweredAgainOnlyUntilTheNextWrite) {
  Mo("+15551230001", "a");
  Mo("+15551230002", "b");
  const std::string first = routes_.Call("/v1/conversations", "/v1/conversations?unread=true").body;
  EXPECT_EQ(ListingCache("miss"), 1u);
  // The same filter spelled otherwise is the same page: answered from the cache, unchanged.
  EXPECT_EQ(routes_.Call("/v1/conversations", "/v1/conversations?unread=true&state=open").body,
            first);
  EXPECT_EQ(ListingCache("hit"), 1u);
  // Every write makes it stale: a conversation marked read leaves the page at once ...
  MarkRead("+15551230002");
  EXPECT_EQ(Profiles(List("?unread=true")), (std::vector<std::string>{"+15551230001"}));
  // ... and a new MO lands at its front.
  Mo("+15551230003", "c");
  EXPECT_EQ(Profiles(List("?unread=true")),
            (std::vector<std::string>{"+15551230003", "+15551230001"}));
  EXPECT_EQ(ListingCache("hit"), 1u);
  EXPECT_EQ(ListingCache("miss"), 3u);
  // A bad request is refused even though a page of that listing is cached.
  EXPECT_EQ(routes_.Call("/v1/conversations", "/v1/conversations?unread=true&limit=0").status, 400);
}

TEST_F(ApiConversationsTest, UnreadFilterSplitsAndItsAbsenceMergesByActivity) {
  Mo("+15551230001", "a");
  Mo("+15551230002", "b");
  Mo("+15551230003", "c");
  MarkRead("+15551230002");
  EXPECT_EQ(Profiles(List("?unread=true")),
            (std::vector<std::string>{"+15551230003", "+15551230001"}));
  EXPECT_EQ(Profiles(List("?unread=false")), (std::vector<std::string>{"+15551230002"}));
  EXPECT_EQ(Profiles(List("")),  // default state open, both flags
            (std::vector<std::string>{"+15551230003", "+15551230002", "+15551230001"}));
}

TEST_F(ApiConversationsTest, StateFilterListsSnoozedAndClosed) {
  Mo("+15551230001", "a");
  Mo("+15551230002", "b");
  Change(Thread("+15551230001"), [this](store::ProfileRecord& p, store::WriteSet&) {
    p.state = store::ConversationState::kSnoozed;
    p.snooze_until_ms = now_ms_.load() + 3'600'000;
  });
  Change(Thread("+15551230002"), [](store::ProfileRecord& p, store::WriteSet&) {
    p.state = store::ConversationState::kClosed;
  });
  EXPECT_TRUE(Profiles(List("?state=open")).empty());
  const boost::json::object snoozed = List("?state=snoozed");
  ASSERT_EQ(Profiles(snoozed), (std::vector<std::string>{"+15551230001"}));
  EXPECT_EQ(snoozed.at("conversations").as_array()[0].at("snooze_until").as_string(),
            "2027-01-15T09:00:02.000Z");
  EXPECT_EQ(Profiles(List("?state=closed")), (std::vector<std::string>{"+15551230002"}));
}

TEST_F(ApiConversationsTest, BrandFilterListsOneBrandAndUnknownBrandIs404) {
  Mo("+15551230001", "a");
  Mo("+15551230002", "b", kOtherBrand);
  Mo("+15551230003", "c");
  EXPECT_EQ(Profiles(List("?brand=%2B15550100001")), (std::vector<std::string>{"+15551230002"}));
  EXPECT_EQ(Profiles(List("?brand=%2B15550100000")),
            (std::vector<std::string>{"+15551230003", "+15551230001"}));
  HttpResponse unknown =
      routes_.Call("/v1/conversations", "/v1/conversations?brand=%2B15559999999");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(ErrorCode(unknown), "unknown_brand");
}

TEST_F(ApiConversationsTest, CampaignAndFlowFiltersListAttributedConversations) {
  Mo("+15551230001", "a");
  Mo("+15551230002", "b");
  Mo("+15551230003", "c");
  for (const char* from : {"+15551230001", "+15551230003"}) {
    const store::ThreadId thread = Thread(from);
    Change(thread, [thread](store::ProfileRecord&, store::WriteSet& writes) {
      writes.PutAttribution({store::AttributionKind::kCampaign, 42, {thread, 0}}, {1, 0});
    });
  }
  EXPECT_EQ(Profiles(List("?campaign=42")),
            (std::vector<std::string>{"+15551230003", "+15551230001"}));
  EXPECT_EQ(Profiles(List("?campaign=42&limit=1")), (std::vector<std::string>{"+15551230003"}));
  const boost::json::object first = List("?campaign=42&limit=1");
  EXPECT_FALSE(first.at("partial").as_bool());
  EXPECT_EQ(Profiles(List("?campaign=42&limit=1&cursor=" + Cursor(first))),
            (std::vector<std::string>{"+15551230001"}));
  MarkRead("+15551230001");
  EXPECT_EQ(Profiles(List("?campaign=42&unread=true")), (std::vector<std::string>{"+15551230003"}));
  EXPECT_TRUE(Profiles(List("?flow=42")).empty());
  EXPECT_TRUE(Profiles(List("?campaign=43")).empty());
}

TEST_F(ApiConversationsTest, PagesNeverRepeatWhileNewMessagesMoveConversationsToTheFront) {
  for (int i = 1; i <= 7; ++i) {
    Mo("+1555123000" + std::to_string(i), "hello");
  }
  std::vector<std::string> seen;
  boost::json::object page = List("?unread=true&limit=3");
  for (std::string& profile : Profiles(page)) {
    seen.push_back(std::move(profile));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"+15551230007", "+15551230006", "+15551230005"}));
  // Between pages: a listed one and an unlisted one write again, and a new one arrives. They
  // move in front of the cursor; the rest must still come exactly once.
  Mo("+15551230006", "again");
  Mo("+15551230002", "again");
  Mo("+15551230009", "new");
  while (!Cursor(page).empty()) {
    page = List("?unread=true&limit=3&cursor=" + Cursor(page));
    for (std::string& profile : Profiles(page)) {
      seen.push_back(std::move(profile));
    }
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"+15551230007", "+15551230006", "+15551230005",
                                            "+15551230004", "+15551230003", "+15551230001"}));
  // A fresh first page shows the moved ones at the front.
  EXPECT_EQ(Profiles(List("?unread=true&limit=3")),
            (std::vector<std::string>{"+15551230009", "+15551230002", "+15551230006"}));
}

TEST_F(ApiConversationsTest, MergedPagesNeverRepeatWhenConversationsAreMarkedRead) {
  for (int i = 1; i <= 6; ++i) {
    Mo("+1555123000" + std::to_string(i), "hello");
  }
  MarkRead("+15551230005");
  boost::json::object page = List("?limit=2");
  std::vector<std::string> seen = Profiles(page);
  EXPECT_EQ(seen, (std::vector<std::string>{"+15551230006", "+15551230005"}));
  MarkRead("+15551230006");  // listed: changes stream, keeps its position behind the cursor
  MarkRead("+15551230003");  // not listed yet: must still come once
  while (!Cursor(page).empty()) {
    page = List("?limit=2&cursor=" + Cursor(page));
    for (std::string& profile : Profiles(page)) {
      seen.push_back(std::move(profile));
    }
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"+15551230006", "+15551230005", "+15551230004",
                                            "+15551230003", "+15551230002", "+15551230001"}));
}

TEST_F(ApiConversationsTest, TamperedOrForeignCursorsAreRefused) {
  for (int i = 1; i <= 3; ++i) {
    Mo("+1555123000" + std::to_string(i), "hello");
  }
  const std::string cursor = Cursor(List("?unread=true&limit=1"));
  ASSERT_FALSE(cursor.empty());
  EXPECT_EQ(Profiles(List("?unread=true&limit=1&cursor=" + cursor)),
            (std::vector<std::string>{"+15551230002"}));
  std::string altered = cursor;
  altered[altered.size() / 2] = altered[altered.size() / 2] == 'A' ? 'B' : 'A';
  for (const std::string& bad : {altered, cursor.substr(0, cursor.size() - 4),
                                 std::string("not-a-cursor"), std::string("%%%%")}) {
    const boost::json::object error = List("?unread=true&limit=1&cursor=" + bad, 400);
    EXPECT_EQ(error.at("error").at("code").as_string(), "invalid_argument") << bad;
  }
  // A cursor of another listing (other unread flag, state, brand or campaign).
  List("?unread=false&cursor=" + cursor, 400);
  List("?cursor=" + cursor, 400);
  List("?unread=true&state=closed&cursor=" + cursor, 400);
  List("?unread=true&brand=%2B15550100000&cursor=" + cursor, 400);
  List("?unread=true&campaign=1&cursor=" + cursor, 400);
}

TEST_F(ApiConversationsTest, BadFiltersAre400NamingTheParameter) {
  for (const char* query :
       {"?state=archived", "?unread=maybe", "?limit=0", "?limit=201", "?limit=ten", "?campaign=abc",
        "?flow=-1", "?campaign=1&flow=2", "?brand=abc"}) {
    const boost::json::object error = List(query, 400);
    EXPECT_EQ(error.at("error").at("code").as_string(), "invalid_argument") << query;
  }
  const boost::json::object error = List("?limit=500", 400);
  EXPECT_NE(std::string(error.at("error").at("message").as_string()).find("limit"),
            std::string::npos);
}

}  // namespace
}  // namespace confab::api::testing
