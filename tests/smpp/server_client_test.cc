// SmscServer and EsmeClient over loopback: admission, rate limit, graceful stop, reconnects.

#include "smpp/esme_client.h"
#include "smpp/smsc_server.h"
#include "tests/smpp/session_test_util.h"

namespace confab::smpp::testing {
namespace {

CommandStatus PasswordIsSecret(const BindRequest& r) {
  return r.password == "secret" ? CommandStatus::kOk : CommandStatus::kInvPaswd;
}

std::shared_ptr<SmscServer> StartServer(IoThread& io, SmscServerOptions options,
                                        Authenticator auth = PasswordIsSecret,
                                        std::shared_ptr<SessionHandler> handler = nullptr) {
  if (!handler) {
    handler = std::make_shared<TestHandler>();
  }
  auto server = SmscServer::Listen(io.executor(), std::move(options), std::move(auth), handler);
  EXPECT_TRUE(server.ok()) << server.status();
  return *server;
}

// Connects a plain ESME Session to the server and binds it.
std::pair<std::shared_ptr<Session>, Result> ConnectAndBind(IoThread& io, uint16_t port,
                                                           std::string password = "secret",
                                                           std::shared_ptr<TestHandler> h = {}) {
  tcp::socket socket(io.io());
  socket.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port));
  if (!h) {
    h = std::make_shared<TestHandler>();
  }
  auto session = Session::Create(std::move(socket), Role::kEsme, TestOptions(), h);
  session->Start();
  auto promise = std::make_shared<std::promise<Result>>();
  auto future = promise->get_future();
  session->Bind(BindType::kTransceiver, Creds("esme1", password), ToPromise(promise));
  return {session, Get(future)};
}

TEST(SmscServerTest, AuthenticatesByPasswordAndRegistersSessions) {
  IoThread io;
  SmscServerOptions options;
  options.session = TestOptions();
  auto server = StartServer(io, options);
  auto [good, ok] = ConnectAndBind(io, server->port());
  EXPECT_EQ(ok.response.status(), CommandStatus::kOk);
  auto [bad, refused] = ConnectAndBind(io, server->port(), "nope");
  EXPECT_EQ(refused.response.status(), CommandStatus::kInvPaswd);
  EXPECT_EQ(server->binds_refused(), 1u);
  std::promise<void> stopped;
  auto stopped_future = stopped.get_future();
  server->Stop([&] { stopped.set_value(); });
  ASSERT_EQ(stopped_future.wait_for(kDeadline), std::future_status::ready);
  EXPECT_EQ(server->session_count(), 0u);
}

TEST(SmscServerTest, RefusesBindsFromOutsideTheAllowedNetworks) {
  IoThread io;
  SmscServerOptions options;
  options.session = TestOptions();
  options.allowed_networks = {"10.0.0.0/8"};
  int auth_calls = 0;
  auto server = StartServer(io, options, [&](const BindRequest&) {
    ++auth_calls;
    return CommandStatus::kOk;
  });
  auto [session, result] = ConnectAndBind(io, server->port());
  EXPECT_EQ(result.response.status(), CommandStatus::kBindFail);
  EXPECT_EQ(auth_calls, 0);  // refused before the credentials are looked at
}

TEST(SmscServerTest, RejectsMalformedAllowedNetworks) {
  IoThread io;
  SmscServerOptions options;
  options.allowed_networks = {"10.0.0.0/99"};
  auto server = SmscServer::Listen(io.executor(), options, PasswordIsSecret, nullptr);
  EXPECT_FALSE(server.ok());
}

TEST(SmscServerTest, RateLimitsBindAttemptsPerAddress) {
  IoThread io;
  SmscServerOptions options;
  options.session = TestOptions();
  options.bind_burst = 2;
  options.bind_interval = std::chrono::hours(1);
  auto server = StartServer(io, options);
  auto [s1, r1] = ConnectAndBind(io, server->port(), "wrong");  // failures count too
  auto [s2, r2] = ConnectAndBind(io, server->port());
  auto [s3, r3] = ConnectAndBind(io, server->port());
  EXPECT_EQ(r1.response.status(), CommandStatus::kInvPaswd);
  EXPECT_EQ(r2.response.status(), CommandStatus::kOk);
  EXPECT_EQ(r3.response.status(), CommandStatus::kBindFail);
}

