// Listen mode: the carrier binds in to Confab's SMPP server as an ESME.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "boost/asio/ip/address.hpp"
#include "daemon/carriers_internal.h"
#include "smpp/types.h"

namespace confab::carriers_internal {

namespace {

// Equality whose time depends on the lengths only, not on where the first difference is, so the
// password cannot be guessed one character at a time from response times.
bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  const std::size_t n = std::max(a.size(), b.size());
  unsigned diff = a.size() == b.size() ? 0u : 1u;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned>(x ^ y);
  }
  return diff == 0;
}

}  // namespace

smpp::CommandStatus LinkState::Authenticate(const smpp::BindRequest& request) {
  // The socket admits the union of its carriers' networks; each carrier only its own.
  if (!networks_.Allows(request.peer.address())) {
    return smpp::CommandStatus::kBindFail;
  }
  if (request.system_id != config_.system_id) {
    return smpp::CommandStatus::kInvSysId;
  }
  if (!ConstantTimeEquals(request.password, config_.password)) {
    return smpp::CommandStatus::kInvPaswd;
  }
  // The slot is reserved now and taken in Bound(), which the session calls right after this on
  // the same strand; Closed() gives it back.
  std::lock_guard lock(mutex_);
  const auto open = std::count_if(admin_.begin(), admin_.end(), AdmitsBinds);
  if (open == 0) {
    return smpp::CommandStatus::kBindFail;  // every slot drained by the operator
  }
  if (reserved_ >= open) {
    return smpp::CommandStatus::kAlyBnd;
  }
  ++reserved_;
  return smpp::CommandStatus::kOk;
}

void LinkState::OnListenEvent(const smpp::SessionEvent& event) {
  using Kind = smpp::SessionEvent::Kind;
  if (event.kind == Kind::kProtocolError) {
    log_->warn("{} protocol error from the carrier ({}); closing the session", Tag(kAssignOnBind),
               smpp::CommandStatusName(event.status));
    return;
  }
  if (event.kind != Kind::kBindRefused) {
    return;  // connects are not news; bound and closed are logged by Bound() / Closed()
  }
  bind_failures_.Add();
  bool changed = false;
  {
    std::lock_guard lock(mutex_);
    changed = event.status != last_refusal_;
    last_refusal_ = event.status;
  }
  // A carrier retrying with a wrong password costs one warning, not one per attempt.
  if (changed) {
    log_->warn("{} refused a bind (system_id \"{}\"): {}", Tag(kAssignOnBind), event.detail,
               smpp::CommandStatusName(event.status));
  } else {
    log_->debug("{} refused a bind (system_id \"{}\"): {}", Tag(kAssignOnBind), event.detail,
                smpp::CommandStatusName(event.status));
  }
}

namespace {

// The handler of one listening socket, shared by the listen carriers configured on the same
// host:port: a bound session belongs to the carrier whose system_id it bound with (the session
// lets no request but a bind through before that).
class ListenerHandler final : public smpp::SessionHandler {
 public:
  explicit ListenerHandler(std::vector<std::shared_ptr<LinkState>> carriers)
      : carriers_(std::move(carriers)) {}

  // The carrier for `system_id`; null when none has it.
  LinkState* Find(std::string_view system_id) const {
    for (const auto& carrier : carriers_) {
      if (carrier->config().system_id == system_id) {
        return carrier.get();
      }
    }
    return nullptr;
  }
  smpp::CommandStatus Authenticate(const smpp::BindRequest& request) const {
    LinkState* carrier = Find(request.system_id);
    return carrier ? carrier->Authenticate(request) : smpp::CommandStatus::kInvSysId;
  }
  void OnEvent(const smpp::SessionEvent& event) const {
    // Refusals name the system_id tried; an unknown one is told to the first carrier.
    LinkState* carrier = Find(event.detail);
    (carrier ? carrier : carriers_.front().get())->OnListenEvent(event);
  }

