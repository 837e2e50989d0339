// Bind faults end to end: the real confabd against the real confab-sim. Replies are queued in
// the outbox before the daemon starts (as a previous run or the API would have left them); the
// carrier refuses our binds (ESME_RBINDFAIL) or answers a second bind ESME_RALYBND. The test
// waits on the daemon's /metrics, then stops it and reads the store and the sim's log: every
// reply submitted exactly once and in its final state, nothing left in the outbox.

#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>

#include "boost/json.hpp"
#include "rocksdb/db.h"
#include "store/schema.h"
#include "store/store.h"
#include "store/write_set.h"
#include "tests/daemon/daemon_process.h"
#include "tests/daemon/inbound_test_util.h"
#include "tests/daemon/outbound_faults_util.h"

namespace confab::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kReplies = 5;
constexpr char kText[] = "Example Co: your order has shipped.";
constexpr char kBindFailures[] = "confab_carrier_bind_failures_total{carrier=\"sim\"}";
constexpr char kPartsSubmitted[] = "confab_outbound_parts_submitted_total";

std::string Subscriber(int i) { return "+1555200000" + std::to_string(i); }

class OutboundBindFaultsTest : public DirTest {
 protected:
  void SetUp() override {
    DirTest::SetUp();
    ::signal(SIGPIPE, SIG_IGN);
  }

  std::string Logs() const {
    return "\n--- confabd ---\n" + Tail(dir_ / "confabd.log", 6000) + "\n--- sim 1 ---\n" +
           Tail(dir_ / "sim1.log") + "\n--- sim 2 ---\n" + Tail(dir_ / "sim2.log");
  }

  // confab-sim `n` (interactive: it prints every MT it gets) on `port` (0: any), with `flags`;
  // returns its port. Its stdin stays open, so it runs until killed.
  int StartSim(int n, int port, const std::vector<std::string>& flags) {
    const std::filesystem::path ready = dir_ / ("sim" + std::to_string(n) + ".port");
    std::vector<std::string> args = {
        "interactive",  "--listen",     "127.0.0.1:" + std::to_string(port),
        "--ready-file", ready.string(), "--receipts",
        "--bind-wait",  "120s"};
    args.insert(args.end(), flags.begin(), flags.end());
    sims_[n] =
        std::make_unique<Child>(CONFAB_SIM_PATH, args, dir_ / ("sim" + std::to_string(n) + ".log"),
                                /*stdin_pipe=*/true);
    EXPECT_TRUE(WaitForChange(
        dir_, [&] { return std::filesystem::exists(ready); }, 20s, sims_[n].get()))
        << "confab-sim wrote no ready file" << Logs();
    return std::atoi(ReadWhole(ready).c_str());
  }

  // kReplies auto-responses in the outbox, one per subscriber, written before the daemon runs.
  void QueueReplies() {
    store::StoreOptions options;
    options.path = StorePath(dir_).string();
    std::filesystem::create_directories(StorePath(dir_).parent_path());
    auto db = store::Store::Open(options);
    ASSERT_TRUE(db.ok()) << db.status();
    store::WriteSet writes((*db)->handles());
    for (int i = 1; i <= kReplies; ++i) {
      store::MessageRecord record;
      record.direction = store::Direction::kOutbound;
      record.kind = store::MessageKind::kAutoResponse;
      record.delivery = store::DeliveryState::kQueued;
      record.text = kText;
      auto brand = store::NumberId(kBrand);
      auto profile = store::NumberId(Subscriber(i));
      ASSERT_TRUE(brand.ok() && profile.ok());
      store::OutboxItem item;
      item.message = record;
      writes.PutOutbox({1, {{*brand, *profile}, 1}}, item);
    }
    ASSERT_TRUE((*db)->Write(rocksdb::WriteOptions(), &writes.batch()).ok());
    ASSERT_TRUE((*db)->Close().ok());
  }

  // The daemon, its carrier "sim" on `port` with `binds` binds (reconnects 50–200 ms apart).
  void StartDaemon(int port, int binds) {
    std::string config = ReadWhole(WriteInboundConfig(dir_, static_cast<uint16_t>(port)));
    const std::string window = "window = 10\n";
    const std::size_t at = config.find(window);
    ASSERT_NE(at, std::string::npos) << config;
    config.replace(at, window.size(), window + "binds = " + std::to_string(binds) + "\n");
    ASSERT_NO_FATAL_FAILURE(StartConfabd(CONFAB_DAEMON_PATH, dir_, config, daemon_, admin_port_,
                                         [this] { return Logs(); }));
  }

  // Waits until `check` holds over the daemon's /metrics (kept in metrics_), until `deadline`
  // fails the test.
  bool WaitForMetrics(const std::function<bool(const std::string&)>& check,
                      std::chrono::seconds deadline) {
    return confab::testing::WaitForMetrics(dir_, admin_port_, *daemon_, check, deadline, metrics_);
  }

