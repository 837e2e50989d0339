#include "bench/sim/report.h"

#include <fstream>

#include "fmt/format.h"

namespace confab::sim {
namespace {

double PerSecond(uint64_t n, double seconds) {
  return seconds > 0 ? static_cast<double>(n) / seconds : 0.0;
}

double Micros(uint64_t ns) { return static_cast<double>(ns) / 1000.0; }

std::string LatencyJson(const Histogram& h) {
  return fmt::format(
      R"({{"p50":{:.1f},"p90":{:.1f},"p99":{:.1f},"p999":{:.1f},"max":{:.1f},"count":{}}})",
      Micros(h.Percentile(0.5)), Micros(h.Percentile(0.9)), Micros(h.Percentile(0.99)),
      Micros(h.Percentile(0.999)), Micros(h.max()), h.count());
}

std::string MapJson(const std::map<std::string, uint64_t>& m) {
  std::string out = "{";
  for (const auto& [key, value] : m) {
    if (out.size() > 1) {
      out += ',';
    }
    out += fmt::format(R"("{}":{})", JsonEscape(key), value);
  }
  return out + "}";
}

std::string LatencyRow(std::string_view name, const Histogram& h) {
  return fmt::format("| {:<22} | {:>9.1f} | {:>9.1f} | {:>9.1f} | {:>9.1f} | {:>9.1f} | {:>9} |\n",
                     name, Micros(h.Percentile(0.5)), Micros(h.Percentile(0.9)),
                     Micros(h.Percentile(0.99)), Micros(h.Percentile(0.999)), Micros(h.max()),
                     h.count());
}

}  // namespace

std::string JsonEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out += c;
    }
  }
  return out;
}

std::string ReportJson(const LoadReport& r) {
  return fmt::format(
      R"({{"bound":{},"mo_sent":{},"mo_acked":{},"mo_lost":{},"mo_per_s":{:.1f},"replies":{},)"
      R"("replies_per_s":{:.1f},"replies_expected":{},"replies_right":{},"replies_wrong":{},)"
      R"("replies_missing":{},"replies_unmatched":{},"errors":{},"sent_by_category":{},)"
      R"("mo_retransmitted":{},"parts_retransmitted":{},)"
      R"("ack_latency_us":{},"reply_latency_us":{},"send_seconds":{:.3f},"total_seconds":{:.3f}}})",
      r.bound, r.mo_sent, r.mo_acked, r.mo_lost, PerSecond(r.mo_acked, r.send_seconds), r.replies,
      PerSecond(r.replies, r.send_seconds), r.replies_expected, r.replies_right, r.replies_wrong,
      r.replies_missing, r.replies_unmatched, MapJson(r.errors), MapJson(r.sent_by_category),
      r.mo_retransmitted, r.parts_retransmitted, LatencyJson(r.ack_latency_ns),
      LatencyJson(r.reply_latency_ns), r.send_seconds, r.total_seconds);
}

std::string ReportTable(const LoadReport& r) {
  std::string out;
  if (!r.bound) {
    return "no daemon bound: nothing sent\n";
  }
  out +=
      fmt::format("MOs       sent {}  acked {}  lost {}  ({:.1f} MO/s over {:.2f} s)\n", r.mo_sent,
                  r.mo_acked, r.mo_lost, PerSecond(r.mo_acked, r.send_seconds), r.send_seconds);
  out += fmt::format(
      "Replies   received {} ({:.1f}/s)  expected {}  right {}  WRONG {}  missing {}  "
      "unmatched {}\n",
      r.replies, PerSecond(r.replies, r.send_seconds), r.replies_expected, r.replies_right,
      r.replies_wrong, r.replies_missing, r.replies_unmatched);
  if (r.mo_retransmitted > 0) {
    out += fmt::format("Retransmitted  {} MOs ({} part sends)\n", r.mo_retransmitted,
                       r.parts_retransmitted);
  }
  for (const auto& [name, count] : r.errors) {
    out += fmt::format("Error     {}: {}\n", name, count);
  }
  out +=
      "| latency (µs)           |       p50 |       p90 |       p99 |     p99.9 |       max |"
      "     count |\n";
  out += "|---|---|---|---|---|---|---|\n";
  out += LatencyRow("deliver_sm -> resp", r.ack_latency_ns);
  out += LatencyRow("MO -> reply", r.reply_latency_ns);
  return out;
}

absl::Status WriteLatencyCsv(const LoadReport& r, const std::string& path) {
  std::ofstream out(path);
  if (!out) {
    return absl::InvalidArgumentError("cannot write " + path);
  }
  out << "latency,low_us,high_us,count\n";
  for (const auto& [name, h] :
       {std::pair<std::string_view, const Histogram*>{"ack", &r.ack_latency_ns},
        {"reply", &r.reply_latency_ns}}) {
    for (const Histogram::Bucket& b : h->Buckets()) {
      out << fmt::format("{},{:.3f},{:.3f},{}\n", name, Micros(b.low), Micros(b.high), b.count);
    }
  }
  return out ? absl::OkStatus() : absl::InternalError("write failed: " + path);
}

}  // namespace confab::sim
