#include "bench/sim/echo_daemon.h"

#include <array>

#include "smpp/codec.h"
#include "smpp/receipt.h"
#include "smpp/segment.h"
#include "smpp/text_coding.h"

namespace confab::sim {
namespace {

constexpr std::array<std::string_view, 8> kOptOut = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL",
                                                     "END",  "QUIT",    "REVOKE",      "OPTOUT"};
constexpr std::array<std::string_view, 2> kHelp = {"HELP", "INFO"};
constexpr std::array<std::string_view, 3> kOptIn = {"START", "JOIN", "UNSTOP"};

template <std::size_t N>
bool In(const std::array<std::string_view, N>& list, std::string_view word) {
  for (std::string_view w : list) {
    if (w == word) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string_view KeywordCategory(std::string_view text) {
  std::string letters;
  for (char c : text) {
    if (c >= 'a' && c <= 'z') {
      letters.push_back(static_cast<char>(c - 'a' + 'A'));
    } else if (c >= 'A' && c <= 'Z') {
      letters.push_back(c);
    }
    if (letters.size() > 16) {
      return "";
    }
  }
  if (In(kOptOut, letters)) {
    return "optout";
  }
  if (In(kHelp, letters)) {
    return "help";
  }
  if (In(kOptIn, letters)) {
    return "optin";
  }
  return "";
}

std::shared_ptr<EchoDaemon> EchoDaemon::Start(boost::asio::any_io_executor executor,
                                              EchoDaemonOptions options) {
  std::shared_ptr<EchoDaemon> daemon(new EchoDaemon(std::move(options)));
  smpp::EsmeClientOptions client_options;
  client_options.host = daemon->options_.host;
  client_options.port = daemon->options_.port;
  client_options.credentials.system_id = daemon->options_.system_id;
  client_options.credentials.password = daemon->options_.password;
  client_options.session.window = daemon->options_.window;
  client_options.session.enquire_link_interval = smpp::Millis(0);
  client_options.reconnect_min = smpp::Millis(100);
  client_options.reconnect_max = smpp::Millis(1'000);
  daemon->client_ = smpp::EsmeClient::Create(executor, client_options, daemon);
  daemon->client_->Start();
  return daemon;
}

void EchoDaemon::Stop(std::function<void()> done) {
  auto self = shared_from_this();
  client_->Stop([self, done = std::move(done)]() mutable {
    self->client_.reset();  // breaks the client -> handler -> client cycle
    done();
  });
}

const std::string* EchoDaemon::ReplyFor(std::string_view text, std::string_view sender) {
  std::string_view category = KeywordCategory(text);
  std::lock_guard lock(mutex_);
  if (category == "optin") {
    opted_out_.erase(std::string(sender));
  }
  if (category == "optout") {
    if (!opted_out_.insert(std::string(sender)).second) {
      return nullptr;
    }
    return options_.wrong_optout_reply ? &options_.help_reply : &options_.optout_reply;
  }
  if (category == "help") {
    return &options_.help_reply;
  }
  if (category == "optin") {
    return &options_.optin_reply;
  }
  return nullptr;
}

void EchoDaemon::OnRequest(smpp::Session& session, const smpp::Pdu& request,
                           smpp::Responder responder) {
  const auto* deliver = std::get_if<smpp::DeliverSm>(&request.body);
  responder.Respond(smpp::CommandStatus::kOk);
  if (deliver == nullptr || smpp::IsDeliveryReceipt(deliver->esm_class)) {
    return;
  }
  mos_.fetch_add(1, std::memory_order_relaxed);
  if ((deliver->esm_class & smpp::esm_class::kUdhi) != 0) {
    return;  // parts of long (conversation) messages get no reply here
  }
  const std::string text = smpp::DecodeUserData(deliver->data_coding, deliver->UserData()).utf8;
  const std::string* reply = ReplyFor(text, deliver->source.addr);
  if (reply == nullptr) {
    return;
  }
  auto segmented = smpp::SegmentText(*reply, {}, [] { return uint16_t{1}; });
  if (!segmented.ok() || segmented->parts.size() != 1) {
    return;
  }
  smpp::SubmitSm submit;
  submit.source = deliver->destination;  // from the brand number …
  submit.destination = deliver->source;  // … to the subscriber
  submit.data_coding = segmented->data_coding;
  submit.short_message = segmented->parts[0].short_message;
  replies_.fetch_add(1, std::memory_order_relaxed);
  session.Submit(smpp::MakePdu(submit, 0), [](std::error_code, smpp::Response) {});
}

}  // namespace confab::sim
