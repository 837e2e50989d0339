#pragma once

// A small metrics registry rendered in the Prometheus text exposition format 0.0.4 (Debian 12
// packages no C++ Prometheus client, so this is ours).
//
// Counters, gauges and histograms are updated lock-free (relaxed atomics) from any thread; only
// registration and rendering take the registry's lock. Objects live as long as the registry, so
// callers look them up once and keep the reference.
//
// Families: every series of one metric name shares one HELP and one TYPE. Labels are identified
// by name (their order in the call does not matter) and rendered sorted by name; histograms add
// `le` last. Families render sorted by name, series in registration order.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace confab::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

// Monotonic count (Prometheus `counter`; name it `..._total`).
class Counter {
 public:
  void Add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void Add(int64_t d) { value_.fetch_add(d, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// Observations counted into buckets with fixed upper bounds (in the metric's unit, e.g.
// seconds). A value equal to a bound counts in that bound's bucket (Prometheus `le`); values above
// the last bound, and NaN, count only in +Inf. Rendered cumulative with _sum and _count.
class Histogram {
 public:
  // Bounds are sorted and de-duplicated; NaN and infinite bounds are dropped (+Inf is implicit).
  explicit Histogram(std::vector<double> bounds);

  void Observe(double value);
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  const std::vector<double>& bounds() const { return bounds_; }
  // Observations in bucket `i` alone (not cumulative); i == bounds().size() is the +Inf bucket.
  uint64_t bucket(std::size_t i) const { return buckets_[i].load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0.0};
};

// Seconds, 10 µs .. 10 s in 1-2-5 steps per decade: for request and commit latencies.
std::vector<double> LatencyBuckets();

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Same name + labels returns the same object; references stay valid for the registry's life.
  // Names must match [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]* (no `__`
  // prefix, no duplicates, no `le` on histograms). Breaking that, or asking for a name already
  // registered with another type, is a programming error: it is logged once per name and the
  // caller gets a working object that is never rendered; the first registration stays.
  Counter& GetCounter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& GetGauge(std::string_view name, std::string_view help, const Labels& labels = {});
  // The bounds of the first registration of name + labels win.
  Histogram& GetHistogram(std::string_view name, std::string_view help, std::vector<double> bounds,
                          const Labels& labels = {});

  // A gauge read at scrape time (e.g. a session's window use). The callback runs under the
  // registry's lock, so it must be quick and must not call the registry. Registering the same
  // name + labels again replaces the callback. A gauge family may mix callbacks and Gauges.
  void AddGaugeCallback(std::string_view name, std::string_view help, const Labels& labels,
                        std::function<double()> read);

  // The whole registry in text format 0.0.4: one # HELP and # TYPE per family, label values
  // escaped (\\ \" \n), HELP text escaped (\\ \n).
  std::string RenderPrometheus() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Series {
    Labels labels;  // sorted by name
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
    std::function<double()> read;  // gauge callback
  };
  struct Family {
    Type type;
    std::string help;
    std::vector<std::unique_ptr<Series>> series;
  };

  // The series for name + labels, created if new; null (after logging once) on a programming
  // error. Called with mutex_ held.
  Series* FindOrAdd(std::string_view name, std::string_view help, Type type, const Labels& labels,
                    bool* created);
  void ReportOnce(std::string_view name, std::string_view what);
  static void RenderFamily(const std::string& name, const Family& family, std::string& out);

  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
  std::map<std::string, bool, std::less<>> reported_;  // names already logged as misused
  // Objects handed out for misuse: working, never rendered.
  std::vector<std::unique_ptr<Series>> detached_;
};

}  // namespace confab::metrics
