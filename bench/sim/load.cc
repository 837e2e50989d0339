#include "bench/sim/load.h"

#include <ostream>
#include <thread>

#include "bench/sim/reliable_mo.h"
#include "bench/sim/report.h"
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

const std::string& ExpectedReply(const LoadOptions& options, MoCategory category) {
  static const std::string kNone;
  switch (category) {
    case MoCategory::kOptOut:
      return options.expect_optout;
    case MoCategory::kHelp:
      return options.expect_help;
    case MoCategory::kOptIn:
      return options.expect_optin;
    default:
      return kNone;
  }
}

std::optional<std::size_t> MatchReplyByText(const std::vector<MoCategory>& waiting,
                                            std::string_view text, const LoadOptions& options) {
  auto contains = [text](const std::string& expected) {
    return !expected.empty() && text.find(expected) != std::string_view::npos;
  };
  for (std::size_t i = 0; i < waiting.size(); ++i) {
    if (contains(ExpectedReply(options, waiting[i]))) {
      return i;
    }
  }
  for (MoCategory category : {MoCategory::kOptOut, MoCategory::kHelp, MoCategory::kOptIn}) {
    if (contains(ExpectedReply(options, category))) {
      return waiting.empty() ? std::nullopt : std::optional<std::size_t>(0);
    }
  }
  return std::nullopt;
}

void LoadRunner::OnMt(const MtMessage& mt) {
  std::lock_guard lock(mutex_);
  ++report_.replies;
  auto it = waiting_.find(PairKey(mt.destination, mt.source));
  if (it == waiting_.end() || it->second.empty()) {
    ++report_.replies_unmatched;
    return;
  }
  std::size_t index = 0;
  if (options_.match_by_text) {
    std::vector<MoCategory> categories;
    for (const Pending& p : it->second) {
      categories.push_back(p.category);
    }
    std::optional<std::size_t> match = MatchReplyByText(categories, mt.text, options_);
    if (!match) {
      ++report_.replies_unmatched;
      return;
    }
    index = *match;
  }
  const Pending pending = it->second[index];
  it->second.erase(it->second.begin() + static_cast<std::ptrdiff_t>(index));
  if (it->second.empty()) {
    waiting_.erase(it);
  }
  --waiting_count_;
  report_.reply_latency_ns.Record(Nanos(mt.received_at - pending.sent_at));
  const std::string& expected = ExpectedReply(options_, pending.category);
  if (expected.empty() || mt.text.find(expected) != std::string::npos) {
    ++report_.replies_right;
  } else {
    ++report_.replies_wrong;
  }
  cv_.notify_all();
}

void LoadRunner::CountFailure(std::error_code error, smpp::CommandStatus status) {
  if (error) {
    ++report_.errors[error.message()];
    return;
  }
  std::string_view name = smpp::CommandStatusName(status);
  ++report_.errors[name.empty() ? fmt::format("0x{:08X}", static_cast<uint32_t>(status))
                                : std::string(name)];
}

void LoadRunner::Completed(const MoSpec& spec, uint64_t n, SteadyClock::time_point sent_at,
                           bool acked, int parts, uint32_t parts_retransmitted) {
  const SteadyClock::time_point now = SteadyClock::now();
  --in_flight_;
  last_ack_ = now;
  if (parts_retransmitted > 0) {
    ++report_.mo_retransmitted;
    report_.parts_retransmitted += parts_retransmitted;
  }
  if (acked) {
    ++report_.mo_acked;
    report_.ack_latency_ns.Record(Nanos(now - sent_at));
    if (options_.journal != nullptr) {
      *options_.journal << fmt::format(
          R"({{"n":{},"source":"{}","destination":"{}","text":"{}","keyword":{},)"
          R"("category":"{}","parts":{},"retransmitted":{}}})"
          "\n",
          n, JsonEscape(spec.source), JsonEscape(spec.destination), JsonEscape(spec.text),
          spec.category != MoCategory::kConversation, MoCategoryName(spec.category), parts,
          parts_retransmitted > 0);
      options_.journal->flush();
    }
  }
  cv_.notify_all();
}

