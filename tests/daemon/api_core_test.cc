// The admin API's core: path patterns, bearer-token auth and roles, the worker hand-off, the
// pending-call bound, and the helpers every handler uses.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>

#include "boost/asio/thread_pool.hpp"
#include "boost/json/parse.hpp"
#include "daemon/api.h"
#include "daemon/api_auth.h"
#include "daemon/api_router.h"
#include "daemon/metrics.h"
#include "tests/daemon/inbound_test_util.h"

namespace confab::api {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kOwner[] = "owner-token-0123456789";
constexpr char kSupport[] = "support-token-0123456789";
constexpr char kAnalyst[] = "analyst-token-0123456789";

HttpRequest Request(std::string method, std::string target, std::string token = "") {
  HttpRequest request;
  request.method = std::move(method);
  request.target = std::move(target);
  if (!token.empty()) {
    request.headers.emplace_back("Authorization", "Bearer " + token);
  }
  return request;
}

// Dispatches and waits for the answer, whichever thread gives it.
HttpResponse Call(const HttpRouter& router, HttpRequest request) {
  std::promise<HttpResponse> answered;
  auto answer = answered.get_future();
  router.Dispatch(std::move(request), [&answered](HttpResponse response) mutable {
    answered.set_value(std::move(response));
  });
  return answer.get();
}

std::string ErrorCode(const HttpResponse& response) {
  return std::string(boost::json::parse(response.body).at("error").at("code").as_string());
}

class ApiRouterTest : public confab::testing::DirTest {
 protected:
  void SetUp() override {
    confab::testing::DirTest::SetUp();
    std::vector<config::AdminToken> tokens = {{"o", kOwner, config::Role::kOwner},
                                              {"s", kSupport, config::Role::kSupport},
                                              {"a", kAnalyst, config::Role::kAnalyst}};
    auto auth = TokenAuth::Create(tokens, dir_.string());
    ASSERT_TRUE(auth.ok()) << auth.status();
    auth_ = *std::move(auth);
  }
  void TearDown() override {
    workers_.join();
    confab::testing::DirTest::TearDown();
  }

  ApiRouter& Router(ApiRouterOptions options = {}) {
    api_ = std::make_unique<ApiRouter>(http_, *auth_, workers_.get_executor(), metrics_, options);
    return *api_;
  }

