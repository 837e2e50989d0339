// Crash safety of the inbound pipeline, end to end: confab-sim plays a carrier that keeps every
// MO until it is acknowledged ESME_ROK and retransmits it after errors, timeouts and dropped
// connections (`load --retransmit`), journaling each MO when its ack arrives. confabd is killed
// with SIGKILL several times at random points — chosen by watching acks appear in the journal —
// and restarted on the same state directory until the sim has every MO acknowledged. Then the
// store, opened directly, must hold exactly the journal: every MO once (no loss, no duplicate
// from a retransmission of an MO stored before its ack went out), the keyword replies and the
// auto-responses the product rules give for that history, each once.
//
// Until the inbound pipeline lands, confabd answers every MO ESME_RX_T_APPN: the test then fails
// within seconds, saying so.

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include "boost/json.hpp"
#include "tests/daemon/inbound_test_util.h"

namespace confab::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kMos = 3000;
constexpr int kPool = 150;  // subscribers: ~20 MOs per thread, so consent flips back and forth
constexpr int kKills = 4;

struct JournalEntry {
  uint64_t n = 0;
  std::string source;
  std::string destination;
  std::string text;
  bool keyword = false;
  std::string category;  // optout | help | optin | conversation
  int parts = 1;
};

// Counts journal lines as they are appended (reads only what is new).
class JournalWatch {
 public:
  explicit JournalWatch(std::filesystem::path path) : path_(std::move(path)) {}
  std::size_t Lines() {
    std::ifstream in(path_, std::ios::binary);
    if (!in) {
      return lines_;
    }
    in.seekg(static_cast<std::streamoff>(offset_));
    char buffer[8192];
    while (in.read(buffer, sizeof(buffer)) || in.gcount() > 0) {
      const auto n = static_cast<std::size_t>(in.gcount());
      lines_ += static_cast<std::size_t>(std::count(buffer, buffer + n, '\n'));
      offset_ += n;
    }
    return lines_;
  }

 private:
  std::filesystem::path path_;
  std::size_t offset_ = 0;
  std::size_t lines_ = 0;
};

std::vector<JournalEntry> ParseJournal(const std::string& text, std::string& error) {
  std::vector<JournalEntry> entries;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      error = "journal ends without a newline";
      break;
    }
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(line, ec);
    if (ec || !v.is_object()) {
      error = "bad journal line: " + line;
      break;
    }
    const boost::json::object& o = v.as_object();
    JournalEntry e;
    e.n = o.at("n").to_number<uint64_t>();
    e.source = o.at("source").as_string();
    e.destination = o.at("destination").as_string();
    e.text = o.at("text").as_string();
    e.keyword = o.at("keyword").as_bool();
    e.category = o.at("category").as_string();
    e.parts = o.at("parts").to_number<int>();
    entries.push_back(std::move(e));
  }
  return entries;
}

using Triple = std::tuple<std::string, std::string, std::string>;  // source, brand, text

std::string Show(const Triple& t) {
  return std::get<0>(t) + " > " + std::get<1>(t) + ": \"" + std::get<2>(t) + "\"";
}

// What a thread's inbound history, in the order the daemon stored it (message seq), calls for.
struct Expected {
  std::map<std::string, int> replies;  // exact reply text -> count
  store::Consent consent = store::Consent::kNever;
  std::size_t consent_changes = 0;
};

Expected Replay(const std::vector<const StoredMessage*>& inbound,
                const std::map<std::string, std::string>& category_of_text) {
  Expected e;
  bool conversation = false;
  for (const StoredMessage* m : inbound) {
    auto it = category_of_text.find(m->record.text);
    const std::string category = it == category_of_text.end() ? "?" : it->second;
    if (category == "optout") {
      if (e.consent != store::Consent::kUnsubscribed) {  // a second STOP gets no text
        ++e.replies[kOptOutReply];
        ++e.consent_changes;
        e.consent = store::Consent::kUnsubscribed;
      }
    } else if (category == "optin") {
      ++e.replies[kOptInReply];
      if (e.consent != store::Consent::kSubscribed) {
        ++e.consent_changes;
        e.consent = store::Consent::kSubscribed;
      }
    } else if (category == "help") {
      ++e.replies[kHelpReply];
    } else if (category == "conversation") {
      conversation = true;
    }
  }
  if (conversation) {  // the loop guard: one per profile per 10 minutes, the run is shorter
    e.replies[kAutoReply] = 1;
  }
  return e;
}

