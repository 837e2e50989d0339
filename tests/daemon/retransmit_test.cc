// A carrier's retransmissions of MOs reach the store once. The test is the SMSC (an
// smpp::SmscServer in this process, so it controls every PDU) that the real confabd binds to;
// it sends the same deliver_sm twice (after the first ack, and both before any ack) and the
// parts of a 3-part UDH message with one part twice and out of order (3, 1, 3, 2). After a
// graceful stop, the store — opened directly — holds one message per MO (the long one joined)
// and one reply per MO that calls for one.
//
// Until the inbound pipeline lands, confabd answers every MO ESME_RX_T_APPN: the first
// deliver_sm then fails the test, saying so.

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include "fmt/format.h"
#include "tests/daemon/inbound_test_util.h"
#include "tests/daemon/test_smsc.h"

namespace confab::testing {
namespace {

using smpp::CommandStatus;
using smpp::testing::Get;
using smpp::testing::Result;
using namespace std::chrono_literals;

std::string StatusText(const Result& r) {
  if (r.ec) {
    return "transport error: " + r.ec.message();
  }
  const std::string name(smpp::CommandStatusName(r.response.status()));
  return (name.empty() ? "status" : name) + " (0x" +
         fmt::format("{:X}", static_cast<uint32_t>(r.response.status())) + ")";
}

class RetransmitTest : public DirTest {
 protected:
  std::string Log() const { return "\n--- confabd ---\n" + Tail(dir_ / "confabd.log"); }
};

constexpr char kHelpFrom[] = "15552000001";
constexpr char kChatFrom[] = "15552000002";
constexpr char kLongFrom[] = "15552000003";
constexpr char kChatText[] = "Is the blue model back in stock";
constexpr std::string_view kLongParts[] = {
    "This is the first part of a long message from a customer who writes a lot, and it goes on "
    "and on for more than one hundred and fifty characters in total. ",
    "Here comes the second part, which the carrier sends last of all, after sending the third "
    "one twice and the first one once, as carriers sometimes do. ",
    "And this is the third and final part of the long message."};

TEST_F(RetransmitTest, RetransmittedMosAndPartsAreStoredOnceWithOneReply) {
  TestSmsc smsc;
  const absl::Status listening = smsc.Listen();
  ASSERT_TRUE(listening.ok()) << listening;

  const std::string config = WriteInboundConfig(dir_, smsc.port());
  Child daemon(CONFAB_DAEMON_PATH, {"--config", config}, dir_ / "confabd.log");
  const std::shared_ptr<smpp::Session> session = smsc.WaitBound(daemon);
  ASSERT_FALSE(daemon.exited()) << "confabd exited" << Log();
  ASSERT_NE(session, nullptr) << "confabd did not bind within 30 s" << Log();

  // 1. HELP, acknowledged, then the same deliver_sm again (a new sequence number).
  const Result first = Exchange(*session, Deliver(kHelpFrom, "HELP"));
  ASSERT_FALSE(first.ec) << first.ec.message() << Log();
  ASSERT_EQ(first.response.status(), CommandStatus::kOk)
      << "confabd answered a plain HELP with " << StatusText(first)
      << " — it refuses MOs (ESME_RX_T_APPN until the inbound pipeline lands)" << Log();
  const Result again = Exchange(*session, Deliver(kHelpFrom, "HELP"));
  EXPECT_EQ(StatusText(again), StatusText(first)) << "a retransmission is acknowledged";

  // 2. A conversation MO twice before any ack.
  std::future<Result> a = Send(*session, Deliver(kChatFrom, kChatText));
  std::future<Result> b = Send(*session, Deliver(kChatFrom, kChatText));
  const Result ra = Get(a);
  const Result rb = Get(b);
  EXPECT_EQ(StatusText(ra), StatusText(first));
  EXPECT_EQ(StatusText(rb), StatusText(first));

  // 3. A 3-part UDH message, parts in the order 3, 1, 3, 2, each after the previous ack.
  for (uint8_t part : {3, 1, 3, 2}) {
    const std::vector<uint8_t> udh = {0x05, 0x00, 0x03, 0x42, 0x03, part};
    const Result r = Exchange(*session, Deliver(kLongFrom, kLongParts[part - 1], 0, udh));
    EXPECT_EQ(StatusText(r), StatusText(first)) << "part " << int{part};
  }

  daemon.Signal(SIGTERM);
  ASSERT_EQ(daemon.WaitExit(30s), 0) << "confabd did not stop cleanly" << Log();
  std::string error;
  const std::optional<StoreContents> store = ReadStore(StorePath(dir_), error);
  ASSERT_TRUE(store.has_value()) << error;
  const std::string joined =
      std::string(kLongParts[0]) + std::string(kLongParts[1]) + std::string(kLongParts[2]);
  struct Want {
    std::string from;
    std::string text;
    store::MessageKind kind;
    int segments;
    std::string reply;
    store::MessageKind reply_kind;
  };
  const Want wants[] = {
      {kHelpFrom, "HELP", store::MessageKind::kKeyword, 1, kHelpReply,
       store::MessageKind::kKeywordReply},
      {kChatFrom, kChatText, store::MessageKind::kConversation, 1, kAutoReply,
       store::MessageKind::kAutoResponse},
      {kLongFrom, joined, store::MessageKind::kConversation, 3, kAutoReply,
       store::MessageKind::kAutoResponse},
  };
  EXPECT_EQ(store->inbound.size(), 3u);
  std::string reply_error;
  const std::vector<StoredReply> all_replies = Replies(*store, reply_error);
  EXPECT_EQ(reply_error, "");
  EXPECT_EQ(all_replies.size(), 3u);  // queued or already sent
  EXPECT_EQ(store->parts, 0u) << "the parts of the long message are deleted once it is stored";
  for (const Want& want : wants) {
    SCOPED_TRACE("from +" + want.from);
    int messages = 0;
    for (const StoredMessage& m : store->inbound) {
      if (ProfileText(m.key.thread) != "+" + want.from) {
        continue;
      }
      ++messages;
      EXPECT_EQ(BrandText(m.key.thread), kBrand);
      EXPECT_EQ(m.record.text, want.text);
      EXPECT_EQ(m.record.kind, want.kind);
      EXPECT_EQ(m.record.segments, want.segments);
      EXPECT_FALSE(m.record.incomplete);
    }
    EXPECT_EQ(messages, 1);
    int replies = 0;
    for (const StoredReply& o : all_replies) {
      if (ProfileText(o.key.thread) != "+" + want.from) {
        continue;
      }
      ++replies;
      EXPECT_EQ(o.message.text, want.reply);
      EXPECT_EQ(o.message.kind, want.reply_kind);
      EXPECT_EQ(o.message.direction, store::Direction::kOutbound);
    }
    EXPECT_EQ(replies, 1);
  }
}

}  // namespace
}  // namespace confab::testing
