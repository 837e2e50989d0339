// Outbound faults end to end: the real confabd against the real confab-sim (carrier with
// receipts). Subscribers whose numbers are the sim's magic fault numbers write to the brand; the
// auto-responder (or a HELP reply) answers each, and that MT hits the fault. The test waits for
// the dispatcher's and the receipt processor's counters on GET /metrics, stops the daemon and
// reads the store: each reply must have ended in the state the dispatcher's contract gives
// (daemon/dispatcher.h), and no part may have been submitted beyond the retry budget.

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>

#include "boost/json.hpp"
#include "tests/daemon/daemon_process.h"
#include "tests/daemon/inbound_test_util.h"
#include "tests/daemon/outbound_faults_util.h"

namespace confab::testing {
namespace {

using namespace std::chrono_literals;

constexpr char kNormal1[] = "+15552000001";
constexpr char kNormal2[] = "+15552000002";
constexpr char kThrottled[] = "+15559990001";
constexpr char kQueueFull[] = "+15559990002";
constexpr char kNoResponse[] = "+15559990003";
constexpr char kSlow[] = "+15559990004";
constexpr char kDisconnect[] = "+15559990005";
constexpr char kUndeliverable[] = "+15559990006";
// The carrier's retry budget in the test config ([[carrier]] retry_*): few, quick retries, so
// spending the budget takes a fraction of a second (plus the response timeouts of no-response).
constexpr int kMaxAttempts = 4;

class OutboundFaultsTest : public DirTest {
 protected:
  void SetUp() override {
    DirTest::SetUp();
    ::signal(SIGPIPE, SIG_IGN);  // a sim that died must fail the test, not kill it
  }

  std::string Logs() const {
    return "\n--- confabd ---\n" + Tail(dir_ / "confabd.log", 6000) + "\n--- confab-sim ---\n" +
           Tail(dir_ / "sim.log");
  }

  // The sim (interactive: MOs from our pipe), then a daemon bound to it whose carrier answers
  // within 1 s, has `resend_policy` and a small retry budget (kMaxAttempts, 20–100 ms apart).
  // Sets admin_port_.
  void Start(const std::string& resend_policy) {
    const std::filesystem::path ready = dir_ / "sim.port";
    sim_ = std::make_unique<Child>(
        CONFAB_SIM_PATH,
        std::vector<std::string>{"interactive", "--listen", "127.0.0.1:0", "--ready-file",
                                 ready.string(), "--receipts", "--slow-delay", "300ms", "--linger",
                                 "100ms", "--bind-wait", "60s"},
        dir_ / "sim.log", /*stdin_pipe=*/true);
    ASSERT_TRUE(WaitForChange(
        dir_, [&] { return std::filesystem::exists(ready); }, 20s, sim_.get()))
        << "confab-sim wrote no ready file" << Logs();
    const int port = std::atoi(ReadWhole(ready).c_str());
    ASSERT_GT(port, 0) << ReadWhole(ready);

    std::string config = ReadWhole(WriteInboundConfig(dir_, static_cast<uint16_t>(port)));
    const std::string timeout = "response_timeout = \"5s\"\n";
    const std::size_t at = config.find(timeout);
    ASSERT_NE(at, std::string::npos) << config;
    config.replace(at, timeout.size(),
                   "response_timeout = \"1s\"\nresend_policy = \"" + resend_policy +
                       "\"\nretry_max_attempts = " + std::to_string(kMaxAttempts) +
                       "\nretry_min_backoff = \"20ms\"\nretry_max_backoff = \"100ms\"\n");
    ASSERT_NO_FATAL_FAILURE(StartConfabd(CONFAB_DAEMON_PATH, dir_, config, daemon_, admin_port_,
                                         [this] { return Logs(); }));
  }

