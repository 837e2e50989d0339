// Carrier-style retransmission (`load --retransmit`, reliable_mo.h) against in-test stand-ins
// for the daemon that refuse the first copy of every part, refuse for good, or drop the
// connection with MOs in flight; and the journal of acknowledged MOs.

#include <future>
#include <map>
#include <set>
#include <sstream>

#include "bench/sim/load.h"
#include "bench/sim/reliable_mo.h"
#include "boost/json.hpp"
#include "tests/sim/sim_test_util.h"

namespace confab::sim::testing {
namespace {

using smpp::CommandStatus;

// What a deliver_sm carries, as the identity a retransmission must preserve.
std::string Content(const smpp::DeliverSm& d) {
  return std::string(d.source.addr) + '>' + std::string(d.destination.addr) + ':' +
         std::to_string(d.data_coding) + ':' +
         std::string(reinterpret_cast<const char*>(d.UserData().data()), d.UserData().size());
}

// Answers each deliver_sm by a policy, recording content -> sequence numbers seen.
class ScriptedDaemon : public smpp::SessionHandler {
 public:
  // copy: 0 for the first time this content arrives, 1 for the second…; nullopt = no answer.
  using Policy = std::function<std::optional<CommandStatus>(smpp::Session&, int copy)>;
  explicit ScriptedDaemon(Policy policy) : policy_(std::move(policy)) {}

  void OnRequest(smpp::Session& session, const smpp::Pdu& request,
                 smpp::Responder responder) override {
    const auto* d = std::get_if<smpp::DeliverSm>(&request.body);
    if (d == nullptr) {
      responder.Respond(CommandStatus::kOk);
      return;
    }
    int copy = 0;
    {
      std::lock_guard lock(mutex_);
      auto& seqs = seen_[Content(*d)];
      copy = static_cast<int>(seqs.size());
      seqs.push_back(request.header.sequence_number);
    }
    if (auto status = policy_(session, copy)) {
      responder.Respond(*status);
    } else {
      std::lock_guard lock(mutex_);
      held_.push_back(std::move(responder));
    }
  }
  void OnClosed(smpp::Session&, std::error_code) override {
    std::lock_guard lock(mutex_);
    closed_ = true;
    cv_.notify_all();
  }
  bool WaitClosed() {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, kDeadline, [&] { return closed_; });
  }
  std::map<std::string, std::vector<uint32_t>> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  Policy policy_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::map<std::string, std::vector<uint32_t>> seen_;
  std::vector<smpp::Responder> held_;
  bool closed_ = false;
};

std::shared_ptr<smpp::Session> Bind(IoThread& io, uint16_t port,
                                    std::shared_ptr<smpp::SessionHandler> handler) {
  tcp::socket socket(io.io());
  socket.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port));
  auto session =
      smpp::Session::Create(std::move(socket), smpp::Role::kEsme, TestOptions(), handler);
  session->Start();
  auto promise = std::make_shared<std::promise<Result>>();
  auto future = promise->get_future();
  session->Bind(smpp::BindType::kTransceiver, Creds("confab", "secret"), ToPromise(promise));
  EXPECT_EQ(Get(future).response.status(), CommandStatus::kOk);
  return session;
}

LoadOptions ReliableLoad(uint64_t count, std::ostream* journal) {
  LoadOptions o;
  o.count = count;
  o.mix.seed = 11;
  o.mix.pool = 1'000'000;  // no two MOs with the same sender and text: content identifies a part
  o.window = 16;
  o.retransmit = true;
  o.retry_delay = std::chrono::milliseconds(10);
  o.max_duration = std::chrono::seconds(30);  // an upper bound: the run ends when all are acked
  o.reply_wait = std::chrono::milliseconds(0);
  o.bind_wait = std::chrono::seconds(20);
  o.journal = journal;
  return o;
}

// Parses the journal and checks every line against the mix: line k is the MO numbered "n".
std::set<uint64_t> CheckJournal(const std::string& text, const MoMixOptions& mix_options) {
  std::vector<MoSpec> expected;
  MoMix mix(mix_options);
  std::set<uint64_t> numbers;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(line, ec);
    EXPECT_FALSE(ec) << line;
    if (ec) {
      continue;
    }
    const boost::json::object& o = v.as_object();
    const uint64_t n = o.at("n").to_number<uint64_t>();
    while (expected.size() <= n) {
      expected.push_back(mix.Next());
    }
    const MoSpec& spec = expected[n];
    EXPECT_TRUE(numbers.insert(n).second) << "MO " << n << " journaled twice";
    EXPECT_EQ(o.at("source").as_string(), spec.source);
    EXPECT_EQ(o.at("destination").as_string(), spec.destination);
    EXPECT_EQ(o.at("text").as_string(), spec.text);
    EXPECT_EQ(o.at("keyword").as_bool(), spec.category != MoCategory::kConversation);
    EXPECT_EQ(o.at("category").as_string(), MoCategoryName(spec.category));
    EXPECT_GE(o.at("parts").to_number<int>(), spec.long_text ? 2 : 1);
  }
  return numbers;
}

TEST(ReliableMoTest, ClassifiesTemporaryAndPermanentOutcomes) {
  EXPECT_EQ(ClassifyPart({}, CommandStatus::kOk), PartOutcome::kAcked);
  for (CommandStatus s : {CommandStatus::kXTAppn, CommandStatus::kThrottled,
                          CommandStatus::kMsgQFul, CommandStatus::kSysErr}) {
    EXPECT_EQ(ClassifyPart({}, s), PartOutcome::kTemporary) << static_cast<int>(s);
  }
  for (smpp::SessionError e : {smpp::SessionError::kResponseTimeout, smpp::SessionError::kClosed,
                               smpp::SessionError::kNotAllowed}) {
    EXPECT_EQ(ClassifyPart(e, CommandStatus::kOk), PartOutcome::kTemporary);
  }
  for (CommandStatus s : {CommandStatus::kInvDstAdr, CommandStatus::kInvSrcAdr,
                          CommandStatus::kXPAppn, CommandStatus::kDeliveryFailure}) {
    EXPECT_EQ(ClassifyPart({}, s), PartOutcome::kPermanent) << static_cast<int>(s);
  }
}