void CheckStoreMatchesJournal(const std::vector<JournalEntry>& journal,
                              const StoreContents& store) {
  // (a) The inbound messages are the journal, as a multiset of (source, brand, text).
  std::map<Triple, int> want;
  std::map<std::string, std::string> category_of_text;
  std::map<std::string, int> parts_of_text;
  for (const JournalEntry& e : journal) {
    ++want[{e.source, e.destination, e.text}];
    category_of_text[e.text] = e.category;
    parts_of_text[e.text] = e.parts;
  }
  std::map<Triple, int> have;
  std::map<store::ThreadId, std::vector<const StoredMessage*>> threads;
  for (const StoredMessage& m : store.inbound) {
    ++have[{ProfileText(m.key.thread), BrandText(m.key.thread), m.record.text}];
    threads[m.key.thread].push_back(&m);
  }
  int shown = 0;
  for (const auto& [triple, count] : want) {
    auto it = have.find(triple);
    const int stored = it == have.end() ? 0 : it->second;
    if (stored != count && shown++ < 10) {
      ADD_FAILURE() << Show(triple) << ": journaled " << count << "x, stored " << stored << "x";
    }
  }
  for (const auto& [triple, count] : have) {
    if (want.count(triple) == 0 && shown++ < 10) {
      ADD_FAILURE() << Show(triple) << ": stored " << count << "x, never acknowledged";
    }
  }
  EXPECT_EQ(store.inbound.size(), journal.size()) << "inbound messages in the store";
  EXPECT_EQ(store.parts, 0u) << "parts of long MOs left behind after every MO completed";

  // (b) Each inbound message: kind by category, complete, its segment count, state received.
  for (const StoredMessage& m : store.inbound) {
    const auto category = category_of_text.find(m.record.text);
    if (category == category_of_text.end()) {
      continue;  // reported above
    }
    const store::MessageKind kind = category->second == "conversation"
                                        ? store::MessageKind::kConversation
                                        : store::MessageKind::kKeyword;
    EXPECT_EQ(m.record.kind, kind) << "\"" << m.record.text << "\"";
    EXPECT_EQ(m.record.segments, parts_of_text[m.record.text]) << "\"" << m.record.text << "\"";
    EXPECT_FALSE(m.record.incomplete) << "\"" << m.record.text << "\"";
    EXPECT_EQ(m.record.delivery, store::DeliveryState::kReceived);
  }

  // (c) Replies: what each thread's history calls for, each exactly once, queued in the outbox
  // or already sent to the carrier (a message in the thread).
  std::map<store::ThreadId, std::map<std::string, int>> replies;
  std::map<store::ThreadId, std::set<uint32_t>> reply_seqs;
  std::string reply_error;
  for (const StoredReply& o : Replies(store, reply_error)) {
    const store::ThreadId& thread = o.key.thread;
    EXPECT_EQ(o.message.direction, store::Direction::kOutbound);
    const bool auto_response = o.message.text == kAutoReply;
    EXPECT_EQ(o.message.kind,
              auto_response ? store::MessageKind::kAutoResponse : store::MessageKind::kKeywordReply)
        << "\"" << o.message.text << "\" to " << ProfileText(thread);
    ++replies[thread][o.message.text];
    EXPECT_TRUE(reply_seqs[thread].insert(o.key.seq).second)
        << "two replies with seq " << o.key.seq << " in " << ProfileText(thread);
  }
  EXPECT_EQ(reply_error, "");
  for (auto& [thread, inbound] : threads) {
    std::sort(inbound.begin(), inbound.end(),
              [](const auto* a, const auto* b) { return a->key.seq < b->key.seq; });
    const Expected expected = Replay(inbound, category_of_text);
    EXPECT_EQ(replies[thread], expected.replies) << "replies to " << ProfileText(thread);
    uint32_t max_seq = 0;
    for (const StoredMessage* m : inbound) {
      max_seq = std::max(max_seq, m->key.seq);
      EXPECT_EQ(reply_seqs[thread].count(m->key.seq), 0u)
          << "a reply and an MO share seq " << m->key.seq << " in " << ProfileText(thread);
    }
    for (uint32_t seq : reply_seqs[thread]) {
      max_seq = std::max(max_seq, seq);
    }
    auto profile = store.profiles.find(thread);
    if (profile == store.profiles.end()) {
      ADD_FAILURE() << "no profile record for " << ProfileText(thread);
      continue;
    }
    EXPECT_EQ(profile->second.consent, expected.consent) << ProfileText(thread);
    EXPECT_GT(profile->second.next_message_seq, max_seq) << ProfileText(thread);
    EXPECT_EQ(store.audit_counts.at(thread), expected.consent_changes)
        << "consent audit records of " << ProfileText(thread);
  }
  for (const auto& [thread, texts] : replies) {
    EXPECT_EQ(threads.count(thread), 1u)
        << "replies to " << ProfileText(thread) << ", which sent nothing";
  }
}

class CrashTest : public DirTest {
 protected:
  std::string Logs() const {
    return "\n--- confabd (last run) ---\n" + Tail(dir_ / "confabd.log") +
           "\n--- confab-sim ---\n" + Tail(dir_ / "sim.log");
  }
};

