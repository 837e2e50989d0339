// The notifier's queue, its worker, the burst rule and the retry schedule. Delivery itself is
// notifier_transport.cc.

#include "daemon/notifier.h"

#include <algorithm>
#include <utility>

#include "absl/time/time.h"
#include "base/thread_name.h"
#include "daemon/logging.h"

namespace confab::notify {
namespace {

// The burst map is swept of conversations quiet for longer than the window once it is this big.
constexpr std::size_t kSweepAbove = 4096;

std::chrono::milliseconds Ms(absl::Duration d) {
  return std::chrono::milliseconds(absl::ToInt64Milliseconds(d));
}

// Later due first out of std::*_heap: a min-heap by due time.
bool LaterDue(const auto& a, const auto& b) { return a.due > b.due; }

}  // namespace

NotifierOptions NotifierOptions::FromConfig(const config::NotifierConfig& config) {
  NotifierOptions options;
  options.burst_window_ms = static_cast<uint64_t>(absl::ToInt64Milliseconds(config.burst_window));
  options.max_attempts = config.retry_max_attempts;
  options.min_backoff = Ms(config.retry_min_backoff);
  options.max_backoff = Ms(config.retry_max_backoff);
  options.queue_capacity = static_cast<std::size_t>(config.queue_capacity);
  options.transport.connect_timeout = Ms(config.connect_timeout);
  options.transport.timeout = Ms(config.timeout);
  options.transport.smtp_url = config.smtp_url;
  options.transport.smtp_from = config.smtp_from;
  options.transport.smtp_username = config.smtp_username;
  options.transport.smtp_password = config.smtp_password;
  options.transport.smtp_require_tls = config.smtp_require_tls;
  return options;
}

Notifier::Notifier(NotifierOptions options, BrandLookup brands, metrics::Registry& metrics)
    : options_(std::move(options)),
      brands_(std::move(brands)),
      webhook_metrics_{
          metrics.GetCounter("confab_notifications_total", "New-message notifications by outcome",
                             {{"channel", "webhook"}, {"outcome", "sent"}}),
          metrics.GetCounter("confab_notifications_total", "New-message notifications by outcome",
                             {{"channel", "webhook"}, {"outcome", "failed"}}),
          metrics.GetCounter("confab_notification_retries_total",
                             "New-message notification attempts that failed and were retried",
                             {{"channel", "webhook"}})},
      email_metrics_{
          metrics.GetCounter("confab_notifications_total", "New-message notifications by outcome",
                             {{"channel", "email"}, {"outcome", "sent"}}),
          metrics.GetCounter("confab_notifications_total", "New-message notifications by outcome",
                             {{"channel", "email"}, {"outcome", "failed"}}),
          metrics.GetCounter("confab_notification_retries_total",
                             "New-message notification attempts that failed and were retried",
                             {{"channel", "email"}})},
      dropped_(metrics.GetCounter("confab_notifications_dropped_total",
                                  "New-message events or deliveries dropped: notifier queue full")),
      coalesced_(metrics.GetCounter(
          "confab_notifications_coalesced_total",
          "Conversation messages not notified: their conversation notified within the burst")) {}

Notifier::~Notifier() { Stop(); }

void Notifier::Start() {
  std::lock_guard lock(mutex_);
  if (!thread_.joinable() && !stopping_) {
    thread_ = std::thread([this] {
      NameThisThread("notifier");
      Run();
    });
  }
}

void Notifier::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cancel_.store(true);
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void Notifier::Notify(std::vector<pipeline::InboundStored> events) {
  std::lock_guard lock(mutex_);
  if (stopping_) {
    return;
  }
  bool added = false;
  for (pipeline::InboundStored& event : events) {
    if (!event.conversation || event.blocked) {
      continue;  // keywords start no conversation; blocked profiles never notify (§4)
    }
    if (incoming_.size() + waiting_ >= options_.queue_capacity) {
      dropped_.Add();
      if (!overflow_logged_) {
        overflow_logged_ = true;
        Logger("notify")->warn("notifier queue full ({} waiting): dropping new-message events",
                               options_.queue_capacity);
      }
      continue;
    }
    incoming_.push_back(std::move(event));
    added = true;
  }
  if (added) {
    wake_.notify_one();
  }
}

void Notifier::Run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    const auto ready = [&] { return stopping_ || !incoming_.empty(); };
    if (retries_.empty()) {
      wake_.wait(lock, ready);
    } else {
      wake_.wait_until(lock, retries_.front().due, ready);
    }
    if (stopping_) {
      break;
    }
    std::deque<pipeline::InboundStored> events;
    events.swap(incoming_);
    overflow_logged_ = false;
    std::vector<Delivery> due;
    const auto now = std::chrono::steady_clock::now();
    while (!retries_.empty() && retries_.front().due <= now) {
      std::pop_heap(retries_.begin(), retries_.end(), LaterDue<Delivery, Delivery>);
      due.push_back(std::move(retries_.back()));
      retries_.pop_back();
      --waiting_;
    }
    lock.unlock();
    for (const pipeline::InboundStored& event : events) {
      std::vector<Delivery> deliveries;
      Decide(event, deliveries);
      for (Delivery& delivery : deliveries) {
        Attempt(std::move(delivery));
      }
    }
    for (Delivery& delivery : due) {
      Attempt(std::move(delivery));
    }
    lock.lock();
  }
  if (!retries_.empty() || !incoming_.empty()) {
    Logger("notify")->warn("stopping: {} notifications abandoned",
                           retries_.size() + incoming_.size());
  }
}

