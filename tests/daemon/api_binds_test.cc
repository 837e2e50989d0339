// The binds endpoints (daemon/api_binds.h) over real parts: CarrierBinds bound to an SMSC test
// double on loopback, and the Dispatcher submitting through them from the in-memory store.
// Waits are on observable events (binds, recorded messages, drain completions).

#include "daemon/api_binds.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>
#include <map>
#include <string>

#include "boost/json/parse.hpp"
#include "daemon/carriers.h"
#include "daemon/dispatcher.h"
#include "store/memory_store.h"
#include "store/write_set.h"
#include "tests/daemon/api_test_routes.h"
#include "tests/daemon/carriers_test_util.h"

namespace confab::api {
namespace {

using carriers_testing::Carrier;
using carriers_testing::FakeSink;
using smpp::CommandStatus;
using smpp::testing::Eventually;
using smpp::testing::IoThread;
using smpp::testing::kDeadline;
using smpp::testing::TestHandler;
using ::testing::AnyOf;
using ::testing::HasSubstr;
using testing::RecordedRoutes;

constexpr uint64_t kBrand = 15550100000;

class BindRoutes final : public RecordedRoutes {
 public:
  BindRoutes() : RecordedRoutes(Access::kSettings) {}
  // Calls the handler of `pattern` with `params`; `query` ("?wait=true") goes in the target.
  HttpResponse Call(const std::string& method, const std::string& pattern,
                    std::vector<std::pair<std::string, std::string>> params = {},
                    const std::string& query = "") {
    ApiCall call;
    call.http.target = pattern + query;
    call.path_params = std::move(params);
    call.role = config::Role::kAdmin;
    return Run(method, pattern, std::move(call));
  }
};

boost::json::object Body(const HttpResponse& response) {
  return boost::json::parse(response.body).as_object();
}

// Slot `i` of a carrier's "binds".
const boost::json::object& Slot(const boost::json::object& carrier, std::size_t i) {
  return carrier.at("binds").as_array().at(i).as_object();
}

class ApiBindsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto smsc = carriers_testing::ListenAcceptingSmsc(io_, smsc_);
    ASSERT_TRUE(smsc.ok()) << smsc.status();
    smsc_server_ = *smsc;
    config::CarrierConfig config =
        Carrier("acme", config::CarrierMode::kConnect, smsc_server_->port());
    config.binds = 2;
    auto binds =
        CarrierBinds::Start(io_.executor(), {config}, std::make_shared<FakeSink>(), registry_);
    ASSERT_TRUE(binds.ok()) << binds.status();
    binds_ = *std::move(binds);
    ASSERT_TRUE(smsc_->WaitBound(2));
    ASSERT_TRUE(Eventually([&] { return binds_->Transmitters(0).size() == 2; }));

    outbound::DispatcherOptions dispatcher_options;
    outbound::RouteOptions route;
    route.name = "acme";
    route.retry_base = std::chrono::milliseconds(5);
    route.retry_cap = std::chrono::milliseconds(20);
    dispatcher_options.routes.push_back(route);
    dispatcher_options.poll_interval = std::chrono::milliseconds(20);
    dispatcher_ = std::make_unique<outbound::Dispatcher>(
        store_, store_.handles(), committer_,
        [binds = binds_.get()](uint32_t r) { return binds->Transmitters(r); }, dispatcher_options,
        registry_);
    dispatcher_->SetObserver([this](const store::MessageKey&, store::DeliveryState state) {
      std::lock_guard lock(mutex_);
      recorded_.push_back(state);
      cv_.notify_all();
    });
    dispatcher_->Start();
    deps_.carriers = binds_.get();
    deps_.dispatcher = dispatcher_.get();
    InstallBindRoutes(routes_, deps_);
  }
  void TearDown() override {
    if (dispatcher_) {
      dispatcher_->Stop();
    }
    if (binds_) {
      carriers_testing::StopAndWait(*binds_);
    }
    std::promise<void> stopped;
    smsc_server_->Stop([&] { stopped.set_value(); });
    stopped.get_future().wait_for(kDeadline);
  }

