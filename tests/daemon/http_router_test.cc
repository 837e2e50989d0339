#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/http_types.h"

namespace confab {
namespace {

using ::testing::HasSubstr;

HttpRequest Request(std::string method, std::string target) {
  HttpRequest request;
  request.method = std::move(method);
  request.target = std::move(target);
  return request;
}

HttpRouter MakeRouter() {
  HttpRouter router;
  router.Add("GET", "/v1/things", [](const HttpRequest& request) {
    return JsonResponse(200, std::string(request.Path()));
  });
  router.Add("POST", "/v1/things", [](const HttpRequest&) { return JsonResponse(201, "{}"); });
  return router;
}

TEST(HttpRouterTest, RoutesByMethodAndPathIgnoringTheQuery) {
  const HttpRouter router = MakeRouter();
  const HttpResponse got = router.Route(Request("GET", "/v1/things?cursor=abc"));
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.body, "/v1/things");
  EXPECT_EQ(router.Route(Request("POST", "/v1/things")).status, 201);
}

TEST(HttpRouterTest, HeadIsAnsweredByTheGetHandler) {
  EXPECT_EQ(MakeRouter().Route(Request("HEAD", "/v1/things")).status, 200);
}

TEST(HttpRouterTest, UnknownPathIsAJson404) {
  const HttpResponse got = MakeRouter().Route(Request("GET", "/v1/other"));
  EXPECT_EQ(got.status, 404);
  EXPECT_EQ(got.content_type, "application/json");
  EXPECT_EQ(got.body, R"({"error":{"code":"not_found","message":"no such endpoint: /v1/other"}})");
}

TEST(HttpRouterTest, KnownPathWithAnotherMethodIsAJson405) {
  const HttpResponse got = MakeRouter().Route(Request("DELETE", "/v1/things"));
  EXPECT_EQ(got.status, 405);
  EXPECT_THAT(got.body, HasSubstr(R"("code":"method_not_allowed")"));
}

TEST(HttpRequestTest, HeaderLookupIsCaseInsensitive) {
  HttpRequest request = Request("GET", "/");
  request.headers = {{"Authorization", "Bearer x"}, {"X-Other", "y"}};
  EXPECT_EQ(request.Header("authorization"), "Bearer x");
  EXPECT_EQ(request.Header("missing"), "");
}

TEST(JsonErrorTest, EscapesTheMessage) {
  const HttpResponse got = JsonError(400, "bad_json", "unexpected \"}\"");
  EXPECT_EQ(got.status, 400);
  EXPECT_EQ(got.body, R"({"error":{"code":"bad_json","message":"unexpected \"}\""}})");
}

}  // namespace
}  // namespace confab
