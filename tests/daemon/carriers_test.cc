// CarrierBinds in connect mode, against an SmscServer test double in the test process.

#include "daemon/carriers.h"

#include <string>

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

TEST(CarriersConnectTest, DeliversToTheSinkAndTheSinksAnswerReachesTheSmsc) {
  IoThread io;
  auto smsc_handler = std::make_shared<TestHandler>();
  smpp::SmscServerOptions smsc_options;
  smsc_options.session = TestOptions();
  auto smsc = smpp::SmscServer::Listen(
      io.executor(), smsc_options,
      [](const smpp::BindRequest& r) {
        return r.system_id == "confab" && r.password == "pw123" ? CommandStatus::kOk
                                                                : CommandStatus::kInvPaswd;
      },
      smsc_handler);
  ASSERT_TRUE(smsc.ok()) << smsc.status();
  auto sink = std::make_shared<FakeSink>();
  metrics::Registry registry;
  auto binds = CarrierBinds::Start(
      io.executor(), {Carrier("acme", config::CarrierMode::kConnect, (*smsc)->port())}, sink,
      registry);
  ASSERT_TRUE(binds.ok()) << binds.status();
  EXPECT_EQ((*binds)->ListenPort(0), 0);
  ASSERT_TRUE(smsc_handler->WaitBound());
  auto sessions = (*smsc)->Sessions();
  ASSERT_EQ(sessions.size(), 1u);
  Session& smsc_session = *sessions[0];

  EXPECT_EQ(Call(smsc_session, Deliver("STOP")).response.status(), CommandStatus::kOk);
  sink->answer = CommandStatus::kXTAppn;
  EXPECT_EQ(Call(smsc_session, DataSm()).response.status(), CommandStatus::kXTAppn);
  auto records = sink->records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].route, 0u);
  EXPECT_EQ(records[0].id, CommandId::kDeliverSm);
  EXPECT_EQ(records[0].text, "STOP");
  EXPECT_EQ(records[1].id, CommandId::kDataSm);
  // alert_notification has no response and is not a message: ignored, and the bind carries on.
  smpp::AlertNotification alert;
  alert.source.addr = "15551234567";
  EXPECT_FALSE(Call(smsc_session, Request(CommandId::kAlertNotification, alert)).ec);
  sink->answer = CommandStatus::kOk;
  EXPECT_EQ(Call(smsc_session, Deliver("after")).response.status(), CommandStatus::kOk);
  records = sink->records();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[2].text, "after");

  auto transmitters = (*binds)->Transmitters(0);
  ASSERT_EQ(transmitters.size(), 1u);
  EXPECT_EQ(transmitters[0]->state(), smpp::SessionState::kBoundTrx);
  EXPECT_TRUE((*binds)->Transmitters(7).empty());
  auto status = (*binds)->Status();
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(status[0].carrier, "acme");
  EXPECT_EQ(status[0].mode, "connect");
  EXPECT_EQ(status[0].state, "BOUND_TRX");
  const std::string text = registry.RenderPrometheus();
  EXPECT_THAT(text, HasSubstr("confab_carrier_binds_total{carrier=\"acme\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("confab_carrier_bound_sessions{carrier=\"acme\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("confab_carrier_window_in_use{bind=\"0\",carrier=\"acme\"} 0\n"));

  StopAndWait(**binds);
  ASSERT_TRUE(smsc_handler->WaitClosed());
  EXPECT_EQ(smsc_handler->closed_reason(), smpp::SessionError::kUnbound);  // unbound, not dropped
  EXPECT_TRUE((*binds)->Transmitters(0).empty());
  EXPECT_EQ((*binds)->Status()[0].state, "unbound");
  EXPECT_THAT(registry.RenderPrometheus(),
              HasSubstr("confab_carrier_disconnects_total{carrier=\"acme\"} 1\n"));
}

TEST(CarriersConnectTest, TransmitterReceiverPairBindsTwoSessionsAndOnlyTxTransmits) {
  IoThread io;
  auto smsc_handler = std::make_shared<TestHandler>();
  auto smsc = ListenAcceptingSmsc(io, smsc_handler);
  ASSERT_TRUE(smsc.ok()) << smsc.status();
  config::CarrierConfig config = Carrier("pair", config::CarrierMode::kConnect, (*smsc)->port());
  config.bind_type = config::BindType::kTxRxPair;
  metrics::Registry registry;
  auto binds = CarrierBinds::Start(io.executor(), {config}, std::make_shared<FakeSink>(), registry);
  ASSERT_TRUE(binds.ok()) << binds.status();
  ASSERT_TRUE(smsc_handler->WaitBound(2));
  // The carrier side learns of its binds from the bind responses: wait for both.
  EXPECT_TRUE(smpp::testing::Eventually(
      [&] { return (*binds)->Status()[0].state == "BOUND_TX+BOUND_RX"; }));
  auto transmitters = (*binds)->Transmitters(0);
  ASSERT_EQ(transmitters.size(), 1u);
  EXPECT_EQ(transmitters[0]->state(), smpp::SessionState::kBoundTx);
  StopAndWait(**binds);
  EXPECT_TRUE(smsc_handler->WaitClosed(2));
}

}  // namespace
}  // namespace confab
