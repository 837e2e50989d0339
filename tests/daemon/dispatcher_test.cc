// The outbound dispatcher against a scripted SMSC on loopback (a real smpp::SmscServer; the
// dispatcher submits through a real EsmeClient session) over the in-memory store: what the
// carrier receives, what each carrier answer leads to, and what is recorded.

#include "daemon/dispatcher.h"

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>

#include "gmock/gmock.h"
#include "smpp/esme_client.h"
#include "smpp/smsc_server.h"
#include "smpp/text_coding.h"
#include "store/memory_store.h"
#include "store/reader.h"
#include "store/write_set.h"
#include "tests/smpp/session_test_util.h"

namespace confab::outbound {
namespace {

using smpp::CommandStatus;
using smpp::testing::IoThread;
using smpp::testing::kDeadline;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

constexpr uint64_t kBrand = 15550100000;

// Answers submit_sm per destination: a script of statuses (then OK), or no answer at all.
class ScriptedSmsc : public smpp::SessionHandler {
 public:
  struct Received {
    std::string destination;
    std::vector<uint8_t> short_message;
    uint8_t esm_class;
    uint8_t data_coding;
  };

  void Script(const std::string& destination, std::vector<CommandStatus> statuses) {
    std::lock_guard lock(mutex_);
    scripts_[destination] = std::move(statuses);
  }
  void Silent(const std::string& destination) {
    std::lock_guard lock(mutex_);
    silent_.insert(destination);
  }
  void OnRequest(smpp::Session&, const smpp::Pdu& request, smpp::Responder responder) override {
    const auto* sm = std::get_if<smpp::SubmitSm>(&request.body);
    if (sm == nullptr) {
      responder.Respond(CommandStatus::kInvCmdId);
      return;
    }
    std::lock_guard lock(mutex_);
    const std::string destination(sm->destination.addr);
    received_.push_back({destination,
                         {sm->short_message.begin(), sm->short_message.end()},
                         sm->esm_class,
                         sm->data_coding});
    cv_.notify_all();
    if (silent_.contains(destination)) {
      held_.push_back(std::move(responder));
      return;
    }
    auto& script = scripts_[destination];
    if (!script.empty()) {
      const CommandStatus status = script.front();
      script.erase(script.begin());
      if (status != CommandStatus::kOk) {
        responder.Respond(status);
        return;
      }
    }
    responder.RespondMessageId("id-" + std::to_string(++ids_));
  }
  std::vector<Received> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::map<std::string, std::vector<CommandStatus>> scripts_;
  std::set<std::string> silent_;
  std::vector<smpp::Responder> held_;
  std::vector<Received> received_;
  int ids_ = 0;
};

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    smpp::SmscServerOptions server_options;
    server_options.session = smpp::testing::TestOptions();
    auto server = smpp::SmscServer::Listen(
        io_.executor(), server_options, [](const smpp::BindRequest&) { return CommandStatus::kOk; },
        smsc_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *server;
    smpp::EsmeClientOptions client_options;
    client_options.port = server_->port();
    client_options.credentials = smpp::testing::Creds("confab", "secret");
    client_options.session = smpp::testing::TestOptions();
    client_options.session.response_timeout = std::chrono::milliseconds(300);
    client_options.reconnect_min = std::chrono::milliseconds(20);
    client_options.reconnect_max = std::chrono::milliseconds(100);
    client_ = smpp::EsmeClient::Create(io_.executor(), client_options, client_handler_);
    client_->Start();
    ASSERT_TRUE(client_handler_->WaitBound());
  }
  void TearDown() override {
    if (dispatcher_) {
      dispatcher_->Stop();
    }
    committer_.Stop();
    std::promise<void> stopped;
    client_->Stop([&] { stopped.set_value(); });
    stopped.get_future().wait_for(kDeadline);
    std::promise<void> server_stopped;
    server_->Stop([&] { server_stopped.set_value(); });
    server_stopped.get_future().wait_for(kDeadline);
  }

