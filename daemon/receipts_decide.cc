// Deciding receipts on the worker thread: reference and message record from the overlay (their
// writes in flight) or the store, both staged in the group's one batch or neither.

#include <utility>

#include "daemon/logging.h"
#include "daemon/receipts_internal.h"
#include "store/schema.h"

namespace confab::outbound {

void ReceiptProcessor::Impl::DecideGroup(std::vector<ReceiptWork> work) {
  auto group = std::make_shared<ReceiptGroup>();
  group->id = next_group++;
  store::WriteSet writes(handles);
  for (ReceiptWork& item : work) {
    if (Decide(item, *group, writes)) {
      group->answers.push_back(std::move(item.answer));
    }
  }
  if (group->answers.empty()) {
    return;  // everything was answered or parked
  }
  if (writes.empty() && in_flight == 0) {
    // Duplicates and intermediates decided against durable state only: nothing to wait for.
    for (ReceiptAnswer& answer : group->answers) {
      std::move(answer)(smpp::CommandStatus::kOk);
    }
    return;
  }
  // Even an empty batch goes through the committer when others are in flight: a duplicate
  // decided against an in-flight record is answered only once that record is durable.
  ++in_flight;
  absl::Status submitted =
      committer->Submit(writes.Release(), [this, group](absl::Status status) mutable {
        std::vector<ReceiptAnswer> answers = std::move(group->answers);
        // The worker learns of the outcome before any carrier does: a retransmission prompted
        // by a temporary error then finds the overlay already dropped.
        {
          std::lock_guard lock(mutex);
          committed.emplace_back(std::move(group), status);
        }
        wake.notify_one();
        if (!status.ok()) {
          counters.failed.Add(answers.size());
        }
        const smpp::CommandStatus answer =
            status.ok() ? smpp::CommandStatus::kOk : smpp::CommandStatus::kXTAppn;
        for (ReceiptAnswer& each : answers) {
          std::move(each)(answer);
        }
      });
  if (!submitted.ok()) {
    // Not queued (committer full or stopped): as if the commit failed.
    counters.failed.Add(group->answers.size());
    for (ReceiptAnswer& answer : group->answers) {
      std::move(answer)(smpp::CommandStatus::kXTAppn);
    }
    Retire(*group, submitted);
  }
}

bool ReceiptProcessor::Impl::Decide(ReceiptWork& work, ReceiptGroup& group,
                                    store::WriteSet& writes) {
  const auto fail = [&](const absl::Status& status) {
    Logger("receipts")
        ->warn("receipt for {} on route {} not processed: {}", work.id, work.route,
               status.ToString());
    counters.failed.Add();
    std::move(work.answer)(smpp::CommandStatus::kXTAppn);
    return false;
  };
  std::optional<store::CarrierRef> ref;
  if (auto it = refs.find(work.ref_key); it != refs.end()) {
    ref = it->second.value;
  } else {
    absl::StatusOr<std::optional<store::CarrierRef>> found =
        reader.FindCarrierRef(work.route, work.id);
    if (!found.ok()) {
      return fail(found.status());
    }
    ref = *found;
  }
  if (!ref) {
    Park(std::move(work));
    return false;
  }
  if (!work.state) {
    counters.intermediate.Add();
    return true;
  }
  if (store::IsFinal(ref->state)) {
    counters.duplicate.Add();
    return true;
  }
  std::string message_key = store::EncodeMessageKey(ref->message);
  std::optional<store::MessageRecord> record;
  if (auto it = messages.find(message_key); it != messages.end()) {
    record = it->second.value;
  } else {
    absl::StatusOr<std::optional<store::MessageRecord>> got = reader.GetMessage(ref->message);
    if (!got.ok()) {
      return fail(got.status());
    }
    record = *std::move(got);
  }
  counters.matched.Add();
  ref->state = *work.state;
  writes.PutCarrierRef(work.route, work.id, *ref);
  refs.insert_or_assign(work.ref_key, Pending<store::CarrierRef>{*ref, group.id});
  group.ref_keys.push_back(work.ref_key);
  if (!record) {
    // The dispatcher writes both in one batch, so this is damage: keep the part's state anyway.
    counters.orphan.Add();
    return true;
  }
  ApplyPartReceipt(*record, ref->parts, *work.state, work.error, Now());
  counters.State(record->delivery).Add();
  writes.PutMessage(ref->message, *record);
  messages.insert_or_assign(message_key,
                            Pending<store::MessageRecord>{*std::move(record), group.id});
  group.message_keys.push_back(std::move(message_key));
  return true;
}

void ReceiptProcessor::Impl::Park(ReceiptWork work) {
  const uint64_t now = Now();
  if (work.deadline_ms == 0) {
    bool stopping_now = false;
    {
      std::lock_guard lock(mutex);
      stopping_now = stopping;
    }
    if (stopping_now || parked_count.load() >= options.max_parked) {
      (stopping_now ? counters.failed : counters.park_full).Add();
      std::move(work.answer)(smpp::CommandStatus::kXTAppn);
      return;
    }
    counters.parked.Add();
    work.deadline_ms = now + static_cast<uint64_t>(options.park_time.count());
  } else if (work.deadline_ms <= now) {
    counters.expired_park.Add();
    std::move(work.answer)(smpp::CommandStatus::kXTAppn);
    return;
  }
  deadlines.emplace(work.deadline_ms, work.ref_key);
  std::string key = work.ref_key;
  parked[key].push_back(std::move(work));
  ++parked_count;
  counters.parked_now.Set(static_cast<int64_t>(parked_count.load()));
}

}  // namespace confab::outbound