  // Sends one MO per "FROM TEXT" line and waits until the sim has them all acknowledged.
  void SendMos(const std::vector<std::string>& lines) {
    std::string text;
    for (const std::string& line : lines) {
      text += line + "\n";
    }
    acked_ += lines.size();
    ASSERT_TRUE(sim_->WriteStdin(text)) << "confab-sim closed its input" << Logs();
    ASSERT_TRUE(WaitForChange(
        dir_, [&] { return Count(ReadWhole(dir_ / "sim.log"), "[acked]") >= acked_; }, 30s,
        sim_.get()))
        << "MOs not acknowledged" << Logs();
  }

  // Waits until `check` holds over the daemon's /metrics (kept in metrics_), until `deadline`
  // fails the test.
  bool WaitForMetrics(const std::function<bool(const std::string&)>& check,
                      std::chrono::seconds deadline) {
    return confab::testing::WaitForMetrics(dir_, admin_port_, *daemon_, check, deadline, metrics_);
  }

  // SIGTERM: the daemon must stop cleanly; then the store is read, with every reply settled.
  void StopAndRead() {
    daemon_->Signal(SIGTERM);
    ASSERT_EQ(daemon_->WaitExit(30s), 0) << "confabd did not stop cleanly" << Logs();
    std::string error;
    std::optional<StoreContents> store = ReadStore(StorePath(dir_), error);
    ASSERT_TRUE(store.has_value()) << error;
    EXPECT_TRUE(store->outbox.empty()) << store->outbox.size() << " replies still in the outbox";
    for (StoredReply& reply : Replies(*store, error)) {
      replies_[ProfileText(reply.key.thread)].push_back(std::move(reply));
    }
    EXPECT_EQ(error, "");
  }

  // The one reply to `number`, sent; its state. Fails the test otherwise.
  store::DeliveryState StateOf(const std::string& number, const char* text) {
    const std::vector<StoredReply>& replies = replies_[number];
    if (replies.size() != 1) {
      ADD_FAILURE() << number << ": " << replies.size() << " replies, want 1";
      return store::DeliveryState::kReceived;
    }
    EXPECT_EQ(replies[0].message.text, text) << number;
    EXPECT_TRUE(replies[0].sent) << number << ": the reply is not a message in `messages`";
    return replies[0].message.delivery;
  }

