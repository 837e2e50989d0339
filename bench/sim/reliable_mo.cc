#include "bench/sim/reliable_mo.h"

#include <algorithm>
#include <mutex>
#include <vector>

#include "boost/asio/steady_timer.hpp"

namespace confab::sim {

using smpp::CommandStatus;

PartOutcome ClassifyPart(std::error_code error, CommandStatus status) {
  if (error) {
    return PartOutcome::kTemporary;
  }
  switch (status) {
    case CommandStatus::kOk:
      return PartOutcome::kAcked;
    case CommandStatus::kXTAppn:
    case CommandStatus::kThrottled:
    case CommandStatus::kMsgQFul:
    case CommandStatus::kSysErr:
      return PartOutcome::kTemporary;
    default:
      return PartOutcome::kPermanent;
  }
}

namespace {

// One MO in flight. Part completions arrive on session strands (possibly of different sessions
// across rounds, never concurrently within one round's bookkeeping thanks to the mutex).
class ReliableMo : public std::enable_shared_from_this<ReliableMo> {
 public:
  ReliableMo(std::shared_ptr<Carrier> carrier, std::shared_ptr<const PreparedMo> mo,
             ReliableOptions options, std::function<void(const ReliableResult&)> done)
      : carrier_(std::move(carrier)),
        mo_(std::move(mo)),
        options_(std::move(options)),
        done_(std::move(done)),
        acked_(mo_->parts.size(), false),
        timer_(carrier_->executor()) {}

  void Round() {
    if (options_.abandon && options_.abandon()) {
      Finish();
      return;
    }
    if (!carrier_->bound()) {  // wait for the daemon to bind again
      RetryLater();
      return;
    }
    std::vector<std::size_t> to_send;
    {
      std::lock_guard lock(mutex_);
      for (std::size_t i = 0; i < acked_.size(); ++i) {
        if (!acked_[i]) {
          to_send.push_back(i);
        }
      }
      outstanding_ = to_send.size();
      if (result_.rounds++ > 0) {
        result_.parts_retransmitted += static_cast<uint32_t>(to_send.size());
      }
    }
    for (std::size_t index : to_send) {
      carrier_->SendPart(mo_, index,
                         [self = shared_from_this(), index](std::error_code ec, CommandStatus s) {
                           self->OnPart(index, ec, s);
                         });
    }
  }

 private:
  void OnPart(std::size_t index, std::error_code ec, CommandStatus status) {
    const PartOutcome outcome = ClassifyPart(ec, status);
    if (outcome != PartOutcome::kAcked && options_.on_failure) {
      options_.on_failure(ec, status);
    }
    {
      std::lock_guard lock(mutex_);
      if (outcome == PartOutcome::kAcked) {
        acked_[index] = true;
      } else if (outcome == PartOutcome::kPermanent && result_.permanent == CommandStatus::kOk) {
        result_.permanent = status;
      }
      if (--outstanding_ > 0) {
        return;
      }
    }
    // The round is complete.
    if (result_.permanent != CommandStatus::kOk ||
        std::all_of(acked_.begin(), acked_.end(), [](bool b) { return b; })) {
      Finish();
    } else {
      RetryLater();
    }
  }

  void RetryLater() {
    timer_.expires_after(options_.retry_delay);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code) { self->Round(); });
  }

  void Finish() {
    result_.acked = std::all_of(acked_.begin(), acked_.end(), [](bool b) { return b; });
    auto done = std::move(done_);
    done(result_);
  }

  std::shared_ptr<Carrier> carrier_;
  std::shared_ptr<const PreparedMo> mo_;
  ReliableOptions options_;
  std::function<void(const ReliableResult&)> done_;
  std::mutex mutex_;
  std::vector<bool> acked_;
  std::size_t outstanding_ = 0;
  ReliableResult result_;
  boost::asio::steady_timer timer_;
};

}  // namespace

void SendReliably(std::shared_ptr<Carrier> carrier, std::shared_ptr<const PreparedMo> mo,
                  ReliableOptions options, std::function<void(const ReliableResult&)> done) {
  auto state = std::make_shared<ReliableMo>(std::move(carrier), std::move(mo), std::move(options),
                                            std::move(done));
  state->Round();
}

}  // namespace confab::sim