void Notifier::Decide(const pipeline::InboundStored& event, std::vector<Delivery>& out) {
  std::shared_ptr<const config::NumberConfig> number = brands_(event.thread.brand);
  if (!number ||
      (number->notifications.emails.empty() && number->notifications.webhook_url.empty())) {
    return;  // off for this number (the default, §8)
  }
  auto last = last_notified_ms_.find(event.thread);
  if (last != last_notified_ms_.end() && event.at_ms < last->second + options_.burst_window_ms) {
    coalesced_.Add();
    return;
  }
  if (last_notified_ms_.size() > kSweepAbove) {
    for (auto it = last_notified_ms_.begin(); it != last_notified_ms_.end();) {
      if (it->second + options_.burst_window_ms <= event.at_ms) {
        last_notified_ms_.erase(it++);
      } else {
        ++it;
      }
    }
  }
  last_notified_ms_[event.thread] = event.at_ms;

  const NewMessage message{event.thread, event.message_seq, event.preview, event.at_ms,
                           number->organization_prefix};
  const auto now = std::chrono::steady_clock::now();
  if (!number->notifications.webhook_url.empty()) {
    out.push_back(
        {Channel::kWebhook, number->notifications.webhook_url, {}, WebhookBody(message), 0, now});
  }
  if (!number->notifications.emails.empty()) {
    out.push_back({Channel::kEmail,
                   {},
                   number->notifications.emails,
                   EmailText(message, options_.transport.smtp_from, number->notifications.emails),
                   0,
                   now});
  }
}

void Notifier::Attempt(Delivery delivery) {
  ++delivery.attempts;
  const absl::Status status =
      delivery.channel == Channel::kWebhook
          ? PostWebhook(delivery.target, delivery.payload, options_.transport, &cancel_)
          : SendEmail(delivery.to, delivery.payload, options_.transport, &cancel_);
  ChannelMetrics& metrics = MetricsOf(delivery.channel);
  const bool retry =
      !status.ok() && !absl::IsCancelled(status) && delivery.attempts < options_.max_attempts;
  if (status.ok()) {
    metrics.sent.Add();
  } else if (!retry && !absl::IsCancelled(status)) {
    metrics.failed.Add();
    Logger("notify")->error("notification given up after {} attempts: {}", delivery.attempts,
                            status.ToString());
  }
  if (options_.on_attempt) {
    options_.on_attempt(status);  // after the counters: whoever it wakes sees them
  }
  if (!retry) {
    return;
  }
  metrics.retried.Add();
  // min_backoff · 2^(attempts-1), capped; the shift is bounded so it cannot overflow.
  const int doublings = std::min(delivery.attempts - 1, 30);
  const auto backoff =
      std::min(options_.max_backoff, options_.min_backoff * (int64_t{1} << doublings));
  Logger("notify")->warn("notification attempt {} failed, retrying in {} ms: {}", delivery.attempts,
                         backoff.count(), status.ToString());
  delivery.due = std::chrono::steady_clock::now() + backoff;
  Schedule(std::move(delivery));
}

void Notifier::Schedule(Delivery delivery) {
  std::lock_guard lock(mutex_);
  if (incoming_.size() + waiting_ >= options_.queue_capacity) {
    dropped_.Add();
    Logger("notify")->warn("notifier queue full: dropping a notification retry");
    return;
  }
  retries_.push_back(std::move(delivery));
  std::push_heap(retries_.begin(), retries_.end(), LaterDue<Delivery, Delivery>);
  ++waiting_;
}

}  // namespace confab::notify
