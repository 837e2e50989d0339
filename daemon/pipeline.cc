// The pipeline's threads and queues: accepting on the sessions' strands, the decider loop, and
// the answers once a batch is durable. What the decider does per message is in
// pipeline_decider.cc.

#include "daemon/pipeline.h"

#include <utility>

#include "base/clock.h"
#include "base/status_macros.h"
#include "base/thread_name.h"
#include "daemon/esme_status.h"
#include "daemon/logging.h"
#include "daemon/pipeline_internal.h"

namespace confab::pipeline {

Pipeline::Pipeline(const store::KvSource& source, const store::CfHandles& handles,
                   store::GroupCommitter& committer, const classify::Classifier& classifier,
                   std::shared_ptr<const BrandDirectory> brands, PipelineOptions options,
                   metrics::Registry& metrics)
    : source_(source),
      handles_(handles),
      committer_(committer),
      classifier_(classifier),
      options_(std::move(options)),
      metrics_(metrics),
      brands_(std::move(brands)) {
  if (!options_.clock) {
    options_.clock = UnixMillisNow;
  }
  decider_ = std::make_unique<Decider>(source_, handles_, classifier_, options_, metrics_);
}

Pipeline::~Pipeline() { Stop(); }

absl::Status Pipeline::Start() {
  RETURN_IF_ERROR(decider_->CountUnread());
  std::lock_guard lock(mutex_);
  started_ = true;
  thread_ = std::thread([this] {
    NameThisThread("pipeline");
    Run();
  });
  return absl::OkStatus();
}

void Pipeline::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      return;
    }
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
  // Never started: answer what was queued (a temporary error: the carrier retransmits).
  std::deque<Incoming> left;
  {
    std::lock_guard lock(mutex_);
    left.swap(queue_);
  }
  for (Incoming& incoming : left) {
    incoming.Fail(absl::UnavailableError("pipeline stopped"));
  }
}

void Pipeline::OnInbound(uint32_t route, const smpp::Pdu& request, smpp::Responder responder) {
  Accept(route, request, [responder = std::move(responder)](smpp::CommandStatus status) mutable {
    responder.Respond(status);
  });
}

void Pipeline::Accept(uint32_t route, const smpp::Pdu& request, Answer answer) {
  std::shared_ptr<const BrandDirectory> brands;
  {
    std::lock_guard lock(mutex_);
    brands = brands_;
  }
  Incoming incoming;
  incoming.command = request.header.id();
  incoming.accepted = std::chrono::steady_clock::now();
  incoming.answer = std::move(answer);
  absl::StatusOr<InboundPart> part = ReadInbound(route, request, *brands, options_.clock());
  if (!part.ok()) {
    decider_->counters().refused.Add();
    incoming.Fail(part.status());
    return;
  }
  if (part->receipt) {
    decider_->counters().receipts.Add();
    if (receipts_) {
      receipts_(route, request, std::move(incoming.answer));
    } else {
      std::move(incoming.answer)(smpp::CommandStatus::kXTAppn);
    }
    return;
  }
  incoming.part = *std::move(part);
  incoming.brands = std::move(brands);
  Enqueue(std::move(incoming), /*bypass_capacity=*/false);
}

void Pipeline::Mutate(const store::ThreadId& thread, Mutation mutation, MutationDone done) {
  Incoming incoming;
  incoming.thread = thread;
  incoming.mutation = std::move(mutation);
  incoming.mutation_done = std::move(done);
  Enqueue(std::move(incoming), /*bypass_capacity=*/true);
}

void Pipeline::RunTimers(MutationDone done) {
  Incoming incoming;
  incoming.timers = true;
  {
    std::lock_guard lock(mutex_);
    incoming.brands = brands_;
  }
  incoming.mutation_done = std::move(done);
  Enqueue(std::move(incoming), /*bypass_capacity=*/true);
}

void Pipeline::Enqueue(Incoming incoming, bool bypass_capacity) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      incoming.Fail(absl::UnavailableError("pipeline stopping"));
      return;
    }
    if (!bypass_capacity && queue_.size() >= options_.queue_capacity) {
      decider_->counters().throttled.Add();
      incoming.Fail(absl::ResourceExhaustedError("inbound queue full"));
      return;
    }
    wake = queue_.empty();  // the decider takes a whole group: the first of a burst wakes it
    queue_.push_back(std::move(incoming));
  }
  if (wake) {
    wake_.notify_one();
  }
}

void Pipeline::SetBrands(std::shared_ptr<const BrandDirectory> brands) {
  std::lock_guard lock(mutex_);
  brands_ = std::move(brands);
}

void Pipeline::SetOnDurable(std::function<void(std::vector<store::OutboxEntry>)> on_durable) {
  std::lock_guard lock(mutex_);
  on_durable_ = std::move(on_durable);
}

void Pipeline::SetOnInboundStored(std::function<void(std::vector<InboundStored>)> on_stored) {
  std::lock_guard lock(mutex_);
  on_stored_ = std::move(on_stored);
}

int64_t Pipeline::UnreadConversations() const { return decider_->unread_total(); }

void Pipeline::OnCommitted(const std::shared_ptr<Group>& group, const absl::Status& status) {
  // On the committer's thread. The decider learns first, so that whoever reacts to an answer
  // (a test, a carrier's next request) finds the group already queued for retiring: the decider
  // retires before it decides anything queued after.
  std::function<void(std::vector<store::OutboxEntry>)> on_durable;
  std::function<void(std::vector<InboundStored>)> on_stored;
  {
    std::lock_guard lock(mutex_);
    committed_.emplace_back(group, status);
    on_durable = on_durable_;
    on_stored = on_stored_;
  }
  if (status.ok()) {
    decider_->ApplyUnread(*group);  // before the answers: whoever reacts to them sees it
    if (on_durable && !group->replies.empty()) {
      on_durable(std::move(group->replies));
    }
    if (on_stored && !group->stored.empty()) {
      on_stored(std::move(group->stored));
    }
  }
  group->Answer(status, decider_->counters());
  wake_.notify_one();
}

void Pipeline::Run() {
  const auto tick = options_.timer_interval;
  auto next_timers = std::chrono::steady_clock::now();
  for (;;) {
    std::deque<Incoming> work;
    std::deque<std::pair<std::shared_ptr<Group>, absl::Status>> committed;
    bool stopping = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, next_timers, [&] {
        return !committed_.empty() || (stopping_ && decider_->idle()) ||
               (!queue_.empty() && decider_->can_submit());
      });
      committed.swap(committed_);
      if (decider_->can_submit()) {
        while (!queue_.empty() && work.size() < options_.max_group) {
          work.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      stopping = stopping_ && queue_.empty();
    }
    for (auto& [group, status] : committed) {
      decider_->Retire(*group, status, committer_);
    }
    std::shared_ptr<Group> group;
    if (!work.empty()) {
      group = decider_->Decide(work);
    }
    if (std::chrono::steady_clock::now() >= next_timers && decider_->can_submit()) {
      if (!group) {
        group = decider_->NewGroup();
      }
      std::shared_ptr<const BrandDirectory> brands;
      {
        std::lock_guard lock(mutex_);
        brands = brands_;
      }
      decider_->RunTimers(*group, *brands);
      next_timers = std::chrono::steady_clock::now() + tick;
    }
    if (group) {
      decider_->Submit(group, committer_,
                       [this](const std::shared_ptr<Group>& done, const absl::Status& status) {
                         OnCommitted(done, status);
                       });
    }
    if (stopping && work.empty() && decider_->idle()) {
      return;
    }
  }
}

}  // namespace confab::pipeline