  void Queue(uint64_t profile) {
    store::MessageRecord record;
    record.direction = store::Direction::kOutbound;
    record.kind = store::MessageKind::kAutoResponse;
    record.delivery = store::DeliveryState::kQueued;
    record.text = "hello";
    store::WriteSet writes(store_.handles());
    store::OutboxItem item;
    item.message = record;
    writes.PutOutbox({1, {{kBrand, profile}, 1}}, item);
    ASSERT_TRUE(store_.Apply(writes.batch()).ok());
    dispatcher_->Kick(1);
  }
  std::vector<store::DeliveryState> WaitRecorded(std::size_t n) {
    std::unique_lock lock(mutex_);
    EXPECT_TRUE(cv_.wait_for(lock, kDeadline, [&] { return recorded_.size() >= n; }));
    return recorded_;
  }
  boost::json::object Acme() {
    const HttpResponse response = routes_.Call("GET", "/v1/binds");
    EXPECT_EQ(response.status, 200) << response.body;
    return Body(response).at("carriers").as_array().at(0).as_object();
  }
  HttpResponse Command(const std::string& carrier, std::optional<std::string> bind,
                       const std::string& command, const std::string& query = "") {
    if (bind) {
      return routes_.Call("POST", "/v1/binds/{carrier}/{bind}/" + command,
                          {{"carrier", carrier}, {"bind", *bind}}, query);
    }
    return routes_.Call("POST", "/v1/binds/{carrier}/" + command, {{"carrier", carrier}}, query);
  }

  IoThread io_;
  std::shared_ptr<TestHandler> smsc_ = std::make_shared<TestHandler>();
  std::shared_ptr<smpp::SmscServer> smsc_server_;
  metrics::Registry registry_;
  std::unique_ptr<CarrierBinds> binds_;
  store::MemoryStore store_;
  store::GroupCommitter committer_{
      [this](const rocksdb::WriteOptions& o, rocksdb::WriteBatch* b) { return store_.Write(o, b); },
      {}};
  std::unique_ptr<outbound::Dispatcher> dispatcher_;
  ApiDeps deps_;
  BindRoutes routes_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<store::DeliveryState> recorded_;
};

TEST_F(ApiBindsTest, ListShowsEveryBindWithItsFigures) {
  EXPECT_EQ(routes_.size(), 7u);  // GET + 3 commands × (carrier, bind)
  boost::json::object acme = Acme();
  EXPECT_EQ(acme.at("name"), "acme");
  EXPECT_EQ(acme.at("mode"), "connect");
  const boost::json::array& binds = acme.at("binds").as_array();
  ASSERT_EQ(binds.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const boost::json::object& bind = binds[i].as_object();
    EXPECT_EQ(bind.at("bind").to_number<int>(), static_cast<int>(i));
    EXPECT_EQ(bind.at("state"), "BOUND_TRX");
    EXPECT_EQ(bind.at("admin"), "active");
    EXPECT_EQ(bind.at("window").to_number<int>(), 10);
    EXPECT_EQ(bind.at("parts_submitted").to_number<int>(), 0);
    EXPECT_TRUE(bind.at("last_error").is_null());
    EXPECT_THAT(std::string(bind.at("peer").as_string()), HasSubstr("127.0.0.1:"));
  }

  // One message throttled once, then accepted: the bind shows it all.
  smsc_->hold = true;
  Queue(15551230001);
  ASSERT_TRUE(smsc_->WaitRequests(1));
  smsc_->hold = false;
  smsc_->TakeHeld().Respond(CommandStatus::kThrottled);
  EXPECT_EQ(WaitRecorded(1).at(0), store::DeliveryState::kSubmitted);
  acme = Acme();
  int parts = 0;
  int throttled = 0;
  double tps = 0;
  std::string last_error;
  for (const auto& value : acme.at("binds").as_array()) {
    const boost::json::object& bind = value.as_object();
    parts += bind.at("parts_submitted").to_number<int>();
    throttled += bind.at("throttled").to_number<int>();
    tps += bind.at("tps").to_number<double>();
    if (!bind.at("last_error").is_null()) {
      last_error = bind.at("last_error").as_string();
      EXPECT_THAT(std::string(bind.at("last_error_at").as_string()), HasSubstr("T"));
    }
  }
  EXPECT_EQ(parts, 2);
  EXPECT_EQ(throttled, 1);
  EXPECT_GT(tps, 0);
  EXPECT_EQ(last_error, "ESME_RTHROTTLED");
  EXPECT_EQ(acme.at("queue_depth").to_number<int>(), 0);
  const std::string metrics = registry_.RenderPrometheus();
  EXPECT_THAT(metrics, HasSubstr("confab_outbound_bind_throttled_total{bind="));
  EXPECT_THAT(metrics, HasSubstr("confab_outbound_bind_errors_total{bind="));
  EXPECT_THAT(metrics, HasSubstr("confab_outbound_queue_depth{carrier=\"acme\"} 0\n"));
}