  void StartDispatcher(config::ResendPolicy resend = config::ResendPolicy::kResend) {
    DispatcherOptions options;
    RouteOptions route;
    route.name = "sim";
    route.resend = resend;
    route.window = 8;
    route.retry_base = std::chrono::milliseconds(10);
    route.retry_cap = std::chrono::milliseconds(50);
    route.max_attempts = max_attempts_;
    if (failover_) {
      // Route 0 is a carrier whose bind is down; the brand number's second carrier is up.
      RouteOptions down = route;
      down.name = "down";
      options.routes.push_back(down);
      options.brand_routes[kBrand] = {0, 1};
    }
    options.routes.push_back(route);
    options.poll_interval = std::chrono::milliseconds(20);
    options.shorten = shorten_;
    options.quiet_hours = quiet_hours_;
    options.clock = [this] { return now_ms_.load(); };
    dispatcher_ = std::make_unique<Dispatcher>(
        store_, store_.handles(), committer_,
        [this](uint32_t lane) {
          std::vector<BoundTransmitter> sessions;
          if (failover_ && lane == 0) {
            return sessions;
          }
          if (auto session = client_->transmitter(); session && bind_up_.load()) {
            sessions.push_back(session);
          }
          return sessions;
        },
        options, metrics_);
    dispatcher_->SetObserver([this](const store::MessageKey& key, store::DeliveryState state) {
      std::lock_guard lock(mutex_);
      recorded_.emplace_back(key.seq, state);
      cv_.notify_all();
    });
    dispatcher_->Start();
  }

  // Queues a message to `profile` as the pipeline (carried) or the API (reference) would.
  store::OutboxEntry Queue(uint64_t profile, uint32_t seq, store::MessageKind kind,
                           const std::string& text, bool carried = true) {
    store::MessageRecord record;
    record.direction = store::Direction::kOutbound;
    record.kind = kind;
    record.delivery = store::DeliveryState::kQueued;
    record.text = text;
    const store::MessageKey key{{kBrand, profile}, seq};
    store::WriteSet writes(store_.handles());
    store::OutboxItem item;
    if (carried) {
      item.message = record;
    } else {
      writes.PutMessage(key, record);
    }
    writes.PutOutbox({1000 + seq, key}, item);
    EXPECT_TRUE(store_.Apply(writes.batch()).ok());
    return {{1000 + seq, key}, item};
  }
  void SetConsent(uint64_t profile, store::Consent consent) {
    store::ProfileRecord record;
    record.consent = consent;
    record.state = store::ConversationState::kOpen;
    store::WriteSet writes(store_.handles());
    writes.PutProfile({kBrand, profile}, nullptr, record);
    ASSERT_TRUE(store_.Apply(writes.batch()).ok());
  }
  // Waits until `n` messages are recorded; their (seq, state) in order.
  std::vector<std::pair<uint32_t, store::DeliveryState>> WaitRecorded(std::size_t n) {
    std::unique_lock lock(mutex_);
    EXPECT_TRUE(cv_.wait_for(lock, kDeadline, [&] { return recorded_.size() >= n; }));
    return recorded_;
  }
  std::optional<store::MessageRecord> Stored(uint64_t profile, uint32_t seq) {
    auto message = store::StoreReader(store_).GetMessage({{kBrand, profile}, seq});
    return message.ok() ? *message : std::nullopt;
  }

