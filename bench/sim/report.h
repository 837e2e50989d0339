#pragma once

// Output of the load mode: one JSON line (machine-readable, stable keys), a human table, and
// the latency distributions as CSV.

#include <string>

#include "absl/status/status.h"
#include "bench/sim/load.h"

namespace confab::sim {

// {"bound":true,"mo_sent":…,"mo_acked":…,"mo_lost":…,"mo_per_s":…,"replies":…,
//  "replies_per_s":…,"replies_expected":…,"replies_right":…,"replies_wrong":…,
//  "replies_missing":…,"replies_unmatched":…,"errors":{"ESME_RTHROTTLED":3},
//  "sent_by_category":{…},"mo_retransmitted":…,"parts_retransmitted":…,"ack_latency_us":{"p50":…,"p90":…,"p99":…,"p999":…,"max":…,
//  "count":…},"reply_latency_us":{…},"send_seconds":…,"total_seconds":…}
std::string ReportJson(const LoadReport& report);
// `s` as the inside of a JSON string: quote and backslash escaped, control characters \u00XX
// (UTF-8 passes through).
std::string JsonEscape(std::string_view s);
std::string ReportTable(const LoadReport& report);
// Rows "latency,low_us,high_us,count" for both histograms ("ack" and "reply").
absl::Status WriteLatencyCsv(const LoadReport& report, const std::string& path);

}  // namespace confab::sim
