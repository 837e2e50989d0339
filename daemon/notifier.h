#pragma once

// New-message notifications (product §8; issue #5): a webhook call and/or an e-mail per brand
// number, at most one per conversation per burst, retried with backoff, never blocking the
// pipeline.
//
// Threads. Notify is called on the pipeline's committer thread (Pipeline::SetOnInboundStored)
// and only appends to a bounded queue under a short lock; a full queue drops the events
// (confab_notifications_dropped_total, logged once per overflow). One worker thread of the
// notifier's own decides and delivers: deliveries block it (each attempt at most
// [notifications].timeout), never the pipeline.
//
// What notifies. A conversation message (not a keyword) of a profile that is not blocked, to a
// brand number whose effective settings (BrandSettings: notifications.emails, webhook_url) name
// somewhere to send. A burst: once a conversation notified, its messages received within
// burst_window of that message's time (InboundStored::at_ms) notify nobody
// (confab_notifications_coalesced_total); the next message after the window notifies again.
//
// Delivery. The webhook and the e-mail are separate deliveries, each tried up to
// retry_max_attempts times with exponential backoff (retry_min_backoff doubled per failure,
// capped at retry_max_backoff). Metrics: confab_notifications_total{channel=webhook|email,
// outcome=sent|failed}, confab_notification_retries_total{channel}. Deliveries waiting for a
// retry count against queue_capacity too. Stop abandons what is still waiting (logged).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "config/config.h"
#include "daemon/metrics.h"
#include "daemon/notifier_transport.h"
#include "daemon/pipeline.h"

namespace confab::notify {

struct ThreadIdHash {
  std::size_t operator()(const store::ThreadId& t) const {
    return absl::HashOf(t.brand, t.profile);
  }
};

struct NotifierOptions {
  uint64_t burst_window_ms = 5 * 60 * 1000;
  int max_attempts = 5;
  std::chrono::milliseconds min_backoff{1000};
  std::chrono::milliseconds max_backoff{300000};
  std::size_t queue_capacity = 10000;
  TransportOptions transport;
  // Called on the worker after every delivery attempt with its result (tests wait on it).
  std::function<void(const absl::Status&)> on_attempt;

  static NotifierOptions FromConfig(const config::NotifierConfig& config);
};

// The brand number's effective settings; null when it is not configured (BrandSettings::Current).
using BrandLookup = std::function<std::shared_ptr<const config::NumberConfig>(uint64_t brand)>;

class Notifier {
 public:
  Notifier(NotifierOptions options, BrandLookup brands, metrics::Registry& metrics);
  ~Notifier();  // Stop()
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  void Start();
  // Aborts a delivery in progress, abandons the waiting ones, joins the worker. Idempotent.
  void Stop();

  // Never blocks beyond a short lock; any thread.
  void Notify(std::vector<pipeline::InboundStored> events);

 private:
  enum class Channel { kWebhook, kEmail };
  struct Delivery {
    Channel channel = Channel::kWebhook;
    std::string target;           // webhook URL (kWebhook)
    std::vector<std::string> to;  // addresses (kEmail)
    std::string payload;          // the JSON body or the e-mail text
    int attempts = 0;             // made so far
    std::chrono::steady_clock::time_point due;
  };
  struct ChannelMetrics {
    metrics::Counter& sent;
    metrics::Counter& failed;
    metrics::Counter& retried;
  };

  void Run();
  // Worker thread: turns an event into deliveries (or nothing).
  void Decide(const pipeline::InboundStored& event, std::vector<Delivery>& out);
  void Attempt(Delivery delivery);
  void Schedule(Delivery delivery);  // worker thread; bounded by queue_capacity
  ChannelMetrics& MetricsOf(Channel channel) {
    return channel == Channel::kWebhook ? webhook_metrics_ : email_metrics_;
  }

  const NotifierOptions options_;
  const BrandLookup brands_;
  ChannelMetrics webhook_metrics_;
  ChannelMetrics email_metrics_;
  metrics::Counter& dropped_;
  metrics::Counter& coalesced_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<pipeline::InboundStored> incoming_;
  std::size_t waiting_ = 0;  // deliveries in retries_ (for the capacity)
  bool overflow_logged_ = false;
  bool stopping_ = false;
  std::atomic<bool> cancel_{false};
  std::thread thread_;

  // Worker thread only.
  std::vector<Delivery> retries_;  // a heap by due time
  absl::flat_hash_map<store::ThreadId, uint64_t, ThreadIdHash> last_notified_ms_;
};

}  // namespace confab::notify
