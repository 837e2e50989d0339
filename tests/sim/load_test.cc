// Load and interactive modes against an in-test stand-in daemon (EchoDaemon: the library's
// ESME client, answering every MO and replying to keywords).

#include "bench/sim/load.h"

#include <sstream>

#include "bench/sim/app.h"
#include "bench/sim/echo_daemon.h"
#include "bench/sim/interactive.h"
#include "bench/sim/report.h"
#include "tests/sim/sim_test_util.h"

namespace confab::sim::testing {
namespace {

LoadOptions SmallLoad() {
  LoadOptions o;
  o.count = 2'000;
  o.mix.seed = 5;
  o.mix.pool = 300;
  o.window = 32;
  o.reply_wait = std::chrono::seconds(20);
  o.bind_wait = std::chrono::seconds(20);
  return o;
}

LoadReport RunAgainstEcho(LoadOptions load, EchoDaemonOptions echo) {
  IoThread io;
  LoadRunner runner(load);
  auto carrier = StartCarrier(io, {}, [&runner](const MtMessage& mt) { runner.OnMt(mt); });
  echo.port = carrier->port();
  Stopping<EchoDaemon> daemon(EchoDaemon::Start(io.executor(), echo));
  return runner.Run(*carrier);
}

TEST(LoadTest, ClosedLoopAgainstAStandInLosesNothingAndGetsTheRightReplies) {
  LoadReport r = RunAgainstEcho(SmallLoad(), {});
  ASSERT_TRUE(r.bound);
  EXPECT_EQ(r.mo_sent, 2'000u);
  EXPECT_EQ(r.mo_acked, 2'000u);
  EXPECT_EQ(r.mo_lost, 0u);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_GT(r.replies_expected, 300u);  // ~20% keywords, minus repeated STOPs
  EXPECT_EQ(r.replies_right, r.replies_expected);
  EXPECT_EQ(r.replies_wrong, 0u);
  EXPECT_EQ(r.replies_missing, 0u);
  EXPECT_EQ(r.replies_unmatched, 0u);
  EXPECT_EQ(r.ack_latency_ns.count(), 2'000u);
  EXPECT_EQ(r.reply_latency_ns.count(), r.replies_expected);
  const std::string json = ReportJson(r);
  EXPECT_NE(json.find(R"("mo_lost":0)"), std::string::npos) << json;
  EXPECT_NE(ReportTable(r).find("WRONG 0"), std::string::npos);
}

TEST(LoadTest, AWrongReplyTextIsDetected) {
  EchoDaemonOptions echo;
  echo.wrong_optout_reply = true;  // STOP answered with the help text
  LoadReport r = RunAgainstEcho(SmallLoad(), echo);
  ASSERT_TRUE(r.bound);
  EXPECT_EQ(r.mo_lost, 0u);
  EXPECT_GT(r.replies_wrong, 0u);
  EXPECT_EQ(r.replies_wrong + r.replies_right, r.replies_expected);
}

// --match-by-text: replies that come out of MO order (a multi-threaded gateway) still match.
TEST(MatchReplyByTextTest, AReplyAnswersTheOldestMoWhoseTextItCarries) {
  LoadOptions o;
  o.expect_optout = "You are unsubscribed";
  o.expect_help = "For help, email";
  o.expect_optin = "You are subscribed";
  const std::vector<MoCategory> waiting = {MoCategory::kOptOut, MoCategory::kHelp,
                                           MoCategory::kHelp};
  EXPECT_EQ(MatchReplyByText(waiting, "Co: For help, email a@b.c", o), 1u);
  EXPECT_EQ(MatchReplyByText(waiting, "Co: You are unsubscribed.", o), 0u);
}

TEST(MatchReplyByTextTest, AnAutoResponseIsUnmatchedNotWrong) {
  LoadOptions o;
  o.expect_optout = "You are unsubscribed";
  o.expect_help = "For help, email";
  o.expect_optin = "You are subscribed";
  EXPECT_EQ(MatchReplyByText({MoCategory::kOptOut}, "Co: Thanks for your message.", o),
            std::nullopt);
  EXPECT_EQ(MatchReplyByText({}, "Co: You are subscribed to X.", o), std::nullopt);
}

TEST(MatchReplyByTextTest, AnotherKeywordsReplyIsTakenByTheOldestAndCountsAsWrong) {
  LoadOptions o;
  o.expect_optout = "You are unsubscribed";
  o.expect_help = "For help, email";
  o.expect_optin = "You are subscribed";
  // STOP answered with the help text: matched to the STOP, whose check then fails.
  EXPECT_EQ(MatchReplyByText({MoCategory::kOptOut, MoCategory::kOptIn}, "For help, email x", o),
            0u);
}

TEST(LoadTest, MatchByTextStillCatchesAWrongReply) {
  LoadOptions load = SmallLoad();
  load.match_by_text = true;
  load.expect_optin = "You are subscribed";  // distinct from the opt-out reply's substring
  EchoDaemonOptions echo;
  echo.wrong_optout_reply = true;  // STOP answered with the help text
  LoadReport r = RunAgainstEcho(load, echo);
  ASSERT_TRUE(r.bound);
  EXPECT_EQ(r.mo_lost, 0u);
  EXPECT_GT(r.replies_wrong, 0u);
  EXPECT_GT(r.replies_right, 0u);
}

// A stand-in that refuses every MO with ESME_RMSGQFUL and never replies.
class RefusingDaemon : public smpp::SessionHandler {
 public:
  void OnRequest(smpp::Session&, const smpp::Pdu&, smpp::Responder responder) override {
    responder.Respond(smpp::CommandStatus::kMsgQFul);
  }
};

TEST(LoadTest, RefusedMosAreLostByStatusAndTheirRepliesMissing) {
  IoThread io;
  LoadOptions load = SmallLoad();
  load.count = 200;
  load.reply_wait = std::chrono::milliseconds(0);  // none will come
  LoadRunner runner(load);
  auto carrier = StartCarrier(io, {}, [&runner](const MtMessage& mt) { runner.OnMt(mt); });
  auto refusing = std::make_shared<RefusingDaemon>();
  tcp::socket socket(io.io());
  socket.connect(tcp::endpoint(asio::ip::address_v4::loopback(), carrier->port()));
  auto session =
      smpp::Session::Create(std::move(socket), smpp::Role::kEsme, TestOptions(), refusing);
  session->Start();
  auto promise = std::make_shared<std::promise<Result>>();
  auto future = promise->get_future();
  session->Bind(smpp::BindType::kTransceiver, Creds("confab", "secret"), ToPromise(promise));
  ASSERT_EQ(Get(future).response.status(), smpp::CommandStatus::kOk);
  LoadReport r = runner.Run(*carrier);
  EXPECT_EQ(r.mo_sent, 200u);
  EXPECT_EQ(r.mo_acked, 0u);
  EXPECT_EQ(r.mo_lost, 200u);
  EXPECT_EQ(r.errors["ESME_RMSGQFUL"], 200u);
  EXPECT_EQ(r.replies_missing, r.replies_expected);
  EXPECT_GT(r.replies_missing, 0u);
  session->Close();
}

TEST(InteractiveTest, ParsesMoLines) {
  auto mo = ParseMoLine("  +15551234567   STOP please ", "+15550100000");
  ASSERT_TRUE(mo);
  EXPECT_EQ(mo->source, "+15551234567");
  EXPECT_EQ(mo->destination, "+15550100000");
  EXPECT_EQ(mo->text, "STOP please");
  mo = ParseMoLine("15551234567 > 15550100009 hola", "+15550100000");
  ASSERT_TRUE(mo);
  EXPECT_EQ(mo->destination, "+15550100009");
  EXPECT_EQ(mo->text, "hola");
  EXPECT_FALSE(ParseMoLine("# comment", "+1"));
  EXPECT_FALSE(ParseMoLine("STOP", "+1"));
  EXPECT_FALSE(ParseMoLine("+15551234567", "+1"));
}

TEST(InteractiveTest, SendsEachLineAndPrintsTheReply) {
  IoThread io;
  std::ostringstream out;
  InteractiveOptions options;
  options.linger = std::chrono::seconds(20);  // an upper bound: it returns once replied
  Interactive console(out, options);
  auto carrier = StartCarrier(io, {}, [&console](const MtMessage& mt) { console.OnMt(mt); });
  EchoDaemonOptions echo;
  echo.port = carrier->port();
  Stopping<EchoDaemon> daemon(EchoDaemon::Start(io.executor(), echo));
  std::istringstream in("+15551234567 STOP\nnot a line\n");
  EXPECT_EQ(console.Run(in, *carrier), 1);
  const std::string text = out.str();
  EXPECT_NE(text.find("→ +15551234567 > +15550100000: STOP [acked]"), std::string::npos) << text;
  EXPECT_NE(text.find("← +15551234567: Acme: You are unsubscribed"), std::string::npos) << text;
  EXPECT_NE(text.find("? usage"), std::string::npos) << text;
}

TEST(AppTest, BadFlagsExitWithTwo) {
  std::istringstream in;
  std::ostringstream out, err;
  EXPECT_EQ(RunSim({"load", "--bogus"}, in, out, err), 2);
  EXPECT_EQ(RunSim({"load", "--count", "x"}, in, out, err), 2);
  EXPECT_EQ(RunSim({"load", "--listen", "10.0.0.1:2775"}, in, out, err), 2);  // loopback only
  EXPECT_EQ(RunSim({"carrier", "--fault", "nope"}, in, out, err), 2);
  EXPECT_EQ(RunSim({"dance"}, in, out, err), 2);
  EXPECT_NE(err.str().find("unknown flag --bogus"), std::string::npos);
}

}  // namespace
}  // namespace confab::sim::testing
