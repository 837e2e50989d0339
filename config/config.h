#pragma once

// Confab's configuration: plain structs with their defaults, loading from TOML, validation and
// the reload plan. config/confab.toml documents every key with its default.
//
// Key paths. Every value is named by its TOML key path: `daemon.log_level`, `admin.token[0].role`,
// `carrier[1].port`, `number[0].templates.help.es`. Array-of-tables entries are numbered from 0
// in the order they appear in the file.
//
// Errors. Every problem is one line `key.path: what is wrong (line N)`, where N is the line of the
// key in the file (or of its enclosing table when the key itself is absent). A Config built in
// code has no lines, and its errors carry no "(line N)". A multi-error Status lists one error per
// line, in file order.
//
// How load and validation errors combine, so that one run reports every error of a file:
// LoadConfig collects everything it cannot load (type errors, unknown keys, bad enum names, bad
// durations). If there is any, it also runs the checks of Validate on what it could load and
// returns all of them in one InvalidArgument (a key with a load error gets no second, validation
// error). So a Config returned by LoadConfig has no load errors, but must still pass Validate:
// callers run LoadConfig then Validate, and each step reports every error it finds.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace confab::config {

enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError };
enum class Durability { kFsync, kOs };                             // see store::Durability
enum class CompactionPriority { kNormal, kLow, kIdle };            // see store::CompactionPriority
enum class Role { kOwner, kAdmin, kManager, kSupport, kAnalyst };  // product §9
enum class CarrierMode {
  kConnect,  // Confab connects out to the carrier's SMSC, as an ESME
  kListen,   // the carrier connects in to Confab's SMPP server
};
enum class BindType { kTransceiver, kTransmitter, kReceiver, kTxRxPair };
enum class LongMessages { kUdh8, kUdh16, kSar, kPayload };     // how concatenated parts are sent
enum class ReceiptIdFormat { kAsIs, kHex, kDecimal };          // message_id format in receipts
enum class ResendPolicy { kQueryThenResend, kResend, kNone };  // submit_sm without a response
enum class AutoResponderMode { kAll, kNonConsented, kOff };    // product §3
enum class QuietHoursPolicy { kWarn, kDefer, kOff };           // product §6

// The TOML spelling of each enum value ("info", "tx_rx_pair", "non_consented", …).
std::string_view LogLevelName(LogLevel level);
std::string_view NameOf(LogLevel value);
std::string_view NameOf(Durability value);
std::string_view NameOf(CompactionPriority value);
std::string_view NameOf(Role value);
std::string_view NameOf(CarrierMode value);
std::string_view NameOf(BindType value);
std::string_view NameOf(LongMessages value);
std::string_view NameOf(ReceiptIdFormat value);
std::string_view NameOf(ResendPolicy value);
std::string_view NameOf(AutoResponderMode value);
std::string_view NameOf(QuietHoursPolicy value);

// Durations are TOML strings in absl::ParseDuration form ("250ms", "30s", "10m", "24h", "1h30m"),
// plus a leading whole number of days, which abseil lacks: "90d", "1d12h".
// Sizes are integers with their unit in the key name (`block_cache_size_mb`).

// Short links are always this many base62 characters (product §7); not configurable.
inline constexpr int kLinkCodeLength = 8;

// Where each loaded key came from: key path → 1-based line. Find falls back to the nearest
// enclosing table ("carrier[1].port" → "carrier[1]"), and returns 0 when nothing is known.
class SourceLines {
 public:
  void Set(std::string key, int line) { lines_[std::move(key)] = line; }
  int Find(std::string_view key) const;
  bool empty() const { return lines_.empty(); }

 private:
  std::map<std::string, int, std::less<>> lines_;
};

struct DaemonConfig {
  std::string state_dir = "var";  // store and other state live under it
  LogLevel log_level = LogLevel::kInfo;
  int io_threads = 0;  // 0 = one per core
  absl::Duration shutdown_grace = absl::Seconds(10);
};

struct StoreConfig {
  std::string path = "store";  // relative to daemon.state_dir unless absolute
  Durability durability = Durability::kFsync;
  CompactionPriority compaction_priority = CompactionPriority::kLow;
  int block_cache_size_mb = 64;
  int write_buffer_size_mb = 128;
  // Group commit (store::GroupCommitOptions): caps of one merged write, and the queue bound
  // beyond which writers are refused (backpressure).
  int commit_max_batch = 1000;                             // batches per group
  std::int64_t commit_max_bytes = std::int64_t{8} << 20;   // bytes per group
  absl::Duration commit_max_delay = absl::ZeroDuration();  // extra wait for more batches
  int commit_queue_capacity = 20000;                       // queued batches
};

