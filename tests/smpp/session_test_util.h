#pragma once

// Test helpers for the session suites: an io_context on its own thread, loopback socket pairs,
// a blocking raw SMPP peer (for driving exact bytes), and a handler that records what it sees.

#include <sys/socket.h>
#include <sys/time.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/read.hpp"
#include "boost/asio/write.hpp"
#include "gtest/gtest.h"
#include "smpp/codec.h"
#include "smpp/session.h"

namespace confab::smpp::testing {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

// Generous overall deadline for anything a test waits on; never a timing assertion.
inline constexpr auto kDeadline = 20s;

class IoThread {
 public:
  IoThread() : work_(asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  ~IoThread() {
    work_.reset();
    io_.stop();
    thread_.join();
  }
  asio::io_context& io() { return io_; }
  asio::any_io_executor executor() { return io_.get_executor(); }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
};

// A connected loopback pair (client, server), both on `io`.
inline std::pair<tcp::socket, tcp::socket> SocketPair(asio::io_context& io) {
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  tcp::socket client(io);
  client.connect(acceptor.local_endpoint());
  tcp::socket server(io);
  acceptor.accept(server);
  return {std::move(client), std::move(server)};
}

template <typename T>
T Get(std::future<T>& future) {
  if (future.wait_for(kDeadline) != std::future_status::ready) {
    ADD_FAILURE() << "timed out waiting";
    return T{};
  }
  return future.get();
}

struct Result {
  std::error_code ec;
  Response response;
};

// Completion that fulfils a promise.
inline Completion ToPromise(std::shared_ptr<std::promise<Result>> promise) {
  return [promise](std::error_code ec, Response r) { promise->set_value({ec, std::move(r)}); };
}

// A decoded PDU read by RawPeer, with its own bytes.
struct RawPdu {
  Header header;
  std::vector<uint8_t> bytes;
  bool eof = false;
};

// A blocking SMPP peer on a plain socket, driven by the test thread.
class RawPeer {
 public:
  explicit RawPeer(tcp::socket socket) : socket_(std::move(socket)) {
    timeval tv{20, 0};
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  void Send(const Pdu& pdu) {
    std::vector<uint8_t> bytes;
    Encode(pdu, bytes);
    SendBytes(bytes);
  }
  void SendBytes(const std::vector<uint8_t>& bytes) { asio::write(socket_, asio::buffer(bytes)); }
  RawPdu Read() {
    RawPdu out;
    uint8_t header[16];
    boost::system::error_code ec;
    asio::read(socket_, asio::buffer(header), ec);
    if (ec) {
      out.eof = true;
      return out;
    }
    uint32_t length = (uint32_t{header[0]} << 24) | (uint32_t{header[1]} << 16) |
                      (uint32_t{header[2]} << 8) | header[3];
    out.bytes.assign(header, header + 16);
    if (length > 16 && length < 100000) {
      out.bytes.resize(length);
      asio::read(socket_, asio::buffer(out.bytes.data() + 16, length - 16), ec);
    }
    DecodeResult result = Decode(out.bytes);
    out.header = result.pdu.header;
    return out;
  }
  tcp::socket& socket() { return socket_; }

 private:
  tcp::socket socket_;
};

inline Pdu MakePdu(CommandId id, uint32_t sequence, PduBody body) {
  Pdu pdu;
  pdu.header.command_id = static_cast<uint32_t>(id);
  pdu.header.sequence_number = sequence;
  pdu.body = std::move(body);
  return pdu;
}

inline BindCredentials Creds(std::string system_id, std::string password) {
  BindCredentials c;
  c.system_id = std::move(system_id);
  c.password = std::move(password);
  return c;
}

inline Pdu MakeBind(BindType type, std::string_view system_id, std::string_view password,
                    uint32_t sequence = 1) {
  BindBody body;
  body.system_id = system_id;
  body.password = password;
  return MakeBindPdu(type, body, sequence);
}

inline Pdu MakeSubmit(std::string_view text = "hello") {
  Pdu pdu;
  pdu.header.command_id = static_cast<uint32_t>(CommandId::kSubmitSm);
  SubmitSm body;
  body.source.addr = "Sender";
  body.destination.addr = "447700900123";
  body.short_message =
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  pdu.body = body;
  return pdu;
}

// Records requests; answers them at once with a message id, or holds the responders.
class TestHandler : public SessionHandler {
 public:
  bool hold = false;
  std::function<CommandStatus(const BindRequest&)> bind = [](const BindRequest& r) {
    return r.password == "secret" ? CommandStatus::kOk : CommandStatus::kInvPaswd;
  };
  std::function<void(Session&, const Outbind&)> outbind;

