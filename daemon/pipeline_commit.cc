// The decider's groups on their way to the store and back: submitting, retiring what a durable
// group had in flight, recovering from a failed commit; the due timers; the unread count.

#include <utility>

#include "absl/strings/numbers.h"
#include "base/status_macros.h"
#include "daemon/logging.h"
#include "daemon/pipeline_internal.h"

namespace confab::pipeline {
namespace {

constexpr std::size_t kTimersPerPass = 256;

metrics::Counter& Outcome(metrics::Registry& registry, std::string_view outcome) {
  return registry.GetCounter("confab_inbound_total",
                             "Inbound requests from carriers, by what became of them",
                             {{"outcome", std::string(outcome)}});
}

}  // namespace

Counters::Counters(metrics::Registry& r)
    : opt_out(Outcome(r, "opt_out")),
      opt_in(Outcome(r, "opt_in")),
      help(Outcome(r, "help")),
      conversation(Outcome(r, "conversation")),
      duplicate(Outcome(r, "duplicate")),
      part_stored(Outcome(r, "part_stored")),
      incomplete(r.GetCounter("confab_inbound_incomplete_total",
                              "Long messages delivered with parts missing after the timeout")),
      throttled(Outcome(r, "throttled")),
      refused(Outcome(r, "refused")),
      failed(Outcome(r, "failed")),
      receipts(Outcome(r, "receipt")),
      keyword_replies(r.GetCounter("confab_replies_queued_total", "Replies queued by the pipeline",
                                   {{"kind", "keyword_reply"}})),
      auto_responses(r.GetCounter("confab_replies_queued_total", "Replies queued by the pipeline",
                                  {{"kind", "auto_response"}})),
      attributed(r.GetCounter("confab_inbound_attributed_total",
                              "Inbound messages attributed to a campaign or flow")),
      snooze_wakes(r.GetCounter("confab_snooze_wakes_total",
                                "Snoozed conversations reopened by their timer")),
      groups(r.GetCounter("confab_commit_groups_total", "Batches the pipeline committed")),
      profile_cache_hits(r.GetCounter("confab_profile_cache_total",
                                      "Profile reads of the pipeline, by where they were found",
                                      {{"result", "hit"}})),
      profile_cache_misses(r.GetCounter("confab_profile_cache_total",
                                        "Profile reads of the pipeline, by where they were found",
                                        {{"result", "miss"}})),
      commit_seconds(r.GetHistogram("confab_commit_seconds",
                                    "Pipeline batch: handed to the committer until durable",
                                    metrics::LatencyBuckets())),
      ack_seconds(r.GetHistogram("confab_inbound_ack_seconds",
                                 "Carrier request accepted until answered (deliver_sm → resp)",
                                 metrics::LatencyBuckets())),
      group_size(r.GetHistogram("confab_commit_group_messages", "Messages per committed batch",
                                {1, 10, 50, 100, 250, 500, 1000, 2500, 5000})) {}

void Pipeline::Decider::Submit(
    const std::shared_ptr<Group>& group, store::GroupCommitter& committer,
    std::function<void(const std::shared_ptr<Group>&, const absl::Status&)> done) {
  if (!group->poisoned.ok()) {
    // Half of something is staged: nothing of the group is written. Everyone gets a temporary
    // error (carriers retransmit); the decider starts again from what is durable once the
    // groups before it are done.
    Logger("pipeline")
        ->error("group of {} refused: {}", group->messages, group->poisoned.ToString());
    group->Answer(absl::UnavailableError(group->poisoned.message()), counters_);
    reset_pending_ = true;
    if (in_flight_ == 0) {
      Reset();
    }
    return;
  }
  if (group->empty()) {
    return;
  }
  group->submitted = std::chrono::steady_clock::now();
  ++in_flight_;
  timers_in_flight_ = timers_in_flight_ || group->timers;
  absl::Status submitted = committer.Submit(
      group->writes.Release(),
      [group, done = std::move(done)](absl::Status status) { done(group, status); });
  if (!submitted.ok()) {
    // Not queued (the committer is stopping): nobody else will answer.
    --in_flight_;
    timers_in_flight_ = timers_in_flight_ && !group->timers;
    group->Answer(absl::UnavailableError(submitted.message()), counters_);
    reset_pending_ = true;
    if (in_flight_ == 0) {
      Reset();
    }
  }
}

void Pipeline::Decider::Retire(const Group& group, const absl::Status& status,
                               store::GroupCommitter& committer) {
  --in_flight_;
  if (group.timers) {
    timers_in_flight_ = false;
  }
  counters_.groups.Add();
  counters_.commit_seconds.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - group.submitted).count());
  counters_.group_size.Observe(static_cast<double>(group.messages));
  if (status.ok()) {
    for (const store::ThreadId& thread : group.threads) {
      auto it = profiles_.find(thread);
      if (it != profiles_.end() && it->second.group == group.id) {
        KeepDurable(thread, std::move(it->second.record));
        profiles_.erase(it);
      }
    }
    parts.Retire(group.id, group.part_keys);
  } else if (!reset_pending_) {
    // Every batch behind this one fails too (hold_after_failure): once they are all back, start
    // again from what is durable.
    Logger("pipeline")
        ->error(
            "commit failed, {} messages answered with a temporary "
            "error: {}",
            group.messages, status.ToString());
    reset_pending_ = true;
  }
  if (reset_pending_ && in_flight_ == 0) {
    Reset();
    committer.Resume();
  }
}