  // Stops the daemon cleanly, then checks the store: outbox empty, each reply once, `state`.
  void StopAndCheck(store::DeliveryState state) {
    daemon_->Signal(SIGTERM);
    ASSERT_EQ(daemon_->WaitExit(30s), 0) << "confabd did not stop cleanly" << Logs();
    std::string error;
    std::optional<StoreContents> contents = ReadStore(StorePath(dir_), error);
    ASSERT_TRUE(contents.has_value()) << error;
    EXPECT_TRUE(contents->outbox.empty()) << contents->outbox.size() << " left in the outbox";
    std::map<std::string, int> seen;
    for (const StoredReply& reply : Replies(*contents, error)) {
      ++seen[ProfileText(reply.key.thread)];
      EXPECT_TRUE(reply.sent) << ProfileText(reply.key.thread);
      EXPECT_EQ(reply.message.text, kText);
      EXPECT_EQ(reply.message.delivery, state) << ProfileText(reply.key.thread);
    }
    EXPECT_EQ(error, "");
    for (int i = 1; i <= kReplies; ++i) {
      EXPECT_EQ(seen[Subscriber(i)], 1) << Subscriber(i);
    }
  }

  // How many MTs to `subscriber` sim `n` printed.
  std::size_t MtsAt(int n, const std::string& subscriber) const {
    return Count(ReadWhole(dir_ / ("sim" + std::to_string(n) + ".log")),
                 "← " + subscriber + ": " + kText);
  }

  std::map<int, std::unique_ptr<Child>> sims_;
  std::unique_ptr<Child> daemon_;
  int admin_port_ = 0;
  std::string metrics_;
};

TEST_F(OutboundBindFaultsTest, RefusedBindsAreRetriedAndTheQueuedWorkGoesOnceABindSucceeds) {
  const int port = StartSim(1, 0, {"--refuse-bind", "bindfail"});
  ASSERT_GT(port, 0) << Logs();
  ASSERT_NO_FATAL_FAILURE(QueueReplies());
  ASSERT_NO_FATAL_FAILURE(StartDaemon(port, 1));
  // The daemon keeps trying (with backoff) and submits nothing while unbound.
  ASSERT_TRUE(
      WaitForMetrics([](const std::string& m) { return Metric(m, kBindFailures) >= 3; }, 30s))
      << metrics_ << Logs();
  EXPECT_EQ(Metric(metrics_, kPartsSubmitted), 0) << metrics_;
  EXPECT_EQ(Metric(metrics_, "confab_carrier_bound_sessions{carrier=\"sim\"}"), 0) << metrics_;

  // The carrier comes back, accepting binds, on the same port.
  sims_[1]->Kill();
  ASSERT_EQ(StartSim(2, port, {}), port) << Logs();
  ASSERT_TRUE(WaitForMetrics(
      [](const std::string& m) {
        return Metric(m, Outcome("submitted")) >= kReplies &&
               Metric(m, ReceiptState("delivered")) >= kReplies;
      },
      30s))
      << metrics_ << Logs();
  EXPECT_EQ(Metric(metrics_, kPartsSubmitted), kReplies) << metrics_;
  EXPECT_EQ(Metric(metrics_, Outcome("failed")), 0) << metrics_;
  ASSERT_NO_FATAL_FAILURE(StopAndCheck(store::DeliveryState::kDelivered));
  for (int i = 1; i <= kReplies; ++i) {
    EXPECT_EQ(MtsAt(1, Subscriber(i)), 0u) << Subscriber(i);
    EXPECT_EQ(MtsAt(2, Subscriber(i)), 1u) << Subscriber(i) << Logs();
  }
}

TEST_F(OutboundBindFaultsTest, AlreadyBoundRefusalLosesNothingAndSendsNothingTwice) {
  // The carrier answers ESME_RALYBND to a bind while another of ours is bound: of our two binds,
  // one carries everything and the other keeps being refused.
  const int port = StartSim(1, 0, {"--refuse-second-bind"});
  ASSERT_GT(port, 0) << Logs();
  ASSERT_NO_FATAL_FAILURE(QueueReplies());
  ASSERT_NO_FATAL_FAILURE(StartDaemon(port, 2));
  ASSERT_TRUE(WaitForMetrics(
      [](const std::string& m) {
        return Metric(m, Outcome("submitted")) >= kReplies &&
               Metric(m, ReceiptState("delivered")) >= kReplies && Metric(m, kBindFailures) >= 1;
      },
      30s))
      << metrics_ << Logs();
  EXPECT_EQ(Metric(metrics_, kPartsSubmitted), kReplies) << metrics_;
  EXPECT_EQ(Metric(metrics_, "confab_carrier_bound_sessions{carrier=\"sim\"}"), 1) << metrics_;
  EXPECT_EQ(Metric(metrics_, Outcome("failed")), 0) << metrics_;
  ASSERT_NO_FATAL_FAILURE(StopAndCheck(store::DeliveryState::kDelivered));
  for (int i = 1; i <= kReplies; ++i) {
    EXPECT_EQ(MtsAt(1, Subscriber(i)), 1u) << Subscriber(i) << Logs();
  }
}

}  // namespace
}  // namespace confab::testing