TEST_F(ApiBindsTest, SuspendAndResumeOneBindOrTheCarrier) {
  HttpResponse response = Command("acme", "1", "suspend");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(Slot(Body(response), 1).at("admin"), "suspended");
  EXPECT_EQ(Slot(Body(response), 0).at("admin"), "active");

  // The whole carrier suspended: the work waits in the queue, then goes once resumed.
  ASSERT_EQ(Command("acme", std::nullopt, "suspend").status, 200);
  Queue(15551230001);
  EXPECT_TRUE(Eventually([&] { return Acme().at("queue_depth").to_number<int>() == 1; }));
  EXPECT_EQ(smsc_->requests(), 0);
  response = Command("acme", std::nullopt, "resume");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(WaitRecorded(1).at(0), store::DeliveryState::kSubmitted);
  EXPECT_EQ(Slot(Acme(), 1).at("admin"), "active");

  response = Command("acme", "0", "resume");
  EXPECT_EQ(response.status, 409);
  EXPECT_EQ(Body(response).at("error").as_object().at("code"), "not_suspended");
  EXPECT_EQ(Command("acme", std::nullopt, "resume").status, 409);
}

TEST_F(ApiBindsTest, DrainAnswersAcceptedOrWaitsForTheUnbind) {
  HttpResponse response = Command("acme", "1", "drain", "?wait=true");
  ASSERT_EQ(response.status, 200) << response.body;
  const boost::json::object drained = Slot(Body(response), 1);
  EXPECT_EQ(drained.at("admin"), "drained");
  EXPECT_EQ(drained.at("state"), "unbound");
  EXPECT_EQ(Slot(Body(response), 0).at("state"), "BOUND_TRX");

  response = Command("acme", "0", "drain");
  ASSERT_EQ(response.status, 202) << response.body;
  EXPECT_THAT(std::string(Slot(Body(response), 0).at("admin").as_string()),
              AnyOf("draining", "drained"));
  // Nothing in flight: the drain ends on its own (GET shows it), then both slots bind again.
  ASSERT_TRUE(Eventually([&] { return Slot(Acme(), 0).at("admin") == "drained"; }));
  EXPECT_EQ(Slot(Acme(), 0).at("state"), "unbound");
  ASSERT_EQ(Command("acme", std::nullopt, "resume").status, 200);
  ASSERT_TRUE(smsc_->WaitBound(4));
}

TEST_F(ApiBindsTest, ErrorsNameWhatIsWrong) {
  HttpResponse response = Command("nope", std::nullopt, "suspend");
  EXPECT_EQ(response.status, 404);
  EXPECT_THAT(response.body, HasSubstr("nope"));
  EXPECT_EQ(Command("acme", "2", "suspend").status, 404);
  response = Command("acme", "x1", "drain");
  EXPECT_EQ(response.status, 400);
  EXPECT_THAT(response.body, HasSubstr("bind"));
  response = Command("acme", "0", "drain", "?wait=maybe");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(Slot(Acme(), 0).at("admin"), "active");  // nothing done
  carriers_testing::StopAndWait(*binds_);
  EXPECT_EQ(Command("acme", "0", "suspend").status, 503);
}

}  // namespace
}  // namespace confab::api