void Pipeline::Decider::Reset() {
  profiles_.clear();
  durable_profiles_.Clear();
  parts.Clear();
  timers_in_flight_ = false;
  reset_pending_ = false;
}

void Pipeline::Decider::RunTimers(Group& group, const BrandDirectory& brands) {
  if (timers_in_flight_) {
    return;  // their deletes are not durable yet: they would be found again
  }
  const uint64_t now = options.clock();
  absl::StatusOr<std::vector<std::pair<store::TimerKey, store::TimerRecord>>> due =
      reader.DueTimers(now, kTimersPerPass);
  if (!due.ok()) {
    Logger("pipeline")->warn("reading due timers: {}", due.status().ToString());
    return;
  }
  for (const auto& [key, timer] : *due) {
    if (key.kind != store::TimerKind::kSnoozeWake) {
      continue;  // deferred sends belong to the outbound path
    }
    absl::StatusOr<std::optional<store::ProfileRecord>> before = Profile(key.thread);
    if (!before.ok()) {
      return;
    }
    group.writes.DeleteTimer(key);
    group.timers = true;
    // A timer set for an earlier snooze (the conversation was reopened or snoozed again since)
    // is stale: its payload no longer matches.
    if (*before && (*before)->state == store::ConversationState::kSnoozed &&
        (*before)->snooze_until_ms == timer.payload) {
      store::ProfileRecord after = **before;
      after.state = store::ConversationState::kOpen;
      after.snooze_until_ms = 0;
      after.last_activity_ms = std::max(after.last_activity_ms, now);
      Stage(group, key.thread, *before, after);
      counters_.snooze_wakes.Add();
    }
  }
  // Long messages whose parts stopped coming: delivered as they are, marked incomplete.
  parts.Bind(&group.writes, group.id);
  absl::StatusOr<std::vector<smpp::ReassembledMessage>> expired =
      reassembler.Expire(smpp::WallTime(std::chrono::milliseconds(now)));
  for (std::string& key : parts.TakeTouched()) {
    group.part_keys.push_back(std::move(key));
  }
  if (!expired.ok()) {
    Logger("pipeline")->warn("reassembly timeouts: {}", expired.status().ToString());
    return;
  }
  for (const smpp::ReassembledMessage& message : *expired) {
    group.timers = true;
    store::ThreadId thread;
    if (!absl::SimpleAtoi(message.key.destination, &thread.brand) ||
        !absl::SimpleAtoi(message.key.source, &thread.profile)) {
      continue;
    }
    const BrandNumber* brand = brands.FindById(thread.brand);
    if (brand == nullptr) {
      Logger("pipeline")
          ->warn("dropping parts for {}: no longer a brand number",
                 store::NumberText(thread.brand));
      continue;
    }
    InboundText text;
    text.thread = thread;
    text.received_ms = now;
    smpp::DecodedText decoded = smpp::DecodeReassembled(message);
    text.text = std::move(decoded.utf8);
    text.segments = message.key.total;
    text.incomplete = !message.complete();
    const smpp::ConcatInfo concat{message.key.ref, message.key.total, 0, message.key.ref16};
    absl::StatusOr<std::optional<store::ProfileRecord>> before = Profile(thread);
    if (!before.ok()) {
      // Its parts' deletion is staged without the message: nothing of the group may be written.
      group.poisoned = before.status();
      return;
    }
    ApplyText(*brand, text, LongMessageHash(thread, concat), *before, group);
  }
}

absl::Status Pipeline::Decider::CountUnread() {
  for (store::ConversationState state :
       {store::ConversationState::kOpen, store::ConversationState::kSnoozed,
        store::ConversationState::kClosed}) {
    const std::string prefix = store::InboxPrefix(state, true);
    RETURN_IF_ERROR(
        source.Scan(store::Cf::kInbox, prefix, prefix, [&](std::string_view key, std::string_view) {
          if (auto inbox = store::DecodeInboxKey(key)) {
            std::lock_guard lock(unread_mutex_);
            ++unread_[inbox->thread.brand];
          }
          return true;
        }));
  }
  return absl::OkStatus();
}

void Pipeline::Decider::ApplyUnread(const Group& group) {
  std::lock_guard lock(unread_mutex_);
  for (const auto& [brand, delta] : group.unread_delta) {
    unread_[brand] += delta;
  }
}

int64_t Pipeline::Decider::unread_total() const {
  std::lock_guard lock(unread_mutex_);
  int64_t total = 0;
  for (const auto& [brand, count] : unread_) {
    total += count;
  }
  return total;
}

}  // namespace confab::pipeline
