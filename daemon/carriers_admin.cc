// Operator control of bind slots (CarrierBinds::Control): suspend, resume, drain.
//
// The operator's state of a slot lives in LinkState next to the slot's sessions, so Transmitters()
// (what the dispatcher submits on) and the listen side's admission read it under the same lock.
// A drain polls the slot's window on the carrier's executor: our submits are the dispatcher's,
// their responses are the session's, and neither reports to us, so a short poll is the simplest
// watcher; the response timeout bounds how long it runs.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "boost/asio/post.hpp"
#include "boost/asio/steady_timer.hpp"
#include "daemon/carriers.h"
#include "daemon/carriers_internal.h"

namespace confab {

using carriers_internal::Carrier;
using carriers_internal::LinkState;
using Admin = CarrierBinds::Admin;

namespace {

constexpr std::chrono::milliseconds kDrainPoll{10};

// One drain command over one or more slots: the last slot to finish runs `done`.
struct DrainGroup {
  std::mutex mutex;
  int pending = 0;
  absl::Status status;
  absl::AnyInvocable<void(absl::Status)> done;

  void Arrive(absl::Status slot_status) {
    absl::AnyInvocable<void(absl::Status)> ready;
    absl::Status result;
    {
      std::lock_guard lock(mutex);
      status.Update(std::move(slot_status));
      if (--pending > 0) {
        return;
      }
      ready = std::move(done);
      result = status;
    }
    if (ready) {
      ready(std::move(result));
    }
  }
};

// Waits until nothing we sent on a draining slot awaits a response, then unbinds it.
class DrainWatch : public std::enable_shared_from_this<DrainWatch> {
 public:
  DrainWatch(std::shared_ptr<Carrier> carrier, int slot, std::shared_ptr<DrainGroup> group)
      : carrier_(std::move(carrier)),
        slot_(slot),
        group_(std::move(group)),
        timer_(carrier_->executor) {}

  void Check() {
    LinkState& state = *carrier_->state;
    const Admin admin = state.admin(slot_);
    if (admin == Admin::kDrained) {
      group_->Arrive(absl::OkStatus());
      return;
    }
    if (admin != Admin::kDraining) {
      group_->Arrive(absl::CancelledError("resumed before the drain finished"));
      return;
    }
    if (state.SlotOutstanding(slot_) > 0) {
      timer_.expires_after(kDrainPoll);
      timer_.async_wait([self = shared_from_this()](boost::system::error_code) { self->Check(); });
      return;
    }
    Unbind();
  }

 private:
  void Unbind() {
    LinkState& state = *carrier_->state;
    if (state.listen()) {
      std::vector<std::shared_ptr<smpp::Session>> sessions = state.SessionsOf(slot_);
      auto left = std::make_shared<std::atomic<std::size_t>>(sessions.size());
      if (sessions.empty()) {
        Finish();
        return;
      }
      for (const auto& session : sessions) {
        // Unbind completions run on the session strands: count them down under no lock of ours.
        session->Unbind([self = shared_from_this(), left](std::error_code) {
          if (left->fetch_sub(1) == 1) {
            self->Finish();
          }
        });
      }
      return;
    }
    std::shared_ptr<smpp::EsmeClient> client;
    {
      // Under the carrier's lock, so that a resume either comes before (and we stop nothing)
      // or after (and starts a new client because this one is marked stopped).
      std::lock_guard lock(carrier_->mutex);
      if (carrier_->stopping || state.admin(slot_) != Admin::kDraining) {
        group_->Arrive(absl::CancelledError("resumed or stopping before the drain finished"));
        return;
      }
      client = carrier_->clients[slot_];
      carrier_->client_stopped[slot_] = true;
    }
    client->Stop([self = shared_from_this()] { self->Finish(); });
  }

  void Finish() {
    LinkState& state = *carrier_->state;
    if (state.FinishDrain(slot_)) {
      state.log().info("{} drained: unbound until resumed", state.Tag(slot_));
    }
    group_->Arrive(state.admin(slot_) == Admin::kDrained
                       ? absl::OkStatus()
                       : absl::CancelledError("resumed before the drain finished"));
  }

  std::shared_ptr<Carrier> carrier_;
  int slot_;
  std::shared_ptr<DrainGroup> group_;
  boost::asio::steady_timer timer_;
};

}  // namespace

std::string_view CarrierBinds::AdminName(Admin admin) {
  switch (admin) {
    case Admin::kActive:
      return "active";
    case Admin::kSuspended:
      return "suspended";
    case Admin::kDraining:
      return "draining";
    case Admin::kDrained:
      return "drained";
  }
  return "active";
}

absl::Status CarrierBinds::Control(std::string_view carrier_name, std::optional<uint32_t> bind,
                                   Command command,
                                   absl::AnyInvocable<void(absl::Status)> drained) {
  const std::string name(carrier_name);  // absl::StrCat takes no std::string_view here
  auto found = std::find_if(carriers_.begin(), carriers_.end(),
                            [&](const auto& c) { return c->state->config().name == name; });
  if (found == carriers_.end()) {
    return absl::NotFoundError(absl::StrCat("no carrier named \"", name, "\""));
  }
  const std::shared_ptr<Carrier>& carrier = *found;
  LinkState& state = *carrier->state;
  std::vector<int> slots;
  if (bind) {
    if (*bind >= static_cast<uint32_t>(state.slots())) {
      return absl::NotFoundError(absl::StrCat("carrier \"", name, "\" has no bind ", *bind,
                                              " (binds 0 to ", state.slots() - 1, ")"));
    }
    slots.push_back(static_cast<int>(*bind));
  } else {
    for (int slot = 0; slot < state.slots(); ++slot) {
      slots.push_back(slot);
    }
  }
  std::lock_guard lock(carrier->mutex);
  if (carrier->stopping) {
    return absl::UnavailableError("the carrier binds are stopping");
  }
  switch (command) {
    case Command::kSuspend:
      for (int slot : slots) {
        if (state.admin(slot) == Admin::kActive) {
          state.SetAdmin(slot, Admin::kSuspended);
          state.log().info("{} suspended by the operator", state.Tag(slot));
        }
      }
      return absl::OkStatus();
    case Command::kResume: {
      bool any = false;
      for (int slot : slots) {
        if (state.admin(slot) == Admin::kActive) {
          continue;
        }
        any = true;
        state.SetAdmin(slot, Admin::kActive);
        if (!state.listen() && carrier->client_stopped[slot]) {
          carrier->clients[slot] =
              carriers_internal::StartClient(carrier->executor, carrier->state, slot, {});
          carrier->client_stopped[slot] = false;
        }
        state.log().info("{} resumed by the operator", state.Tag(slot));
      }
      if (!any) {
        return absl::FailedPreconditionError(
            bind ? absl::StrCat("bind ", *bind, " of carrier \"", name, "\" is not suspended")
                 : absl::StrCat("no bind of carrier \"", name, "\" is suspended"));
      }
      return absl::OkStatus();
    }
    case Command::kDrain: {
      auto group = std::make_shared<DrainGroup>();
      group->pending = static_cast<int>(slots.size());
      group->done = std::move(drained);
      for (int slot : slots) {
        const Admin admin = state.admin(slot);
        if (admin == Admin::kActive || admin == Admin::kSuspended) {
          state.SetAdmin(slot, Admin::kDraining);
          state.log().info("{} draining by the operator", state.Tag(slot));
        }
        auto watch = std::make_shared<DrainWatch>(carrier, slot, group);
        boost::asio::post(carrier->executor, [watch] { watch->Check(); });
      }
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

}  // namespace confab
