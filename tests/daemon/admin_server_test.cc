// The admin listener in-process on 127.0.0.1:0: keep-alive, limits, timeouts, cap, stop.

#include "daemon/admin_server.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "boost/asio/io_context.hpp"
#include "tests/daemon/served_router.h"

namespace confab {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// A raw client socket: the tests need control over keep-alive and half-sent requests.
class RawClient {
 public:
  explicit RawClient(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~RawClient() { ::close(fd_); }
  bool connected() const { return connected_; }
  void Send(const std::string& data) { (void)::write(fd_, data.data(), data.size()); }
  // Reads until `needle` has been seen, EOF, or 30 s pass (a deadline that only fails a test).
  std::string ReadUntil(const std::string& needle) {
    std::string data;
    char buffer[4096];
    while (data.find(needle) == std::string::npos) {
      pollfd pfd{.fd = fd_, .events = POLLIN, .revents = 0};
      if (::poll(&pfd, 1, 30'000) <= 0) {
        break;
      }
      const ssize_t n = ::read(fd_, buffer, sizeof(buffer));
      if (n <= 0) {
        eof_ = true;
        break;
      }
      data.append(buffer, static_cast<std::size_t>(n));
    }
    return data;
  }
  // True once the server has closed the connection.
  bool WaitForEof() {
    ReadUntil("\x01never\x01");
    return eof_;
  }

 private:
  int fd_;
  bool connected_ = false;
  bool eof_ = false;
};

class AdminServerTest : public ::testing::Test {
 protected:
  void Start(AdminServerOptions options) {
    router_.Add("GET", "/ping", [](const HttpRequest&) { return JsonResponse(200, "pong"); });
    router_.Add("POST", "/echo",
                [](const HttpRequest& request) { return JsonResponse(200, request.body); });
    ASSERT_NO_FATAL_FAILURE(served_.Start(&router_, options));
    server_ = &served_.server();
  }
  void TearDown() override { served_.Shutdown(); }

  HttpRouter router_;
  confab::testing::ServedRouter served_;
  AdminServer* server_ = nullptr;
};

TEST_F(AdminServerTest, AnswersSeveralRequestsOnOneKeepAliveConnection) {
  Start({});
  RawClient client(server_->port());
  ASSERT_TRUE(client.connected());
  for (int i = 0; i < 3; ++i) {
    client.Send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
    const std::string response = client.ReadUntil("pong");
    EXPECT_THAT(response, StartsWith("HTTP/1.1 200 OK"));
    EXPECT_THAT(response, HasSubstr("Content-Type: application/json"));
  }
}

TEST_F(AdminServerTest, AnAnswerLargerThanTheKeptBufferArrivesWholeAndTheConnectionGoesOn) {
  // 300 KiB: over the buffer a connection keeps between answers, and over a socket's send buffer,
  // so the write completes in several sends.
  std::string large(300 << 10, 'x');
  large.back() = 'Z';
  router_.Add("GET", "/large", [&](const HttpRequest&) {
    HttpResponse response;
    response.status = 200;
    response.content_type = "text/plain";
    response.body = large;
    return response;
  });
  Start({});
  RawClient client(server_->port());
  ASSERT_TRUE(client.connected());
  client.Send("GET /large HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string response = client.ReadUntil("xZ");
  EXPECT_THAT(response, StartsWith("HTTP/1.1 200 OK"));
  EXPECT_THAT(response, HasSubstr("Content-Length: 307200"));
  const std::size_t body_at = response.find("\r\n\r\n") + 4;
  EXPECT_EQ(response.substr(body_at), large);
  client.Send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_THAT(client.ReadUntil("pong"), StartsWith("HTTP/1.1 200 OK"));
}

TEST_F(AdminServerTest, AsyncRoutesAnswerFromAnotherThreadInRequestOrder) {
  // Each answer comes from a thread of its own, after the handler has returned.
  std::vector<std::thread> answering;
  std::mutex answering_mutex;
  router_.AddAsync("GET", "/later/{word}", [&](HttpRequest request, HttpRespond respond) {
    std::string word = request.path_params.at(0).second;
    std::lock_guard lock(answering_mutex);
    answering.emplace_back([word, respond = std::move(respond)]() mutable {
      std::move(respond)(JsonResponse(200, "said " + word));
    });
  });
  Start({});
  RawClient client(server_->port());
  ASSERT_TRUE(client.connected());
  for (const char* word : {"one", "two%20three"}) {
    client.Send(std::string("GET /later/") + word + " HTTP/1.1\r\nHost: x\r\n\r\n");
  }
  const std::string responses = client.ReadUntil("said two three");
  EXPECT_THAT(responses, HasSubstr("said one"));
  EXPECT_LT(responses.find("said one"), responses.find("said two three"));
  served_.Shutdown();
  for (auto& thread : answering) {
    thread.join();
  }
}

TEST_F(AdminServerTest, HeadGetsHeadersWithoutABody) {
  Start({});
  RawClient client(server_->port());
  client.Send("HEAD /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string response = client.ReadUntil("\x01never\x01");  // all of it, up to EOF
  EXPECT_THAT(response, StartsWith("HTTP/1.1 200 OK"));
  EXPECT_THAT(response, HasSubstr("Content-Length: 4"));
  EXPECT_EQ(response.find("pong"), std::string::npos);
}

TEST_F(AdminServerTest, BodyOverTheLimitIsA413JsonError) {
  AdminServerOptions options;
  options.body_limit = 16;
  Start(options);
  RawClient client(server_->port());
  const std::string body(64, 'x');
  client.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 64\r\n\r\n" + body);
  const std::string response = client.ReadUntil("}}");
  EXPECT_THAT(response, StartsWith("HTTP/1.1 413"));
  EXPECT_THAT(response, HasSubstr(R"("code":"body_too_large")"));
}

TEST_F(AdminServerTest, HeadersOverTheLimitAreRefused) {
  AdminServerOptions options;
  options.header_limit = 256;
  Start(options);
  RawClient client(server_->port());
  client.Send("GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(1024, 'y') + "\r\n\r\n");
  const std::string response = client.ReadUntil("}}");
  EXPECT_THAT(response, StartsWith("HTTP/1.1 431"));
}

TEST_F(AdminServerTest, MalformedRequestIsA400) {
  Start({});
  RawClient client(server_->port());
  client.Send("GET /ping HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n");
  const std::string response = client.ReadUntil("}}");
  EXPECT_THAT(response, StartsWith("HTTP/1.1 400"));
  EXPECT_THAT(response, HasSubstr(R"("code":"bad_request")"));
}

TEST_F(AdminServerTest, ASilentClientIsDisconnectedByTheReadTimeout) {
  AdminServerOptions options;
  options.read_timeout = std::chrono::milliseconds(100);
  Start(options);
  RawClient client(server_->port());
  client.Send("GET /ping HTTP/1.1\r\n");  // and never the rest
  EXPECT_TRUE(client.WaitForEof());
}

TEST_F(AdminServerTest, ConnectionsOverTheCapAreClosed) {
  AdminServerOptions options;
  options.max_connections = 1;
  Start(options);
  RawClient first(server_->port());
  first.Send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_THAT(first.ReadUntil("pong"), HasSubstr("pong"));  // the first is being served
  RawClient second(server_->port());
  EXPECT_TRUE(second.WaitForEof());
  first.Send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_THAT(first.ReadUntil("pong"), HasSubstr("pong"));
}

TEST_F(AdminServerTest, StopClosesOpenConnections) {
  Start({});
  RawClient client(server_->port());
  client.Send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_THAT(client.ReadUntil("pong"), HasSubstr("pong"));
  server_->Stop();
  EXPECT_TRUE(client.WaitForEof());
}

TEST_F(AdminServerTest, StopLetsARequestBeingAnsweredFinishThenCloses) {
  std::promise<void> handler_entered;
  std::promise<void> release_handler;
  std::shared_future<void> released = release_handler.get_future().share();
  router_.Add("GET", "/slow", [&handler_entered, released](const HttpRequest&) {
    handler_entered.set_value();
    released.wait();
    return JsonResponse(200, "finished");
  });
  Start({});
  RawClient busy(server_->port());
  RawClient idle(server_->port());
  idle.Send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_THAT(idle.ReadUntil("pong"), HasSubstr("pong"));
  busy.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  handler_entered.get_future().wait();

  server_->Stop();
  release_handler.set_value();
  const std::string answer = busy.ReadUntil("finished");
  EXPECT_THAT(answer, HasSubstr("finished"));
  EXPECT_THAT(answer, HasSubstr("Connection: close"));
  EXPECT_TRUE(busy.WaitForEof());
  EXPECT_TRUE(idle.WaitForEof());
  EXPECT_TRUE(server_->WaitForConnectionsClosed(std::chrono::steady_clock::now() +
                                                std::chrono::seconds(30)));
  EXPECT_EQ(server_->open_connections(), 0u);
}

TEST(AdminServerListenTest, BadAddressIsInvalidArgument) {
  boost::asio::io_context io;
  HttpRouter router;
  AdminServerOptions options;
  options.address = "not-an-address";
  auto server = AdminServer::Listen(io.get_executor(), options, &router);
  EXPECT_TRUE(absl::IsInvalidArgument(server.status())) << server.status();
}

}  // namespace
}  // namespace confab