TEST(SmscServerTest, GracefulStopUnbindsEverySession) {
  IoThread io;
  SmscServerOptions options;
  options.session = TestOptions();
  auto server = StartServer(io, options);
  auto h1 = std::make_shared<TestHandler>();
  auto h2 = std::make_shared<TestHandler>();
  auto [s1, r1] = ConnectAndBind(io, server->port(), "secret", h1);
  auto [s2, r2] = ConnectAndBind(io, server->port(), "secret", h2);
  ASSERT_EQ(r1.response.status(), CommandStatus::kOk);
  ASSERT_EQ(r2.response.status(), CommandStatus::kOk);
  EXPECT_EQ(server->session_count(), 2u);
  std::promise<void> stopped;
  auto stopped_future = stopped.get_future();
  server->Stop([&] { stopped.set_value(); });
  ASSERT_EQ(stopped_future.wait_for(kDeadline), std::future_status::ready);
  ASSERT_TRUE(h1->WaitClosed());
  ASSERT_TRUE(h2->WaitClosed());
  EXPECT_EQ(h1->closed_reason(), SessionError::kUnbound);  // unbound, not dropped
  EXPECT_EQ(h2->closed_reason(), SessionError::kUnbound);
  EXPECT_EQ(server->session_count(), 0u);
  tcp::socket late(io.io());
  boost::system::error_code ec;
  late.connect(tcp::endpoint(asio::ip::address_v4::loopback(), server->port()), ec);
  EXPECT_TRUE(ec);  // no longer listening
}

TEST(SmscServerTest, GracefulStopClosesSessionsThatIgnoreTheUnbind) {
  IoThread io;
  SmscServerOptions options;
  options.session = TestOptions();
  options.shutdown_grace = 30ms;
  options.session.unbind_grace = std::chrono::hours(1);  // only the server's grace can end it
  auto server = StartServer(io, options);
  tcp::socket socket(io.io());
  socket.connect(tcp::endpoint(asio::ip::address_v4::loopback(), server->port()));
  RawPeer esme(std::move(socket));
  esme.Send(MakeBind(BindType::kTransmitter, "esme1", "secret"));
  ASSERT_EQ(esme.Read().header.command_status, CommandStatus::kOk);
  std::promise<void> stopped;
  auto stopped_future = stopped.get_future();
  server->Stop([&] { stopped.set_value(); });
  EXPECT_EQ(esme.Read().header.id(), CommandId::kUnbind);  // ignored
  ASSERT_EQ(stopped_future.wait_for(kDeadline), std::future_status::ready);
  EXPECT_TRUE(esme.Read().eof);
}

// Collects the client's events.
struct Events {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<SessionEvent::Kind> kinds;
  std::vector<Millis> waits;
  EventCallback Callback() {
    return [this](const SessionEvent& e) {
      std::lock_guard lock(mutex);
      kinds.push_back(e.kind);
      if (e.kind == SessionEvent::Kind::kReconnectWait) {
        waits.push_back(e.delay);
      }
      cv.notify_all();
    };
  }
  bool WaitForWaits(std::size_t n) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, kDeadline, [&] { return waits.size() >= n; });
  }
};

void StopClient(EsmeClient& client) {
  std::promise<void> stopped;
  auto future = stopped.get_future();
  client.Stop([&] { stopped.set_value(); });
  ASSERT_EQ(future.wait_for(kDeadline), std::future_status::ready);
}

TEST(EsmeClientTest, RetriesWithBackoffUntilBoundThenSubmits) {
  IoThread io;
  SmscServerOptions server_options;
  server_options.session = TestOptions();
  server_options.bind_burst = 0;
  std::atomic<int> attempts{0};
  auto smsc_handler = std::make_shared<TestHandler>();
  auto server = StartServer(
      io, server_options,
      [&](const BindRequest&) {
        return ++attempts < 3 ? CommandStatus::kBindFail : CommandStatus::kOk;
      },
      smsc_handler);
  Events events;
  EsmeClientOptions options;
  options.port = server->port();
  options.mode = EsmeClientOptions::Mode::kTransmitter;
  options.credentials = Creds("esme1", "secret");
  options.session = TestOptions();
  options.session.on_event = events.Callback();
  options.reconnect_min = 5ms;
  options.reconnect_max = 20ms;
  options.seed = 1;
  auto client = EsmeClient::Create(io.executor(), options, std::make_shared<TestHandler>());
  client->Start();
  ASSERT_TRUE(smsc_handler->WaitBound());
  EXPECT_EQ(attempts.load(), 3);
  {
    std::lock_guard lock(events.mutex);
    ASSERT_GE(events.waits.size(), 2u);
    EXPECT_LE(events.waits[0], 5ms);   // attempt 0: [0, base]
    EXPECT_LE(events.waits[1], 10ms);  // attempt 1: [0, 2 base]
  }
  std::shared_ptr<Session> tx;
  ASSERT_TRUE(Eventually([&] { return (tx = client->transmitter()) != nullptr; }));
  EXPECT_EQ(client->receiver(), nullptr);
  auto promise = std::make_shared<std::promise<Result>>();
  auto future = promise->get_future();
  tx->Submit(MakeSubmit(), ToPromise(promise));
  EXPECT_EQ(Get(future).response.status(), CommandStatus::kOk);
  StopClient(*client);
  ASSERT_TRUE(smsc_handler->WaitClosed());
  EXPECT_EQ(smsc_handler->closed_reason(0), SessionError::kBindRefused);
}

