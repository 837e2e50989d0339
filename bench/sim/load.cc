#include "bench/sim/load.h"

#include <ostream>
#include <thread>

#include "fmt/format.h"

namespace confab::sim {
namespace {

std::string PairKey(std::string_view subscriber, std::string_view brand) {
  std::string key(subscriber);
  key += '|';
  key += brand;
  return key;
}

uint64_t Nanos(SteadyClock::duration d) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
}

}  // namespace

const std::string& LoadRunner::Expected(MoCategory category) const {
  static const std::string kNone;
  switch (category) {
    case MoCategory::kOptOut:
      return options_.expect_optout;
    case MoCategory::kHelp:
      return options_.expect_help;
    case MoCategory::kOptIn:
      return options_.expect_optin;
    default:
      return kNone;
  }
}

void LoadRunner::OnMt(const MtMessage& mt) {
  std::lock_guard lock(mutex_);
  ++report_.replies;
  auto it = waiting_.find(PairKey(mt.destination, mt.source));
  if (it == waiting_.end() || it->second.empty()) {
    ++report_.replies_unmatched;
    return;
  }
  const Pending pending = it->second.front();
  it->second.pop_front();
  if (it->second.empty()) {
    waiting_.erase(it);
  }
  --waiting_count_;
  report_.reply_latency_ns.Record(Nanos(mt.received_at - pending.sent_at));
  const std::string& expected = Expected(pending.category);
  if (expected.empty() || mt.text.find(expected) != std::string::npos) {
    ++report_.replies_right;
  } else {
    ++report_.replies_wrong;
  }
  cv_.notify_all();
}

void LoadRunner::SendOne(Carrier& carrier, MoMix& mix) {
  MoSpec spec = mix.Next();
  const SteadyClock::time_point sent_at = SteadyClock::now();
  {
    std::lock_guard lock(mutex_);
    ++in_flight_;
    ++report_.mo_sent;
    ++report_.sent_by_category[std::string(MoCategoryName(spec.category))];
    bool expects = spec.category != MoCategory::kConversation;
    if (spec.category == MoCategory::kOptOut) {
      expects = opted_out_.insert(spec.source).second;  // a second STOP gets no text
    } else if (spec.category == MoCategory::kOptIn) {
      opted_out_.erase(spec.source);
    }
    if (expects) {
      waiting_[PairKey(spec.source, spec.destination)].push_back({spec.category, sent_at});
      ++waiting_count_;
      ++report_.replies_expected;
    }
  }
  carrier.SendMo(spec.source, spec.destination, spec.text, [this, sent_at](const MoResult& r) {
    const SteadyClock::time_point now = SteadyClock::now();
    std::lock_guard lock(mutex_);
    --in_flight_;
    last_ack_ = now;
    if (!r.error && r.status == smpp::CommandStatus::kOk) {
      ++report_.mo_acked;
      report_.ack_latency_ns.Record(Nanos(now - sent_at));
    } else if (r.error) {
      ++report_.errors[r.error.message()];
    } else {
      std::string_view name = smpp::CommandStatusName(r.status);
      ++report_.errors[name.empty() ? fmt::format("0x{:08X}", static_cast<uint32_t>(r.status))
                                    : std::string(name)];
    }
    cv_.notify_all();
  });
}

void LoadRunner::Progress(SteadyClock::time_point start) {
  if (options_.progress == nullptr) {
    return;
  }
  const double t = std::chrono::duration<double>(SteadyClock::now() - start).count();
  *options_.progress << fmt::format(
      "[{:6.1f}s] sent {} acked {} (+{}/s) in-flight {} replies {} (+{}/s) wrong {} errors {}\n", t,
      report_.mo_sent, report_.mo_acked, report_.mo_acked - last_progress_acked_, in_flight_,
      report_.replies, report_.replies - last_progress_replies_, report_.replies_wrong,
      report_.mo_sent - report_.mo_acked - in_flight_);
  options_.progress->flush();
  last_progress_acked_ = report_.mo_acked;
  last_progress_replies_ = report_.replies;
}

LoadReport LoadRunner::Run(Carrier& carrier) {
  const SteadyClock::time_point begin = SteadyClock::now();
  report_.bound = carrier.WaitBound(options_.bind_wait);
  if (!report_.bound) {
    return report_;
  }
  MoMix mix(options_.mix);
  const SteadyClock::time_point start = SteadyClock::now();
  const SteadyClock::time_point stop_sending = start + options_.max_duration;
  SteadyClock::time_point next_progress = start + std::chrono::seconds(1);
  const auto interval = options_.rate > 0 ? std::chrono::duration_cast<SteadyClock::duration>(
                                                std::chrono::duration<double>(1.0 / options_.rate))
                                          : SteadyClock::duration::zero();
  SteadyClock::time_point next_send = start;
  const std::size_t window = options_.window == 0 ? 1 : options_.window;
  uint64_t sent = 0;
  while (sent < options_.count && SteadyClock::now() < stop_sending) {
    {
      std::unique_lock lock(mutex_);
      if (SteadyClock::now() >= next_progress) {
        Progress(start);
        next_progress += std::chrono::seconds(1);
      }
      if (options_.rate > 0) {
        // Open loop: the schedule does not wait for acks (a bound on memory only).
        if (cv_.wait_until(lock, std::min(next_send, next_progress),
                           [&] { return SteadyClock::now() >= next_send; }) == false) {
          continue;
        }
        next_send += interval;
      } else if (!cv_.wait_until(lock, next_progress, [&] { return in_flight_ < window; })) {
        continue;
      }
    }
    SendOne(carrier, mix);
    ++sent;
  }
  // Drain: acks first, then the replies still due.
  std::unique_lock lock(mutex_);
  const SteadyClock::time_point ack_deadline =
      SteadyClock::now() + carrier.options().session.response_timeout + std::chrono::seconds(1);
  while (in_flight_ > 0 && SteadyClock::now() < ack_deadline) {
    cv_.wait_until(lock, std::min(ack_deadline, next_progress), [&] { return in_flight_ == 0; });
    if (SteadyClock::now() >= next_progress) {
      Progress(start);
      next_progress += std::chrono::seconds(1);
    }
  }
  const SteadyClock::time_point acks_done = in_flight_ == 0 ? last_ack_ : SteadyClock::now();
  cv_.wait_until(lock, SteadyClock::now() + options_.reply_wait,
                 [&] { return waiting_count_ == 0; });
  report_.replies_missing = waiting_count_;
  report_.mo_lost = report_.mo_sent - report_.mo_acked;
  report_.send_seconds = std::chrono::duration<double>(acks_done - start).count();
  report_.total_seconds = std::chrono::duration<double>(SteadyClock::now() - begin).count();
  return report_;
}

}  // namespace confab::sim
