// CarrierBinds::Control (suspend / resume / drain) in connect and listen mode, against test
// doubles in the test process. Every wait is on an observable event (a bind, a close, a drain's
// completion), never on time.

#include <future>
#include <string>

#include "daemon/carriers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/daemon/carriers_test_util.h"

namespace confab {
namespace {

using namespace carriers_testing;  // NOLINT: the suite's helpers
using Admin = CarrierBinds::Admin;
using Command = CarrierBinds::Command;

// An MT as the dispatcher would send it.
Pdu SubmitSm() {
  smpp::SubmitSm body;
  body.source.addr = "12345";
  body.destination.addr = "15551234567";
  return Request(CommandId::kSubmitSm, body);
}

std::vector<uint32_t> Slots(const std::vector<BoundTransmitter>& transmitters) {
  std::vector<uint32_t> out;
  for (const auto& t : transmitters) {
    out.push_back(t.bind);
  }
  return out;
}

// A carrier "acme" with `binds` connect binds to an SMSC test double that answers (or holds,
// with smsc_->hold) every request.
class CarriersAdminTest : public ::testing::Test {
 protected:
  void StartConnect(int binds) {
    smsc_->bind = [](const smpp::BindRequest&) { return CommandStatus::kOk; };
    auto smsc = ListenAcceptingSmsc(io_, smsc_);
    ASSERT_TRUE(smsc.ok()) << smsc.status();
    smsc_server_ = *smsc;
    config::CarrierConfig config =
        Carrier("acme", config::CarrierMode::kConnect, smsc_server_->port());
    config.binds = binds;
    config.reconnect_min_backoff = absl::Milliseconds(10);
    config.reconnect_max_backoff = absl::Milliseconds(50);
    auto started =
        CarrierBinds::Start(io_.executor(), {config}, std::make_shared<FakeSink>(), registry_);
    ASSERT_TRUE(started.ok()) << started.status();
    binds_ = *std::move(started);
    ASSERT_TRUE(smsc_->WaitBound(binds));
    ASSERT_TRUE(smpp::testing::Eventually(
        [&] { return static_cast<int>(binds_->Transmitters(0).size()) == binds; }));
  }
  void TearDown() override {
    if (binds_) {
      StopAndWait(*binds_);
    }
    if (smsc_server_) {
      std::promise<void> stopped;
      smsc_server_->Stop([&] { stopped.set_value(); });
      stopped.get_future().wait_for(kDeadline);
    }
  }