TEST(ReliableMoTest, ATemporaryRefusalIsRetransmittedWithTheSameContentAndJournaledOnce) {
  IoThread io;
  std::ostringstream journal;
  const LoadOptions load = ReliableLoad(150, &journal);
  LoadRunner runner(load);
  auto carrier = StartCarrier(io);
  auto daemon = std::make_shared<ScriptedDaemon>([](smpp::Session&, int copy) {
    return copy == 0 ? CommandStatus::kXTAppn : CommandStatus::kOk;
  });
  auto session = Bind(io, carrier->port(), daemon);
  const LoadReport r = runner.Run(*carrier);
  ASSERT_TRUE(r.bound);
  EXPECT_EQ(r.mo_sent, 150u);
  EXPECT_EQ(r.mo_acked, 150u);
  EXPECT_EQ(r.mo_lost, 0u);
  EXPECT_EQ(r.mo_retransmitted, 150u);
  const auto seen = daemon->seen();
  uint64_t parts = 0;
  for (const auto& [content, sequences] : seen) {
    ASSERT_EQ(sequences.size(), 2u) << "each part: refused once, then acked";
    EXPECT_NE(sequences[0], sequences[1]) << "a retransmission gets a new sequence number";
    ++parts;
  }
  EXPECT_GT(parts, 150u);  // some MOs are long
  EXPECT_EQ(r.parts_retransmitted, parts);
  EXPECT_EQ(r.errors.at("ESME_RX_T_APPN"), parts);
  EXPECT_EQ(CheckJournal(journal.str(), load.mix).size(), 150u);
  session->Close();
}

TEST(ReliableMoTest, APermanentErrorIsCountedAndGivenUp) {
  IoThread io;
  std::ostringstream journal;
  const LoadOptions load = ReliableLoad(40, &journal);
  LoadRunner runner(load);
  auto carrier = StartCarrier(io);
  auto daemon = std::make_shared<ScriptedDaemon>(
      [](smpp::Session&, int) { return CommandStatus::kInvDstAdr; });
  auto session = Bind(io, carrier->port(), daemon);
  const LoadReport r = runner.Run(*carrier);
  EXPECT_EQ(r.mo_sent, 40u);
  EXPECT_EQ(r.mo_acked, 0u);
  EXPECT_EQ(r.mo_lost, 40u);
  EXPECT_EQ(r.mo_retransmitted, 0u);
  uint64_t parts = 0;
  for (const auto& [content, sequences] : daemon->seen()) {
    EXPECT_EQ(sequences.size(), 1u);
    ++parts;
  }
  EXPECT_EQ(r.errors.at("ESME_RINVDSTADR"), parts);
  EXPECT_EQ(journal.str(), "");
  session->Close();
}

TEST(ReliableMoTest, MosInFlightWhenTheConnectionDropsAreSentAgainAfterTheNextBind) {
  IoThread io;
  std::ostringstream journal;
  const LoadOptions load = ReliableLoad(120, &journal);
  LoadRunner runner(load);
  auto carrier = StartCarrier(io);
  // The first "daemon" acks 30 parts, then holds 8 unanswered and drops the connection on the
  // 8th: those (and whatever else was in flight) were never acknowledged.
  std::atomic<int> received{0};
  auto first = std::make_shared<ScriptedDaemon>(
      [&received](smpp::Session& session, int) -> std::optional<CommandStatus> {
        const int k = ++received;
        if (k <= 30) {
          return CommandStatus::kOk;
        }
        if (k == 38) {
          session.Close(std::make_error_code(std::errc::connection_aborted));
        }
        return std::nullopt;
      });
  auto first_session = Bind(io, carrier->port(), first);
  auto run = std::async(std::launch::async, [&] { return runner.Run(*carrier); });
  ASSERT_TRUE(first->WaitClosed());
  // The daemon comes back (a restart): a new bind that acks everything.
  auto second =
      std::make_shared<ScriptedDaemon>([](smpp::Session&, int) { return CommandStatus::kOk; });
  auto second_session = Bind(io, carrier->port(), second);
  ASSERT_EQ(run.wait_for(kDeadline), std::future_status::ready);
  const LoadReport r = run.get();
  EXPECT_EQ(r.mo_acked, 120u);
  EXPECT_EQ(r.mo_lost, 0u);
  EXPECT_GE(r.mo_retransmitted, 1u);
  EXPECT_EQ(carrier->counters().binds, 2u);
  // Every part the first daemon left unanswered came again, same content, to the second.
  const auto first_seen = first->seen();
  const auto second_seen = second->seen();
  int unanswered = 0;
  int k = 0;
  for (const auto& [content, sequences] : first_seen) {
    k += static_cast<int>(sequences.size());
  }
  EXPECT_GE(k, 38);
  for (const auto& [content, sequences] : first_seen) {
    if (second_seen.count(content) != 0) {
      ++unanswered;
    }
  }
  EXPECT_GE(unanswered, 8);
  EXPECT_EQ(CheckJournal(journal.str(), load.mix).size(), 120u);
  second_session->Close();
}

}  // namespace
}  // namespace confab::sim::testing
