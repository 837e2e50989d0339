// CarrierBinds in listen mode: ESME sessions binding in (credentials, bind cap, shared ports,
// requests), listen errors and the RefuseInbound sink.

#include <string>

#include "daemon/carriers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/daemon/carriers_test_util.h"

namespace confab {
namespace {

using namespace carriers_testing;  // NOLINT: the suite's helpers
using smpp::BindType;
using smpp::CommandId;
using smpp::CommandStatus;
using ::testing::HasSubstr;
namespace asio = boost::asio;
using asio::ip::tcp;

class CarriersListenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Route 0 dials a port nobody listens on; the listen carrier is route 1.
    config::CarrierConfig dead = Carrier("dead", config::CarrierMode::kConnect, ClosedPort(io_));
    config::CarrierConfig in = Carrier("inbound", config::CarrierMode::kListen, 0);
    in.binds = 2;
    auto binds = CarrierBinds::Start(io_.executor(), {dead, in}, sink_, registry_);
    ASSERT_TRUE(binds.ok()) << binds.status();
    binds_ = *std::move(binds);
    port_ = binds_->ListenPort(1);
    ASSERT_NE(port_, 0);
  }

  IoThread io_;
  std::shared_ptr<FakeSink> sink_ = std::make_shared<FakeSink>();
  metrics::Registry registry_;
  std::unique_ptr<CarrierBinds> binds_;
  int port_ = 0;
};

TEST_F(CarriersListenTest, AdmitsOnlyTheCarriersCredentialsUpToTheBindCap) {
  EXPECT_EQ(binds_->ListenPort(0), 0);  // connect mode
  Esme wrong_id = BindIn(io_, port_, BindType::kTransceiver, "someone", "pw123");
  EXPECT_EQ(wrong_id.bind_status, CommandStatus::kInvSysId);
  Esme wrong_password = BindIn(io_, port_, BindType::kTransceiver, "confab", "pw124");
  EXPECT_EQ(wrong_password.bind_status, CommandStatus::kInvPaswd);
  Esme short_password = BindIn(io_, port_, BindType::kTransceiver, "confab", "pw12");
  EXPECT_EQ(short_password.bind_status, CommandStatus::kInvPaswd);
  Esme trx = BindIn(io_, port_, BindType::kTransceiver, "confab", "pw123");
  EXPECT_EQ(trx.bind_status, CommandStatus::kOk);
  Esme tx = BindIn(io_, port_, BindType::kTransmitter, "confab", "pw123");
  EXPECT_EQ(tx.bind_status, CommandStatus::kOk);
  Esme third = BindIn(io_, port_, BindType::kReceiver, "confab", "pw123");
  EXPECT_EQ(third.bind_status, CommandStatus::kAlyBnd);  // over binds = 2

  // Our MTs go as deliver_sm over the carrier's RX/TRX binds, never its TX bind.
  auto transmitters = binds_->Transmitters(1);
  ASSERT_EQ(transmitters.size(), 1u);
  EXPECT_EQ(transmitters[0]->state(), smpp::SessionState::kBoundTrx);

  // A slot freed by an unbind can be bound again.
  tx.session->Unbind([](std::error_code) {});
  ASSERT_TRUE(tx.handler->WaitClosed());
  ASSERT_TRUE(smpp::testing::Eventually([&] {
    auto status = binds_->Status();
    return status.size() == 3 && (status[1].state == "unbound" || status[2].state == "unbound");
  }));
  Esme again = BindIn(io_, port_, BindType::kReceiver, "confab", "pw123");
  EXPECT_EQ(again.bind_status, CommandStatus::kOk);
  EXPECT_EQ(binds_->Transmitters(1).size(), 2u);

  const std::string text = registry_.RenderPrometheus();
  EXPECT_THAT(text, HasSubstr("confab_carrier_binds_total{carrier=\"inbound\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("confab_carrier_bind_failures_total{carrier=\"inbound\"} 4\n"));
  EXPECT_THAT(text, HasSubstr("confab_carrier_bound_sessions{carrier=\"inbound\"} 2\n"));
  StopAndWait(*binds_);
}

TEST_F(CarriersListenTest, SubmitReachesTheSinkAndOtherRequestsAreAnsweredInvCmdId) {
  Esme esme = BindIn(io_, port_, BindType::kTransceiver, "confab", "pw123");
  ASSERT_EQ(esme.bind_status, CommandStatus::kOk);
  EXPECT_EQ(Call(*esme.session, smpp::testing::MakeSubmit("HELP")).response.status(),
            CommandStatus::kOk);
  EXPECT_EQ(Call(*esme.session, DataSm()).response.status(), CommandStatus::kOk);
  smpp::QuerySm query;
  query.message_id = "abc";
  EXPECT_EQ(Call(*esme.session, Request(CommandId::kQuerySm, query)).response.status(),
            CommandStatus::kInvCmdId);
  smpp::CancelSm cancel;
  cancel.message_id = "abc";
  EXPECT_EQ(Call(*esme.session, Request(CommandId::kCancelSm, cancel)).response.status(),
            CommandStatus::kInvCmdId);
  auto records = sink_->records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].route, 1u);
  EXPECT_EQ(records[0].id, CommandId::kSubmitSm);
  EXPECT_EQ(records[0].text, "HELP");
  EXPECT_EQ(records[1].id, CommandId::kDataSm);
  EXPECT_THAT(registry_.RenderPrometheus(),
              HasSubstr("confab_carrier_unsupported_requests_total{carrier=\"inbound\"} 2\n"));

  StopAndWait(*binds_);
  ASSERT_TRUE(esme.handler->WaitClosed());
  EXPECT_EQ(esme.handler->closed_reason(), smpp::SessionError::kUnbound);
  // Stopping again is harmless and completes at once.
  bool again = false;
  binds_->Stop([&] { again = true; });
  EXPECT_TRUE(again);
}

