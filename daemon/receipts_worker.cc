// The receipt processor's worker thread: decides receipts in order against the overlay of
// in-flight records, parks the early ones, and recovers from failed commits the way the inbound
// pipeline does (hold_after_failure: drain, forget the overlay, resume from what is durable).

#include <algorithm>
#include <iterator>
#include <utility>

#include "daemon/logging.h"
#include "daemon/receipts_internal.h"
#include "store/schema.h"

namespace confab::outbound {
namespace {

std::string_view StateName(store::DeliveryState state) {
  static constexpr std::string_view kNames[] = {"received",  "queued",      "deferred", "submitted",
                                                "delivered", "undelivered", "failed",   "expired",
                                                "rejected",  "unknown"};
  const auto index = static_cast<std::size_t>(state);
  return index < std::size(kNames) ? kNames[index] : "invalid";
}

}  // namespace

ReceiptCounters::ReceiptCounters(metrics::Registry& r)
    : registry(r),
      matched(Outcome("matched")),
      intermediate(Outcome("intermediate")),
      duplicate(Outcome("duplicate")),
      parked(Outcome("parked")),
      park_full(Outcome("park_full")),
      expired_park(Outcome("expired_park")),
      unknown_format(Outcome("unknown_format")),
      orphan(Outcome("orphan")),
      throttled(Outcome("throttled")),
      failed(Outcome("failed")),
      parked_now(r.GetGauge("confab_receipts_parked",
                            "Early delivery receipts waiting for their carrier reference")) {}

metrics::Counter& ReceiptCounters::Outcome(std::string_view outcome) {
  return registry.GetCounter("confab_receipts_total", "Delivery receipts, by what became of them",
                             {{"outcome", std::string(outcome)}});
}

metrics::Counter& ReceiptCounters::State(store::DeliveryState state) {
  return registry.GetCounter("confab_receipt_states_total",
                             "Messages updated by a receipt, by their resulting state",
                             {{"state", std::string(StateName(state))}});
}

ReceiptProcessor::Impl::Impl(const store::KvSource& source, const store::CfHandles& cf_handles,
                             MakeCommitter make_committer, ReceiptOptions receipt_options,
                             metrics::Registry& metrics)
    : options(std::move(receipt_options)), counters(metrics), reader(source), handles(cf_handles) {
  store::GroupCommitOptions commit = options.commit;
  commit.hold_after_failure = true;  // later batches build on the earlier ones' overlay
  committer = make_committer(commit);
}

void ReceiptProcessor::Impl::Enqueue(ReceiptWork work) {
  std::optional<smpp::CommandStatus> refused;
  {
    std::lock_guard lock(mutex);
    if (stopping) {
      refused = smpp::CommandStatus::kXTAppn;
      counters.failed.Add();
    } else if (queue.size() >= options.queue_capacity) {
      refused = smpp::CommandStatus::kThrottled;
      counters.throttled.Add();
    } else {
      queue.push_back(std::move(work));
    }
  }
  if (refused) {
    std::move(work.answer)(*refused);
    return;
  }
  wake.notify_one();
}

void ReceiptProcessor::Impl::Run() {
  for (;;) {
    std::vector<ReceiptWork> work;
    std::deque<std::pair<std::shared_ptr<ReceiptGroup>, absl::Status>> done;
    std::deque<std::pair<uint32_t, std::vector<std::string>>> ids;
    {
      std::unique_lock lock(mutex);
      const auto can_decide = [this] {
        return in_flight < options.max_in_flight && !reset_pending;
      };
      const auto ready = [&] {
        return !committed.empty() || !stored.empty() || expire_requested ||
               (!queue.empty() && can_decide()) || (stopping && in_flight == 0);
      };
      if (const std::optional<uint64_t> next = NextDeadline()) {
        const uint64_t now = Now();
        wake.wait_for(lock, std::chrono::milliseconds(*next > now ? *next - now : 0), ready);
      } else {
        wake.wait(lock, ready);
      }
      deciding = true;
      ++passes;
      done.swap(committed);
      ids.swap(stored);
      expire_requested = false;  // a wake-up only: the pass below checks the deadlines anyway
      while (!queue.empty() && can_decide() && work.size() < options.max_group) {
        work.push_back(std::move(queue.front()));
        queue.pop_front();
      }
    }
    for (auto& [group, status] : done) {
      Retire(*group, status);
    }
    std::vector<ReceiptWork> retry;
    for (auto& [route, list] : ids) {
      Unpark(route, list, retry);
    }
    // The park timer: due by the clock whether the worker woke for it or for anything else.
    Expire(Now(), /*all=*/false);
    std::move(work.begin(), work.end(), std::back_inserter(retry));
    if (!retry.empty()) {
      DecideGroup(std::move(retry));
    }
    bool finished = false;
    {
      std::lock_guard lock(mutex);
      deciding = false;
      finished = stopping && queue.empty() && committed.empty() && in_flight == 0;
    }
    if (finished) {
      Expire(0, /*all=*/true);
      return;
    }
  }
}

void ReceiptProcessor::Impl::Retire(const ReceiptGroup& group, const absl::Status& status) {
  --in_flight;
  if (status.ok()) {
    for (const std::string& key : group.ref_keys) {
      auto it = refs.find(key);
      if (it != refs.end() && it->second.group == group.id) {
        refs.erase(it);  // durable now, and no later group changed it
      }
    }
    for (const std::string& key : group.message_keys) {
      auto it = messages.find(key);
      if (it != messages.end() && it->second.group == group.id) {
        messages.erase(it);
      }
    }
  } else if (!reset_pending) {
    Logger("receipts")
        ->error("commit failed, receipts answered with a temporary error: {}", status.ToString());
    reset_pending = true;
  }
  if (reset_pending && in_flight == 0) {
    // Every batch behind the failed one failed too: start again from what is durable.
    refs.clear();
    messages.clear();
    reset_pending = false;
    committer->Resume();
  }
}

void ReceiptProcessor::Impl::Unpark(uint32_t route, const std::vector<std::string>& ids,
                                    std::vector<ReceiptWork>& out) {
  for (const std::string& id : ids) {
    auto it = parked.find(store::CarrierRefKey(route, id));
    if (it == parked.end()) {
      continue;
    }
    parked_count -= it->second.size();
    for (ReceiptWork& work : it->second) {
      out.push_back(std::move(work));
    }
    parked.erase(it);
  }
  counters.parked_now.Set(static_cast<int64_t>(parked_count.load()));
}

void ReceiptProcessor::Impl::Expire(uint64_t now_ms, bool all) {
  while (!deadlines.empty() && (all || deadlines.begin()->first <= now_ms)) {
    const std::string key = std::move(deadlines.begin()->second);
    deadlines.erase(deadlines.begin());
    auto it = parked.find(key);
    if (it == parked.end()) {
      continue;  // stale: decided again since
    }
    std::vector<ReceiptWork>& list = it->second;
    for (auto work = list.begin(); work != list.end();) {
      if (!all && work->deadline_ms > now_ms) {
        ++work;
        continue;
      }
      (all ? counters.failed : counters.expired_park).Add();
      ReceiptAnswer answer = std::move(work->answer);
      work = list.erase(work);
      --parked_count;  // before the answer: whoever gets it sees the count without it
      std::move(answer)(smpp::CommandStatus::kXTAppn);  // the carrier retransmits later
    }
    if (list.empty()) {
      parked.erase(it);
    }
  }
  counters.parked_now.Set(static_cast<int64_t>(parked_count.load()));
}

std::optional<uint64_t> ReceiptProcessor::Impl::NextDeadline() const {
  if (deadlines.empty()) {
    return std::nullopt;
  }
  return deadlines.begin()->first;
}

}  // namespace confab::outbound
