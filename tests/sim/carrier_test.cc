// Carrier role: an ESME (the library's Session, standing in for confabd) binds, receives MOs,
// submits MTs and gets submit_sm_resp and receipts.

#include "bench/sim/carrier.h"

#include "smpp/segment.h"
#include "smpp/udh.h"
#include "tests/sim/sim_test_util.h"

namespace confab::sim::testing {
namespace {

TEST(CarrierTest, SendsMosAsDeliverSmToTheBoundEsme) {
  IoThread io;
  auto carrier = StartCarrier(io);
  Esme esme = BindEsme(io, carrier->port());
  ASSERT_EQ(esme.bind.response.status(), smpp::CommandStatus::kOk);
  ASSERT_TRUE(carrier->WaitBound(kDeadline));
  MoResult r = SendMoAndWait(*carrier, "+15551234567", "+15550100000", "STOP");
  EXPECT_FALSE(r.error);
  EXPECT_EQ(r.status, smpp::CommandStatus::kOk);
  EXPECT_EQ(r.parts, 1);
  ASSERT_TRUE(esme.handler->WaitDelivers(1));
  SeenDeliver d = esme.handler->seen()[0];
  EXPECT_EQ(d.source, "15551234567");
  EXPECT_EQ(d.destination, "15550100000");
  EXPECT_EQ(d.data_coding, 0);  // GSM 7-bit
  EXPECT_EQ(Utf8(d), "STOP");
}

TEST(CarrierTest, SpanishGoesUcs2AndLongTextsInUdhParts) {
  IoThread io;
  auto carrier = StartCarrier(io);
  Esme esme = BindEsme(io, carrier->port());
  ASSERT_TRUE(carrier->WaitBound(kDeadline));
  EXPECT_EQ(SendMoAndWait(*carrier, "+15551234567", "+15550100000", "¿Cuándo llega?").parts, 1);
  const std::string long_text(200, 'a');
  EXPECT_EQ(SendMoAndWait(*carrier, "+15551234567", "+15550100000", long_text).parts, 2);
  ASSERT_TRUE(esme.handler->WaitDelivers(3));
  auto seen = esme.handler->seen();
  EXPECT_EQ(seen[0].data_coding, smpp::data_coding::kUcs2);
  EXPECT_EQ(Utf8(seen[0]), "¿Cuándo llega?");
  std::string joined;
  for (int i = 1; i <= 2; ++i) {
    ASSERT_NE(seen[i].esm_class & smpp::esm_class::kUdhi, 0);
    auto udh = smpp::ParseUdh(seen[i].user_data);
    ASSERT_TRUE(udh.ok());
    ASSERT_TRUE(udh->concat);
    EXPECT_EQ(udh->concat->total, 2);
    EXPECT_EQ(udh->concat->seq, i);
    std::vector<uint8_t> payload(seen[i].user_data.begin() + udh->payload_offset,
                                 seen[i].user_data.end());
    joined += smpp::DecodeUserData(0, payload).utf8;
  }
  EXPECT_EQ(joined, long_text);
}

TEST(CarrierTest, AnswersSubmitWithUniqueHexIdsAndReceiptsWithThatId) {
  IoThread io;
  std::mutex m;
  std::vector<MtMessage> mts;
  CarrierOptions options;
  options.receipts = true;
  auto carrier = StartCarrier(io, options, [&](const MtMessage& mt) {
    std::lock_guard lock(m);
    mts.push_back(mt);
  });
  Esme esme = BindEsme(io, carrier->port());
  ASSERT_EQ(esme.bind.response.status(), smpp::CommandStatus::kOk);
  Result first = SubmitFrom(esme, "15551234567", "Acme: You are unsubscribed", 1);
  Result second = SubmitFrom(esme, "15551234567", "again", 0);  // no receipt asked
  ASSERT_FALSE(first.ec);
  ASSERT_EQ(first.response.status(), smpp::CommandStatus::kOk);
  const std::string id(first.response.MessageId());
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
  EXPECT_NE(id, std::string(second.response.MessageId()));
  ASSERT_TRUE(esme.handler->WaitDelivers(1));
  SeenDeliver receipt = esme.handler->seen()[0];
  EXPECT_TRUE(smpp::IsDeliveryReceipt(receipt.esm_class));
  EXPECT_EQ(receipt.receipted_id, id);
  EXPECT_EQ(receipt.state, smpp::MessageState::kDelivered);
  EXPECT_EQ(receipt.source, "15551234567");  // from the subscriber back to the brand
  auto parsed = smpp::ParseDeliveryReceipt(Utf8(receipt));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->text_id, id);
  EXPECT_EQ(parsed->stat, "DELIVRD");
  std::lock_guard lock(m);
  ASSERT_EQ(mts.size(), 2u);
  EXPECT_EQ(mts[0].text, "Acme: You are unsubscribed");
  EXPECT_EQ(mts[0].destination, "+15551234567");
  EXPECT_EQ(mts[0].message_ids, std::vector<std::string>{id});
}

TEST(CarrierTest, ReassemblesLongMts) {
  IoThread io;
  std::promise<MtMessage> got;
  auto future = got.get_future();
  auto carrier = StartCarrier(io, {}, [&](const MtMessage& mt) { got.set_value(mt); });
  Esme esme = BindEsme(io, carrier->port());
  const std::string text = "Acme: " + std::string(150, 'x') + " á fin";  // UCS-2 (á), 3 parts
  auto segmented = smpp::SegmentText(text, {}, [] { return uint16_t{77}; });
  ASSERT_TRUE(segmented.ok());
  ASSERT_EQ(segmented->parts.size(), 3u);
  for (auto it = segmented->parts.rbegin(); it != segmented->parts.rend(); ++it) {  // any order
    smpp::SubmitSm body;
    body.source.addr = "15550100000";
    body.destination.addr = "15551234567";
    body.esm_class = it->esm_class_flags;
    body.data_coding = segmented->data_coding;
    body.short_message = it->short_message;
    auto promise = std::make_shared<std::promise<Result>>();
    auto f = promise->get_future();
    esme.session->Submit(smpp::MakePdu(body, 0), ToPromise(promise));
    EXPECT_EQ(Get(f).response.status(), smpp::CommandStatus::kOk);
  }
  MtMessage mt = Get(future);
  EXPECT_EQ(mt.text, text);
  EXPECT_EQ(mt.parts, 3);
  EXPECT_EQ(mt.message_ids.size(), 3u);
}

TEST(CarrierTest, EsmeModeBindsToTheDaemonAndSendsMosAsSubmitSm) {
  IoThread io;
  // The daemon in `listen` mode: an SMSC that records what the carrier sends.
  auto daemon_handler = std::make_shared<TestHandler>();
  smpp::SmscServerOptions server_options;
  server_options.session = TestOptions();
  auto server = smpp::SmscServer::Listen(
      io.executor(), server_options,
      [](const smpp::BindRequest& r) {
        return r.password == "secret" ? smpp::CommandStatus::kOk : smpp::CommandStatus::kInvPaswd;
      },
      daemon_handler);
  ASSERT_TRUE(server.ok());
  CarrierOptions options;
  options.mode = CarrierOptions::Mode::kEsme;
  options.port = (*server)->port();
  auto carrier = StartCarrier(io, options);
  ASSERT_TRUE(carrier->WaitBound(kDeadline));
  MoResult r = SendMoAndWait(*carrier, "+15551234567", "+15550100000", "HELP");
  EXPECT_FALSE(r.error);
  EXPECT_EQ(r.status, smpp::CommandStatus::kOk);
  EXPECT_TRUE(daemon_handler->WaitRequests(1));
  std::promise<void> server_stopped;
  (*server)->Stop([&] { server_stopped.set_value(); });
  EXPECT_EQ(server_stopped.get_future().wait_for(kDeadline), std::future_status::ready);
}

}  // namespace
}  // namespace confab::sim::testing
