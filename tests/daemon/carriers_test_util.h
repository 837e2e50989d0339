#pragma once

// Helpers of the CarrierBinds suites: a recording InboundSink, carrier configs for loopback, and
// test ESMEs binding in.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "daemon/carriers.h"
#include "gtest/gtest.h"
#include "smpp/smsc_server.h"
#include "tests/smpp/session_test_util.h"

namespace confab::carriers_testing {

using smpp::BindType;
using smpp::CommandId;
using smpp::CommandStatus;
using smpp::Pdu;
using smpp::Session;
using smpp::testing::Creds;
using smpp::testing::Get;
using smpp::testing::IoThread;
using smpp::testing::kDeadline;
using smpp::testing::TestHandler;
using smpp::testing::TestOptions;
using ::testing::HasSubstr;
namespace asio = boost::asio;
using asio::ip::tcp;

// Records what the carriers hand in and answers with `answer`.
class FakeSink : public InboundSink {
 public:
  struct Record {
    uint32_t route;
    CommandId id;
    std::string text;
  };
  std::atomic<CommandStatus> answer{CommandStatus::kOk};

  void OnInbound(uint32_t route, const Pdu& request, smpp::Responder responder) override {
    std::string text;
    if (const auto* body = std::get_if<smpp::DeliverSm>(&request.body)) {
      text.assign(body->short_message.begin(), body->short_message.end());
    } else if (const auto* submit = std::get_if<smpp::SubmitSm>(&request.body)) {
      text.assign(submit->short_message.begin(), submit->short_message.end());
    }
    {
      std::lock_guard lock(mutex_);
      records_.push_back({route, request.header.id(), text});
    }
    cv_.notify_all();
    responder.Respond(answer.load());
  }
  bool WaitRecords(std::size_t n) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, kDeadline, [&] { return records_.size() >= n; });
  }
  std::vector<Record> records() {
    std::lock_guard lock(mutex_);
    return records_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Record> records_;
};

// An SMSC on loopback (any port) that accepts every bind; its sessions go to `handler`.
inline absl::StatusOr<std::shared_ptr<smpp::SmscServer>> ListenAcceptingSmsc(
    IoThread& io, std::shared_ptr<TestHandler> handler) {
  smpp::SmscServerOptions options;
  options.session = TestOptions();
  return smpp::SmscServer::Listen(
      io.executor(), options, [](const smpp::BindRequest&) { return CommandStatus::kOk; },
      std::move(handler));
}

inline Pdu Request(CommandId id, smpp::PduBody body) {
  Pdu pdu;
  pdu.header.command_id = static_cast<uint32_t>(id);
  pdu.body = std::move(body);
  return pdu;
}

inline Pdu Deliver(std::string_view text) {
  smpp::DeliverSm body;
  body.source.addr = "15551234567";
  body.destination.addr = "12345";
  body.short_message =
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  return Request(CommandId::kDeliverSm, body);
}

inline Pdu DataSm() {
  smpp::DataSm body;
  body.source.addr = "15551234567";
  body.destination.addr = "12345";
  return Request(CommandId::kDataSm, body);
}

// Sends `pdu` over `session` and waits for the response.
inline smpp::testing::Result Call(Session& session, const Pdu& pdu) {
  auto promise = std::make_shared<std::promise<smpp::testing::Result>>();
  auto future = promise->get_future();
  session.Submit(pdu, smpp::testing::ToPromise(promise));
  return Get(future);
}

inline void StopAndWait(CarrierBinds& binds) {
  std::promise<void> stopped;
  auto future = stopped.get_future();
  binds.Stop([&] { stopped.set_value(); });
  ASSERT_EQ(future.wait_for(kDeadline), std::future_status::ready);
}

inline config::CarrierConfig Carrier(std::string name, config::CarrierMode mode, int port) {
  config::CarrierConfig c;
  c.name = std::move(name);
  c.mode = mode;
  c.host = "127.0.0.1";
  c.port = port;
  c.system_id = "confab";
  c.password = "pw123";
  c.enquire_link_interval = absl::ZeroDuration();
  c.inactivity_timeout = absl::ZeroDuration();
  c.allowed_networks = {"127.0.0.0/8"};
  return c;
}

// A port nobody listens on (bound, then released).
inline int ClosedPort(IoThread& io) {
  tcp::acceptor acceptor(io.io(), tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  return acceptor.local_endpoint().port();
}

// An ESME session of the test, connected to `port` and bound with `type`.
struct Esme {
  std::shared_ptr<TestHandler> handler = std::make_shared<TestHandler>();
  std::shared_ptr<Session> session;
  CommandStatus bind_status = CommandStatus::kUnknownErr;
};

inline Esme BindIn(IoThread& io, int port, BindType type, std::string system_id,
                   std::string password) {
  Esme esme;
  tcp::socket socket(io.io());
  socket.connect(tcp::endpoint(asio::ip::address_v4::loopback(), static_cast<uint16_t>(port)));
  esme.session = Session::Create(std::move(socket), smpp::Role::kEsme, TestOptions(), esme.handler);
  esme.session->Start();
  auto promise = std::make_shared<std::promise<smpp::testing::Result>>();
  auto future = promise->get_future();
  esme.session->Bind(type, Creds(std::move(system_id), std::move(password)),
                     smpp::testing::ToPromise(promise));
  esme.bind_status = Get(future).response.status();
  return esme;
}

}  // namespace confab::carriers_testing
