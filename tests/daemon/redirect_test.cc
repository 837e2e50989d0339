// The short-link redirect listener: bot detection, and the endpoint served by the real listener
// over loopback on port 0 (302 + Location, clicks, HEAD, 404 page, expiry, other methods).

#include "daemon/redirect.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "daemon/admin_server.h"
#include "tests/daemon/served_router.h"
#include "tests/daemon/shortener_test_util.h"

namespace confab {
namespace {

using ::confab::testing::FakeClock;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST(BotDetectorTest, KnownPreviewAgentsAreBotsCaseInsensitively) {
  const BotDetector bots(config::LinksConfig::DefaultBotUserAgents());
  struct Row {
    const char* user_agent;
    bool bot;
  };
  const Row rows[] = {
      {"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", true},
      {"Mozilla/5.0 (compatible; Twitterbot/1.0)", true},
      {"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", true},
      {"WhatsApp/2.23.20.0 A", true},
      {"TelegramBot (like TwitterBot)", true},
      {"Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", true},
      {"LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
       true},
      {"Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5", true},
      {"Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 "
       "Safari/605.1.15 (Applebot/0.1)",
       true},
      {"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", true},
      {"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", true},
      {"FACEBOOKEXTERNALHIT/1.1", true},
      {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
       "like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
       false},
      {"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/120.0.0.0 Mobile Safari/537.36",
       false},
      {"curl/8.4.0", false},
      {"", false},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(bots.IsBot(row.user_agent), row.bot) << row.user_agent;
  }
  EXPECT_TRUE(BotDetector({"MyPreviewer"}).IsBot("x mypreviewer/1"));
  // Longer than the detector's stack buffer (512 bytes): the same answers.
  const std::string padding(600, 'x');
  EXPECT_TRUE(bots.IsBot(padding + " WhatsApp/2.23"));
  EXPECT_TRUE(bots.IsBot("WHATSAPP/2.23 " + padding));
  EXPECT_FALSE(bots.IsBot(padding + " Mobile Safari/604.1"));
  EXPECT_TRUE(bots.IsBot(std::string(512 - 8, 'y') + "whatsapp"));  // exactly 512 bytes
  EXPECT_FALSE(BotDetector({"", "MyPreviewer"}).IsBot("Safari"));   // empty entries ignored
}

HttpRequest Get(std::string method, std::string target) {
  HttpRequest request;
  request.method = std::move(method);
  request.target = std::move(target);
  return request;
}

TEST(HttpRouterFallbackTest, ExactRoutesWinAndTheFallbackTakesUnknownPaths) {
  HttpRouter router;
  router.Add("GET", "/healthz", [](const HttpRequest&) { return JsonResponse(200, "ok"); });
  router.SetFallback([](const HttpRequest&) { return JsonResponse(418, "fallback"); });
  EXPECT_EQ(router.Route(Get("GET", "/healthz")).status, 200);
  EXPECT_EQ(router.Route(Get("POST", "/healthz")).status, 405);
  EXPECT_EQ(router.Route(Get("GET", "/elsewhere")).status, 418);
}

// A whole HTTP/1.1 exchange on a fresh connection with "Connection: close": all of the answer.
std::string Exchange(uint16_t port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string data;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      ::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
    char buffer[4096];
    for (;;) {
      pollfd pfd{.fd = fd, .events = POLLIN, .revents = 0};
      if (::poll(&pfd, 1, 30'000) <= 0) {
        break;  // a deadline that only fails the test
      }
      const ssize_t n = ::read(fd, buffer, sizeof(buffer));
      if (n <= 0) {
        break;
      }
      data.append(buffer, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  return data;
}

std::string Request(const std::string& method, const std::string& target,
                    const std::string& user_agent = "Mozilla/5.0 (iPhone)") {
  return method + " " + target + " HTTP/1.1\r\nHost: s.co\r\nUser-Agent: " + user_agent +
         "\r\nConnection: close\r\n\r\n";
}

class RedirectListenerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(*store_.InsertIfAbsent(
        "Abc12345", LinkRecord{"https://example.com/landing?x=1", confab::testing::TestMessage(1),
                               clock_.now, clock_.now + absl::Hours(24)}));
    service_.Install(router_);
    ASSERT_NO_FATAL_FAILURE(served_.Start(&router_));
  }
  void TearDown() override { served_.Shutdown(); }
  uint16_t port() const { return served_.port(); }

  FakeClock clock_;
  InMemoryLinkStore store_;
  RedirectService service_{&store_, BotDetector(config::LinksConfig::DefaultBotUserAgents()),
                           clock_.Fn()};
  HttpRouter router_;
  confab::testing::ServedRouter served_;
};

TEST_F(RedirectListenerTest, GetRedirectsWith302AndRecordsAHumanClick) {
  const std::string response = Exchange(port(), Request("GET", "/Abc12345"));
  EXPECT_THAT(response, StartsWith("HTTP/1.1 302 Found\r\n"));
  EXPECT_THAT(response, HasSubstr("\r\nLocation: https://example.com/landing?x=1\r\n"));
  EXPECT_THAT(response, HasSubstr("\r\nCache-Control: no-store\r\n"));
  const std::vector<LinkClick> clicks = store_.Clicks("Abc12345");
  ASSERT_EQ(clicks.size(), 1u);
  EXPECT_EQ(clicks[0].time, clock_.now);
  EXPECT_EQ(clicks[0].user_agent, "Mozilla/5.0 (iPhone)");
  EXPECT_FALSE(clicks[0].is_bot);
}

TEST_F(RedirectListenerTest, PreviewBotClicksAreMarkedAsBots) {
  const std::string response =
      Exchange(port(), Request("GET", "/Abc12345?utm=x", "WhatsApp/2.23.20.0 A"));
  EXPECT_THAT(response, StartsWith("HTTP/1.1 302"));
  const std::vector<LinkClick> clicks = store_.Clicks("Abc12345");
  ASSERT_EQ(clicks.size(), 1u);
  EXPECT_TRUE(clicks[0].is_bot);
}

// SIGHUP: a new [links].bot_user_agents list applies to the running listener.
TEST_F(RedirectListenerTest, SetBotsChangesWhichClicksCountAsBots) {
  ASSERT_THAT(Exchange(port(), Request("GET", "/Abc12345", "MyPreviewer/1.0")),
              StartsWith("HTTP/1.1 302"));
  service_.SetBots(BotDetector({"mypreviewer"}));
  ASSERT_THAT(Exchange(port(), Request("GET", "/Abc12345", "MyPreviewer/1.0")),
              StartsWith("HTTP/1.1 302"));
  ASSERT_THAT(Exchange(port(), Request("GET", "/Abc12345", "WhatsApp/2.23.20.0 A")),
              StartsWith("HTTP/1.1 302"));
  const std::vector<LinkClick> clicks = store_.Clicks("Abc12345");
  ASSERT_EQ(clicks.size(), 3u);
  EXPECT_FALSE(clicks[0].is_bot);  // before: not on the default list
  EXPECT_TRUE(clicks[1].is_bot);   // after: on the new list
  EXPECT_FALSE(clicks[2].is_bot);  // the new list replaced the default one
}

// Swapping the list while I/O threads answer: every click is classified by one whole list.
TEST_F(RedirectListenerTest, SetBotsWhileServingIsSafe) {
  std::atomic<bool> done{false};
  std::thread swapper([&] {
    for (int i = 0; !done.load(); ++i) {
      service_.SetBots(BotDetector(i % 2 == 0 ? std::vector<std::string>{"iphone"}
                                              : std::vector<std::string>{"android"}));
    }
  });
  HttpRequest request = Get("GET", "/Abc12345");
  request.headers = {{"User-Agent", "Mozilla/5.0 (iPhone)"}};
  for (int i = 0; i < 2000; ++i) {
    ASSERT_EQ(service_.Handle(request).status, 302);
  }
  done = true;
  swapper.join();
  EXPECT_EQ(store_.Clicks("Abc12345").size(), 2000u);
}

TEST_F(RedirectListenerTest, HeadAnswersLikeGetWithoutBodyOrClick) {
  const std::string response = Exchange(port(), Request("HEAD", "/Abc12345"));
  EXPECT_THAT(response, StartsWith("HTTP/1.1 302"));
  EXPECT_THAT(response, HasSubstr("\r\nLocation: https://example.com/landing?x=1\r\n"));
  EXPECT_TRUE(store_.Clicks("Abc12345").empty());
}

TEST_F(RedirectListenerTest, UnknownOrMalformedCodesGetTheHtml404Page) {
  for (const char* target : {"/Zzz99999", "/", "/Abc1234", "/Abc123456", "/Abc-2345",
                             "/Abc12345/more", "/healthz", "/%41bc12345"}) {
    const std::string response = Exchange(port(), Request("GET", target));
    EXPECT_THAT(response, StartsWith("HTTP/1.1 404")) << target;
    EXPECT_THAT(response, HasSubstr("Content-Type: text/html; charset=utf-8")) << target;
    EXPECT_THAT(response, HasSubstr("<h1>Link not found</h1>")) << target;
    EXPECT_THAT(response, Not(HasSubstr("Location:"))) << target;
  }
  EXPECT_TRUE(store_.Clicks("Abc12345").empty());
}

TEST_F(RedirectListenerTest, ExpiredLinkIsA404AndNoClick) {
  clock_.now += absl::Hours(24) - absl::Seconds(1);
  EXPECT_THAT(Exchange(port(), Request("GET", "/Abc12345")), StartsWith("HTTP/1.1 302"));
  clock_.now += absl::Seconds(1);  // exactly at `expires`
  const std::string response = Exchange(port(), Request("GET", "/Abc12345"));
  EXPECT_THAT(response, StartsWith("HTTP/1.1 404"));
  EXPECT_THAT(response, HasSubstr("has expired"));
  EXPECT_EQ(store_.Clicks("Abc12345").size(), 1u);  // only the click before expiry
}

TEST_F(RedirectListenerTest, OtherMethodsAre405AndRecordNothing) {
  for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS", "PATCH"}) {
    const std::string response = Exchange(port(), Request(method, "/Abc12345"));
    EXPECT_THAT(response, StartsWith("HTTP/1.1 405")) << method;
    EXPECT_THAT(response, HasSubstr("\r\nAllow: GET, HEAD\r\n")) << method;
    EXPECT_THAT(response, Not(HasSubstr("Location:"))) << method;
  }
  EXPECT_TRUE(store_.Clicks("Abc12345").empty());
}

TEST_F(RedirectListenerTest, AStoredTargetThatCouldSplitHeadersIsRefused) {
  ASSERT_TRUE(*store_.InsertIfAbsent(
      "Evil0001",
      LinkRecord{"https://x.example/\r\nSet-Cookie: a=b", confab::testing::TestMessage(2),
                 clock_.now, clock_.now + absl::Hours(1)}));
  const std::string response = Exchange(port(), Request("GET", "/Evil0001"));
  EXPECT_THAT(response, StartsWith("HTTP/1.1 404"));
  EXPECT_THAT(response, Not(HasSubstr("Set-Cookie")));
}

// Counts the store calls one request makes.
class CountingLinkStore : public InMemoryLinkStore {
 public:
  absl::StatusOr<std::optional<LinkRecord>> Get(std::string_view code) const override {
    ++gets;
    return InMemoryLinkStore::Get(code);
  }
  absl::Status RecordClick(std::string_view code, LinkClick click) override {
    ++clicks;
    return InMemoryLinkStore::RecordClick(code, std::move(click));
  }
  mutable int gets = 0;
  int clicks = 0;
};

TEST(RedirectServiceTest, EachRequestLooksTheLinkUpOnceAndRecordsAtMostOneClick) {
  FakeClock clock;
  CountingLinkStore store;
  ASSERT_TRUE(*store.InsertIfAbsent(
      "Once0001", LinkRecord{"https://example.com/once", confab::testing::TestMessage(1), clock.now,
                             clock.now + absl::Hours(1)}));
  RedirectService service(&store, BotDetector(config::LinksConfig::DefaultBotUserAgents()),
                          clock.Fn());
  struct Row {
    const char* method;
    const char* target;
    int status;
    int gets;
    int clicks;
  };
  const Row rows[] = {
      {"GET", "/Once0001", 302, 1, 1},  {"GET", "/Once0001?a=b", 302, 1, 1},
      {"HEAD", "/Once0001", 302, 1, 0}, {"GET", "/Zzz99999", 404, 1, 0},
      {"GET", "/short", 404, 0, 0},     {"POST", "/Once0001", 405, 0, 0},
  };
  for (const Row& row : rows) {
    store.gets = 0;
    store.clicks = 0;
    HttpRequest request = Get(row.method, row.target);
    request.headers = {{"User-Agent", "Mozilla/5.0 (iPhone)"}};
    EXPECT_EQ(service.Handle(request).status, row.status) << row.method << " " << row.target;
    EXPECT_EQ(store.gets, row.gets) << row.method << " " << row.target;
    EXPECT_EQ(store.clicks, row.clicks) << row.method << " " << row.target;
  }
  EXPECT_EQ(store.Clicks("Once0001").size(), 2u);
  clock.now += absl::Hours(1);  // expired: looked up, not counted
  store.gets = 0;
  store.clicks = 0;
  EXPECT_EQ(service.Handle(Get("GET", "/Once0001")).status, 404);
  EXPECT_EQ(store.gets, 1);
  EXPECT_EQ(store.clicks, 0);
}

}  // namespace
}  // namespace confab
