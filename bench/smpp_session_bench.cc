// submit_sm / submit_sm_resp round trips per second between an ESME Session and an SmscServer
// over loopback, each side on its own io_context thread, window 256.

#include <benchmark/benchmark.h>

#include <future>
#include <memory>
#include <thread>

#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/post.hpp"
#include "smpp/session.h"
#include "smpp/smsc_server.h"

namespace confab::smpp {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

constexpr std::size_t kWindow = 256;
constexpr int kBatch = 20'000;  // round trips per benchmark iteration

class AnswerAtOnce : public SessionHandler {
 public:
  void OnRequest(Session& /*session*/, const Pdu& /*request*/, Responder responder) override {
    responder.RespondMessageId("0123456789abcdef");
  }
};

struct Loop {
  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  std::thread thread{[this] { io.run(); }};
  ~Loop() {
    work.reset();
    io.stop();
    thread.join();
  }
};

// Keeps the window full from the session's strand until `total` responses came back.
class Pump : public std::enable_shared_from_this<Pump> {
 public:
  Pump(std::shared_ptr<Session> session, int total) : session_(std::move(session)), total_(total) {
    pdu_.header.command_id = static_cast<uint32_t>(CommandId::kSubmitSm);
    SubmitSm body;
    body.source.addr = "Sender";
    body.destination = {1, 1, "447700900123"};
    static constexpr uint8_t kText[] = {'H', 'e', 'l', 'l', 'o'};
    body.short_message = kText;
    body.registered_delivery = 1;
    pdu_.body = body;
  }
  std::future<int> Run() {
    asio::post(session_->strand(), [self = shared_from_this()] { self->Fill(); });
    return done_.get_future();
  }

 private:
  void Fill() {
    while (in_flight_ < kWindow && issued_ < total_) {
      ++in_flight_;
      ++issued_;
      session_->Submit(pdu_, [this, self = shared_from_this()](std::error_code ec, Response r) {
        --in_flight_;
        if (!ec && r.status() == CommandStatus::kOk) {
          ++ok_;
        }
        if (++completed_ == total_) {
          done_.set_value(ok_);
        } else {
          Fill();
        }
      });
    }
  }

  std::shared_ptr<Session> session_;
  Pdu pdu_;
  int total_;
  std::size_t in_flight_ = 0;
  int issued_ = 0;
  int completed_ = 0;
  int ok_ = 0;
  std::promise<int> done_;
};

void BM_SubmitRoundTrips(benchmark::State& state) {
  Loop server_loop;
  Loop client_loop;
  SessionOptions options;
  options.window = kWindow;
  options.enquire_link_interval = std::chrono::milliseconds(0);
  SmscServerOptions server_options;
  server_options.session = options;
  auto server = SmscServer::Listen(
      server_loop.io.get_executor(), server_options,
      [](const BindRequest&) { return CommandStatus::kOk; }, std::make_shared<AnswerAtOnce>());
  if (!server.ok()) {
    state.SkipWithError("listen failed");
    return;
  }
  tcp::socket socket(client_loop.io);
  socket.connect(tcp::endpoint(asio::ip::address_v4::loopback(), (*server)->port()));
  auto session = Session::Create(std::move(socket), Role::kEsme, options, nullptr);
  session->Start();
  std::promise<CommandStatus> bound;
  BindCredentials credentials;
  credentials.system_id = "bench";
  credentials.password = "pw";
  session->Bind(BindType::kTransmitter, credentials,
                [&](std::error_code, Response r) { bound.set_value(r.status()); });
  if (bound.get_future().get() != CommandStatus::kOk) {
    state.SkipWithError("bind failed");
    return;
  }
  uint64_t writes_before = session->counters().writes;
  int64_t round_trips = 0;
  for (auto _ : state) {
    auto pump = std::make_shared<Pump>(session, kBatch);
    int ok = pump->Run().get();
    if (ok != kBatch) {
      state.SkipWithError("some requests failed");
      break;
    }
    round_trips += kBatch;
  }
  state.SetItemsProcessed(round_trips);
  SessionCounters c = session->counters();
  state.counters["pdus_per_write"] =
      static_cast<double>(round_trips) / static_cast<double>(c.writes - writes_before + 1);
  state.counters["last_rtt_us"] = static_cast<double>(c.last_rtt.count()) / 1000.0;
  std::promise<void> closed;
  session->Unbind([&](std::error_code) { closed.set_value(); });
  closed.get_future().wait();
  std::promise<void> stopped;
  (*server)->Stop([&] { stopped.set_value(); });
  stopped.get_future().wait();
}
BENCHMARK(BM_SubmitRoundTrips)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace confab::smpp

BENCHMARK_MAIN();
