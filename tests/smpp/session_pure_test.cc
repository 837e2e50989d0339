// Pure parts of the session layer: sequence numbers, window, backoff, state table, bind guard.

#include <random>

#include "gtest/gtest.h"
#include "smpp/backoff.h"
#include "smpp/bind_guard.h"
#include "smpp/session_state.h"
#include "smpp/window.h"

namespace confab::smpp {
namespace {

using namespace std::chrono_literals;

TEST(SequenceGeneratorTest, StartsAtOneAndWrapsAfterMaxToOne) {
  SequenceGenerator fresh;
  EXPECT_EQ(fresh.Next(), 1u);
  EXPECT_EQ(fresh.Next(), 2u);
  SequenceGenerator near_end(kMaxSequenceNumber - 1);
  EXPECT_EQ(near_end.Next(), kMaxSequenceNumber - 1);
  EXPECT_EQ(near_end.Next(), kMaxSequenceNumber);
  EXPECT_EQ(near_end.Next(), 1u);  // never 0, never above 0x7FFFFFFF
}

TEST(SequenceGeneratorTest, InvalidStartFallsBackToOne) {
  EXPECT_EQ(SequenceGenerator(0).Next(), 1u);
  EXPECT_EQ(SequenceGenerator(0x80000000u).Next(), 1u);
}

Outstanding Entry(uint32_t seq, SteadyClock::time_point deadline, int* completed = nullptr) {
  Outstanding o;
  o.sequence = seq;
  o.command = CommandId::kSubmitSm;
  o.deadline = deadline;
  o.completion = [completed](std::error_code, Response) {
    if (completed) {
      ++*completed;
    }
  };
  return o;
}

TEST(WindowTest, RefusesBeyondCapacityUnlessForcedAndRefusesDuplicates) {
  Window window(2);
  auto t = SteadyClock::now();
  EXPECT_TRUE(window.Insert(Entry(1, t)));
  EXPECT_TRUE(window.Insert(Entry(2, t)));
  EXPECT_TRUE(window.full());
  EXPECT_FALSE(window.Insert(Entry(3, t)));
  EXPECT_TRUE(window.Insert(Entry(3, t), /*force=*/true));
  EXPECT_FALSE(window.Insert(Entry(3, t), true));  // sequence still outstanding
  EXPECT_EQ(window.size(), 3u);
}

TEST(WindowTest, TakeRemovesOnlyTheMatchingRequest) {
  Window window(4);
  auto t = SteadyClock::now();
  window.Insert(Entry(7, t));
  window.Insert(Entry(8, t));
  EXPECT_FALSE(window.Take(9).has_value());
  auto taken = window.Take(7);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->sequence, 7u);
  EXPECT_FALSE(window.Contains(7));
  EXPECT_TRUE(window.Contains(8));
}

TEST(WindowTest, TakeExpiredReturnsOnlyDueRequestsAndEarliestDeadlineFollows) {
  Window window(8);
  auto t0 = SteadyClock::now();
  window.Insert(Entry(1, t0 + 10ms));
  window.Insert(Entry(2, t0 + 30ms));
  window.Insert(Entry(3, t0 + 20ms));
  EXPECT_EQ(*window.EarliestDeadline(), t0 + 10ms);
  std::vector<Outstanding> out;
  EXPECT_EQ(window.TakeExpired(t0 + 20ms, out), 2u);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(window.Contains(2));
  EXPECT_EQ(*window.EarliestDeadline(), t0 + 30ms);
  int completed = 0;
  window.Insert(Entry(4, t0, &completed));
  window.TakeAll(out);
  EXPECT_EQ(window.size(), 0u);
  EXPECT_FALSE(window.EarliestDeadline().has_value());
  for (auto& o : out) {
    o.completion({}, {});
  }
  EXPECT_EQ(completed, 1);
}

TEST(BackoffTest, CeilingDoublesFromBaseUpToCap) {
  EXPECT_EQ(BackoffCeiling(100ms, 1000ms, 0), 100ms);
  EXPECT_EQ(BackoffCeiling(100ms, 1000ms, 1), 200ms);
  EXPECT_EQ(BackoffCeiling(100ms, 1000ms, 3), 800ms);
  EXPECT_EQ(BackoffCeiling(100ms, 1000ms, 4), 1000ms);
  EXPECT_EQ(BackoffCeiling(100ms, 1000ms, 4000000000u), 1000ms);  // no overflow
}

TEST(BackoffTest, FullJitterStaysWithinZeroAndCeilingForEveryAttempt) {
  std::mt19937_64 rng(42);
  for (uint32_t attempt = 0; attempt < 40; ++attempt) {
    auto ceiling = BackoffCeiling(50ms, 5000ms, attempt);
    for (int i = 0; i < 200; ++i) {
      auto d = FullJitterDelay(50ms, 5000ms, attempt, rng);
      ASSERT_GE(d.count(), 0);
      ASSERT_LE(d, ceiling) << "attempt " << attempt;
    }
  }
}

TEST(BackoffTest, SequenceIsSeededJitteredAndResets) {
  Backoff a(100ms, 10'000ms, 7);
  Backoff b(100ms, 10'000ms, 7);
  std::vector<std::chrono::milliseconds> seq_a;
  std::vector<std::chrono::milliseconds> seq_b;
  for (int i = 0; i < 12; ++i) {
    seq_a.push_back(a.Next());
    seq_b.push_back(b.Next());
    EXPECT_LE(seq_a.back(), BackoffCeiling(100ms, 10'000ms, i));
  }
  EXPECT_EQ(seq_a, seq_b);  // same seed, same sequence
  // Full jitter: late attempts are spread over [0, cap], not all at the cap.
  bool below_half_cap = false;
  Backoff c(100ms, 10'000ms, 99);
  for (int i = 0; i < 30; ++i) {
    auto d = c.Next();
    if (i > 10 && d < 5000ms) {
      below_half_cap = true;
    }
  }
  EXPECT_TRUE(below_half_cap);
  a.Reset();
  EXPECT_EQ(a.attempt(), 0u);
  EXPECT_LE(a.Next(), 100ms);
}

TEST(SessionStateTest, InboundTableFollowsFacts10) {
  // The SMSC receiving from an ESME.
  EXPECT_EQ(CheckInboundRequest(Role::kSmsc, SessionState::kOpen, CommandId::kBindTransceiver),
            CommandStatus::kOk);
  EXPECT_EQ(CheckInboundRequest(Role::kSmsc, SessionState::kBoundTrx, CommandId::kBindTransmitter),
            CommandStatus::kAlyBnd);
  EXPECT_EQ(CheckInboundRequest(Role::kSmsc, SessionState::kOpen, CommandId::kSubmitSm),
            CommandStatus::kInvBndSts);
  EXPECT_EQ(CheckInboundRequest(Role::kSmsc, SessionState::kBoundRx, CommandId::kSubmitSm),
            CommandStatus::kInvBndSts);
  EXPECT_EQ(CheckInboundRequest(Role::kSmsc, SessionState::kBoundTx, CommandId::kSubmitSm),
            CommandStatus::kOk);
  EXPECT_EQ(CheckInboundRequest(Role::kSmsc, SessionState::kBoundTrx, CommandId::kDeliverSm),
            CommandStatus::kInvBndSts);  // only the SMSC sends deliver_sm
  EXPECT_EQ(CheckInboundRequest(Role::kSmsc, SessionState::kOpen, CommandId::kEnquireLink),
            CommandStatus::kOk);
  EXPECT_EQ(CheckInboundRequest(Role::kSmsc, SessionState::kUnbinding, CommandId::kSubmitSm),
            CommandStatus::kInvBndSts);
  EXPECT_EQ(CheckInboundRequest(Role::kSmsc, SessionState::kUnbinding, CommandId::kUnbind),
            CommandStatus::kOk);
  // The ESME receiving from an SMSC.
  EXPECT_EQ(CheckInboundRequest(Role::kEsme, SessionState::kBoundRx, CommandId::kDeliverSm),
            CommandStatus::kOk);
  EXPECT_EQ(CheckInboundRequest(Role::kEsme, SessionState::kBoundTx, CommandId::kDeliverSm),
            CommandStatus::kInvBndSts);
  EXPECT_EQ(CheckInboundRequest(Role::kEsme, SessionState::kOpen, CommandId::kOutbind),
            CommandStatus::kOk);
  EXPECT_EQ(CheckInboundRequest(Role::kEsme, SessionState::kOpen, CommandId::kBindTransceiver),
            CommandStatus::kInvBndSts);
  EXPECT_EQ(CheckInboundRequest(Role::kEsme, SessionState::kBoundTrx, CommandId::kDataSm),
            CommandStatus::kOk);
}

TEST(SessionStateTest, MaySendMirrorsTheTable) {
  EXPECT_TRUE(MaySend(Role::kEsme, SessionState::kBoundTx, CommandId::kSubmitSm));
  EXPECT_FALSE(MaySend(Role::kEsme, SessionState::kBoundRx, CommandId::kSubmitSm));
  EXPECT_FALSE(MaySend(Role::kEsme, SessionState::kOpen, CommandId::kSubmitSm));
  EXPECT_TRUE(MaySend(Role::kSmsc, SessionState::kBoundRx, CommandId::kDeliverSm));
  EXPECT_FALSE(MaySend(Role::kSmsc, SessionState::kBoundTx, CommandId::kDeliverSm));
  EXPECT_FALSE(MaySend(Role::kEsme, SessionState::kClosed, CommandId::kEnquireLink));
  EXPECT_FALSE(MaySend(Role::kEsme, SessionState::kBoundTx, CommandId::kSubmitSmResp));
}

TEST(SessionStateTest, EmptyResponseBodyHasTheResponseType) {
  EXPECT_EQ(CommandIdOf(EmptyResponseBody(CommandId::kSubmitSm)), CommandId::kSubmitSmResp);
  EXPECT_EQ(CommandIdOf(EmptyResponseBody(CommandId::kDeliverSm)), CommandId::kDeliverSmResp);
  EXPECT_EQ(CommandIdOf(EmptyResponseBody(CommandId::kBindReceiver)), CommandId::kBindReceiverResp);
  EXPECT_EQ(CommandIdOf(EmptyResponseBody(CommandId::kOutbind)), CommandId::kGenericNack);
}

TEST(AllowedNetworksTest, MatchesCidrsAndBareAddresses) {
  auto nets = AllowedNetworks::Parse({"10.0.0.0/8", "192.168.1.7", "2001:db8::/32"});
  ASSERT_TRUE(nets.ok()) << nets.status();
  namespace ip = boost::asio::ip;
  EXPECT_TRUE(nets->Allows(ip::make_address("10.200.3.4")));
  EXPECT_TRUE(nets->Allows(ip::make_address("192.168.1.7")));
  EXPECT_FALSE(nets->Allows(ip::make_address("192.168.1.8")));
  EXPECT_FALSE(nets->Allows(ip::make_address("127.0.0.1")));
  EXPECT_TRUE(nets->Allows(ip::make_address("::ffff:10.1.1.1")));  // v4-mapped
  EXPECT_TRUE(nets->Allows(ip::make_address("2001:db8::1")));
  EXPECT_FALSE(AllowedNetworks::Parse({"10.0.0.0/33"}).ok());
  EXPECT_FALSE(AllowedNetworks::Parse({"not-an-ip"}).ok());
  auto all = AllowedNetworks::Parse({});
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->Allows(ip::make_address("8.8.8.8")));
}

TEST(BindRateLimiterTest, BurstThenRefusedUntilRefilledPerAddress) {
  namespace ip = boost::asio::ip;
  BindRateLimiter limiter(2, 1000ms);
  auto t = SteadyClock::now();
  auto a = ip::make_address("10.0.0.1");
  auto b = ip::make_address("10.0.0.2");
  EXPECT_TRUE(limiter.Allow(a, t));
  EXPECT_TRUE(limiter.Allow(a, t));
  EXPECT_FALSE(limiter.Allow(a, t));
  EXPECT_TRUE(limiter.Allow(b, t));          // other address, own bucket
  EXPECT_TRUE(limiter.Allow(a, t + 500ms));  // one token back after half the interval
  EXPECT_FALSE(limiter.Allow(a, t + 500ms));
  BindRateLimiter off(0, 1000ms);
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(off.Allow(a, t));
  }
}

}  // namespace
}  // namespace confab::smpp
