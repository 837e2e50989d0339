// Integration tests of the real confabd binary: start on port 0, health endpoints, SIGTERM,
// SIGHUP, a second instance on the same store, --check-config, --version.

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/daemon/daemon_process.h"

namespace confab::testing {
namespace {

using ::testing::HasSubstr;

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("daemon_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A minimal valid config: admin on any free port, state under the test's directory.
  std::string WriteConfig(const std::string& log_level = "info", const std::string& extra = "") {
    const std::string path = (dir_ / "confab.toml").string();
    std::ofstream out(path, std::ios::trunc);
    out << "[daemon]\nlog_level = \"" << log_level << "\"\nstate_dir = \""
        << (dir_ / "state").string()
        << "\"\nshutdown_grace = \"5s\"\nio_threads = 2\n\n[admin]\nport = 0\n"
        << extra;
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(DaemonTest, StartsOnPortZeroAnswersHealthAndStopsOnSigterm) {
  const std::string runtime_file = (dir_ / "runtime.json").string();
  DaemonProcess daemon({"--config", WriteConfig(), "--runtime-file", runtime_file});
  const auto ready = daemon.WaitForLine("ready: admin API on");
  ASSERT_TRUE(ready.has_value()) << daemon.output();
  const int port = PortFromReadyLine(*ready);
  ASSERT_GT(port, 0) << *ready;

  const HttpResult health = HttpGet(port, "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"status":"ok"})");
  const HttpResult ready_check = HttpGet(port, "/readyz");
  EXPECT_EQ(ready_check.status, 200);
  EXPECT_THAT(ready_check.body, HasSubstr(R"("store":"open")"));
  const HttpResult missing = HttpGet(port, "/no-such-thing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_THAT(missing.body, HasSubstr(R"({"error":{"code":"not_found")"));

  std::ifstream runtime(runtime_file);
  std::stringstream runtime_text;
  runtime_text << runtime.rdbuf();
  EXPECT_THAT(runtime_text.str(), HasSubstr("\"admin\": \"127.0.0.1:" + std::to_string(port)));
  EXPECT_THAT(runtime_text.str(), HasSubstr("\"pid\": " + std::to_string(daemon.pid())));

  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.WaitForExit(), 0) << daemon.output();
  EXPECT_THAT(daemon.output(), HasSubstr("received SIGTERM, stopping"));
  EXPECT_THAT(daemon.output(), HasSubstr("stopped"));
}

TEST_F(DaemonTest, ShortLinkListenerRunsOnItsOwnPortWhenAShortDomainIsSet) {
  const std::string links_config = "\n[links]\nshort_domain = \"s.example\"\nport = 0\n";
  DaemonProcess daemon({"--config", WriteConfig("info", links_config)});
  const auto links = daemon.WaitForLine("short links on");
  ASSERT_TRUE(links.has_value()) << daemon.output();
  const int links_port = PortFromReadyLine(*links);
  const auto ready = daemon.WaitForLine("ready: admin API on");
  ASSERT_TRUE(ready.has_value()) << daemon.output();
  const int admin_port = PortFromReadyLine(*ready);
  ASSERT_GT(links_port, 0) << *links;
  ASSERT_NE(links_port, admin_port);

  const HttpResult unknown = HttpGet(links_port, "/Abc12345");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_THAT(unknown.body, HasSubstr("Link not found"));
  EXPECT_EQ(HttpGet(links_port, "/healthz").status, 404);  // the admin API is not exposed here
  EXPECT_EQ(HttpGet(admin_port, "/healthz").status, 200);

  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.WaitForExit(), 0) << daemon.output();
}

TEST_F(DaemonTest, NoShortLinkListenerWithoutAShortDomain) {
  DaemonProcess daemon({"--config", WriteConfig()});
  ASSERT_TRUE(daemon.WaitForLine("ready: admin API on").has_value()) << daemon.output();
  EXPECT_THAT(daemon.output(), ::testing::Not(HasSubstr("short links on")));
  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.WaitForExit(), 0) << daemon.output();
}

TEST_F(DaemonTest, SigtermWithAnIdleKeepAliveConnectionStillExitsCleanly) {
  DaemonProcess daemon({"--config", WriteConfig()});
  const auto ready = daemon.WaitForLine("ready: admin API on");
  ASSERT_TRUE(ready.has_value()) << daemon.output();
  const int port = PortFromReadyLine(*ready);
  // Opened and left idle: the daemon must not wait for the client to go away.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);

  daemon.Signal(SIGINT);
  EXPECT_EQ(daemon.WaitForExit(), 0) << daemon.output();
  ::close(fd);
}

// A loopback port nobody listens on: bound by the test, then released.
int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

// The value of a sample line `name{labels} value` in a Prometheus text body; -1 when absent.
long MetricValue(const std::string& body, const std::string& series) {
  const std::size_t at = body.find("\n" + series + " ");
  return at == std::string::npos ? -1 : std::stol(body.substr(at + series.size() + 2));
}

TEST_F(DaemonTest, CarriersStartWithTheDaemonRetryQuietlyAndShowInMetrics) {
  const int smpp_port = FreePort();
  const int dead_port = FreePort();
  const std::string carriers =
      "\n[[carrier]]\nname = \"in\"\nmode = \"listen\"\nhost = \"127.0.0.1\"\nport = " +
      std::to_string(smpp_port) +
      "\nsystem_id = \"sim\"\npassword = \"pw\"\nallowed_networks = [\"127.0.0.0/8\"]\n"
      "\n[[carrier]]\nname = \"out\"\nmode = \"connect\"\nhost = \"127.0.0.1\"\nport = " +
      std::to_string(dead_port) +
      "\nsystem_id = \"confab\"\nreconnect_min_backoff = \"1ms\"\n"
      "reconnect_max_backoff = \"5ms\"\n";
  const std::string runtime_file = (dir_ / "runtime.json").string();
  DaemonProcess daemon({"--config", WriteConfig("info", carriers), "--runtime-file", runtime_file});
  const auto ready = daemon.WaitForLine("ready: admin API on");
  ASSERT_TRUE(ready.has_value()) << daemon.output();
  const int port = PortFromReadyLine(*ready);

  std::ifstream runtime(runtime_file);
  std::stringstream runtime_text;
  runtime_text << runtime.rdbuf();
  EXPECT_THAT(runtime_text.str(),
              HasSubstr("\"carriers\": {\"in\":" + std::to_string(smpp_port) + "}"));

  // The connect carrier keeps failing; wait until it has failed several times.
  // No [[admin.token]]: the daemon generated one into its state directory.
  const std::string token = GeneratedAdminToken((dir_ / "state").string());
  ASSERT_EQ(token.size(), 64u);
  EXPECT_THAT(daemon.output(), HasSubstr("the admin API token (role owner) is in " +
                                         (dir_ / "state" / "admin-token").string()));
  EXPECT_EQ(HttpGet(port, "/metrics").status, 401);  // only /healthz and /readyz are open
  HttpResult metrics;
  for (int i = 0; i < 100000; ++i) {
    metrics = HttpGet(port, "/metrics", token);
    if (MetricValue(metrics.body, "confab_carrier_bind_failures_total{carrier=\"out\"}") >= 5) {
      break;
    }
  }
  EXPECT_EQ(metrics.status, 200);
  EXPECT_GE(MetricValue(metrics.body, "confab_carrier_bind_failures_total{carrier=\"out\"}"), 5)
      << metrics.body;
  EXPECT_THAT(metrics.body, HasSubstr("# TYPE confab_carrier_binds_total counter\n"));
  EXPECT_EQ(MetricValue(metrics.body, "confab_carrier_bound_sessions{carrier=\"in\"}"), 0);

  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.WaitForExit(), 0) << daemon.output();
  EXPECT_THAT(daemon.output(),
              HasSubstr("[in] listening on 127.0.0.1:" + std::to_string(smpp_port)));
  // Five failures or more, one warning: a dead carrier does not flood the log.
  const std::string warning = "[out#0] cannot connect to 127.0.0.1:" + std::to_string(dead_port);
  const std::string& output = daemon.output();
  const std::size_t first = output.find(warning);
  ASSERT_NE(first, std::string::npos) << output;
  EXPECT_EQ(output.find(warning, first + 1), std::string::npos) << output;
}

TEST_F(DaemonTest, SecondInstanceOnTheSameStoreIsRefusedWithAClearMessage) {
  const std::string config = WriteConfig();
  DaemonProcess first({"--config", config});
  ASSERT_TRUE(first.WaitForLine("ready: admin API on").has_value()) << first.output();

  const auto [code, output] = RunDaemonToExit({"--config", config});
  EXPECT_EQ(code, 3) << output;
  EXPECT_THAT(output, HasSubstr("in use by another process"));

  // The first instance is unharmed.
  first.Signal(SIGTERM);
  EXPECT_EQ(first.WaitForExit(), 0) << first.output();
}

TEST_F(DaemonTest, UnusableStateDirectoryExitsWithTheStoreCode) {
  const std::string config = WriteConfig();
  std::ofstream(dir_ / "state") << "a file where the state directory should be";
  const auto [code, output] = RunDaemonToExit({"--config", config});
  EXPECT_EQ(code, 3) << output;
  EXPECT_THAT(output, HasSubstr((dir_ / "state").string()));
}

TEST_F(DaemonTest, SighupReloadsTheLogLevelAndSaysWhatChanged) {
  const std::string config = WriteConfig("info");
  DaemonProcess daemon({"--config", config});
  ASSERT_TRUE(daemon.WaitForLine("ready: admin API on").has_value()) << daemon.output();
  WriteConfig("debug");
  daemon.Signal(SIGHUP);
  const auto reloaded = daemon.WaitForLine("reloaded");
  ASSERT_TRUE(reloaded.has_value()) << daemon.output();
  EXPECT_THAT(*reloaded, HasSubstr("daemon.log_level"));
  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.WaitForExit(), 0) << daemon.output();
}

TEST_F(DaemonTest, SighupWithABrokenConfigKeepsRunning) {
  const std::string config = WriteConfig();
  DaemonProcess daemon({"--config", config});
  const auto ready = daemon.WaitForLine("ready: admin API on");
  ASSERT_TRUE(ready.has_value()) << daemon.output();
  std::ofstream(config, std::ios::app) << "\n[admin]\nport = \"not a number\"\n";
  daemon.Signal(SIGHUP);
  ASSERT_TRUE(daemon.WaitForLine("reload of").has_value()) << daemon.output();
  EXPECT_EQ(HttpGet(PortFromReadyLine(*ready), "/healthz").status, 200);
  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.WaitForExit(), 0) << daemon.output();
}

TEST_F(DaemonTest, CheckConfigSaysOkForTheShippedConfig) {
  const auto [code, output] =
      RunDaemonToExit({"--check-config", std::string(CONFAB_SOURCE_DIR) + "/config/confab.toml"});
  EXPECT_EQ(code, 0) << output;
  EXPECT_EQ(output, "OK\n");
}

TEST_F(DaemonTest, CheckConfigReportsEveryErrorWithKeyAndLineAndExitsTwo) {
  const std::string path = (dir_ / "bad.toml").string();
  std::ofstream(path) << "[admin]\nport = 70000\n\n[daemon]\nlog_levle = \"info\"\n";
  const auto [code, output] = RunDaemonToExit({"--check-config", path});
  EXPECT_EQ(code, 2) << output;
  EXPECT_THAT(output, HasSubstr("admin.port"));
  EXPECT_THAT(output, HasSubstr("line 2"));
  EXPECT_THAT(output, HasSubstr("daemon.log_levle"));
  EXPECT_THAT(output, HasSubstr("line 5"));
}

TEST_F(DaemonTest, CheckConfigOfAMissingFileExitsTwo) {
  const auto [code, output] = RunDaemonToExit({"--check-config", (dir_ / "nope.toml").string()});
  EXPECT_EQ(code, 2) << output;
  EXPECT_THAT(output, HasSubstr("nope.toml"));
}

TEST_F(DaemonTest, VersionPrintsTheVersionLine) {
  const auto [code, output] = RunDaemonToExit({"--version"});
  EXPECT_EQ(code, 0) << output;
  EXPECT_THAT(output, HasSubstr("confabd 0.1.0"));
}

}  // namespace
}  // namespace confab::testing
