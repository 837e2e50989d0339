#pragma once

// Shared by the daemon-level outbound fault suites (outbound_faults_test.cc,
// outbound_bind_faults_test.cc): starting confabd, waiting on and reading its Prometheus text,
// and counting lines in logs.

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "boost/json/parse.hpp"
#include "gtest/gtest.h"
#include "tests/daemon/daemon_process.h"
#include "tests/daemon/inbound_test_util.h"

namespace confab::testing {

// The value of one series ("name{label=\"value\"}") in a Prometheus text body; 0 when absent.
inline double Metric(const std::string& body, const std::string& series) {
  const std::string prefix = series + " ";
  std::size_t at = body.rfind(prefix, 0) == 0 ? 0 : body.find("\n" + prefix);
  if (at == std::string::npos) {
    return 0;
  }
  at += body[at] == '\n' ? 1 : 0;
  return std::strtod(body.c_str() + at + prefix.size(), nullptr);
}

inline std::string Outcome(const char* outcome) {
  return std::string("confab_outbound_messages_total{outcome=\"") + outcome + "\"}";
}

inline std::string ReceiptState(const char* state) {
  return std::string("confab_receipt_states_total{state=\"") + state + "\"}";
}

// The admin token the fault suites configure ([[admin.token]], role analyst: /metrics only), and
// the config lines that set it.
inline constexpr char kMetricsToken[] = "faults-test-metrics-token";
inline std::string MetricsTokenConfig() {
  return std::string("\n[[admin.token]]\nname = \"test\"\ntoken = \"") + kMetricsToken +
         "\"\nrole = \"analyst\"\n";
}

// Waits until `check` holds over the body of GET /metrics on `admin_port` (with kMetricsToken;
// "" when the daemon does not answer), kept in `metrics`: re-read on every change in `dir` (the
// logs), and at least every 200 ms (a retry in backoff writes nothing), until `daemon` exits or
// `deadline` passes (false then).
inline bool WaitForMetrics(const std::filesystem::path& dir, int admin_port, Child& daemon,
                           const std::function<bool(const std::string&)>& check,
                           std::chrono::seconds deadline, std::string& metrics) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  const auto holds = [&] {
    metrics = HttpGet(admin_port, "/metrics", kMetricsToken).body;
    return check(metrics);
  };
  while (!holds()) {
    if (std::chrono::steady_clock::now() >= until || daemon.exited()) {
      return false;
    }
    WaitForChange(dir, holds, std::chrono::milliseconds(200), &daemon);
  }
  return true;
}

// Occurrences of `needle` in `text`.
inline std::size_t Count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

// Writes `config` and the metrics token to `dir`/confab.toml, starts `binary` (log
// `dir`/confabd.log) with a runtime file and waits for it; returns the admin API's port. A failure
// is a test failure (check with ASSERT_NO_FATAL_FAILURE), `logs` saying what the children wrote.
inline void StartConfabd(const std::string& binary, const std::filesystem::path& dir,
                         const std::string& config, std::unique_ptr<Child>& daemon, int& admin_port,
                         const std::function<std::string()>& logs) {
  const std::filesystem::path config_path = dir / "confab.toml";
  {
    std::ofstream out(config_path, std::ios::trunc);
    out << config << MetricsTokenConfig();
  }
  const std::filesystem::path runtime = dir / "runtime.json";
  daemon = std::make_unique<Child>(binary,
                                   std::vector<std::string>{"--config", config_path.string(),
                                                            "--runtime-file", runtime.string()},
                                   dir / "confabd.log");
  ASSERT_TRUE(WaitForChange(
      dir, [&] { return std::filesystem::exists(runtime); }, std::chrono::seconds(30),
      daemon.get()))
      << "confabd wrote no runtime file" << logs();
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(ReadWhole(runtime), ec);
  ASSERT_FALSE(ec) << ReadWhole(runtime);
  const std::string admin(v.as_object().at("admin").as_string());
  admin_port = std::atoi(admin.substr(admin.rfind(':') + 1).c_str());
  ASSERT_GT(admin_port, 0) << admin;
}

}  // namespace confab::testing
