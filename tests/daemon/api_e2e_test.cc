// The admin API end to end (issue #5): the real confabd binds to an SMSC in this process. A
// subscriber opts in and writes; the conversation appears in the API's inbox; an agent replies
// through the API with a link; the SMSC receives the submit_sm with the link shortened; the
// SMSC's delivery receipt turns the reply "delivered" in the API's thread view. Every wait is
// for an event (an SMPP response, a submit_sm arriving, the runtime file being written).

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <cctype>
#include <fstream>

#include "boost/json/parse.hpp"
#include "tests/daemon/daemon_process.h"
#include "tests/daemon/inbound_test_util.h"
#include "tests/daemon/test_smsc.h"

namespace confab::testing {
namespace {

using smpp::CommandStatus;
using smpp::testing::Result;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

constexpr char kToken[] = "e2e-support-token-0123456789";
constexpr char kSubscriber[] = "15552000009";
constexpr char kShortDomain[] = "go.example.com";

// A deliver_sm from the subscriber to the brand, and the response.
Result Exchange(smpp::Session& session, std::string_view text, uint8_t esm_class = 0) {
  return confab::testing::Exchange(session, Deliver(kSubscriber, text, esm_class));
}

// The inbound suites' config with short links on and an agent's token.
std::string WriteConfig(const std::filesystem::path& dir, uint16_t carrier_port) {
  std::string config = ReadWhole(WriteInboundConfig(dir, carrier_port));
  auto replace = [&config](const std::string& from, const std::string& to) {
    const std::size_t at = config.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    config.replace(at, from.size(), to);
  };
  replace("[links]\nenabled = false\n",
          std::string("[links]\nshort_domain = \"") + kShortDomain + "\"\nport = 0\n");
  replace("link_shortening = false", "link_shortening = true");
  config += std::string("\n[[admin.token]]\nname = \"agent\"\ntoken = \"") + kToken +
            "\"\nrole = \"support\"\n";
  const std::string path = (dir / "confab.toml").string();
  std::ofstream(path, std::ios::trunc) << config;
  return path;
}

class ApiEndToEndTest : public DirTest {
 protected:
  std::string Log() const { return "\n--- confabd ---\n" + Tail(dir_ / "confabd.log"); }
};

TEST_F(ApiEndToEndTest, MoConversationReplyWithShortLinkAndReceiptSeenThroughTheApi) {
  TestSmsc smsc;
  const absl::Status listening = smsc.Listen();
  ASSERT_TRUE(listening.ok()) << listening;

  const std::string config = WriteConfig(dir_, smsc.port());
  const std::filesystem::path runtime = dir_ / "runtime.json";
  Child daemon(CONFAB_DAEMON_PATH, {"--config", config, "--runtime-file", runtime.string()},
               dir_ / "confabd.log");
  const std::shared_ptr<smpp::Session> session = smsc.WaitBound(daemon);
  ASSERT_NE(session, nullptr) << "confabd did not bind" << Log();
  ASSERT_TRUE(WaitForChange(
      dir_, [&] { return ReadWhole(runtime).find("\"admin\"") != std::string::npos; }, 30s,
      &daemon))
      << Log();
  const std::string endpoint =
      boost::json::parse(ReadWhole(runtime)).at("admin").as_string().c_str();
  const int port = std::stoi(endpoint.substr(endpoint.rfind(':') + 1));
  const std::string thread_path = std::string("/v1/conversations/") + kBrand + "/+" + kSubscriber;

  // Before anything: no such conversation; no token → 401.
  EXPECT_EQ(HttpGet(port, thread_path).status, 401);
  EXPECT_EQ(HttpGet(port, thread_path, kToken).status, 404);

  // The subscriber opts in, then writes: one open, unread conversation.
  ASSERT_EQ(Exchange(*session, "START").response.status(), CommandStatus::kOk) << Log();
  ASSERT_EQ(Exchange(*session, "Where is my order?").response.status(), CommandStatus::kOk);
  const HttpResult inbox = HttpGet(port, "/v1/conversations?state=open&unread=true", kToken);
  ASSERT_EQ(inbox.status, 200) << inbox.body;
  const auto conversations = boost::json::parse(inbox.body).at("conversations").as_array();
  ASSERT_EQ(conversations.size(), 1u) << inbox.body;
  EXPECT_EQ(conversations[0].at("profile").as_string(), std::string("+") + kSubscriber);
  EXPECT_EQ(HttpGet(port, "/v1/unread", kToken).status, 200);

  // The agent replies with a link: the answer shows the shortened text.
  const HttpResult reply = HttpSend(
      port, "POST", thread_path + "/replies",
      R"({"text": "It ships today. Track it at https://shop.example.com/orders/12345?ref=sms"})",
      kToken);
  ASSERT_EQ(reply.status, 200) << reply.body << Log();
  EXPECT_THAT(reply.body, HasSubstr(std::string("https://") + kShortDomain + "/"));
  EXPECT_THAT(reply.body, Not(HasSubstr("shop.example.com")));

  // The carrier receives it with the short link.
  const auto submit =
      smsc.WaitSubmit(std::string("Track it at https://") + kShortDomain + "/", 30s);
  ASSERT_TRUE(submit.has_value()) << "no submit_sm with a short link" << Log();
  // The short link ends the text: the domain, '/', and an 8-character base62 code.
  const std::string prefix = std::string("https://") + kShortDomain + "/";
  const std::string code = submit->text.substr(submit->text.rfind(prefix) + prefix.size());
  EXPECT_EQ(code.size(), 8u) << submit->text;
  EXPECT_TRUE(std::all_of(code.begin(), code.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
  })) << submit->text;

  // Its receipt: answered once applied, so the thread view shows it at once.
  const std::string receipt = "id:" + submit->id +
                              " sub:001 dlvrd:001 submit date:2611242200 done date:2611242201 "
                              "stat:DELIVRD err:000 text:It ships today";
  ASSERT_EQ(Exchange(*session, receipt, smpp::esm_class::kTypeDeliveryReceipt).response.status(),
            CommandStatus::kOk)
      << Log();
  const HttpResult thread = HttpGet(port, thread_path, kToken);
  ASSERT_EQ(thread.status, 200) << thread.body;
  bool delivered_reply = false;
  const boost::json::value thread_view = boost::json::parse(thread.body);
  for (const auto& message : thread_view.at("messages").as_array()) {
    if (message.at("kind").as_string() == "agent_reply") {
      EXPECT_EQ(message.at("delivery").as_string(), "delivered") << thread.body;
      EXPECT_THAT(std::string(message.at("text").as_string()), HasSubstr(kShortDomain));
      delivered_reply = true;
    }
  }
  EXPECT_TRUE(delivered_reply) << thread.body;

  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.WaitExit(30s), 0) << Log();
}

}  // namespace
}  // namespace confab::testing
