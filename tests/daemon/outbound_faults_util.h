#pragma once

// Shared by the daemon-level outbound fault suites (outbound_faults_test.cc,
// outbound_bind_faults_test.cc): reading Prometheus text and counting lines in logs.

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "boost/asio/connect.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/read.hpp"
#include "boost/asio/write.hpp"
#include "boost/json/parse.hpp"
#include "gtest/gtest.h"
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

// The body of GET /metrics on the admin port with kMetricsToken ("" on any error).
inline std::string GetMetrics(int port) {
  namespace asio = boost::asio;
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)}, ec);
  if (ec) {
    return "";
  }
  const std::string request = std::string("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n") +
                              "Authorization: Bearer " + kMetricsToken +
                              "\r\nConnection: close\r\n\r\n";
  asio::write(socket, asio::buffer(request), ec);
  std::string response;
  asio::read(socket, asio::dynamic_buffer(response), ec);  // until the server closes
  const std::size_t body = response.find("\r\n\r\n");
  return body == std::string::npos ? "" : response.substr(body + 4);
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