  void OnRequest(smpp::Session& session, const smpp::Pdu& request,
                 smpp::Responder responder) override {
    if (LinkState* carrier = Find(session.peer_system_id())) {
      carrier->OnRequest(kAssignOnBind, session, request, std::move(responder));
    }  // else: dropping the responder answers ESME_RSYSERR (cannot happen once bound)
  }
  void OnBound(smpp::Session& session) override {
    if (LinkState* carrier = Find(session.peer_system_id())) {
      carrier->Bound(session, kAssignOnBind);
    }
  }
  void OnClosed(smpp::Session& session, std::error_code reason) override {
    if (LinkState* carrier = Find(session.peer_system_id())) {
      carrier->Closed(session, reason);  // ignores sessions it never bound
    }
  }

 private:
  std::vector<std::shared_ptr<LinkState>> carriers_;
};

// Opens one listening socket for `group` (carriers with the same host and port).
absl::Status Listen(boost::asio::any_io_executor executor,
                    const std::vector<std::shared_ptr<Carrier>>& group) {
  const config::CarrierConfig& config = group.front()->state->config();
  boost::system::error_code ec;
  boost::asio::ip::address address = boost::asio::ip::address_v4::any();
  if (!config.host.empty()) {
    address = boost::asio::ip::make_address(config.host, ec);
  }
  if (ec) {
    return absl::InvalidArgumentError(absl::StrCat("carrier ", config.name, ": listen address \"",
                                                   config.host, "\" is not an IP address"));
  }
  std::vector<std::shared_ptr<LinkState>> states;
  std::vector<std::string> networks;
  std::string names;
  for (const auto& carrier : group) {
    absl::StatusOr<smpp::AllowedNetworks> own =
        smpp::AllowedNetworks::Parse(carrier->state->config().allowed_networks);
    if (!own.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("carrier ", carrier->state->config().name,
                       ": allowed_networks: ", own.status().message()));
    }
    carrier->state->SetAllowedNetworks(*std::move(own));
    states.push_back(carrier->state);
    const auto& allowed = carrier->state->config().allowed_networks;
    networks.insert(networks.end(), allowed.begin(), allowed.end());
    absl::StrAppend(&names, names.empty() ? "" : ", ", carrier->state->config().name);
  }
  auto handler = std::make_shared<ListenerHandler>(std::move(states));
  smpp::SmscServerOptions options;
  options.listen = boost::asio::ip::tcp::endpoint(address, static_cast<uint16_t>(config.port));
  // Session knobs come from the first carrier of the socket; they apply before the bind says
  // which carrier a session is.
  options.session = SessionOptionsFor(config);
  options.session.on_event = [handler](const smpp::SessionEvent& event) {
    handler->OnEvent(event);
  };
  options.allowed_networks = std::move(networks);  // the union: each carrier lists its own
  // Sessions get their unbind exchange; the daemon's shutdown_grace bounds the whole stop.
  options.shutdown_grace = options.session.unbind_grace + smpp::Millis(500);
  auto server = smpp::SmscServer::Listen(
      executor, std::move(options),
      [handler](const smpp::BindRequest& request) { return handler->Authenticate(request); },
      handler);
  if (!server.ok()) {
    return absl::Status(server.status().code(),
                        absl::StrCat("carrier ", names, ": ", server.status().message()));
  }
  for (const auto& carrier : group) {
    carrier->server = *server;
    carrier->state->log().info("{} listening on {}:{} for up to {} bind{}",
                               carrier->state->Tag(kAssignOnBind), address.to_string(),
                               (*server)->port(), carrier->state->config().binds,
                               carrier->state->config().binds == 1 ? "" : "s");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status StartListeners(boost::asio::any_io_executor executor,
                            const std::vector<std::shared_ptr<Carrier>>& carriers) {
  // Carriers on the same host and port share a socket (config allows it, told apart by
  // system_id); port 0 means a socket of its own.
  std::vector<std::vector<std::shared_ptr<Carrier>>> groups;
  for (const auto& carrier : carriers) {
    const config::CarrierConfig& config = carrier->state->config();
    if (!carrier->state->listen()) {
      continue;
    }
    auto same = std::find_if(groups.begin(), groups.end(), [&](const auto& group) {
      const config::CarrierConfig& first = group.front()->state->config();
      return config.port != 0 && first.port == config.port && first.host == config.host;
    });
    if (same == groups.end()) {
      groups.push_back({carrier});
    } else {
      same->push_back(carrier);
    }
  }
  for (const auto& group : groups) {
    RETURN_IF_ERROR(Listen(executor, group));
  }
  return absl::OkStatus();
}

}  // namespace confab::carriers_internal
