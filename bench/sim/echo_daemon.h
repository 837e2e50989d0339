#pragma once

// A stand-in for confabd, for tests and the simulator's self-benchmark (`confab-sim
// echo-daemon`): an ESME that binds to the carrier, acknowledges every deliver_sm at once and
// answers single-part keyword MOs (STOP…, HELP…, START…, matched on their letters only; a
// second STOP from a number already opted out gets no text, as product §2 says) with a
// submit_sm from the brand number back to the sender. It classifies nothing else and stores
// nothing: it measures the simulator, not a daemon.

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

#include "boost/asio/any_io_executor.hpp"
#include "smpp/esme_client.h"

namespace confab::sim {

struct EchoDaemonOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 2775;
  std::string system_id = "confab";
  std::string password = "secret";
  std::size_t window = 64;
  std::string optout_reply = "Acme: You are unsubscribed and will get no more messages.";
  std::string help_reply =
      "Acme: Help at support@example.com. Msg & data rates may apply. Reply STOP to opt out.";
  std::string optin_reply =
      "Acme: You are subscribed to Acme alerts. Msg & data rates may apply. Reply STOP to opt "
      "out.";
  bool wrong_optout_reply = false;  // answer STOP with the help text (to test the checker)
};

class EchoDaemon : public smpp::SessionHandler, public std::enable_shared_from_this<EchoDaemon> {
 public:
  static std::shared_ptr<EchoDaemon> Start(boost::asio::any_io_executor executor,
                                           EchoDaemonOptions options);
  void Stop(std::function<void()> done);
  uint64_t mos_received() const { return mos_.load(); }
  uint64_t replies_sent() const { return replies_.load(); }

  void OnRequest(smpp::Session& session, const smpp::Pdu& request,
                 smpp::Responder responder) override;

 private:
  explicit EchoDaemon(EchoDaemonOptions options) : options_(std::move(options)) {}
  const std::string* ReplyFor(std::string_view text, std::string_view sender);

  EchoDaemonOptions options_;
  std::shared_ptr<smpp::EsmeClient> client_;
  std::atomic<uint64_t> mos_{0};
  std::atomic<uint64_t> replies_{0};
  std::mutex mutex_;
  std::unordered_set<std::string> opted_out_;  // like the daemon: a second STOP gets no text
};

// The keyword category of a text by its letters only ("Opt-out!" -> OPTOUT): "optout", "help",
// "optin" or "" — the stand-in's (and the interactive help's) notion, not the daemon's.
std::string_view KeywordCategory(std::string_view text);

}  // namespace confab::sim
