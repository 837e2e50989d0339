#include "tests/daemon/test_smsc.h"

#include <condition_variable>
#include <mutex>
#include <utility>
#include <variant>

#include "gtest/gtest.h"

namespace confab::testing {

using namespace std::chrono_literals;

class TestSmsc::Handler : public smpp::SessionHandler {
 public:
  void OnRequest(smpp::Session&, const smpp::Pdu& request, smpp::Responder responder) override {
    if (const auto* submit = std::get_if<smpp::SubmitSm>(&request.body)) {
      std::lock_guard lock(mutex_);
      const std::string id = std::to_string(7000 + submits_.size());
      submits_.push_back(
          {id, std::string(submit->short_message.begin(), submit->short_message.end())});
      cv_.notify_all();
      responder.RespondMessageId(id);
    } else {
      responder.Respond(smpp::CommandStatus::kOk);
    }
  }
  void OnBound(smpp::Session& session) override {
    std::lock_guard lock(mutex_);
    bound_ = session.shared_from_this();
    cv_.notify_all();
  }
  std::shared_ptr<smpp::Session> WaitBound(std::chrono::milliseconds deadline) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, deadline, [&] { return bound_ != nullptr; });
    return bound_;
  }
  std::optional<SmscSubmit> WaitSubmit(const std::string& needle,
                                       std::chrono::milliseconds deadline) {
    std::unique_lock lock(mutex_);
    std::optional<SmscSubmit> found;
    cv_.wait_for(lock, deadline, [&] {
      for (const SmscSubmit& submit : submits_) {
        if (submit.text.find(needle) != std::string::npos) {
          found = submit;
          return true;
        }
      }
      return false;
    });
    return found;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::shared_ptr<smpp::Session> bound_;
  std::vector<SmscSubmit> submits_;
};

TestSmsc::TestSmsc() : handler_(std::make_shared<Handler>()) {}

TestSmsc::~TestSmsc() {
  if (server_ == nullptr) {
    return;
  }
  std::promise<void> stopped;
  server_->Stop([&] { stopped.set_value(); });
  EXPECT_EQ(stopped.get_future().wait_for(20s), std::future_status::ready);
}

absl::Status TestSmsc::Listen() {
  smpp::SmscServerOptions options;
  options.session = smpp::testing::TestOptions();
  options.bind_burst = 0;
  auto server = smpp::SmscServer::Listen(
      io_.executor(), options, [](const smpp::BindRequest&) { return smpp::CommandStatus::kOk; },
      handler_);
  if (!server.ok()) {
    return server.status();
  }
  server_ = *std::move(server);
  return absl::OkStatus();
}

uint16_t TestSmsc::port() const { return server_ != nullptr ? server_->port() : 0; }

std::shared_ptr<smpp::Session> TestSmsc::WaitBound(Child& daemon,
                                                   std::chrono::milliseconds deadline) {
  // Waits in 500 ms slices so that a daemon that exited ends the wait early.
  std::shared_ptr<smpp::Session> session;
  for (auto waited = 0ms; waited < deadline && session == nullptr && !daemon.exited();
       waited += 500ms) {
    session = handler_->WaitBound(500ms);
  }
  return session;
}

std::optional<SmscSubmit> TestSmsc::WaitSubmit(const std::string& needle,
                                               std::chrono::milliseconds deadline) {
  return handler_->WaitSubmit(needle, deadline);
}

smpp::Pdu Deliver(std::string_view from_digits, std::string_view text, uint8_t esm_class,
                  const std::vector<uint8_t>& udh) {
  static thread_local std::vector<uint8_t> bytes;  // viewed by the PDU until it is encoded
  bytes = udh;
  bytes.insert(bytes.end(), text.begin(), text.end());
  smpp::DeliverSm body;
  body.source = smpp::Address{1, 1, from_digits};
  body.destination = smpp::Address{1, 1, std::string_view(kBrand).substr(1)};
  body.esm_class =
      udh.empty() ? esm_class : static_cast<uint8_t>(esm_class | smpp::esm_class::kUdhi);
  body.data_coding = 0;
  body.short_message = bytes;
  return smpp::MakePdu(body, 0);
}

std::future<smpp::testing::Result> Send(smpp::Session& session, const smpp::Pdu& pdu) {
  auto promise = std::make_shared<std::promise<smpp::testing::Result>>();
  auto future = promise->get_future();
  session.Submit(pdu, smpp::testing::ToPromise(promise));  // encodes before it returns
  return future;
}

smpp::testing::Result Exchange(smpp::Session& session, const smpp::Pdu& pdu) {
  std::future<smpp::testing::Result> future = Send(session, pdu);
  return smpp::testing::Get(future);
}

}  // namespace confab::testing