  IoThread io_;
  std::shared_ptr<ScriptedSmsc> smsc_ = std::make_shared<ScriptedSmsc>();
  std::shared_ptr<smpp::testing::TestHandler> client_handler_ =
      std::make_shared<smpp::testing::TestHandler>();
  std::shared_ptr<smpp::SmscServer> server_;
  std::shared_ptr<smpp::EsmeClient> client_;
  store::MemoryStore store_;
  store::GroupCommitter committer_{
      [this](const rocksdb::WriteOptions& o, rocksdb::WriteBatch* b) { return store_.Write(o, b); },
      {}};
  metrics::Registry metrics_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::atomic<bool> bind_up_{true};      // false: the dispatcher sees no bound session
  std::atomic<uint64_t> now_ms_{5'000};  // the dispatcher's clock
  Shorten shorten_;
  QuietHoursGate quiet_hours_;
  bool failover_ = false;
  uint32_t max_attempts_ = 8;  // the route's retry budget
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::pair<uint32_t, store::DeliveryState>> recorded_;
};

TEST_F(DispatcherTest, CarriedReplyIsSubmittedAndRecordedWithItsCarrierReference) {
  Queue(15551230001, 2, store::MessageKind::kKeywordReply, "Acme: You are unsubscribed.");
  StartDispatcher();
  EXPECT_THAT(WaitRecorded(1), ElementsAre(std::pair(2u, store::DeliveryState::kSubmitted)));
  const auto received = smsc_->received();
  ASSERT_THAT(received, SizeIs(1));
  EXPECT_EQ(received[0].destination, "15551230001");
  std::string text;
  smpp::DecodeGsm7(received[0].short_message, text);
  EXPECT_EQ(text, "Acme: You are unsubscribed.");
  const auto stored = Stored(15551230001, 2);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->delivery, store::DeliveryState::kSubmitted);
  EXPECT_EQ(stored->carrier_message_id, "id-1");
  auto ref = store::StoreReader(store_).FindCarrierRef(0, "id-1");
  ASSERT_TRUE(ref.ok());
  EXPECT_TRUE(ref->has_value());
  EXPECT_EQ(store_.Size(store::Cf::kOutbox), 0u);
}

TEST_F(DispatcherTest, LongUnicodeTextGoesAsConcatenatedParts) {
  std::string text;
  for (int i = 0; i < 40; ++i) {
    text += "Olá 😊 ";  // UCS-2, emoji are surrogate pairs
  }
  Queue(15551230001, 1, store::MessageKind::kAutoResponse, text);
  StartDispatcher();
  WaitRecorded(1);
  const auto received = smsc_->received();
  ASSERT_GE(received.size(), 4u);
  for (const auto& part : received) {
    EXPECT_EQ(part.data_coding, 8);
    EXPECT_EQ(part.esm_class & smpp::esm_class::kUdhi, smpp::esm_class::kUdhi);
  }
  EXPECT_EQ(Stored(15551230001, 1)->segments, received.size());
}

TEST_F(DispatcherTest, ThrottlingIsRetriedAndSlowsTheLane) {
  smsc_->Script("15551230001", {CommandStatus::kThrottled, CommandStatus::kMsgQFul});
  Queue(15551230001, 1, store::MessageKind::kAutoResponse, "hello");
  StartDispatcher();
  EXPECT_THAT(WaitRecorded(1), ElementsAre(std::pair(1u, store::DeliveryState::kSubmitted)));
  EXPECT_THAT(smsc_->received(), SizeIs(3));
  EXPECT_EQ(dispatcher_->stats().throttled, 2u);
}

TEST_F(DispatcherTest, TheCarriersRetryBudgetBoundsTheAttemptsOfAPart) {
  max_attempts_ = 3;
  smsc_->Script("15551230001", std::vector<CommandStatus>(5, CommandStatus::kThrottled));
  Queue(15551230001, 1, store::MessageKind::kAutoResponse, "hello");
  StartDispatcher();
  EXPECT_THAT(WaitRecorded(1), ElementsAre(std::pair(1u, store::DeliveryState::kFailed)));
  EXPECT_THAT(smsc_->received(), SizeIs(3));  // three tries, not the default eight
  EXPECT_EQ(dispatcher_->stats().throttled, 3u);
  EXPECT_EQ(Stored(15551230001, 1)->delivery, store::DeliveryState::kFailed);
}

TEST_F(DispatcherTest, PermanentErrorFailsWithoutResending) {
  smsc_->Script("15551230001", {CommandStatus::kInvDstAdr});
  Queue(15551230001, 1, store::MessageKind::kAutoResponse, "hello");
  StartDispatcher();
  EXPECT_THAT(WaitRecorded(1), ElementsAre(std::pair(1u, store::DeliveryState::kFailed)));
  EXPECT_THAT(smsc_->received(), SizeIs(1));
  EXPECT_EQ(Stored(15551230001, 1)->delivery, store::DeliveryState::kFailed);
  EXPECT_EQ(Stored(15551230001, 1)->delivery_error, "ESME_RINVDSTADR");
}

TEST_F(DispatcherTest, NoResponseWithResendPolicyNoneIsUnknownAndNotResent) {
  smsc_->Silent("15551230001");
  Queue(15551230001, 1, store::MessageKind::kAutoResponse, "hello");
  StartDispatcher(config::ResendPolicy::kNone);
  EXPECT_THAT(WaitRecorded(1), ElementsAre(std::pair(1u, store::DeliveryState::kUnknown)));
  EXPECT_THAT(smsc_->received(), SizeIs(1));
}

TEST_F(DispatcherTest, ComplianceGuardRefusesAgentRepliesToProfilesNotSubscribed) {
  SetConsent(15551230001, store::Consent::kUnsubscribed);
  SetConsent(15551230002, store::Consent::kSubscribed);
  Queue(15551230001, 1, store::MessageKind::kAgentReply, "deal!", /*carried=*/false);
  Queue(15551230002, 1, store::MessageKind::kAgentReply, "deal!", /*carried=*/false);
  // The opt-out confirmation goes even though the profile is unsubscribed.
  Queue(15551230001, 2, store::MessageKind::kKeywordReply, "Acme: You are unsubscribed.");
  StartDispatcher();
  WaitRecorded(3);
  EXPECT_EQ(Stored(15551230001, 1)->delivery, store::DeliveryState::kFailed);
  EXPECT_EQ(Stored(15551230002, 1)->delivery, store::DeliveryState::kSubmitted);
  EXPECT_EQ(Stored(15551230001, 2)->delivery, store::DeliveryState::kSubmitted);
  EXPECT_THAT(smsc_->received(), SizeIs(2));
  EXPECT_EQ(dispatcher_->stats().refused_messages, 1u);
}

TEST_F(DispatcherTest, MessagesToOneRecipientGoInOrder) {
  for (uint32_t seq = 1; seq <= 5; ++seq) {
    Queue(15551230001, seq, store::MessageKind::kAutoResponse, "message " + std::to_string(seq));
  }
  smsc_->Script("15551230001", {CommandStatus::kThrottled});  // the first one is retried
  StartDispatcher();
  const auto recorded = WaitRecorded(5);
  std::vector<std::string> texts;
  for (const auto& part : smsc_->received()) {
    std::string text;
    smpp::DecodeGsm7(part.short_message, text);
    texts.push_back(text);
  }
  EXPECT_THAT(texts, ElementsAre("message 1", "message 1", "message 2", "message 3", "message 4",
                                 "message 5"));
}

TEST_F(DispatcherTest, HandedRepliesGoWithoutReadingTheOutboxAgain) {
  Queue(15551230001, 1, store::MessageKind::kAutoResponse, "read by the first scan");
  StartDispatcher();
  WaitRecorded(1);  // the scan has read everything due: nothing unread is before what comes next
  // As the pipeline does once its batch is durable: written, then handed over.
  dispatcher_->Hand({Queue(15551230002, 1, store::MessageKind::kKeywordReply, "handed one"),
                     Queue(15551230003, 1, store::MessageKind::kAutoResponse, "handed two")});
  EXPECT_THAT(WaitRecorded(3), SizeIs(3));
  EXPECT_EQ(dispatcher_->stats().handed_taken, 2u) << "read back from the store instead";
  EXPECT_EQ(store_.Size(store::Cf::kOutbox), 0u);
  std::vector<std::string> destinations;
  for (const auto& part : smsc_->received()) {
    destinations.push_back(part.destination);
  }
  EXPECT_THAT(destinations, UnorderedElementsAre("15551230001", "15551230002", "15551230003"));
}

TEST_F(DispatcherTest, AHandedReplyWaitsBehindAnUnreadItemOfItsRecipient) {
  StartDispatcher();
  // A message was written and kicked; the reply handed over right after it must not overtake
  // it, whether the worker sees the Kick first or both at once.
  Queue(15551230001, 1, store::MessageKind::kKeywordReply, "kicked first");
  dispatcher_->Kick(1001);
  dispatcher_->Hand({Queue(15551230001, 2, store::MessageKind::kAutoResponse, "reply second")});
  EXPECT_THAT(WaitRecorded(2), SizeIs(2));
  std::vector<std::string> texts;
  for (const auto& part : smsc_->received()) {
    std::string text;
    smpp::DecodeGsm7(part.short_message, text);
    texts.push_back(text);
  }
  EXPECT_THAT(texts, ElementsAre("kicked first", "reply second"));
}

TEST_F(DispatcherTest, LinksAreShortenedBeforeEncodingAndTheShortTextIsRecorded) {
  shorten_ = [](const store::MessageKey& key,
                const std::string& text) -> absl::StatusOr<std::string> {
    EXPECT_EQ(key.seq, 1u);
    std::string out = text;
    out.replace(out.find("https://example.com/a/very/long/path"), 36, "https://s.co/AbCd1234");
    return out;
  };
  Queue(15551230001, 1, store::MessageKind::kAutoResponse,
        "See https://example.com/a/very/long/path for hours");
  StartDispatcher();
  WaitRecorded(1);
  const auto received = smsc_->received();
  ASSERT_THAT(received, SizeIs(1));
  std::string text;
  smpp::DecodeGsm7(received[0].short_message, text);
  EXPECT_EQ(text, "See https://s.co/AbCd1234 for hours");
  EXPECT_EQ(Stored(15551230001, 1)->text, text);  // the thread shows what was sent
  // An auto-response counts in the MO → reply latency; the campaign below would not.
  EXPECT_THAT(metrics_.RenderPrometheus(), HasSubstr("confab_mo_reply_seconds_count 1\n"));
}

TEST_F(DispatcherTest, QuietHoursDeferAgentRepliesButNeverKeywordReplies) {
  quiet_hours_ = [](const store::MessageKey&, const store::ProfileRecord&, uint64_t now_ms) {
    return now_ms + 3'600'000;  // outside the window: opens in an hour
  };
  SetConsent(15551230001, store::Consent::kSubscribed);
  Queue(15551230001, 1, store::MessageKind::kAgentReply, "late reply", /*carried=*/false);
  Queue(15551230002, 1, store::MessageKind::kKeywordReply, "Acme: help text");
  StartDispatcher();
  const auto recorded = WaitRecorded(2);
  EXPECT_THAT(recorded,
              ::testing::UnorderedElementsAre(std::pair(1u, store::DeliveryState::kDeferred),
                                              std::pair(1u, store::DeliveryState::kSubmitted)));
  ASSERT_THAT(smsc_->received(), SizeIs(1));
  EXPECT_EQ(smsc_->received()[0].destination, "15551230002");
  EXPECT_EQ(Stored(15551230001, 1)->delivery, store::DeliveryState::kDeferred);
  // Held durably: the outbox item moved to when the window opens.
  auto outbox = store::StoreReader(store_).ScanOutbox(std::nullopt, 10);
  ASSERT_TRUE(outbox.ok());
  ASSERT_THAT(*outbox, SizeIs(1));
  EXPECT_EQ((*outbox)[0].first.due_ms, 5'000u + 3'600'000u);
  EXPECT_EQ((*outbox)[0].first.message.thread.profile, 15551230001u);
}

TEST_F(DispatcherTest, AMessageHeldForQuietHoursHasItsLinksShortenedWhenItGoes) {
  constexpr uint64_t kOpens = 5'000 + 3'600'000;
  quiet_hours_ = [](const store::MessageKey&, const store::ProfileRecord&, uint64_t now_ms) {
    return now_ms < kOpens ? kOpens : 0;  // the window opens in an hour
  };
  shorten_ = [](const store::MessageKey&, const std::string& text) -> absl::StatusOr<std::string> {
    std::string out = text;
    if (const std::size_t at = out.find("https://example.com/offer"); at != std::string::npos) {
      out.replace(at, 25, "https://s.co/AbCd1234");
    }
    return out;
  };
  SetConsent(15551230001, store::Consent::kSubscribed);
  Queue(15551230001, 1, store::MessageKind::kCampaign, "New: https://example.com/offer",
        /*carried=*/false);
  StartDispatcher();
  EXPECT_THAT(WaitRecorded(1), ElementsAre(std::pair(1u, store::DeliveryState::kDeferred)));
  now_ms_ = kOpens;
  dispatcher_->Kick(kOpens);
  EXPECT_THAT(WaitRecorded(2), ElementsAre(std::pair(1u, store::DeliveryState::kDeferred),
                                           std::pair(1u, store::DeliveryState::kSubmitted)));
  ASSERT_THAT(smsc_->received(), SizeIs(1));
  std::string text;
  smpp::DecodeGsm7(smsc_->received()[0].short_message, text);
  EXPECT_EQ(text, "New: https://s.co/AbCd1234");
  EXPECT_EQ(Stored(15551230001, 1)->text, text);
  EXPECT_THAT(metrics_.RenderPrometheus(), HasSubstr("confab_mo_reply_seconds_count 0\n"));
}

TEST_F(DispatcherTest, MessagesOfACarrierWithoutABindGoToTheBrandsNextCarrier) {
  failover_ = true;
  Queue(15551230001, 1, store::MessageKind::kAutoResponse, "hello");  // routed to carrier 0
  StartDispatcher();
  EXPECT_THAT(WaitRecorded(1), ElementsAre(std::pair(1u, store::DeliveryState::kSubmitted)));
  EXPECT_THAT(smsc_->received(), SizeIs(1));
  auto ref = store::StoreReader(store_).FindCarrierRef(1, "id-1");  // recorded under carrier 1
  ASSERT_TRUE(ref.ok());
  EXPECT_TRUE(ref->has_value());
}

TEST_F(DispatcherTest, WorkWaitsForABindAndSurvivesARestart) {
  for (uint32_t profile = 1; profile <= 20; ++profile) {
    Queue(15551230000 + profile, 1, store::MessageKind::kAutoResponse, "hello");
  }
  bind_up_ = false;
  StartDispatcher();
  dispatcher_->Stop();  // nothing could go: everything is still in the outbox
  EXPECT_EQ(store_.Size(store::Cf::kOutbox), 20u);
  EXPECT_THAT(smsc_->received(), SizeIs(0));

  bind_up_ = true;
  StartDispatcher();  // a new process, as after a restart: it reads the outbox from the start
  EXPECT_THAT(WaitRecorded(20), SizeIs(20));
  EXPECT_THAT(smsc_->received(), SizeIs(20));
  EXPECT_EQ(store_.Size(store::Cf::kOutbox), 0u);
}

}  // namespace
}  // namespace confab::outbound
