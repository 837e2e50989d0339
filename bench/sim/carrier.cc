#include "bench/sim/carrier.h"

#include <algorithm>

#include "boost/asio/steady_timer.hpp"
#include "fmt/format.h"
#include "smpp/codec.h"
#include "smpp/segment.h"
#include "smpp/udh.h"

namespace confab::sim {

using smpp::CommandStatus;

Carrier::Carrier(boost::asio::any_io_executor executor, CarrierOptions options, MtCallback on_mt)
    : executor_(std::move(executor)), options_(std::move(options)), on_mt_(std::move(on_mt)) {}

Carrier::~Carrier() = default;

absl::StatusOr<std::shared_ptr<Carrier>> Carrier::Start(boost::asio::any_io_executor executor,
                                                        CarrierOptions options, MtCallback on_mt) {
  std::shared_ptr<Carrier> carrier(new Carrier(executor, std::move(options), std::move(on_mt)));
  carrier->next_id_ = carrier->options_.message_id_base;
  const CarrierOptions& o = carrier->options_;
  if (o.mode == CarrierOptions::Mode::kSmsc) {
    smpp::SmscServerOptions server_options;
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(o.host, ec);
    if (ec) {
      return absl::InvalidArgumentError("bad listen address: " + o.host);
    }
    server_options.listen = {address, o.port};
    server_options.session = o.session;
    server_options.bind_burst = 0;  // a simulator takes every bind attempt
    server_options.shutdown_grace = smpp::Millis(1'000);
    std::weak_ptr<Carrier> weak = carrier;
    auto server = smpp::SmscServer::Listen(
        executor, server_options,
        [weak](const smpp::BindRequest& request) {
          auto self = weak.lock();
          return self ? self->Authenticate(request) : CommandStatus::kSysErr;
        },
        carrier);
    if (!server.ok()) {
      return server.status();
    }
    carrier->server_ = *server;
    carrier->port_ = carrier->server_->port();
  } else {
    smpp::EsmeClientOptions client_options;
    client_options.host = o.host;
    client_options.port = o.port;
    client_options.credentials.system_id = o.system_id;
    client_options.credentials.password = o.password;
    client_options.session = o.session;
    client_options.reconnect_min = smpp::Millis(200);
    client_options.reconnect_max = smpp::Millis(2'000);
    carrier->client_ = smpp::EsmeClient::Create(executor, client_options, carrier);
    carrier->client_->Start();
  }
  return carrier;
}

CommandStatus Carrier::Authenticate(const smpp::BindRequest& request) {
  std::lock_guard lock(mutex_);
  CommandStatus status = CommandStatus::kOk;
  if (options_.faults.refuse_bind != CommandStatus::kOk) {
    status = options_.faults.refuse_bind;
  } else if (request.system_id != options_.system_id) {
    status = CommandStatus::kInvSysId;
  } else if (request.password != options_.password) {
    status = CommandStatus::kInvPaswd;
  } else if (options_.faults.refuse_second_bind &&
             std::any_of(bound_.begin(), bound_.end(),
                         [](const auto& w) { return !w.expired(); })) {
    status = CommandStatus::kAlyBnd;
  }
  if (status != CommandStatus::kOk) {
    ++counters_.binds_refused;
  }
  return status;
}

CommandStatus Carrier::OnBind(smpp::Session& /*session*/, const smpp::BindRequest& request) {
  return Authenticate(request);
}

void Carrier::OnBound(smpp::Session& session) {
  std::lock_guard lock(mutex_);
  ++counters_.binds;
  bound_.push_back(session.weak_from_this());
  bound_cv_.notify_all();
}

void Carrier::OnClosed(smpp::Session& session, std::error_code /*reason*/) {
  std::vector<smpp::Responder> dropped;  // answering a closed session does nothing
  std::lock_guard lock(mutex_);
  std::erase_if(bound_, [&](const std::weak_ptr<smpp::Session>& w) {
    auto s = w.lock();
    return !s || s.get() == &session;
  });
  for (auto it = held_.begin(); it != held_.end();) {
    if (it->first == &session) {
      dropped.push_back(std::move(it->second));
      it = held_.erase(it);
    } else {
      ++it;
    }
  }
}

bool Carrier::bound() const {
  std::lock_guard lock(mutex_);
  return std::any_of(bound_.begin(), bound_.end(), [](const auto& w) { return !w.expired(); });
}

bool Carrier::WaitBound(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return bound_cv_.wait_for(lock, timeout, [&] {
    return std::any_of(bound_.begin(), bound_.end(), [](const auto& w) { return !w.expired(); });
  });
}

std::shared_ptr<smpp::Session> Carrier::PickSession() {
  std::lock_guard lock(mutex_);
  const bool esme = options_.mode == CarrierOptions::Mode::kEsme;
  for (std::size_t i = 0; i < bound_.size(); ++i) {
    auto session = bound_[(round_robin_ + i) % bound_.size()].lock();
    if (!session) {
      continue;
    }
    const smpp::SessionState state = session->state();
    const bool can_send =
        state == smpp::SessionState::kBoundTrx ||
        state == (esme ? smpp::SessionState::kBoundTx : smpp::SessionState::kBoundRx);
    if (can_send) {
      round_robin_ = (round_robin_ + i + 1) % bound_.size();
      return session;
    }
  }
  return nullptr;
}

void Carrier::Count(uint64_t CarrierCounters::*field, uint64_t n) {
  std::lock_guard lock(mutex_);
  counters_.*field += n;
}

CarrierCounters Carrier::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

void Carrier::Stop(std::function<void()> done) {
  {
    std::lock_guard lock(mutex_);
    held_.clear();
  }
  auto self = shared_from_this();
  if (server_) {
    server_->Stop([self, done = std::move(done)]() mutable {
      self->server_.reset();  // breaks the server -> handler -> server cycle
      done();
    });
  } else if (client_) {
    client_->Stop([self, done = std::move(done)]() mutable {
      self->client_.reset();
      done();
    });
  } else {
    done();
  }
}

}  // namespace confab::sim