  void OnRequest(Session& /*session*/, const Pdu& request, Responder responder) override {
    std::lock_guard lock(mutex_);
    ++requests_;
    if (hold) {
      held_.push_back(std::move(responder));
    } else {
      responder.RespondMessageId("msg-" + std::to_string(request.header.sequence_number));
    }
    cv_.notify_all();
  }
  CommandStatus OnBind(Session& /*session*/, const BindRequest& request) override {
    return bind(request);
  }
  void OnOutbind(Session& session, const Outbind& o) override {
    if (outbind) {
      outbind(session, o);
    }
  }
  void OnBound(Session& /*session*/) override {
    std::lock_guard lock(mutex_);
    ++bound_;
    cv_.notify_all();
  }
  void OnClosed(Session& /*session*/, std::error_code reason) override {
    std::vector<Responder> dropped;
    std::lock_guard lock(mutex_);
    closed_.push_back(reason);
    dropped.swap(held_);  // answering a closed session does nothing
    cv_.notify_all();
  }

  // Waits until `pred()` holds (under the lock); false on the overall deadline.
  bool WaitUntil(const std::function<bool()>& pred) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, kDeadline, pred);
  }
  bool WaitRequests(int n) {
    return WaitUntil([&] { return requests_ >= n; });
  }
  bool WaitClosed(std::size_t n = 1) {
    return WaitUntil([&] { return closed_.size() >= n; });
  }
  bool WaitBound(int n = 1) {
    return WaitUntil([&] { return bound_ >= n; });
  }
  int requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::error_code closed_reason(std::size_t i = 0) {
    std::lock_guard lock(mutex_);
    return i < closed_.size() ? closed_[i] : std::error_code();
  }
  Responder TakeHeld() {
    std::lock_guard lock(mutex_);
    Responder r = std::move(held_.front());
    held_.erase(held_.begin());
    return r;
  }
  std::size_t held() {
    std::lock_guard lock(mutex_);
    return held_.size();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int requests_ = 0;
  int bound_ = 0;
  std::vector<Responder> held_;
  std::vector<std::error_code> closed_;
};

// Waits until `pred()` holds for state that signals nobody (checked every millisecond), up to
// the overall deadline.
inline bool Eventually(const std::function<bool()>& pred) {
  auto deadline = std::chrono::steady_clock::now() + kDeadline;
  std::mutex m;
  std::condition_variable cv;
  std::unique_lock lock(m);
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    cv.wait_for(lock, 1ms);
  }
  return true;
}

// Short timers for tests; individual tests shorten the one they exercise.
inline SessionOptions TestOptions() {
  SessionOptions o;
  o.bind_timeout = 10s;
  o.enquire_link_interval = 0ms;
  o.response_timeout = 10s;
  o.write_timeout = 10s;
  o.unbind_grace = 5s;
  o.window = 16;
  return o;
}

// Runs `fn` on the session's strand and waits for it.
inline void OnStrand(Session& session, std::function<void()> fn) {
  std::promise<void> done;
  auto future = done.get_future();
  asio::post(session.strand(), [&] {
    fn();
    done.set_value();
  });
  ASSERT_EQ(future.wait_for(kDeadline), std::future_status::ready);
}

}  // namespace confab::smpp::testing
