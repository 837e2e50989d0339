#pragma once

// Tests only: loopback servers the notifier delivers to. A webhook receiver (Beast, one request
// per connection, answering with scripted statuses) and a fake SMTP relay speaking what curl
// needs (EHLO, MAIL, RCPT, DATA, QUIT). Each records what arrived; waiting is on condition
// variables, with a generous deadline that only fails a test.

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <istream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/read_until.hpp"
#include "boost/asio/streambuf.hpp"
#include "boost/asio/write.hpp"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/http.hpp"

namespace confab::notify::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;

inline constexpr auto kDeadline = std::chrono::seconds(30);

// Records values of T and lets a test wait until there are n.
template <typename T>
class Recorder {
 public:
  void Add(T value) {
    std::lock_guard lock(mutex_);
    values_.push_back(std::move(value));
    changed_.notify_all();
  }
  // The first n values (fails the test if they do not come before the deadline).
  std::vector<T> WaitFor(std::size_t n) {
    std::unique_lock lock(mutex_);
    EXPECT_TRUE(changed_.wait_for(lock, kDeadline, [&] { return values_.size() >= n; }))
        << "waited for " << n << ", have " << values_.size();
    return values_;
  }
  std::vector<T> values() {
    std::lock_guard lock(mutex_);
    return values_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<T> values_;
};

// Accepts connections on 127.0.0.1:0 on its own thread; Serve handles one connection.
class LoopbackServer {
 public:
  LoopbackServer() : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {}
  virtual ~LoopbackServer() = default;
  uint16_t port() const { return acceptor_.local_endpoint().port(); }

 protected:
  void Start() {
    Accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  void Stop() {
    io_.stop();
    if (thread_.joinable()) {
      thread_.join();
    }
  }
  virtual void Serve(tcp::socket& socket) = 0;

 private:
  void Accept() {
    acceptor_.async_accept([this](boost::system::error_code error, tcp::socket socket) {
      if (error) {
        return;
      }
      Serve(socket);  // synchronously: clients here send whole requests
      Accept();
    });
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::thread thread_;
};

struct WebhookCall {
  std::string target;
  std::string content_type;
  std::string body;
};

// Answers each POST with the next of `statuses`, then 200.
class WebhookServer final : public LoopbackServer {
 public:
  explicit WebhookServer(std::vector<int> statuses = {})
      : statuses_(statuses.begin(), statuses.end()) {
    Start();
  }
  ~WebhookServer() override { Stop(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()) + "/hook"; }
  Recorder<WebhookCall>& calls() { return calls_; }

 private:
  void Serve(tcp::socket& socket) override {
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> request;
    boost::system::error_code error;
    http::read(socket, buffer, request, error);
    if (error) {
      return;
    }
    int status = 200;
    if (!statuses_.empty()) {
      status = statuses_.front();
      statuses_.pop_front();
    }
    http::response<http::string_body> response(static_cast<http::status>(status), 11);
    response.set(http::field::content_type, "text/plain");
    response.set(http::field::connection, "close");
    response.body() = "ok";
    response.prepare_payload();
    // Recorded before answering: once the notifier has its answer, the call is visible.
    calls_.Add({std::string(request.target()), std::string(request[http::field::content_type]),
                request.body()});
    http::write(socket, response, error);
  }

  std::deque<int> statuses_;  // the server thread's
  Recorder<WebhookCall> calls_;
};

struct Mail {
  std::string from;
  std::vector<std::string> to;
  std::string data;  // as received, dot-stuffing and all, without the final "."
};

class SmtpServer final : public LoopbackServer {
 public:
  SmtpServer() { Start(); }
  ~SmtpServer() override { Stop(); }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port()); }
  Recorder<Mail>& mails() { return mails_; }

 private:
  void Serve(tcp::socket& socket) override {
    boost::system::error_code error;
    const auto say = [&](const std::string& line) {
      asio::write(socket, asio::buffer(line), error);
    };
    say("220 fake.smtp.test ESMTP\r\n");
    asio::streambuf input;
    Mail mail;
    while (!error) {
      asio::read_until(socket, input, "\r\n", error);
      if (error) {
        return;
      }
      std::istream stream(&input);
      std::string line;
      std::getline(stream, line);
      if (!line.empty() && line.back() == '\r') {
        line.pop_back();
      }
      const std::string verb = absl::AsciiStrToUpper(line.substr(0, 4));
      if (verb == "EHLO" || verb == "HELO") {
        say("250-fake.smtp.test\r\n250 8BITMIME\r\n");
      } else if (verb == "MAIL") {
        mail.from = line.substr(line.find(':') + 1);
        say("250 sender ok\r\n");
      } else if (verb == "RCPT") {
        mail.to.push_back(line.substr(line.find(':') + 1));
        say("250 recipient ok\r\n");
      } else if (verb == "DATA") {
        say("354 end with <CRLF>.<CRLF>\r\n");
        const std::size_t n = asio::read_until(socket, input, "\r\n.\r\n", error);
        if (error) {
          return;
        }
        const std::string data(asio::buffers_begin(input.data()),
                               asio::buffers_begin(input.data()) + static_cast<std::ptrdiff_t>(n));
        input.consume(n);
        mail.data = data.substr(0, data.size() - 3);  // keep the last CRLF, drop ".\r\n"
        mails_.Add(mail);
        say("250 queued\r\n");
      } else if (verb == "QUIT") {
        say("221 bye\r\n");
        return;
      } else {
        say("250 ok\r\n");
      }
    }
  }

  Recorder<Mail> mails_;
};

}  // namespace confab::notify::testing
