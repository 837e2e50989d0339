// Every fault mode, as the ESME (standing in for confabd) observes it.

#include "bench/sim/carrier.h"
#include "tests/sim/sim_test_util.h"

namespace confab::sim::testing {
namespace {

TEST(CarrierFaultsTest, MagicNumbersAreRecognisedWithOrWithoutPlus) {
  EXPECT_EQ(FaultForDestination("+15559990001"), MtFault::kThrottle);
  EXPECT_EQ(FaultForDestination("15559990002"), MtFault::kQueueFull);
  EXPECT_EQ(FaultForDestination("15559990006"), MtFault::kUndeliverable);
  EXPECT_EQ(FaultForDestination("15551234567"), MtFault::kNone);
  EXPECT_EQ(MtFaultFromName("no-response"), MtFault::kNoResponse);
  EXPECT_FALSE(MtFaultFromName("bogus"));
}

TEST(CarrierFaultsTest, ThrottleAndQueueFullByMagicNumber) {
  IoThread io;
  auto carrier = StartCarrier(io);
  Esme esme = BindEsme(io, carrier->port());
  EXPECT_EQ(SubmitFrom(esme, "15559990001", "x").response.status(),
            smpp::CommandStatus::kThrottled);
  EXPECT_EQ(SubmitFrom(esme, "15559990002", "x").response.status(), smpp::CommandStatus::kMsgQFul);
  EXPECT_EQ(SubmitFrom(esme, "15551234567", "x").response.status(), smpp::CommandStatus::kOk);
}

TEST(CarrierFaultsTest, ThrottleForEveryMtByFlag) {
  IoThread io;
  CarrierOptions options;
  options.faults.every_mt = MtFault::kThrottle;
  auto carrier = StartCarrier(io, options);
  Esme esme = BindEsme(io, carrier->port());
  EXPECT_EQ(SubmitFrom(esme, "15551234567", "x").response.status(),
            smpp::CommandStatus::kThrottled);
}

TEST(CarrierFaultsTest, NoResponseFiresTheEsmeResponseTimer) {
  IoThread io;
  auto carrier = StartCarrier(io);
  smpp::SessionOptions options = TestOptions();
  options.response_timeout = std::chrono::milliseconds(100);
  Esme esme = BindEsme(io, carrier->port(), "secret", options);
  Result r = SubmitFrom(esme, "15559990003", "x");
  EXPECT_EQ(r.ec, smpp::SessionError::kResponseTimeout);
}

TEST(CarrierFaultsTest, SlowResponseStillArrives) {
  IoThread io;
  CarrierOptions options;
  options.faults.slow_delay = std::chrono::milliseconds(50);
  auto carrier = StartCarrier(io, options);
  Esme esme = BindEsme(io, carrier->port());
  Result r = SubmitFrom(esme, "15559990004", "x");
  EXPECT_FALSE(r.ec);
  EXPECT_EQ(r.response.status(), smpp::CommandStatus::kOk);
  EXPECT_FALSE(r.response.MessageId().empty());
}

TEST(CarrierFaultsTest, DisconnectMidWindowClosesWithRequestsOutstanding) {
  IoThread io;
  auto carrier = StartCarrier(io);
  Esme esme = BindEsme(io, carrier->port());
  // Two in flight, the second one triggers the drop: neither gets an answer.
  auto p1 = std::make_shared<std::promise<Result>>();
  auto f1 = p1->get_future();
  smpp::Pdu slow = MakeSubmit("x");
  std::get<smpp::SubmitSm>(slow.body).destination.addr = "15559990003";  // held
  esme.session->Submit(slow, ToPromise(p1));
  Result r = SubmitFrom(esme, "15559990005", "x");
  EXPECT_EQ(r.ec, smpp::SessionError::kClosed);
  EXPECT_EQ(Get(f1).ec, smpp::SessionError::kClosed);
  EXPECT_TRUE(esme.handler->WaitClosed());
}

TEST(CarrierFaultsTest, DisconnectAfterTheNthMtByFlag) {
  IoThread io;
  CarrierOptions options;
  options.faults.disconnect_after = 2;
  auto carrier = StartCarrier(io, options);
  Esme esme = BindEsme(io, carrier->port());
  EXPECT_EQ(SubmitFrom(esme, "15551234567", "x").response.status(), smpp::CommandStatus::kOk);
  EXPECT_EQ(SubmitFrom(esme, "15551234567", "x").ec, smpp::SessionError::kClosed);
}

TEST(CarrierFaultsTest, RefusedBinds) {
  IoThread io;
  {
    CarrierOptions options;
    options.faults.refuse_bind = smpp::CommandStatus::kBindFail;
    auto carrier = StartCarrier(io, options);
    EXPECT_EQ(BindEsme(io, carrier->port()).bind.response.status(), smpp::CommandStatus::kBindFail);
  }
  {
    CarrierOptions options;
    options.faults.refuse_bind = smpp::CommandStatus::kInvPaswd;
    auto carrier = StartCarrier(io, options);
    EXPECT_EQ(BindEsme(io, carrier->port()).bind.response.status(), smpp::CommandStatus::kInvPaswd);
  }
  auto carrier = StartCarrier(io);
  EXPECT_EQ(BindEsme(io, carrier->port(), "wrong").bind.response.status(),
            smpp::CommandStatus::kInvPaswd);
}

TEST(CarrierFaultsTest, SecondBindGetsAlreadyBound) {
  IoThread io;
  CarrierOptions options;
  options.faults.refuse_second_bind = true;
  auto carrier = StartCarrier(io, options);
  Esme first = BindEsme(io, carrier->port());
  EXPECT_EQ(first.bind.response.status(), smpp::CommandStatus::kOk);
  ASSERT_TRUE(carrier->WaitBound(kDeadline));
  Esme second = BindEsme(io, carrier->port());
  EXPECT_EQ(second.bind.response.status(), smpp::CommandStatus::kAlyBnd);
}

TEST(CarrierFaultsTest, UndeliverableReceipt) {
  IoThread io;
  auto carrier = StartCarrier(io);  // receipts off: the magic number still sends the UNDELIV one
  Esme esme = BindEsme(io, carrier->port());
  Result r = SubmitFrom(esme, "15559990006", "x", 1);
  ASSERT_EQ(r.response.status(), smpp::CommandStatus::kOk);
  ASSERT_TRUE(esme.handler->WaitDelivers(1));
  SeenDeliver receipt = esme.handler->seen()[0];
  EXPECT_EQ(receipt.receipted_id, std::string(r.response.MessageId()));
  EXPECT_EQ(receipt.state, smpp::MessageState::kUndeliverable);
  EXPECT_NE(Utf8(receipt).find("stat:UNDELIV"), std::string::npos);
}

TEST(CarrierFaultsTest, DuplicateMoComesTwiceWithANewSequenceNumber) {
  IoThread io;
  CarrierOptions options;
  options.faults.duplicate_mo = true;
  auto carrier = StartCarrier(io, options);
  Esme esme = BindEsme(io, carrier->port());
  ASSERT_TRUE(carrier->WaitBound(kDeadline));
  MoResult r = SendMoAndWait(*carrier, "+15551234567", "+15550100000", "STOP");
  EXPECT_EQ(r.parts, 2);
  ASSERT_TRUE(esme.handler->WaitDelivers(2));
  auto seen = esme.handler->seen();
  EXPECT_EQ(seen[0].user_data, seen[1].user_data);
  EXPECT_EQ(seen[0].source, seen[1].source);
  EXPECT_NE(seen[0].sequence, seen[1].sequence);
}

}  // namespace
}  // namespace confab::sim::testing