  HttpRouter http_;
  std::unique_ptr<TokenAuth> auth_;
  boost::asio::thread_pool workers_{1};
  metrics::Registry metrics_;
  std::unique_ptr<ApiRouter> api_;
};

TEST_F(ApiRouterTest, HandlerGetsDecodedPathParamsQueryAndRoleOnAWorkerThread) {
  const auto test_thread = std::this_thread::get_id();
  Router().Add("GET", "/v1/conversations/{brand}/{profile}", Access::kConversations,
               [test_thread](ApiCall call, Respond respond) {
                 EXPECT_NE(std::this_thread::get_id(), test_thread);
                 auto thread = ThreadFromParams(call);
                 ASSERT_TRUE(thread.ok()) << thread.status();
                 std::move(respond)(Json({{"brand", call.Param("brand")},
                                          {"profile", call.Param("profile")},
                                          {"q", call.Query("q").value_or("-")},
                                          {"token", call.token_name}}));
               });
  const HttpResponse got = Call(
      http_, Request("GET", "/v1/conversations/%2B15550100000/+15551234567?q=a+b%26c", kSupport));
  ASSERT_EQ(got.status, 200) << got.body;
  const auto body = boost::json::parse(got.body);
  EXPECT_EQ(body.at("brand").as_string(), "+15550100000");
  EXPECT_EQ(body.at("profile").as_string(), "+15551234567");  // '+' is literal in a path
  EXPECT_EQ(body.at("q").as_string(), "a b&c");
  EXPECT_EQ(body.at("token").as_string(), "s");
}

TEST_F(ApiRouterTest, MissingMalformedOrUnknownTokensAre401WithAChallenge) {
  Router().Add("GET", "/v1/x", Access::kMetrics, [](ApiCall, Respond respond) {
    std::move(respond)(Json({{"ok", true}}));
  });
  for (const std::string& header :
       {std::string(), std::string("Basic abc"), std::string("Bearer "),
        std::string("Bearer wrong-token-0123456789"), std::string("Bearer ") + kOwner + "x"}) {
    HttpRequest request = Request("GET", "/v1/x");
    if (!header.empty()) {
      request.headers.emplace_back("Authorization", header);
    }
    const HttpResponse got = Call(http_, std::move(request));
    EXPECT_EQ(got.status, 401) << header;
    EXPECT_EQ(ErrorCode(got), "unauthenticated");
    EXPECT_THAT(got.body, Not(HasSubstr("wrong-token")));
    ASSERT_EQ(got.headers.size(), 1u);
    EXPECT_EQ(got.headers[0].first, "WWW-Authenticate");
  }
  EXPECT_EQ(Call(http_, Request("GET", "/v1/x", kOwner)).status, 200);
}

TEST_F(ApiRouterTest, RolesFollowProductSection9) {
  const struct {
    config::Role role;
    bool conversations, settings, metrics;
  } kMatrix[] = {
      {config::Role::kOwner, true, true, true},     {config::Role::kAdmin, true, true, true},
      {config::Role::kManager, true, false, true},  {config::Role::kSupport, true, false, true},
      {config::Role::kAnalyst, false, false, true},
  };
  for (const auto& row : kMatrix) {
    EXPECT_EQ(Allows(row.role, Access::kConversations), row.conversations);
    EXPECT_EQ(Allows(row.role, Access::kSettings), row.settings);
    EXPECT_EQ(Allows(row.role, Access::kMetrics), row.metrics);
  }
  ApiRouter& router = Router();
  auto ok = [](ApiCall, Respond respond) { std::move(respond)(Json({{"ok", true}})); };
  router.Add("GET", "/v1/conversations", Access::kConversations, ok);
  router.Add("GET", "/v1/binds", Access::kSettings, ok);
  router.Add("GET", "/metrics", Access::kMetrics, ok);
  EXPECT_EQ(Call(http_, Request("GET", "/v1/conversations", kSupport)).status, 200);
  EXPECT_EQ(Call(http_, Request("GET", "/v1/binds", kOwner)).status, 200);
  const HttpResponse refused = Call(http_, Request("GET", "/v1/binds", kSupport));
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(ErrorCode(refused), "forbidden");
  EXPECT_EQ(Call(http_, Request("GET", "/v1/conversations", kAnalyst)).status, 403);
  EXPECT_EQ(Call(http_, Request("GET", "/metrics", kAnalyst)).status, 200);
}

TEST_F(ApiRouterTest, CallsBeyondThePendingBoundAre429UntilOneIsAnswered) {
  std::promise<Respond> held_promise;
  auto held = held_promise.get_future();
  ApiRouter& router = Router({.max_pending = 1});
  router.Add("POST", "/v1/hold", Access::kConversations, [&held_promise](ApiCall, Respond respond) {
    held_promise.set_value(std::move(respond));
  });
  router.Add("GET", "/v1/now", Access::kConversations, [](ApiCall, Respond respond) {
    std::move(respond)(Json({{"ok", true}}));
  });
  std::promise<HttpResponse> first_answer;
  auto first = first_answer.get_future();
  http_.Dispatch(Request("POST", "/v1/hold", kOwner), [&first_answer](HttpResponse response) {
    first_answer.set_value(std::move(response));
  });
  Respond respond_first = held.get();  // the first call is now pending
  const HttpResponse busy = Call(http_, Request("GET", "/v1/now", kOwner));
  EXPECT_EQ(busy.status, 429);
  EXPECT_EQ(ErrorCode(busy), "too_many_requests");
  EXPECT_EQ(api_->pending(), 1u);
  std::move(respond_first)(Json({{"held", true}}, 201));
  EXPECT_EQ(first.get().status, 201);
  EXPECT_EQ(api_->pending(), 0u);
  EXPECT_EQ(Call(http_, Request("GET", "/v1/now", kOwner)).status, 200);
}

TEST_F(ApiRouterTest, AThrowingHandlerIsA500AnsweredOnce) {
  Router().Add("POST", "/v1/throws", Access::kConversations, [](ApiCall call, Respond respond) {
    (void)respond;
    // Boost.JSON throws on a wrong-typed access: a handler bug must not crash the daemon.
    (void)boost::json::parse(call.http.body).as_object().at("missing");
  });
  HttpRequest request = Request("POST", "/v1/throws", kOwner);
  request.body = "{}";
  const HttpResponse got = Call(http_, std::move(request));
  EXPECT_EQ(got.status, 500);
  EXPECT_EQ(ErrorCode(got), "internal");
  EXPECT_EQ(api_->pending(), 0u);
}

TEST_F(ApiRouterTest, UnknownPathIs404AndWrongMethodIs405BeforeAuth) {
  Router().Add("GET", "/v1/things/{id}", Access::kConversations, [](ApiCall, Respond respond) {
    std::move(respond)(Json({{"ok", true}}));
  });
  EXPECT_EQ(Call(http_, Request("GET", "/v1/things")).status, 404);
  EXPECT_EQ(Call(http_, Request("GET", "/v1/things/")).status, 404);  // empty segment
  EXPECT_EQ(Call(http_, Request("DELETE", "/v1/things/7")).status, 405);
  EXPECT_EQ(Call(http_, Request("GET", "/v1/things/7")).status, 401);
}

TEST_F(ApiRouterTest, RequestsAndStatusClassesAreCounted) {
  Router().Add("GET", "/v1/x", Access::kSettings, [](ApiCall, Respond respond) {
    std::move(respond)(Json({{"ok", true}}));
  });
  Call(http_, Request("GET", "/v1/x", kOwner));
  Call(http_, Request("GET", "/v1/x", kSupport));
  const std::string text = metrics_.RenderPrometheus();
  EXPECT_THAT(text, HasSubstr(R"(confab_api_requests_total{route="GET /v1/x",status="2xx"} 1)"));
  EXPECT_THAT(text, HasSubstr(R"(confab_api_requests_total{route="GET /v1/x",status="4xx"} 1)"));
}

class GeneratedTokenTest : public confab::testing::DirTest {};

TEST_F(GeneratedTokenTest, FirstStartWritesAnOwnerTokenReadableOnlyByUsAndLaterStartsReuseIt) {
  auto first = TokenAuth::Create({}, dir_.string());
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string path = (dir_ / kGeneratedTokenFile).string();
  EXPECT_EQ((*first)->generated_path(), path);
  struct stat info {};
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  std::string token;
  std::ifstream(path) >> token;
  EXPECT_EQ(token.size(), 64u);
  auto principal = (*first)->Authenticate("Bearer " + token);
  ASSERT_TRUE(principal.ok());
  EXPECT_EQ(principal->role, config::Role::kOwner);

  auto second = TokenAuth::Create({}, dir_.string());
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE((*second)->Authenticate("Bearer " + token).ok());

  // Configured tokens replace it (on reload too).
  ASSERT_TRUE((*second)->Reload({{"o", kOwner, config::Role::kAdmin}}).ok());
  EXPECT_FALSE((*second)->Authenticate("Bearer " + token).ok());
  EXPECT_EQ((*second)->Authenticate(std::string("Bearer ") + kOwner)->role, config::Role::kAdmin);
  EXPECT_EQ((*second)->generated_path(), "");
}

TEST_F(GeneratedTokenTest, AFileOthersCanReadIsRefused) {
  ASSERT_TRUE(TokenAuth::Create({}, dir_.string()).ok());
  const std::string path = (dir_ / kGeneratedTokenFile).string();
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  auto refused = TokenAuth::Create({}, dir_.string());
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(refused.status()));
  EXPECT_THAT(refused.status().message(), HasSubstr(path));
}

