#include "daemon/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "daemon/logging.h"
#include "fmt/format.h"

namespace confab::metrics {

namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool ValidMetricName(std::string_view name) {
  if (name.empty() || !(IsNameStart(name[0]) || name[0] == ':')) {
    return false;
  }
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return IsNameStart(c) || IsDigit(c) || c == ':'; });
}

bool ValidLabelName(std::string_view name) {
  if (name.empty() || !IsNameStart(name[0]) || name.starts_with("__")) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) { return IsNameStart(c) || IsDigit(c); });
}

// A float as Prometheus reads it: shortest round-trip form, and +Inf / -Inf / NaN.
std::string FormatDouble(double value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  return fmt::format("{}", value);
}

void AppendEscaped(std::string_view text, bool quotes, std::string& out) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// `{a="x",b="y"}` with an optional extra (le) label last; nothing when there are no labels.
void AppendLabels(const Labels& labels, std::string_view le, std::string& out) {
  if (labels.empty() && le.empty()) {
    return;
  }
  out += '{';
  bool first = true;
  for (const auto& [key, value] : labels) {
    if (!first) {
      out += ',';
    }
    first = false;
    out += key;
    out += "=\"";
    AppendEscaped(value, true, out);
    out += '"';
  }
  if (!le.empty()) {
    if (!first) {
      out += ',';
    }
    out += "le=\"";
    out += le;
    out += '"';
  }
  out += '}';
}

void AppendSample(std::string_view name, std::string_view suffix, const Labels& labels,
                  std::string_view le, std::string_view value, std::string& out) {
  out += name;
  out += suffix;
  AppendLabels(labels, le, out);
  out += ' ';
  out += value;
  out += '\n';
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds) {
  bounds.erase(std::remove_if(bounds.begin(), bounds.end(),
                              [](double b) { return std::isnan(b) || std::isinf(b); }),
               bounds.end());
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  bounds_ = std::move(bounds);
  buckets_ = std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1);
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    buckets_[i].store(0, std::memory_order_relaxed);
  }
}

void Histogram::Observe(double value) {
  // The first bound >= value: a value equal to a bound belongs to that bucket (`le`).
  std::size_t index = bounds_.size();
  if (!std::isnan(value)) {
    index = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) -
                                     bounds_.begin());
  }
  buckets_[index].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<double> LatencyBuckets() {
  // Literals, not products, so every bound prints exactly (2e-05, not 2.0000000000000002e-05).
  return {1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2,
          2e-2, 5e-2, 0.1,  0.2,  0.5,  1.0,  2.0,  5.0,  10.0};
}

Registry::Registry() = default;
Registry::~Registry() = default;

void Registry::ReportOnce(std::string_view name, std::string_view what) {
  auto [it, inserted] = reported_.try_emplace(std::string(name), true);
  if (inserted) {
    Logger("metrics")->error("metric {}: {}; this registration is not exported", name, what);
  }
}

Registry::Series* Registry::FindOrAdd(std::string_view name, std::string_view help, Type type,
                                      const Labels& labels, bool* created) {
  *created = false;
  if (!ValidMetricName(name)) {
    ReportOnce(name, "invalid metric name");
    return nullptr;
  }
  Labels sorted = labels;
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const std::string& key = sorted[i].first;
    if (!ValidLabelName(key) || (i > 0 && key == sorted[i - 1].first) ||
        (type == Type::kHistogram && key == "le")) {
      ReportOnce(name, fmt::format("invalid or duplicate label name \"{}\"", key));
      return nullptr;
    }
  }
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{type, std::string(help), {}}).first;
  } else if (it->second.type != type) {
    ReportOnce(name, "already registered with another type");
    return nullptr;
  }
  for (const auto& series : it->second.series) {
    if (series->labels == sorted) {
      return series.get();
    }
  }
  auto series = std::make_unique<Series>();
  series->labels = std::move(sorted);
  it->second.series.push_back(std::move(series));
  *created = true;
  return it->second.series.back().get();
}

Counter& Registry::GetCounter(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  bool created = false;
  Series* series = FindOrAdd(name, help, Type::kCounter, labels, &created);
  if (series == nullptr) {
    detached_.push_back(std::make_unique<Series>());
    series = detached_.back().get();
  }
  if (!series->counter) {
    series->counter = std::make_unique<Counter>();
  }
  return *series->counter;
}

Gauge& Registry::GetGauge(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  bool created = false;
  Series* series = FindOrAdd(name, help, Type::kGauge, labels, &created);
  if (series == nullptr || (!created && !series->gauge)) {
    if (series != nullptr) {
      ReportOnce(name, "labels already used by a gauge callback");
    }
    detached_.push_back(std::make_unique<Series>());
    series = detached_.back().get();
  }
  if (!series->gauge) {
    series->gauge = std::make_unique<Gauge>();
  }
  return *series->gauge;
}

Histogram& Registry::GetHistogram(std::string_view name, std::string_view help,
                                  std::vector<double> bounds, const Labels& labels) {
  std::lock_guard lock(mutex_);
  bool created = false;
  Series* series = FindOrAdd(name, help, Type::kHistogram, labels, &created);
  if (series == nullptr) {
    detached_.push_back(std::make_unique<Series>());
    series = detached_.back().get();
  }
  if (!series->histogram) {
    series->histogram = std::make_unique<Histogram>(std::move(bounds));
  }
  return *series->histogram;
}

void Registry::AddGaugeCallback(std::string_view name, std::string_view help, const Labels& labels,
                                std::function<double()> read) {
  std::lock_guard lock(mutex_);
  bool created = false;
  Series* series = FindOrAdd(name, help, Type::kGauge, labels, &created);
  if (series == nullptr) {
    return;
  }
  if (series->gauge) {
    ReportOnce(name, "labels already used by a Gauge");
    return;
  }
  series->read = std::move(read);
}

void Registry::RenderFamily(const std::string& name, const Family& family, std::string& out) {
  out += "# HELP ";
  out += name;
  out += ' ';
  AppendEscaped(family.help, false, out);
  out += "\n# TYPE ";
  out += name;
  out += family.type == Type::kCounter ? " counter\n"
         : family.type == Type::kGauge ? " gauge\n"
                                       : " histogram\n";
  for (const auto& series : family.series) {
    if (series->counter) {
      AppendSample(name, "", series->labels, "", fmt::format("{}", series->counter->value()), out);
    } else if (series->gauge) {
      AppendSample(name, "", series->labels, "", fmt::format("{}", series->gauge->value()), out);
    } else if (series->read) {
      AppendSample(name, "", series->labels, "", FormatDouble(series->read()), out);
    } else if (series->histogram) {
      const Histogram& h = *series->histogram;
      // _count is the +Inf bucket, summed from the same reads, so the two always agree.
      uint64_t cumulative = 0;
      for (std::size_t i = 0; i < h.bounds().size(); ++i) {
        cumulative += h.bucket(i);
        AppendSample(name, "_bucket", series->labels, FormatDouble(h.bounds()[i]),
                     fmt::format("{}", cumulative), out);
      }
      cumulative += h.bucket(h.bounds().size());
      AppendSample(name, "_bucket", series->labels, "+Inf", fmt::format("{}", cumulative), out);
      AppendSample(name, "_sum", series->labels, "", FormatDouble(h.sum()), out);
      AppendSample(name, "_count", series->labels, "", fmt::format("{}", cumulative), out);
    }
  }
}

std::string Registry::RenderPrometheus() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, family] : families_) {
    RenderFamily(name, family, out);
  }
  return out;
}

}  // namespace confab::metrics
