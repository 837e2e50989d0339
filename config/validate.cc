// Validation of [daemon], [store], [admin] and [links], and the shared error machinery. The
// limits below are sanity bounds: they catch typos (an extra zero, a unit in the wrong key)
// without getting in the way of any real deployment.

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "config/checks.h"
#include "config/config.h"
#include "config/values.h"

namespace confab::config {
namespace internal {

void Checker::Error(std::string key, std::string what) {
  issues_.push_back({std::move(key), std::move(what), 0});
}

void Checker::NotEmpty(const std::string& key, const std::string& value) {
  if (value.empty()) {
    Error(key, "must not be empty");
  }
}

void Checker::MaxLength(const std::string& key, const std::string& value, std::size_t max) {
  if (value.size() > max) {
    Error(key, absl::StrCat("must be at most ", max, " characters (is ", value.size(), ")"));
  }
}

void Checker::Range(const std::string& key, std::int64_t value, std::int64_t min,
                    std::int64_t max) {
  if (value < min || value > max) {
    Error(key, absl::StrCat("must be ", min, "..", max, " (is ", value, ")"));
  }
}

void Checker::Range(const std::string& key, absl::Duration value, absl::Duration min,
                    absl::Duration max) {
  if (value < min || value > max) {
    Error(key, absl::StrCat("must be between ", absl::FormatDuration(min), " and ",
                            absl::FormatDuration(max), " (is ", absl::FormatDuration(value), ")"));
  }
}

namespace {

constexpr std::int64_t kMiB = std::int64_t{1} << 20;

void CheckTokens(const AdminConfig& admin, Checker& check) {
  std::map<std::string, std::size_t> seen;  // token → index of its first use
  for (std::size_t i = 0; i < admin.tokens.size(); ++i) {
    const AdminToken& token = admin.tokens[i];
    const std::string key = absl::StrCat("admin.token[", i, "]");
    check.MaxLength(key + ".name", token.name, 64);
    if (token.token.size() < 16) {
      check.Error(key + ".token", "must be at least 16 characters");
    } else if (std::any_of(token.token.begin(), token.token.end(),
                           [](char c) { return c <= ' ' || c == 0x7f; })) {
      check.Error(key + ".token", "must not contain spaces or control characters");
    }
    if (auto [it, inserted] = seen.emplace(token.token, i); !inserted && !token.token.empty()) {
      check.Error(key + ".token", absl::StrCat("same token as admin.token[", it->second, "]"));
    }
  }
}

}  // namespace

void CheckDaemonStoreAdmin(const Config& config, Checker& check) {
  const DaemonConfig& daemon = config.daemon;
  check.NotEmpty("daemon.state_dir", daemon.state_dir);
  check.Range("daemon.io_threads", daemon.io_threads, 0, 1024);
  check.Range("daemon.shutdown_grace", daemon.shutdown_grace, absl::ZeroDuration(), absl::Hours(1));

  const StoreConfig& store = config.store;
  check.NotEmpty("store.path", store.path);
  check.Range("store.block_cache_size_mb", store.block_cache_size_mb, 1, 65536);
  check.Range("store.write_buffer_size_mb", store.write_buffer_size_mb, 1, 4096);
  check.Range("store.commit_max_batch", store.commit_max_batch, 1, 100000);
  check.Range("store.commit_max_bytes", store.commit_max_bytes, 4096, 1024 * kMiB);
  check.Range("store.commit_max_delay", store.commit_max_delay, absl::ZeroDuration(),
              absl::Seconds(1));
  check.Range("store.commit_queue_capacity", store.commit_queue_capacity, 1, 10000000);
  if (store.commit_queue_capacity < store.commit_max_batch && store.commit_max_batch >= 1) {
    check.Error(
        "store.commit_queue_capacity",
        absl::StrCat("must be at least store.commit_max_batch (", store.commit_max_batch, ")"));
  }

  const InboundConfig& inbound = config.inbound;
  check.Range("inbound.dedup_window", inbound.dedup_window, absl::Minutes(1), absl::Hours(24 * 7));
  check.Range("inbound.reassembly_timeout", inbound.reassembly_timeout, absl::Seconds(1),
              absl::Hours(24));
  check.Range("inbound.timer_interval", inbound.timer_interval, absl::Milliseconds(10),
              absl::Minutes(1));
  check.Range("inbound.queue_capacity", inbound.queue_capacity, 1, 10000000);
  check.Range("inbound.profile_cache_mb", inbound.profile_cache_mb, 0, 65536);

  const AdminConfig& admin = config.admin;
  if (!IsIpAddress(admin.address)) {
    check.Error("admin.address", absl::StrCat("\"", admin.address, "\" is not an IP address"));
  }
  check.Range("admin.port", admin.port, 0, 65535);
  check.Range("admin.body_limit_bytes", static_cast<std::int64_t>(admin.body_limit), 1024,
              64 * kMiB);
  check.Range("admin.header_limit_bytes", static_cast<std::int64_t>(admin.header_limit), 1024,
              kMiB);
  check.Range("admin.read_timeout", admin.read_timeout, absl::Milliseconds(1), absl::Hours(1));
  check.Range("admin.write_timeout", admin.write_timeout, absl::Milliseconds(1), absl::Hours(1));
  check.Range("admin.max_connections", admin.max_connections, 1, 100000);
  CheckTokens(admin, check);
}

void CheckLinks(const Config& config, Checker& check) {
  const LinksConfig& links = config.links;
  if (!links.short_domain.empty() && !IsHostAndPort(links.short_domain)) {
    check.Error("links.short_domain", absl::StrCat("\"", links.short_domain,
                                                   "\" is not a host name with optional :port "
                                                   "(no scheme, no path)"));
  }
  if (links.enabled && links.short_domain.empty()) {
    for (std::size_t i = 0; i < config.numbers.size(); ++i) {
      if (config.numbers[i].link_shortening) {
        check.Error("links.short_domain",
                    absl::StrCat("must be set while link shortening is on (number[", i,
                                 "].link_shortening)"));
        break;
      }
    }
  }
  if (!IsIpAddress(links.address)) {
    check.Error("links.address", absl::StrCat("\"", links.address, "\" is not an IP address"));
  }
  check.Range("links.port", links.port, 0, 65535);
  if (links.enabled && links.port != 0 && links.port == config.admin.port) {
    check.Error("links.port", absl::StrCat("must differ from admin.port (", links.port, ")"));
  }
  check.Range("links.expiry", links.expiry, absl::Minutes(1), absl::Hours(24 * 3650));
  for (std::size_t i = 0; i < links.bot_user_agents.size(); ++i) {
    if (links.bot_user_agents[i].empty()) {
      check.Error("links.bot_user_agents", absl::StrCat("entry ", i, " is empty"));
    }
  }
}

void CheckNotifications(const Config& config, Checker& check) {
  const NotifierConfig& n = config.notifications;
  std::string_view host = n.smtp_url;
  for (std::string_view scheme : {"smtp://", "smtps://"}) {
    if (host.starts_with(scheme)) {
      host.remove_prefix(scheme.size());
      break;
    }
  }
  if (!n.smtp_url.empty() &&
      (host.size() == n.smtp_url.size() || !IsHostAndPort(host.substr(0, host.find('/'))))) {
    check.Error("notifications.smtp_url", "must be smtp://host[:port] or smtps://host[:port]");
  }
  if (!n.smtp_url.empty() && !IsEmailAddress(n.smtp_from)) {
    check.Error(
        "notifications.smtp_from",
        absl::StrCat("must be an e-mail address while smtp_url is set (is \"", n.smtp_from, "\")"));
  }
  check.Range("notifications.burst_window", n.burst_window, absl::ZeroDuration(), absl::Hours(24));
  check.Range("notifications.connect_timeout", n.connect_timeout, absl::Milliseconds(10),
              absl::Minutes(10));
  check.Range("notifications.timeout", n.timeout, absl::Milliseconds(10), absl::Minutes(10));
  check.Range("notifications.retry_max_attempts", n.retry_max_attempts, 1, 100);
  check.Range("notifications.retry_min_backoff", n.retry_min_backoff, absl::Milliseconds(1),
              absl::Hours(1));
  check.Range("notifications.retry_max_backoff", n.retry_max_backoff, absl::Milliseconds(1),
              absl::Hours(24));
  if (n.retry_max_backoff < n.retry_min_backoff) {
    check.Error("notifications.retry_max_backoff",
                absl::StrCat("must be at least retry_min_backoff (",
                             absl::FormatDuration(n.retry_min_backoff), ")"));
  }
  check.Range("notifications.queue_capacity", n.queue_capacity, 1, 10000000);
}

std::vector<Issue> CollectValidationIssues(const Config& config) {
  Checker check;
  CheckDaemonStoreAdmin(config, check);
  CheckLinks(config, check);
  CheckNotifications(config, check);
  CheckCarriers(config, check);
  CheckNumbers(config, check);
  return std::move(check.issues());
}

absl::Status IssuesToStatus(std::vector<Issue> issues, const SourceLines& lines) {
  if (issues.empty()) {
    return absl::OkStatus();
  }
  for (Issue& issue : issues) {
    if (issue.line == 0) {
      issue.line = lines.Find(issue.key);
    }
  }
  std::stable_sort(issues.begin(), issues.end(), [](const Issue& a, const Issue& b) {
    const auto order = [](int line) { return line == 0 ? std::numeric_limits<int>::max() : line; };
    return order(a.line) < order(b.line);
  });
  std::vector<std::string> lines_out;
  lines_out.reserve(issues.size());
  for (const Issue& issue : issues) {
    lines_out.push_back(issue.line > 0
                            ? absl::StrCat(issue.key, ": ", issue.what, " (line ", issue.line, ")")
                            : absl::StrCat(issue.key, ": ", issue.what));
  }
  return absl::InvalidArgumentError(absl::StrJoin(lines_out, "\n"));
}

}  // namespace internal

absl::Status Validate(const Config& config) {
  return internal::IssuesToStatus(internal::CollectValidationIssues(config), config.lines);
}

}  // namespace confab::config