void LoadRunner::SendOne(Carrier& carrier, MoMix& mix) {
  auto spec = std::make_shared<const MoSpec>(mix.Next());
  const SteadyClock::time_point sent_at = SteadyClock::now();
  uint64_t n = 0;
  {
    std::lock_guard lock(mutex_);
    n = next_n_++;
    ++in_flight_;
    ++report_.mo_sent;
    ++report_.sent_by_category[std::string(MoCategoryName(spec->category))];
    bool expects = spec->category != MoCategory::kConversation;
    if (spec->category == MoCategory::kOptOut) {
      expects = opted_out_.insert(spec->source).second;  // a second STOP gets no text
    } else if (spec->category == MoCategory::kOptIn) {
      opted_out_.erase(spec->source);
    }
    if (expects) {
      waiting_[PairKey(spec->source, spec->destination)].push_back({spec->category, sent_at});
      ++waiting_count_;
      ++report_.replies_expected;
    }
  }
  if (!options_.retransmit) {
    carrier.SendMo(spec->source, spec->destination, spec->text,
                   [this, spec, n, sent_at](const MoResult& r) {
                     std::lock_guard lock(mutex_);
                     const bool acked = !r.error && r.status == smpp::CommandStatus::kOk;
                     if (!acked) {
                       CountFailure(r.error, r.status);
                     }
                     Completed(*spec, n, sent_at, acked, r.parts, 0);
                   });
    return;
  }
  auto prepared = carrier.PrepareMo(spec->source, spec->destination, spec->text);
  if (!prepared.ok()) {
    std::lock_guard lock(mutex_);
    CountFailure(std::make_error_code(std::errc::invalid_argument), smpp::CommandStatus::kOk);
    Completed(*spec, n, sent_at, false, 0, 0);
    return;
  }
  const int parts = static_cast<int>((*prepared)->parts.size());
  ReliableOptions reliable;
  reliable.retry_delay = options_.retry_delay;
  reliable.abandon = [this] {
    std::lock_guard lock(mutex_);
    return abandon_;
  };
  reliable.on_failure = [this](std::error_code error, smpp::CommandStatus status) {
    std::lock_guard lock(mutex_);
    CountFailure(error, status);
  };
  SendReliably(carrier.shared_from_this(), *std::move(prepared), std::move(reliable),
               [this, spec, n, sent_at, parts](const ReliableResult& r) {
                 std::lock_guard lock(mutex_);
                 Completed(*spec, n, sent_at, r.acked, parts, r.parts_retransmitted);
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
  if (options_.rate > 0) {
    // An open loop knows its count (rate × seconds) and must keep its pace: no mid-run rehash.
    mix.Reserve(options_.count);
  }
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
  SteadyClock::time_point ack_deadline =
      SteadyClock::now() + carrier.options().session.response_timeout + std::chrono::seconds(1);
  if (options_.retransmit) {  // retrying MOs are done when acked, or when the run's time is up
    ack_deadline = std::max(ack_deadline, stop_sending);
  }
  while (in_flight_ > 0 && SteadyClock::now() < ack_deadline) {
    cv_.wait_until(lock, std::min(ack_deadline, next_progress), [&] { return in_flight_ == 0; });
    if (SteadyClock::now() >= next_progress) {
      Progress(start);
      next_progress += std::chrono::seconds(1);
    }
  }
  const SteadyClock::time_point acks_done = in_flight_ == 0 ? last_ack_ : SteadyClock::now();
  if (in_flight_ > 0 && options_.retransmit) {
    // Retrying MOs give up at their next round; parts on the wire end by response or timeout.
    abandon_ = true;
    cv_.wait_for(
        lock,
        options_.retry_delay + carrier.options().session.response_timeout + std::chrono::seconds(1),
        [&] { return in_flight_ == 0; });
  }
  cv_.wait_until(lock, SteadyClock::now() + options_.reply_wait,
                 [&] { return waiting_count_ == 0; });
  report_.replies_missing = waiting_count_;
  report_.mo_lost = report_.mo_sent - report_.mo_acked;
  report_.send_seconds = std::chrono::duration<double>(acks_done - start).count();
  report_.total_seconds = std::chrono::duration<double>(SteadyClock::now() - begin).count();
  return report_;
}

}  // namespace confab::sim