  std::unique_ptr<Child> sim_;
  std::unique_ptr<Child> daemon_;
  int admin_port_ = 0;
  std::size_t acked_ = 0;
  std::string metrics_;                                      // the last /metrics body read
  std::map<std::string, std::vector<StoredReply>> replies_;  // by subscriber
};

TEST_F(OutboundFaultsTest, EveryFaultEndsInItsFinalStateWithinTheRetryBudget) {
  ASSERT_NO_FATAL_FAILURE(Start("query_then_resend"));

  // 1. Everything but the disconnect, which would cut receipts still on their way.
  ASSERT_NO_FATAL_FAILURE(
      SendMos({std::string(kNormal1) + " Hello there", std::string(kThrottled) + " Hello there",
               std::string(kQueueFull) + " Hello there", std::string(kNoResponse) + " Hello there",
               std::string(kSlow) + " Hello there", std::string(kUndeliverable) + " Hello there"}));
  ASSERT_TRUE(WaitForMetrics(
      [](const std::string& m) {
        return Metric(m, Outcome("submitted")) >= 3 &&  // normal, slow, undeliverable
               Metric(m, ReceiptState("delivered")) >= 2 &&
               Metric(m, ReceiptState("undelivered")) >= 1;
      },
      30s))
      << metrics_ << Logs();

  // 2. The disconnect: each attempt drops the bind, the daemon binds again.
  ASSERT_NO_FATAL_FAILURE(SendMos({std::string(kDisconnect) + " Hello there"}));
  // Throttled, queue full, no response (resent until the budget is spent), disconnect: each
  // within kMaxAttempts tries of the configured budget.
  ASSERT_TRUE(
      WaitForMetrics([](const std::string& m) { return Metric(m, Outcome("failed")) >= 4; }, 120s))
      << metrics_ << Logs();

  // 3. The daemon still serves after all that, once it has bound again after the last drop
  // (an MO sent into the sim before that would find no bound session).
  ASSERT_TRUE(WaitForMetrics(
      [](const std::string& m) {
        return Metric(m, "confab_carrier_bound_sessions{carrier=\"sim\"}") >= 1;
      },
      30s))
      << metrics_ << Logs();
  ASSERT_NO_FATAL_FAILURE(SendMos({std::string(kNormal2) + " Hello there"}));
  ASSERT_TRUE(WaitForMetrics(
      [](const std::string& m) {
        return Metric(m, Outcome("submitted")) >= 4 && Metric(m, ReceiptState("delivered")) >= 3;
      },
      30s))
      << metrics_ << Logs();
  const std::string metrics = metrics_;
  EXPECT_EQ(Metric(metrics, Outcome("failed")), 4) << metrics;
  EXPECT_EQ(Metric(metrics, Outcome("unknown")), 0) << metrics;
  // Both refusals were answered (so tried) and never beyond the budget: a bind lost under one of
  // their parts also spends an attempt, so this is at most, not exactly, 2 × kMaxAttempts.
  const double throttled = Metric(metrics, "confab_outbound_throttled_total{carrier=\"sim\"}");
  EXPECT_GE(throttled, 2) << metrics;
  EXPECT_LE(throttled, 2 * kMaxAttempts) << metrics;
  // Every part ever handed to a bind: four messages once each (a bind lost under one of them
  // may add a resubmission), four at most the budget.
  EXPECT_LE(Metric(metrics, "confab_outbound_parts_submitted_total"), 4 + 4 + 4 * kMaxAttempts)
      << metrics;

  ASSERT_NO_FATAL_FAILURE(StopAndRead());
  EXPECT_EQ(StateOf(kNormal1, kAutoReply), store::DeliveryState::kDelivered);
  EXPECT_EQ(StateOf(kNormal2, kAutoReply), store::DeliveryState::kDelivered)
      << "the reply after the disconnects";
  EXPECT_EQ(StateOf(kUndeliverable, kAutoReply), store::DeliveryState::kUndelivered);
  EXPECT_EQ(StateOf(kThrottled, kAutoReply), store::DeliveryState::kFailed);
  EXPECT_EQ(StateOf(kQueueFull, kAutoReply), store::DeliveryState::kFailed);
  // query_then_resend: resent after each timeout (never marked unknown), failed after the budget.
  EXPECT_EQ(StateOf(kNoResponse, kAutoReply), store::DeliveryState::kFailed);
  // A lost bind is a transient error under every resend policy: retried, failed after the budget.
  EXPECT_EQ(StateOf(kDisconnect, kAutoReply), store::DeliveryState::kFailed);
  const store::DeliveryState slow = StateOf(kSlow, kAutoReply);
  EXPECT_TRUE(slow == store::DeliveryState::kDelivered || slow == store::DeliveryState::kSubmitted)
      << "slow (answered within the response timeout): state " << static_cast<int>(slow);
}

TEST_F(OutboundFaultsTest, NoResponseWithResendPolicyNoneIsUnknownAndSubmittedOnce) {
  ASSERT_NO_FATAL_FAILURE(Start("none"));
  ASSERT_NO_FATAL_FAILURE(SendMos({std::string(kNoResponse) + " HELP"}));
  ASSERT_TRUE(
      WaitForMetrics([](const std::string& m) { return Metric(m, Outcome("unknown")) >= 1; }, 30s))
      << metrics_ << Logs();
  const std::string metrics = metrics_;
  EXPECT_EQ(Metric(metrics, "confab_outbound_parts_submitted_total"), 1) << metrics;
  EXPECT_EQ(Metric(metrics, "confab_outbound_transient_errors_total"), 0) << metrics;
  EXPECT_EQ(Metric(metrics, Outcome("submitted")), 0) << metrics;
  EXPECT_EQ(Metric(metrics, Outcome("failed")), 0) << metrics;

  ASSERT_NO_FATAL_FAILURE(StopAndRead());
  EXPECT_EQ(StateOf(kNoResponse, kHelpReply), store::DeliveryState::kUnknown);
}

}  // namespace
}  // namespace confab::testing
