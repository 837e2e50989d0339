#pragma once

// Helpers for the simulator suites: a carrier on loopback port 0, and an ESME (the library's
// Session, standing in for confabd) that records every deliver_sm it gets.

#include <future>

#include "bench/sim/carrier.h"
#include "smpp/receipt.h"
#include "smpp/text_coding.h"
#include "tests/smpp/session_test_util.h"

namespace confab::sim::testing {

using namespace confab::smpp::testing;  // IoThread, Get, Result, ToPromise, kDeadline …

struct SeenDeliver {
  uint32_t sequence = 0;
  uint8_t esm_class = 0;
  uint8_t data_coding = 0;
  std::string source;
  std::string destination;
  std::vector<uint8_t> user_data;
  std::string receipted_id;
  std::optional<smpp::MessageState> state;
};

// Records deliver_sm and answers OK.
class RecordingEsme : public smpp::SessionHandler {
 public:
  void OnRequest(smpp::Session&, const smpp::Pdu& request, smpp::Responder responder) override {
    if (const auto* d = std::get_if<smpp::DeliverSm>(&request.body)) {
      SeenDeliver seen{request.header.sequence_number,
                       d->esm_class,
                       d->data_coding,
                       std::string(d->source.addr),
                       std::string(d->destination.addr),
                       std::vector<uint8_t>(d->UserData().begin(), d->UserData().end()),
                       std::string(d->tlvs.ReceiptedMessageId().value_or("")),
                       d->tlvs.GetMessageState()};
      std::lock_guard lock(mutex_);
      seen_.push_back(std::move(seen));
      cv_.notify_all();
    }
    responder.Respond(smpp::CommandStatus::kOk);
  }
  void OnClosed(smpp::Session&, std::error_code reason) override {
    std::lock_guard lock(mutex_);
    closed_ = reason;
    cv_.notify_all();
  }
  bool WaitDelivers(std::size_t n) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, kDeadline, [&] { return seen_.size() >= n; });
  }
  bool WaitClosed() {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, kDeadline, [&] { return static_cast<bool>(closed_); });
  }
  std::vector<SeenDeliver> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<SeenDeliver> seen_;
  std::error_code closed_;
};

// Stops what it holds (Carrier, EchoDaemon) when it goes out of scope: their sessions hold
// them, so an unstopped one would leak. Declare it after the IoThread.
template <typename T>
class Stopping {
 public:
  explicit Stopping(std::shared_ptr<T> p) : p_(std::move(p)) {}
  Stopping(Stopping&&) = default;
  ~Stopping() {
    if (p_) {
      std::promise<void> stopped;
      p_->Stop([&] { stopped.set_value(); });
      EXPECT_EQ(stopped.get_future().wait_for(kDeadline), std::future_status::ready);
    }
  }
  T* operator->() const { return p_.get(); }
  T& operator*() const { return *p_; }

 private:
  std::shared_ptr<T> p_;
};

inline Stopping<Carrier> StartCarrier(IoThread& io, CarrierOptions options = {},
                                      MtCallback on_mt = {},
                                      smpp::SessionOptions session = TestOptions()) {
  options.session = session;
  auto carrier = Carrier::Start(io.executor(), std::move(options), std::move(on_mt));
  EXPECT_TRUE(carrier.ok()) << carrier.status();
  return Stopping<Carrier>(carrier.ok() ? *carrier : nullptr);
}

struct Esme {
  std::shared_ptr<smpp::Session> session;
  std::shared_ptr<RecordingEsme> handler;
  Result bind;
};

inline Esme BindEsme(IoThread& io, uint16_t port, std::string password = "secret",
                     smpp::SessionOptions options = TestOptions()) {
  tcp::socket socket(io.io());
  socket.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port));
  Esme esme;
  esme.handler = std::make_shared<RecordingEsme>();
  esme.session = smpp::Session::Create(std::move(socket), smpp::Role::kEsme, options, esme.handler);
  esme.session->Start();
  auto promise = std::make_shared<std::promise<Result>>();
  auto future = promise->get_future();
  esme.session->Bind(smpp::BindType::kTransceiver, Creds("confab", password), ToPromise(promise));
  esme.bind = Get(future);
  return esme;
}

// Sends a submit_sm from the ESME and waits for its outcome.
inline Result SubmitFrom(Esme& esme, std::string_view to, std::string_view text,
                         uint8_t registered_delivery = 0) {
  smpp::Pdu pdu = MakeSubmit(text);
  auto& body = std::get<smpp::SubmitSm>(pdu.body);
  body.source.addr = "15550100000";
  body.destination.addr = to;
  body.registered_delivery = registered_delivery;
  auto promise = std::make_shared<std::promise<Result>>();
  auto future = promise->get_future();
  esme.session->Submit(pdu, ToPromise(promise));
  return Get(future);
}

inline MoResult SendMoAndWait(Carrier& carrier, std::string_view from, std::string_view to,
                              std::string_view text) {
  std::promise<MoResult> promise;
  auto future = promise.get_future();
  carrier.SendMo(from, to, text, [&](const MoResult& r) { promise.set_value(r); });
  return Get(future);
}

inline std::string Utf8(const SeenDeliver& d) {
  return smpp::DecodeUserData(d.data_coding, d.user_data).utf8;
}

}  // namespace confab::sim::testing