TEST_F(CrashTest, EveryAcknowledgedMoIsStoredExactlyOnceThroughRepeatedSigkills) {
  uint32_t seed = 20240611;
  if (const char* env = std::getenv("CONFAB_CRASH_SEED")) {
    seed = static_cast<uint32_t>(std::strtoul(env, nullptr, 10));
  }
  SCOPED_TRACE("seed " + std::to_string(seed) + " (CONFAB_CRASH_SEED to replay)");
  std::mt19937 rng(seed);

  // 1. The carrier first: it listens on a free port and says which in its ready file.
  const std::filesystem::path ready = dir_ / "sim.port";
  const std::filesystem::path journal = dir_ / "journal.jsonl";
  Child sim(CONFAB_SIM_PATH,
            {"load",
             "--listen",
             "127.0.0.1:0",
             "--ready-file",
             ready.string(),
             "--journal",
             journal.string(),
             "--retransmit",
             "--distinct-texts",  // a repeat within the dedup window would be a duplicate
             "--retry-delay",
             "100ms",
             "--count",
             std::to_string(kMos),
             "--pool",
             std::to_string(kPool),
             "--seed",
             std::to_string(seed),
             "--window",
             "32",
             "--duration",
             "50s",
             "--reply-wait",
             "0",
             "--bind-wait",
             "30s",
             "--response-timeout",
             "5s",
             "--quiet"},
            dir_ / "sim.log");
  ASSERT_TRUE(WaitForChange(
      dir_, [&] { return std::filesystem::exists(ready); }, 20s, &sim))
      << "confab-sim wrote no ready file" << Logs();
  const int port = std::atoi(ReadWhole(ready).c_str());
  ASSERT_GT(port, 0) << ReadWhole(ready);

  const std::string config = WriteInboundConfig(dir_, static_cast<uint16_t>(port));
  {
    Child check(CONFAB_DAEMON_PATH, {"--check-config", config}, dir_ / "check.log");
    ASSERT_EQ(check.WaitExit(30s), 0) << ReadWhole(dir_ / "check.log");
  }

  // 2. Kill the daemon kKills times, each after a random number of further acks.
  JournalWatch watch(journal);
  for (int kill = 0; kill < kKills; ++kill) {
    std::filesystem::remove(dir_ / "confabd.log");
    Child daemon(CONFAB_DAEMON_PATH, {"--config", config}, dir_ / "confabd.log");
    const std::size_t before = watch.Lines();
    if (before == 0) {
      ASSERT_TRUE(WaitForChange(
          dir_, [&] { return watch.Lines() > 0; }, 20s, &daemon))
          << "no MO acknowledged ESME_ROK within 20 s of confabd's start: the daemon refuses "
             "MOs (ESME_RX_T_APPN until the inbound pipeline lands) or did not bind"
          << (daemon.exited() ? " — confabd EXITED" : "") << Logs();
    }
    const std::size_t target = before + std::uniform_int_distribution<std::size_t>(150, 600)(rng);
    ASSERT_TRUE(WaitForChange(
        dir_, [&] { return watch.Lines() >= target; }, 40s, &daemon))
        << "kill " << kill << ": acks stalled at " << watch.Lines() << " (waiting for " << target
        << ")" << Logs();
    ASSERT_FALSE(daemon.exited()) << "confabd exited by itself" << Logs();
    daemon.Kill();
  }

  // 3. A last run to the end: the sim exits once every MO is acknowledged.
  std::filesystem::remove(dir_ / "confabd.log");
  {
    Child daemon(CONFAB_DAEMON_PATH, {"--config", config}, dir_ / "confabd.log");
    const std::optional<int> sim_exit = sim.WaitExit(60s);
    ASSERT_TRUE(sim_exit.has_value()) << "the sim did not finish: " << watch.Lines() << " of "
                                      << kMos << " MOs acknowledged" << Logs();
    daemon.Signal(SIGTERM);
    ASSERT_EQ(daemon.WaitExit(30s), 0) << "confabd did not stop cleanly" << Logs();
  }
  const std::string sim_log = ReadWhole(dir_ / "sim.log");
  EXPECT_NE(sim_log.find("\"mo_acked\":" + std::to_string(kMos) + ","), std::string::npos)
      << sim_log;
  EXPECT_NE(sim_log.find("\"mo_lost\":0,"), std::string::npos) << sim_log;
  // The kills caught MOs in flight: the carrier had to retransmit (else the test proves little).
  EXPECT_EQ(sim_log.find("\"mo_retransmitted\":0,"), std::string::npos) << sim_log;
  EXPECT_NE(sim_log.find("\"mo_retransmitted\":"), std::string::npos) << sim_log;

  // 4. The journal: every MO exactly once.
  std::string error;
  const std::vector<JournalEntry> entries = ParseJournal(ReadWhole(journal), error);
  ASSERT_EQ(error, "");
  ASSERT_EQ(entries.size(), static_cast<std::size_t>(kMos));
  std::set<uint64_t> numbers;
  for (const JournalEntry& e : entries) {
    numbers.insert(e.n);
  }
  ASSERT_EQ(numbers.size(), static_cast<std::size_t>(kMos)) << "an MO journaled twice";

  // 5. The store, read directly.
  const std::optional<StoreContents> store = ReadStore(StorePath(dir_), error);
  ASSERT_TRUE(store.has_value()) << error;
  CheckStoreMatchesJournal(entries, *store);
}

}  // namespace
}  // namespace confab::testing
