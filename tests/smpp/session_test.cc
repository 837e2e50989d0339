// Session over loopback: bind, state checks, enquire_link, windows, timeouts, unbind, errors.

#include "smpp/session.h"

#include <thread>

#include "tests/smpp/session_test_util.h"

namespace confab::smpp::testing {
namespace {

struct Pair {
  std::shared_ptr<TestHandler> esme_handler = std::make_shared<TestHandler>();
  std::shared_ptr<TestHandler> smsc_handler = std::make_shared<TestHandler>();
  std::shared_ptr<Session> esme;
  std::shared_ptr<Session> smsc;

  Pair() = default;
  Pair(Pair&&) = default;
  // Closes both sessions (dropping any held responders) before the io thread stops.
  ~Pair() {
    for (auto* s : {&esme, &smsc}) {
      if (*s) {
        std::promise<void> closed;
        auto future = closed.get_future();
        (*s)->Close();
        (*s)->WaitClosed([&](std::error_code) { closed.set_value(); });
        future.wait_for(kDeadline);
      }
    }
  }
};

Pair MakePair(IoThread& io, SessionOptions esme_options = TestOptions(),
              SessionOptions smsc_options = TestOptions()) {
  Pair p;
  auto [c, s] = SocketPair(io.io());
  p.esme = Session::Create(std::move(c), Role::kEsme, esme_options, p.esme_handler);
  p.smsc = Session::Create(std::move(s), Role::kSmsc, smsc_options, p.smsc_handler);
  p.esme->Start();
  p.smsc->Start();
  return p;
}

Result BindAndWait(Session& session, BindType type, std::string password = "secret") {
  auto promise = std::make_shared<std::promise<Result>>();
  auto future = promise->get_future();
  session.Bind(type, Creds("esme1", password), ToPromise(promise));
  return Get(future);
}

// Submits `pdu` on `session`; the future holds the response.
std::future<Result> SubmitAsync(Session& session, const Pdu& pdu) {
  auto promise = std::make_shared<std::promise<Result>>();
  auto future = promise->get_future();
  session.Submit(pdu, ToPromise(promise));
  return future;
}

Result SubmitAndWait(Session& session, const Pdu& pdu) {
  auto future = SubmitAsync(session, pdu);
  return Get(future);
}

class BindTypeTest : public ::testing::TestWithParam<BindType> {};

TEST_P(BindTypeTest, BindSucceedsAndBothSidesAreBound) {
  IoThread io;
  Pair p = MakePair(io);
  Result r = BindAndWait(*p.esme, GetParam());
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.response.status(), CommandStatus::kOk);
  EXPECT_EQ(r.response.header.id(), ResponseIdOf(BindCommandFor(GetParam())));
  EXPECT_EQ(r.response.MessageId(), "confab");  // the SMSC's system_id
  EXPECT_EQ(p.esme->state(), BoundStateFor(GetParam()));
  ASSERT_TRUE(p.smsc_handler->WaitBound());
  EXPECT_EQ(p.smsc->state(), BoundStateFor(GetParam()));
  EXPECT_EQ(p.smsc->peer_system_id(), "esme1");
  EXPECT_EQ(p.esme->peer_system_id(), "confab");
}

INSTANTIATE_TEST_SUITE_P(AllTypes, BindTypeTest,
                         ::testing::Values(BindType::kTransmitter, BindType::kReceiver,
                                           BindType::kTransceiver));

TEST(SessionTest, BadPasswordIsRefusedWithInvPaswdAndClosed) {
  IoThread io;
  Pair p = MakePair(io);
  Result r = BindAndWait(*p.esme, BindType::kTransceiver, "wrong");
  ASSERT_FALSE(r.ec);
  EXPECT_EQ(r.response.status(), CommandStatus::kInvPaswd);
  EXPECT_FALSE(IsBound(p.esme->state()));
  ASSERT_TRUE(p.smsc_handler->WaitClosed());
  EXPECT_EQ(p.smsc_handler->closed_reason(), SessionError::kBindRefused);
  ASSERT_TRUE(p.esme_handler->WaitClosed());  // the SMSC hung up after refusing
}

TEST(SessionTest, BindTimeoutWhenTheSmscNeverAnswers) {
  IoThread io;
  auto [c, s] = SocketPair(io.io());
  RawPeer silent(std::move(s));
  SessionOptions o = TestOptions();
  o.bind_timeout = 50ms;
  auto handler = std::make_shared<TestHandler>();
  auto esme = Session::Create(std::move(c), Role::kEsme, o, handler);
  esme->Start();
  Result r = BindAndWait(*esme, BindType::kTransmitter);
  EXPECT_EQ(r.ec, SessionError::kBindTimeout);
  ASSERT_TRUE(handler->WaitClosed());
  EXPECT_EQ(handler->closed_reason(), SessionError::kBindTimeout);
}

TEST(SessionTest, SmscClosesAConnectionThatNeverBinds) {
  IoThread io;
  auto [c, s] = SocketPair(io.io());
  RawPeer idle(std::move(c));
  SessionOptions o = TestOptions();
  o.bind_timeout = 50ms;
  auto handler = std::make_shared<TestHandler>();
  auto smsc = Session::Create(std::move(s), Role::kSmsc, o, handler);
  smsc->Start();
  ASSERT_TRUE(handler->WaitClosed());
  EXPECT_EQ(handler->closed_reason(), SessionError::kBindTimeout);
  EXPECT_TRUE(idle.Read().eof);
}

TEST(SessionTest, PduInWrongStateGetsInvBndSts) {
  IoThread io;
  auto [c, s] = SocketPair(io.io());
  RawPeer esme(std::move(c));
  auto handler = std::make_shared<TestHandler>();
  auto smsc = Session::Create(std::move(s), Role::kSmsc, TestOptions(), handler);
  smsc->Start();
  // submit_sm before any bind.
  Pdu submit = MakeSubmit();
  submit.header.sequence_number = 5;
  esme.Send(submit);
  RawPdu r = esme.Read();
  EXPECT_EQ(r.header.id(), CommandId::kSubmitSmResp);
  EXPECT_EQ(r.header.command_status, CommandStatus::kInvBndSts);
  EXPECT_EQ(r.header.sequence_number, 5u);
  // Bound as receiver, a submit_sm is still refused; a second bind is ESME_RALYBND.
  esme.Send(MakeBind(BindType::kReceiver, "esme1", "secret", 6));
  EXPECT_EQ(esme.Read().header.command_status, CommandStatus::kOk);
  submit.header.sequence_number = 7;
  esme.Send(submit);
  r = esme.Read();
  EXPECT_EQ(r.header.command_status, CommandStatus::kInvBndSts);
  EXPECT_EQ(r.header.sequence_number, 7u);
  esme.Send(MakeBind(BindType::kTransmitter, "esme1", "secret", 8));
  r = esme.Read();
  EXPECT_EQ(r.header.id(), CommandId::kBindTransmitterResp);
  EXPECT_EQ(r.header.command_status, CommandStatus::kAlyBnd);
  EXPECT_EQ(handler->requests(), 0);
}

TEST(SessionTest, SubmitOnAReceiverSessionIsRefusedLocally) {
  IoThread io;
  Pair p = MakePair(io);
  ASSERT_EQ(BindAndWait(*p.esme, BindType::kReceiver).response.status(), CommandStatus::kOk);
  EXPECT_EQ(SubmitAndWait(*p.esme, MakeSubmit()).ec, SessionError::kNotAllowed);
}

TEST(SessionTest, EnquireLinkIsAnsweredEvenBeforeBind) {
  IoThread io;
  auto [c, s] = SocketPair(io.io());
  RawPeer esme(std::move(c));
  auto smsc =
      Session::Create(std::move(s), Role::kSmsc, TestOptions(), std::make_shared<TestHandler>());
  smsc->Start();
  esme.Send(MakePdu(CommandId::kEnquireLink, 42, EnquireLink{}));
  RawPdu r = esme.Read();
  EXPECT_EQ(r.header.id(), CommandId::kEnquireLinkResp);
  EXPECT_EQ(r.header.sequence_number, 42u);
  EXPECT_EQ(r.header.command_status, CommandStatus::kOk);
}

// A raw SMSC that accepts the bind, for tests that need to control the SMSC's answers.
RawPeer BindAgainstRaw(IoThread& io, SessionOptions o, std::shared_ptr<TestHandler> handler,
                       std::shared_ptr<Session>& esme) {
  auto [c, s] = SocketPair(io.io());
  RawPeer smsc(std::move(s));
  esme = Session::Create(std::move(c), Role::kEsme, o, handler);
  esme->Start();
  auto promise = std::make_shared<std::promise<Result>>();
  auto future = promise->get_future();
  esme->Bind(BindType::kTransceiver, Creds("esme1", "secret"), ToPromise(promise));
  RawPdu bind = smsc.Read();
  EXPECT_EQ(bind.header.id(), CommandId::kBindTransceiver);
  smsc.Send(
      MakePdu(CommandId::kBindTransceiverResp, bind.header.sequence_number, BindTransceiverResp{}));
  EXPECT_EQ(Get(future).response.status(), CommandStatus::kOk);
  return smsc;
}

TEST(SessionTest, IdleSessionSendsEnquireLink) {
  IoThread io;
  SessionOptions o = TestOptions();
  o.enquire_link_interval = 20ms;
  auto handler = std::make_shared<TestHandler>();
  std::shared_ptr<Session> esme;
  RawPeer smsc = BindAgainstRaw(io, o, handler, esme);
  RawPdu r = smsc.Read();
  EXPECT_EQ(r.header.id(), CommandId::kEnquireLink);
  smsc.Send(MakePdu(CommandId::kEnquireLinkResp, r.header.sequence_number, EnquireLinkResp{}));
  // Answered, so the link stays up and the next idle period brings the next probe.
  RawPdu again = smsc.Read();
  EXPECT_EQ(again.header.id(), CommandId::kEnquireLink);
  EXPECT_NE(again.header.sequence_number, r.header.sequence_number);
  EXPECT_NE(esme->state(), SessionState::kClosed);
}

TEST(SessionTest, DeadPeerIsDetectedByUnansweredEnquireLink) {
  IoThread io;
  SessionOptions o = TestOptions();
  o.enquire_link_interval = 20ms;
  o.response_timeout = 50ms;
  auto handler = std::make_shared<TestHandler>();
  std::shared_ptr<Session> esme;
  RawPeer smsc = BindAgainstRaw(io, o, handler, esme);
  EXPECT_EQ(smsc.Read().header.id(), CommandId::kEnquireLink);  // and never answered
  ASSERT_TRUE(handler->WaitClosed());
  EXPECT_EQ(handler->closed_reason(), SessionError::kDeadPeer);
  EXPECT_EQ(esme->counters().timeouts, 1u);
}

TEST(SessionTest, ResponseTimeoutCompletesTheRequestWithAnError) {
  IoThread io;
  SessionOptions o = TestOptions();
  o.response_timeout = 30ms;
  Pair p = MakePair(io, o);
  p.smsc_handler->hold = true;  // never answers
  ASSERT_EQ(BindAndWait(*p.esme, BindType::kTransmitter).response.status(), CommandStatus::kOk);
  Result r = SubmitAndWait(*p.esme, MakeSubmit());
  EXPECT_EQ(r.ec, SessionError::kResponseTimeout);
  EXPECT_EQ(p.esme->counters().timeouts, 1u);
  EXPECT_EQ(p.esme->counters().window_in_use, 0u);
  EXPECT_NE(p.esme->state(), SessionState::kClosed);  // a late submit_sm is not a dead peer
}

TEST(SessionTest, AsyncResponderCompletedFromAnotherThread) {
  IoThread io;
  Pair p = MakePair(io);
  p.smsc_handler->hold = true;
  ASSERT_EQ(BindAndWait(*p.esme, BindType::kTransmitter).response.status(), CommandStatus::kOk);
  auto future = SubmitAsync(*p.esme, MakeSubmit());
  ASSERT_TRUE(p.smsc_handler->WaitRequests(1));
  std::thread other([responder = p.smsc_handler->TakeHeld()]() mutable {
    std::string id = "durable-42";  // dies after the call: the responder must have copied it
    responder.RespondMessageId(id);
    id.assign(id.size(), 'x');
  });
  other.join();
  Result r = Get(future);
  ASSERT_FALSE(r.ec);
  EXPECT_EQ(r.response.status(), CommandStatus::kOk);
  EXPECT_EQ(r.response.MessageId(), "durable-42");
  EXPECT_GE(r.response.rtt.count(), 0);
}

TEST(SessionTest, DroppedResponderAnswersSysErr) {
  IoThread io;
  Pair p = MakePair(io);
  p.smsc_handler->hold = true;
  ASSERT_EQ(BindAndWait(*p.esme, BindType::kTransmitter).response.status(), CommandStatus::kOk);
  auto future = SubmitAsync(*p.esme, MakeSubmit());
  ASSERT_TRUE(p.smsc_handler->WaitRequests(1));
  { Responder dropped = p.smsc_handler->TakeHeld(); }
  EXPECT_EQ(Get(future).response.status(), CommandStatus::kSysErr);
}

TEST(SessionTest, FullWindowMakesTheSenderWait) {
  IoThread io;
  SessionOptions o = TestOptions();
  o.window = 2;
  Pair p = MakePair(io, o);
  p.smsc_handler->hold = true;
  ASSERT_EQ(BindAndWait(*p.esme, BindType::kTransmitter).response.status(), CommandStatus::kOk);
  std::vector<std::future<Result>> futures;
  for (int i = 0; i < 3; ++i) {
    futures.push_back(SubmitAsync(*p.esme, MakeSubmit()));
  }
  ASSERT_TRUE(p.smsc_handler->WaitRequests(2));
  // The third is still with the sender: the window holds two.
  SessionCounters sent{};
  OnStrand(*p.esme, [&] { sent = p.esme->counters(); });
  EXPECT_EQ(sent.window_in_use, 2u);
  EXPECT_EQ(sent.requests_sent, 3u);  // bind + two submits
  p.smsc_handler->TakeHeld().Respond();
  EXPECT_EQ(Get(futures[0]).response.status(), CommandStatus::kOk);
  ASSERT_TRUE(p.smsc_handler->WaitRequests(3));  // the freed slot let the third go
  p.smsc_handler->TakeHeld().Respond();
  p.smsc_handler->TakeHeld().Respond();
  EXPECT_FALSE(Get(futures[1]).ec);
  EXPECT_FALSE(Get(futures[2]).ec);
}

TEST(SessionTest, ReaderStopsReadingWhileInboundRequestsAreAtTheCap) {
  IoThread io;
  SessionOptions esme_options = TestOptions();
  esme_options.window = 8;  // the sender could send more...
  SessionOptions smsc_options = TestOptions();
  smsc_options.window = 2;  // ...than the receiver takes in
  Pair p = MakePair(io, esme_options, smsc_options);
  p.smsc_handler->hold = true;
  ASSERT_EQ(BindAndWait(*p.esme, BindType::kTransmitter).response.status(), CommandStatus::kOk);
  std::vector<std::future<Result>> futures;
  for (int i = 0; i < 3; ++i) {
    futures.push_back(SubmitAsync(*p.esme, MakeSubmit()));
  }
  ASSERT_TRUE(p.smsc_handler->WaitRequests(2));
  // The third request left the sender (its window is 8)...
  SessionCounters esme_counters{};
  OnStrand(*p.esme, [&] { esme_counters = p.esme->counters(); });
  EXPECT_EQ(esme_counters.window_in_use, 3u);
  // ...and an enquire_link queued behind it gets no answer either: the SMSC reads nothing.
  auto probe = std::make_shared<std::promise<Result>>();
  auto probe_future = probe->get_future();
  OnStrand(*p.esme, [&] {
    Pdu enquire = MakePdu(CommandId::kEnquireLink, 0, EnquireLink{});
    p.esme->Submit(enquire, ToPromise(probe));
  });
  EXPECT_EQ(p.smsc->counters().inbound_in_use, 2u);
  EXPECT_EQ(p.smsc_handler->requests(), 2);
  EXPECT_NE(probe_future.wait_for(std::chrono::milliseconds(0)), std::future_status::ready);
  // One answer frees a slot: the reader resumes and hands over the third, which takes the cap
  // again, so the probe still waits until the next answer.
  p.smsc_handler->TakeHeld().Respond();
  ASSERT_TRUE(p.smsc_handler->WaitRequests(3));
  EXPECT_EQ(p.smsc_handler->held(), 2u);
  p.smsc_handler->TakeHeld().Respond();
  EXPECT_FALSE(Get(probe_future).ec);
  p.smsc_handler->TakeHeld().Respond();
  for (auto& f : futures) {
    EXPECT_EQ(Get(f).response.status(), CommandStatus::kOk);
  }
}

TEST(SessionTest, PeerResetMidPduClosesCleanly) {
  IoThread io;
  auto [c, s] = SocketPair(io.io());
  RawPeer esme(std::move(c));
  auto handler = std::make_shared<TestHandler>();
  auto smsc = Session::Create(std::move(s), Role::kSmsc, TestOptions(), handler);
  smsc->Start();
  esme.Send(MakeBind(BindType::kTransmitter, "esme1", "secret"));
  EXPECT_EQ(esme.Read().header.command_status, CommandStatus::kOk);
  std::vector<uint8_t> bytes;
  Pdu submit = MakeSubmit();
  submit.header.sequence_number = 2;
  Encode(submit, bytes);
  bytes.resize(bytes.size() / 2);  // half a PDU, then a reset
  esme.SendBytes(bytes);
  esme.socket().set_option(asio::socket_base::linger(true, 0));
  esme.socket().close();
  ASSERT_TRUE(handler->WaitClosed());
  EXPECT_TRUE(handler->closed_reason());
  EXPECT_EQ(handler->requests(), 0);
  EXPECT_EQ(smsc->state(), SessionState::kClosed);
}

TEST(SessionTest, UnbindFromEsme) {
  IoThread io;
  Pair p = MakePair(io);
  ASSERT_EQ(BindAndWait(*p.esme, BindType::kTransceiver).response.status(), CommandStatus::kOk);
  std::promise<std::error_code> done;
  auto future = done.get_future();
  p.esme->Unbind([&](std::error_code ec) { done.set_value(ec); });
  EXPECT_EQ(Get(future), SessionError::kUnbound);
  ASSERT_TRUE(p.smsc_handler->WaitClosed());
  EXPECT_EQ(p.smsc_handler->closed_reason(), SessionError::kUnbound);
  EXPECT_EQ(p.smsc->counters().responses_sent, 2u);  // bind_resp, unbind_resp
}

TEST(SessionTest, UnbindFromSmsc) {
  IoThread io;
  Pair p = MakePair(io);
  ASSERT_EQ(BindAndWait(*p.esme, BindType::kReceiver).response.status(), CommandStatus::kOk);
  ASSERT_TRUE(p.smsc_handler->WaitBound());
  std::promise<std::error_code> done;
  auto future = done.get_future();
  p.smsc->Unbind([&](std::error_code ec) { done.set_value(ec); });
  EXPECT_EQ(Get(future), SessionError::kUnbound);
  ASSERT_TRUE(p.esme_handler->WaitClosed());
  EXPECT_EQ(p.esme_handler->closed_reason(), SessionError::kUnbound);
}

TEST(SessionTest, UnbindWithoutAnswerClosesAfterTheGrace) {
  IoThread io;
  SessionOptions o = TestOptions();
  o.unbind_grace = 30ms;
  auto handler = std::make_shared<TestHandler>();
  std::shared_ptr<Session> esme;
  RawPeer smsc = BindAgainstRaw(io, o, handler, esme);
  std::promise<std::error_code> done;
  auto future = done.get_future();
  esme->Unbind([&](std::error_code ec) { done.set_value(ec); });
  EXPECT_EQ(smsc.Read().header.id(), CommandId::kUnbind);  // never answered
  EXPECT_EQ(Get(future), SessionError::kUnbound);
}

TEST(SessionTest, GarbageGetsGenericNackAndLostFramingCloses) {
  IoThread io;
  auto [c, s] = SocketPair(io.io());
  RawPeer esme(std::move(c));
  auto smsc =
      Session::Create(std::move(s), Role::kSmsc, TestOptions(), std::make_shared<TestHandler>());
  smsc->Start();
  // Unknown command id: generic_nack ESME_RINVCMDID, and the session carries on.
  esme.SendBytes({0, 0, 0, 16, 0, 0, 0, 0x99, 0, 0, 0, 0, 0, 0, 0, 9});
  RawPdu r = esme.Read();
  EXPECT_EQ(r.header.id(), CommandId::kGenericNack);
  EXPECT_EQ(r.header.command_status, CommandStatus::kInvCmdId);
  EXPECT_EQ(r.header.sequence_number, 9u);
  esme.Send(MakePdu(CommandId::kEnquireLink, 10, EnquireLink{}));
  EXPECT_EQ(esme.Read().header.id(), CommandId::kEnquireLinkResp);
  // command_length 8: framing lost, generic_nack ESME_RINVCMDLEN, then the close.
  esme.SendBytes({0, 0, 0, 8, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 0, 11});
  r = esme.Read();
  EXPECT_EQ(r.header.id(), CommandId::kGenericNack);
  EXPECT_EQ(r.header.command_status, CommandStatus::kInvCmdLen);
  EXPECT_TRUE(esme.Read().eof);
  EXPECT_GE(smsc->counters().nacks_sent, 2u);
}

TEST(SessionTest, ResponseMatchingNothingIsDroppedNotAnswered) {
  IoThread io;
  auto handler = std::make_shared<TestHandler>();
  std::shared_ptr<Session> esme;
  RawPeer smsc = BindAgainstRaw(io, TestOptions(), handler, esme);
  smsc.Send(MakePdu(CommandId::kSubmitSmResp, 999, SubmitSmResp{}));
  smsc.Send(MakePdu(CommandId::kGenericNack, 1000, GenericNack{}));
  smsc.Send(MakePdu(CommandId::kEnquireLink, 77, EnquireLink{}));
  RawPdu r = smsc.Read();  // the first thing back is the enquire_link_resp, no nack
  EXPECT_EQ(r.header.id(), CommandId::kEnquireLinkResp);
  EXPECT_EQ(r.header.sequence_number, 77u);
  EXPECT_EQ(esme->counters().unknown_responses, 2u);
  EXPECT_NE(esme->state(), SessionState::kClosed);
}

TEST(SessionTest, ManySubmitsAreCoalescedIntoFewerWrites) {
  IoThread io;
  SessionOptions o = TestOptions();
  o.window = 256;
  Pair p = MakePair(io, o, o);
  ASSERT_EQ(BindAndWait(*p.esme, BindType::kTransmitter).response.status(), CommandStatus::kOk);
  SessionCounters before = p.esme->counters();
  constexpr int kCount = 200;
  std::atomic<int> done{0};
  std::promise<void> all;
  auto all_future = all.get_future();
  OnStrand(*p.esme, [&] {
    for (int i = 0; i < kCount; ++i) {
      p.esme->Submit(MakeSubmit(), [&](std::error_code ec, Response r) {
        EXPECT_FALSE(ec);
        EXPECT_EQ(r.status(), CommandStatus::kOk);
        if (++done == kCount) {
          all.set_value();
        }
      });
    }
  });
  ASSERT_EQ(all_future.wait_for(kDeadline), std::future_status::ready);
  SessionCounters after = p.esme->counters();
  EXPECT_EQ(after.requests_sent - before.requests_sent, uint64_t{kCount});
  EXPECT_LT(after.writes - before.writes, uint64_t{kCount} / 10);
  EXPECT_EQ(p.smsc->counters().requests_received, uint64_t{kCount} + 1);
}

TEST(SessionTest, InactivityTimeoutUnbindsAndCloses) {
  IoThread io;
  SessionOptions o = TestOptions();
  o.inactivity_timeout = 40ms;
  Pair p = MakePair(io, o);
  ASSERT_EQ(BindAndWait(*p.esme, BindType::kTransceiver).response.status(), CommandStatus::kOk);
  ASSERT_TRUE(p.esme_handler->WaitClosed());
  EXPECT_EQ(p.esme_handler->closed_reason(), SessionError::kInactivity);
  ASSERT_TRUE(p.smsc_handler->WaitClosed());
  EXPECT_EQ(p.smsc_handler->closed_reason(), SessionError::kUnbound);  // it got an unbind
}

TEST(SessionTest, WriteTimeoutClosesWhenThePeerStopsReading) {
  IoThread io;
  SessionOptions o = TestOptions();
  o.write_timeout = 50ms;
  o.window = 100000;
  o.send_queue_bytes = 256u << 20;
  auto handler = std::make_shared<TestHandler>();
  std::shared_ptr<Session> esme;
  RawPeer smsc = BindAgainstRaw(io, o, handler, esme);  // and then never reads again
  std::vector<uint8_t> payload(60000, 'x');
  Pdu big = MakeSubmit("");
  std::get<SubmitSm>(big.body).tlvs.Add(tlv::kMessagePayload, payload);
  OnStrand(*esme, [&] {
    for (int i = 0; i < 1000; ++i) {  // 60 MB: far beyond the socket buffers
      esme->Submit(big, [](std::error_code, Response) {});
    }
  });
  ASSERT_TRUE(handler->WaitClosed());
  EXPECT_EQ(handler->closed_reason(), SessionError::kWriteTimeout);
}

TEST(SessionTest, OutbindIsAnsweredWithBindReceiver) {
  IoThread io;
  auto [c, s] = SocketPair(io.io());
  auto esme_handler = std::make_shared<TestHandler>();
  esme_handler->outbind = [](Session& session, const Outbind& outbind) {
    EXPECT_EQ(outbind.system_id, "carrier");
    session.Bind(BindType::kReceiver, Creds("esme1", "secret"), [](std::error_code, Response) {});
  };
  auto smsc_handler = std::make_shared<TestHandler>();
  auto esme = Session::Create(std::move(s), Role::kEsme, TestOptions(), esme_handler);
  auto smsc = Session::Create(std::move(c), Role::kSmsc, TestOptions(), smsc_handler);
  esme->Start();
  smsc->Start();
  smsc->SendOutbind("carrier", "pw");
  ASSERT_TRUE(esme_handler->WaitBound());
  ASSERT_TRUE(smsc_handler->WaitBound());
  EXPECT_EQ(esme->state(), SessionState::kBoundRx);
  EXPECT_EQ(smsc->state(), SessionState::kBoundRx);
}

TEST(SessionTest, CloseFailsOutstandingAndWaitingRequests) {
  IoThread io;
  SessionOptions o = TestOptions();
  o.window = 1;
  Pair p = MakePair(io, o);
  p.smsc_handler->hold = true;
  ASSERT_EQ(BindAndWait(*p.esme, BindType::kTransmitter).response.status(), CommandStatus::kOk);
  auto f1 = SubmitAsync(*p.esme, MakeSubmit());
  auto f2 = SubmitAsync(*p.esme, MakeSubmit());
  ASSERT_TRUE(p.smsc_handler->WaitRequests(1));
  p.esme->Close();
  EXPECT_EQ(Get(f1).ec, SessionError::kClosed);
  EXPECT_EQ(Get(f2).ec, SessionError::kClosed);
  EXPECT_EQ(SubmitAndWait(*p.esme, MakeSubmit()).ec, SessionError::kClosed);
}

}  // namespace
}  // namespace confab::smpp::testing