TEST(CarriersTest, ListenCarriersOnTheSamePortShareItAndAreToldApartBySystemId) {
  IoThread io;
  const int port = ClosedPort(io);
  config::CarrierConfig alpha = Carrier("alpha", config::CarrierMode::kListen, port);
  alpha.system_id = "alpha";
  config::CarrierConfig beta = Carrier("beta", config::CarrierMode::kListen, port);
  beta.system_id = "beta";
  beta.password = "other";
  auto sink = std::make_shared<FakeSink>();
  metrics::Registry registry;
  auto binds = CarrierBinds::Start(io.executor(), {alpha, beta}, sink, registry);
  ASSERT_TRUE(binds.ok()) << binds.status();
  EXPECT_EQ((*binds)->ListenPort(0), port);
  EXPECT_EQ((*binds)->ListenPort(1), port);
  EXPECT_EQ(BindIn(io, port, BindType::kTransceiver, "gamma", "pw123").bind_status,
            CommandStatus::kInvSysId);
  EXPECT_EQ(BindIn(io, port, BindType::kTransceiver, "beta", "pw123").bind_status,
            CommandStatus::kInvPaswd);  // alpha's password is not beta's
  Esme a = BindIn(io, port, BindType::kTransceiver, "alpha", "pw123");
  Esme b = BindIn(io, port, BindType::kTransceiver, "beta", "other");
  ASSERT_EQ(a.bind_status, CommandStatus::kOk);
  ASSERT_EQ(b.bind_status, CommandStatus::kOk);
  EXPECT_EQ(Call(*b.session, smpp::testing::MakeSubmit("to-b")).response.status(),
            CommandStatus::kOk);
  EXPECT_EQ(Call(*a.session, smpp::testing::MakeSubmit("to-a")).response.status(),
            CommandStatus::kOk);
  auto records = sink->records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].route, 1u);
  EXPECT_EQ(records[0].text, "to-b");
  EXPECT_EQ(records[1].route, 0u);
  EXPECT_EQ(records[1].text, "to-a");
  EXPECT_EQ((*binds)->Transmitters(0).size(), 1u);
  EXPECT_EQ((*binds)->Transmitters(1).size(), 1u);
  StopAndWait(**binds);
  EXPECT_TRUE(a.handler->WaitClosed());
  EXPECT_TRUE(b.handler->WaitClosed());
}

TEST(CarriersTest, ListenPortInUseIsAnErrorNamingTheCarrierAndAddress) {
  IoThread io;
  tcp::acceptor taken(io.io(), tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  const int port = taken.local_endpoint().port();
  metrics::Registry registry;
  auto binds =
      CarrierBinds::Start(io.executor(), {Carrier("busy", config::CarrierMode::kListen, port)},
                          std::make_shared<FakeSink>(), registry);
  ASSERT_FALSE(binds.ok());
  EXPECT_THAT(std::string(binds.status().message()), HasSubstr("carrier busy"));
  EXPECT_THAT(std::string(binds.status().message()),
              HasSubstr("127.0.0.1:" + std::to_string(port)));
}

TEST(CarriersTest, RefuseInboundAnswersTemporaryAppError) {
  IoThread io;
  metrics::Registry registry;
  auto binds =
      CarrierBinds::Start(io.executor(), {Carrier("early", config::CarrierMode::kListen, 0)},
                          std::make_shared<RefuseInbound>(), registry);
  ASSERT_TRUE(binds.ok()) << binds.status();
  Esme esme = BindIn(io, (*binds)->ListenPort(0), BindType::kTransceiver, "confab", "pw123");
  ASSERT_EQ(esme.bind_status, CommandStatus::kOk);
  EXPECT_EQ(Call(*esme.session, smpp::testing::MakeSubmit()).response.status(),
            CommandStatus::kXTAppn);
  EXPECT_EQ(Call(*esme.session, smpp::testing::MakeSubmit()).response.status(),
            CommandStatus::kXTAppn);
  StopAndWait(**binds);
}

}  // namespace
}  // namespace confab