TEST(ConstantTimeEqualsTest, ComparesWholeContents) {
  EXPECT_TRUE(ConstantTimeEquals("abcdef", "abcdef"));
  EXPECT_FALSE(ConstantTimeEquals("abcdef", "abcdeg"));
  EXPECT_FALSE(ConstantTimeEquals("abcdef", "abcde"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcabc"));  // a repeated prefix is not a match
  EXPECT_FALSE(ConstantTimeEquals("abc", ""));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

TEST(ApiHelpersTest, StatusesMapToTheirHttpAnswers) {
  const struct {
    absl::Status status;
    int http;
    const char* code;
  } kCases[] = {
      {absl::InvalidArgumentError("f"), 400, "invalid_argument"},
      {absl::UnauthenticatedError("t"), 401, "unauthenticated"},
      {absl::PermissionDeniedError("r"), 403, "forbidden"},
      {absl::NotFoundError("n"), 404, "not_found"},
      {absl::FailedPreconditionError("c"), 409, "refused"},
      {absl::AlreadyExistsError("e"), 409, "conflict"},
      {absl::ResourceExhaustedError("q"), 429, "too_many_requests"},
      {absl::UnavailableError("s"), 503, "unavailable"},
      {absl::DataLossError("d"), 500, "internal"},
  };
  for (const auto& test : kCases) {
    const HttpResponse got = ErrorFromStatus(test.status);
    EXPECT_EQ(got.status, test.http) << test.status;
    EXPECT_EQ(ErrorCode(got), test.code);
    EXPECT_EQ(std::string(boost::json::parse(got.body).at("error").at("message").as_string()),
              std::string(test.status.message()));
  }
}

TEST(ApiHelpersTest, JsonBodyQueryBoolAndThreadParamsRefuseBadInputByName) {
  ApiCall call;
  EXPECT_THAT(JsonBody(call).status().message(), HasSubstr("JSON object body"));
  call.http.body = "{\"a\": ";
  EXPECT_THAT(JsonBody(call).status().message(), HasSubstr("not JSON"));
  call.http.body = "[1]";
  EXPECT_THAT(JsonBody(call).status().message(), HasSubstr("must be a JSON object"));
  call.http.body = R"({"a": 1})";
  ASSERT_TRUE(JsonBody(call).ok());

  call.http.target = "/v1/c?unread=true&closed=0&x=maybe";
  EXPECT_EQ(*QueryBool(call, "unread"), std::optional<bool>(true));
  EXPECT_EQ(*QueryBool(call, "closed"), std::optional<bool>(false));
  EXPECT_EQ(*QueryBool(call, "absent"), std::nullopt);
  EXPECT_THAT(QueryBool(call, "x").status().message(), HasSubstr("x"));

  call.path_params = {{"brand", "+15550100000"}, {"profile", "not-a-number"}};
  auto thread = ThreadFromParams(call);
  ASSERT_FALSE(thread.ok());
  EXPECT_THAT(thread.status().message(), HasSubstr("profile"));
  call.path_params[1].second = "12345";  // a short code
  EXPECT_TRUE(ThreadFromParams(call).ok());
}

}  // namespace
}  // namespace confab::api