// The inbound pipeline (product §2–§5): what it remembers and how long it waits.
struct InboundConfig {
  // A carrier's retransmission of an MO (same source, destination, text, parts) within this
  // long is acknowledged and not processed again.
  absl::Duration dedup_window = absl::Hours(1);
  // Parts of a long message that never complete are delivered as they are after this long,
  // marked incomplete (product §2 step 1).
  absl::Duration reassembly_timeout = absl::Minutes(5);
  // How often due timers (snooze wake-ups, reassembly timeouts) are looked for.
  absl::Duration timer_interval = absl::Seconds(1);
  // MOs accepted but not yet decided; beyond it carriers are answered ESME_RTHROTTLED.
  int queue_capacity = 20000;
  // Memory for profile records the pipeline keeps decoded (~280 B each: 32 MiB holds ~120,000
  // subscribers' records), read instead of the store; 0 turns it off.
  int profile_cache_mb = 32;
};

struct AdminToken {
  std::string name;   // a label for logs; optional
  std::string token;  // the bearer secret, at least 16 characters
  Role role = Role::kSupport;
};

struct AdminConfig {
  std::string address = "127.0.0.1";    // an IP address
  int port = 8080;                      // 0 = any free port
  std::size_t body_limit = 1 << 20;     // TOML key body_limit_bytes
  std::size_t header_limit = 16 << 10;  // TOML key header_limit_bytes
  absl::Duration read_timeout = absl::Seconds(30);
  absl::Duration write_timeout = absl::Seconds(30);
  int max_connections = 256;
  std::vector<AdminToken> tokens;  // [[admin.token]]
};

// The public redirect listener for short links (product §7), separate from the admin API.
struct LinksConfig {
  bool enabled = true;       // master switch: shortening and the redirect listener
  std::string short_domain;  // host[:port] in https://{short_domain}/{code}; needed when used
  std::string address = "127.0.0.1";  // redirect listener (put a TLS proxy in front)
  int port = 8081;                    // 0 = any free port
  absl::Duration expiry = absl::Hours(24 * 90);
  // Click user agents containing one of these (case-insensitive) count as link-preview bots.
  std::vector<std::string> bot_user_agents = DefaultBotUserAgents();

  static std::vector<std::string> DefaultBotUserAgents();
};

// How new-message notifications are delivered (product §8). Whom a brand number notifies is
// per number ([[number]].notifications); this is the daemon-wide transport.
struct NotifierConfig {
  std::string smtp_url;       // "smtp://host[:port]" or "smtps://…"; empty = no e-mail
  std::string smtp_from;      // envelope and From: address; required with smtp_url
  std::string smtp_username;  // empty = no SMTP AUTH
  std::string smtp_password;
  bool smtp_require_tls = false;  // smtp://: insist on STARTTLS (else used when offered)
  // At most one notification per conversation per burst: after one, the conversation's further
  // messages within this long notify nobody.
  absl::Duration burst_window = absl::Minutes(5);
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration timeout = absl::Seconds(15);           // one delivery attempt, connect included
  int retry_max_attempts = 5;                           // per delivery (webhook or e-mail)
  absl::Duration retry_min_backoff = absl::Seconds(1);  // doubled after each failure
  absl::Duration retry_max_backoff = absl::Minutes(5);
  int queue_capacity = 10000;  // deliveries waiting; beyond it new ones are dropped (counted)
};

struct CarrierConfig {
  std::string name;  // unique; [A-Za-z0-9_.-], at most 32 characters
  CarrierMode mode = CarrierMode::kConnect;
  // connect: the carrier's SMSC (host name or IP), required.
  // listen: the local address Confab's SMPP server listens on for it (empty = all interfaces).
  std::string host;
  int port = 2775;
  // connect: Confab's credentials at the carrier; listen: those the carrier must present.
  std::string system_id;    // at most 15 characters (SMPP: 16 octets with the NUL)
  std::string password;     // at most 8 characters (SMPP: 9 octets with the NUL)
  std::string system_type;  // at most 12 characters
  BindType bind_type = BindType::kTransceiver;
  int binds = 1;    // sessions (pairs for tx_rx_pair)
  int window = 10;  // outstanding requests per session
  int tps = 0;      // message parts per second over all sessions; 0 = no cap
  absl::Duration bind_timeout = absl::Seconds(10);
  absl::Duration enquire_link_interval = absl::Seconds(30);
  absl::Duration response_timeout = absl::Seconds(30);
  absl::Duration inactivity_timeout = absl::Seconds(120);  // no PDU at all for this long: drop
  absl::Duration write_timeout = absl::Seconds(10);
  absl::Duration reconnect_min_backoff = absl::Seconds(1);
  absl::Duration reconnect_max_backoff = absl::Seconds(60);
  absl::Duration unbind_grace = absl::Seconds(5);
  // Retry budget of an MT part after transient errors (throttled, queue full, system error, no
  // response under a resend policy, a bind lost under it): at most this many attempts, with
  // full-jitter exponential backoff between retry_min_backoff and retry_max_backoff.
  int retry_max_attempts = 8;
  absl::Duration retry_min_backoff = absl::Milliseconds(500);
  absl::Duration retry_max_backoff = absl::Seconds(60);
  bool gsm7_packed = false;
  LongMessages long_messages = LongMessages::kUdh8;
  ReceiptIdFormat receipt_id_format = ReceiptIdFormat::kAsIs;
  ResendPolicy resend_policy = ResendPolicy::kQueryThenResend;
  std::vector<std::string> allowed_networks;  // listen: CIDRs allowed to connect; required
  int max_pdu_size = 70000;                   // octets, listen and connect
};