  IoThread io_;
  std::shared_ptr<TestHandler> smsc_ = std::make_shared<TestHandler>();
  std::shared_ptr<smpp::SmscServer> smsc_server_;
  metrics::Registry registry_;
  std::unique_ptr<CarrierBinds> binds_;
};

TEST_F(CarriersAdminTest, SuspendTakesABindOutOfTheTransmittersAndResumeBringsItBack) {
  ASSERT_NO_FATAL_FAILURE(StartConnect(2));
  EXPECT_THAT(Slots(binds_->Transmitters(0)), ::testing::ElementsAre(0u, 1u));

  ASSERT_TRUE(binds_->Control("acme", 1, Command::kSuspend).ok());
  EXPECT_THAT(Slots(binds_->Transmitters(0)), ::testing::ElementsAre(0u));
  auto status = binds_->Status();
  ASSERT_EQ(status.size(), 2u);
  EXPECT_EQ(status[0].admin, Admin::kActive);
  EXPECT_EQ(status[1].admin, Admin::kSuspended);
  EXPECT_EQ(status[1].state, "BOUND_TRX");  // still bound: MOs and receipts keep coming
  EXPECT_TRUE(binds_->Control("acme", 1, Command::kSuspend).ok());  // idempotent

  // The whole carrier: no transmitter at all (the dispatcher fails over or the work waits).
  ASSERT_TRUE(binds_->Control("acme", std::nullopt, Command::kSuspend).ok());
  EXPECT_TRUE(binds_->Transmitters(0).empty());

  ASSERT_TRUE(binds_->Control("acme", 0, Command::kResume).ok());
  EXPECT_THAT(Slots(binds_->Transmitters(0)), ::testing::ElementsAre(0u));
  ASSERT_TRUE(binds_->Control("acme", std::nullopt, Command::kResume).ok());
  EXPECT_THAT(Slots(binds_->Transmitters(0)), ::testing::ElementsAre(0u, 1u));
  EXPECT_EQ(CarrierBinds::AdminName(binds_->Status()[1].admin), "active");
}

TEST_F(CarriersAdminTest, UnknownCarrierOrBindAndResumeOfAnActiveBindAreRefused) {
  ASSERT_NO_FATAL_FAILURE(StartConnect(1));
  EXPECT_EQ(binds_->Control("nope", 0, Command::kSuspend).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(binds_->Control("acme", 1, Command::kSuspend).code(), absl::StatusCode::kNotFound);
  const absl::Status resume = binds_->Control("acme", 0, Command::kResume);
  EXPECT_EQ(resume.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(resume.message()), HasSubstr("not suspended"));
  EXPECT_EQ(binds_->Control("acme", std::nullopt, Command::kResume).code(),
            absl::StatusCode::kFailedPrecondition);
  StopAndWait(*binds_);
  EXPECT_EQ(binds_->Control("acme", 0, Command::kSuspend).code(), absl::StatusCode::kUnavailable);
  binds_.reset();
}

TEST_F(CarriersAdminTest, DrainWaitsForTheWindowThenUnbindsAndStaysUnboundUntilResumed) {
  ASSERT_NO_FATAL_FAILURE(StartConnect(2));
  smsc_->hold = true;
  // A request of ours on bind 1 that the carrier has not answered yet.
  std::vector<BoundTransmitter> transmitters = binds_->Transmitters(0);
  ASSERT_EQ(transmitters.size(), 2u);
  auto answered = std::make_shared<std::promise<smpp::testing::Result>>();
  auto answer = answered->get_future();
  transmitters[1]->Submit(SubmitSm(), smpp::testing::ToPromise(answered));
  ASSERT_TRUE(smsc_->WaitRequests(1));

  std::promise<absl::Status> drained;
  auto drain = drained.get_future();
  ASSERT_TRUE(binds_
                  ->Control("acme", 1, Command::kDrain,
                            [&](absl::Status s) { drained.set_value(std::move(s)); })
                  .ok());
  EXPECT_THAT(Slots(binds_->Transmitters(0)), ::testing::ElementsAre(0u));
  EXPECT_EQ(binds_->Status()[1].admin, Admin::kDraining);
  EXPECT_EQ(binds_->Status()[1].state, "BOUND_TRX");  // the window is not empty yet

  // The carrier answers: the window empties, the bind is unbound (not dropped).
  smsc_->TakeHeld().RespondMessageId("m-1");
  EXPECT_EQ(Get(answer).response.status(), CommandStatus::kOk);
  ASSERT_EQ(drain.wait_for(kDeadline), std::future_status::ready);
  EXPECT_TRUE(drain.get().ok());
  ASSERT_TRUE(smsc_->WaitClosed(1));
  EXPECT_EQ(smsc_->closed_reason(0), smpp::SessionError::kUnbound);
  auto status = binds_->Status();
  EXPECT_EQ(status[1].admin, Admin::kDrained);
  EXPECT_EQ(status[1].state, "unbound");
  EXPECT_EQ(status[0].state, "BOUND_TRX");  // the other bind is untouched
  // Draining again is a no-op that completes at once.
  std::promise<absl::Status> again;
  ASSERT_TRUE(binds_
                  ->Control("acme", 1, Command::kDrain,
                            [&](absl::Status s) { again.set_value(std::move(s)); })
                  .ok());
  EXPECT_TRUE(again.get_future().get().ok());

  // Resumed: the slot binds again (a third bind at the SMSC) and transmits.
  smsc_->hold = false;
  ASSERT_TRUE(binds_->Control("acme", 1, Command::kResume).ok());
  ASSERT_TRUE(smsc_->WaitBound(3));
  EXPECT_TRUE(smpp::testing::Eventually([&] {
    return Slots(binds_->Transmitters(0)) == std::vector<uint32_t>{0u, 1u};
  }));
  EXPECT_EQ(binds_->Status()[1].admin, Admin::kActive);
}

TEST_F(CarriersAdminTest, ResumeDuringADrainCancelsIt) {
  ASSERT_NO_FATAL_FAILURE(StartConnect(1));
  smsc_->hold = true;
  auto answered = std::make_shared<std::promise<smpp::testing::Result>>();
  binds_->Transmitters(0)[0]->Submit(SubmitSm(), smpp::testing::ToPromise(answered));
  ASSERT_TRUE(smsc_->WaitRequests(1));
  std::promise<absl::Status> drained;
  auto drain = drained.get_future();
  ASSERT_TRUE(binds_
                  ->Control("acme", std::nullopt, Command::kDrain,
                            [&](absl::Status s) { drained.set_value(std::move(s)); })
                  .ok());
  EXPECT_TRUE(binds_->Transmitters(0).empty());
  ASSERT_TRUE(binds_->Control("acme", std::nullopt, Command::kResume).ok());
  ASSERT_EQ(drain.wait_for(kDeadline), std::future_status::ready);
  EXPECT_EQ(drain.get().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(binds_->Transmitters(0).size(), 1u);
  EXPECT_EQ(binds_->Status()[0].state, "BOUND_TRX");  // never unbound
  smsc_->TakeHeld().RespondMessageId("m-1");
}

TEST(CarriersAdminListenTest, ADrainedListenSlotRefusesTheCarriersBindsUntilResumed) {
  IoThread io;
  metrics::Registry registry;
  config::CarrierConfig config = Carrier("inbound", config::CarrierMode::kListen, 0);
  auto binds = CarrierBinds::Start(io.executor(), {config}, std::make_shared<FakeSink>(), registry);
  ASSERT_TRUE(binds.ok()) << binds.status();
  const int port = (*binds)->ListenPort(0);
  Esme esme = BindIn(io, port, BindType::kTransceiver, "confab", "pw123");
  ASSERT_EQ(esme.bind_status, CommandStatus::kOk);
  ASSERT_TRUE(smpp::testing::Eventually([&] { return (*binds)->Transmitters(0).size() == 1; }));

  std::promise<absl::Status> drained;
  auto drain = drained.get_future();
  ASSERT_TRUE((*binds)
                  ->Control("inbound", 0, Command::kDrain,
                            [&](absl::Status s) { drained.set_value(std::move(s)); })
                  .ok());
  ASSERT_EQ(drain.wait_for(kDeadline), std::future_status::ready);
  EXPECT_TRUE(drain.get().ok());
  ASSERT_TRUE(esme.handler->WaitClosed());  // we unbound the carrier's session
  EXPECT_EQ((*binds)->Status()[0].admin, Admin::kDrained);
  Esme refused = BindIn(io, port, BindType::kTransceiver, "confab", "pw123");
  EXPECT_EQ(refused.bind_status, CommandStatus::kBindFail);

  ASSERT_TRUE((*binds)->Control("inbound", 0, Command::kResume).ok());
  Esme again = BindIn(io, port, BindType::kTransceiver, "confab", "pw123");
  EXPECT_EQ(again.bind_status, CommandStatus::kOk);
  EXPECT_TRUE(smpp::testing::Eventually([&] { return (*binds)->Transmitters(0).size() == 1; }));
  StopAndWait(**binds);
}

}  // namespace
}  // namespace confab