TEST(EsmeClientTest, AlreadyBoundWaitsTheConfiguredDelay) {
  IoThread io;
  SmscServerOptions server_options;
  server_options.session = TestOptions();
  auto server =
      StartServer(io, server_options, [](const BindRequest&) { return CommandStatus::kAlyBnd; });
  Events events;
  EsmeClientOptions options;
  options.port = server->port();
  options.credentials = Creds("esme1", "secret");
  options.session = TestOptions();
  options.session.on_event = events.Callback();
  options.reconnect_min = 1ms;
  options.reconnect_max = 2ms;
  options.already_bound_wait = std::chrono::hours(1);
  auto client = EsmeClient::Create(io.executor(), options, std::make_shared<TestHandler>());
  client->Start();
  ASSERT_TRUE(events.WaitForWaits(1));
  {
    std::lock_guard lock(events.mutex);
    EXPECT_EQ(events.waits[0], std::chrono::hours(1));  // not the 1..2 ms backoff
  }
  EXPECT_EQ(client->connect_attempts(), 1u);
  StopClient(*client);  // cancels the long wait
  EXPECT_EQ(client->connect_attempts(), 1u);
}

TEST(EsmeClientTest, TransmitterReceiverPairBindsTwoSessions) {
  IoThread io;
  SmscServerOptions server_options;
  server_options.session = TestOptions();
  auto smsc_handler = std::make_shared<TestHandler>();
  auto server = StartServer(io, server_options, PasswordIsSecret, smsc_handler);
  EsmeClientOptions options;
  options.port = server->port();
  options.mode = EsmeClientOptions::Mode::kTransmitterReceiverPair;
  options.credentials = Creds("esme1", "secret");
  options.session = TestOptions();
  options.pair_stagger = 5ms;
  auto client = EsmeClient::Create(io.executor(), options, std::make_shared<TestHandler>());
  client->Start();
  ASSERT_TRUE(smsc_handler->WaitBound(2));
  ASSERT_TRUE(Eventually(
      [&] { return client->transmitter() != nullptr && client->receiver() != nullptr; }));
  EXPECT_EQ(client->transmitter()->state(), SessionState::kBoundTx);
  EXPECT_EQ(client->receiver()->state(), SessionState::kBoundRx);
  StopClient(*client);
  ASSERT_TRUE(smsc_handler->WaitClosed(2));
  EXPECT_EQ(smsc_handler->closed_reason(0), SessionError::kUnbound);
}

TEST(EsmeClientTest, ConnectRefusedKeepsRetryingWithoutBinding) {
  IoThread io;
  uint16_t port;
  {
    tcp::acceptor probe(io.io(), tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    port = probe.local_endpoint().port();
  }  // closed: connects are refused
  Events events;
  EsmeClientOptions options;
  options.port = port;
  options.session = TestOptions();
  options.session.on_event = events.Callback();
  options.reconnect_min = 1ms;
  options.reconnect_max = 4ms;
  auto client = EsmeClient::Create(io.executor(), options, std::make_shared<TestHandler>());
  client->Start();
  ASSERT_TRUE(events.WaitForWaits(5));
  {
    std::lock_guard lock(events.mutex);
    for (Millis w : events.waits) {
      EXPECT_LE(w, 4ms);
    }
  }
  EXPECT_EQ(client->transmitter(), nullptr);
  StopClient(*client);
}

}  // namespace
}  // namespace confab::smpp::testing