template <typename T>
struct PerLanguage {
  T en;
  T es;
  T fr;
};

// Keyword tables per category and language (product §2 step 3). Setting one language of a
// category in the file replaces that list only; the others keep their defaults.
struct KeywordTables {
  PerLanguage<std::vector<std::string>> opt_out;
  PerLanguage<std::vector<std::string>> opt_in;
  PerLanguage<std::vector<std::string>> opt_in_confirm;  // YES: only while a double opt-in waits
  PerLanguage<std::vector<std::string>> help;

  static KeywordTables Defaults();
};

// Keyword replies per category and language. Placeholders: {{organization_prefix}}, {{email}},
// {{help_phone}}, {{program_name}}, {{message_frequency}}; any other is a validation error, and
// so is one whose value is empty for the number.
struct ReplyTemplates {
  PerLanguage<std::string> opt_out;
  PerLanguage<std::string> opt_in;
  PerLanguage<std::string> help;

  static ReplyTemplates Defaults();
};

struct AutoResponderConfig {
  AutoResponderMode mode = AutoResponderMode::kAll;
  std::string text = DefaultText();                 // same placeholders as the reply templates
  absl::Duration min_interval = absl::Minutes(10);  // loop guard per profile

  static std::string DefaultText();
};

// Allowed sending window in the recipient's local time; end is after start (no wrap past 24:00).
struct TimeOfDay {
  int hour = 0;
  int minute = 0;
  friend bool operator==(const TimeOfDay&, const TimeOfDay&) = default;
};

struct QuietHoursConfig {
  QuietHoursPolicy policy = QuietHoursPolicy::kWarn;
  TimeOfDay start{8, 0};  // TOML "08:00"
  TimeOfDay end{20, 0};   // TOML "20:00"
};

struct NotificationsConfig {
  bool unread_indicator = true;     // product §8: on by default
  std::vector<std::string> emails;  // new-message e-mails; empty = off
  std::string webhook_url;          // new-message webhook (http:// or https://); empty = off
};

// A brand number (product §1): E.164 ("+15550100000") or short code digits ("12345").
struct NumberConfig {
  std::string number;
  std::string default_country = "US";  // ISO region for national subscriber numbers
  std::string organization_prefix;     // required
  std::string program_name;
  std::string email;
  std::string help_phone;
  std::string message_frequency = "Msg frequency varies";
  std::vector<std::string> carriers;  // route, in order of preference; each must exist
  std::optional<bool> contains_rule;  // unset = ContainsRuleEnabled's default
  KeywordTables keywords = KeywordTables::Defaults();
  ReplyTemplates templates = ReplyTemplates::Defaults();
  AutoResponderConfig auto_responder;
  QuietHoursConfig quiet_hours;
  absl::Duration attribution_window = absl::Hours(24);  // product §5
  bool link_shortening = true;
  NotificationsConfig notifications;
};

// The contains rule (product §2 step 4) when not set: on for US numbers, that is an E.164
// number starting "+1" or a short code whose default_country is "US"; off elsewhere.
bool ContainsRuleEnabled(const NumberConfig& number);

// `text` with each known placeholder replaced by the number's value; anything else is kept as
// written (Validate refuses unknown placeholders, so a valid config has none).
std::string RenderTemplate(std::string_view text, const NumberConfig& number);

struct Config {
  DaemonConfig daemon;
  StoreConfig store;
  InboundConfig inbound;
  AdminConfig admin;
  LinksConfig links;
  NotifierConfig notifications;         // [notifications]
  std::vector<CarrierConfig> carriers;  // [[carrier]]
  std::vector<NumberConfig> numbers;    // [[number]]
  SourceLines lines;                    // filled by LoadConfig; empty for a Config built in code
};

// Reads and parses the TOML file at `path` (see the top of this file for how errors combine).
// InvalidArgument when the file cannot be read (naming the path), is not TOML (with line and
// column), or has type errors, unknown keys, bad enum names or bad durations.
absl::StatusOr<Config> LoadConfig(const std::string& path);
// The same for TOML `text` already read; `path` only names the source in errors (fuzzers, tests).
absl::StatusOr<Config> LoadConfigFromString(std::string_view text, const std::string& path);

// Checks every value and cross-reference; InvalidArgument listing every error, one per line.
absl::Status Validate(const Config& config);

// The key paths that differ between two valid configs, split by whether the running daemon can
// apply them live. Entries of arrays of tables are named by their identity here, not their
// position: `carrier[sim].tps`, `number[+15550100000].email`, `admin.token[0]`; an entry added or
// removed is listed once by that name. Live: daemon.log_level, daemon.shutdown_grace, admin
// tokens, links.short_domain/expiry/bot_user_agents, carrier tps, everything of numbers (incl.
// adding or removing one). Everything else needs a restart.
struct ReloadPlan {
  std::vector<std::string> live;
  std::vector<std::string> needs_restart;
};
ReloadPlan PlanReload(const Config& running, const Config& next);

}  // namespace confab::config
