#pragma once

// Internal to config/: the one list of TOML keys of each struct, shared by the loader (which also
// uses it to find unknown keys) and by the reload plan (which flattens a Config into key paths).
//
// A visitor V provides:
//   v.Field(key, value)            for std::string, int, std::int64_t, std::size_t, bool,
//                                  absl::Duration, std::vector<std::string>,
//                                  std::optional<bool>, TimeOfDay and the enums below;
//   v.Table(key, value)            for a nested struct (a TOML table);
//   v.TableArray(key, vector)      for an array of tables.
// Each VisitFields overload works on a const or non-const struct.

#include <concepts>
#include <span>
#include <string_view>
#include <type_traits>

#include "config/config.h"

namespace confab::config::internal {

template <typename E>
struct EnumName {
  std::string_view name;
  E value;
};

inline constexpr EnumName<LogLevel> kLogLevelNames[] = {{"trace", LogLevel::kTrace},
                                                        {"debug", LogLevel::kDebug},
                                                        {"info", LogLevel::kInfo},
                                                        {"warn", LogLevel::kWarn},
                                                        {"error", LogLevel::kError}};
inline constexpr EnumName<Durability> kDurabilityNames[] = {{"fsync", Durability::kFsync},
                                                            {"os", Durability::kOs}};
inline constexpr EnumName<CompactionPriority> kCompactionPriorityNames[] = {
    {"normal", CompactionPriority::kNormal},
    {"low", CompactionPriority::kLow},
    {"idle", CompactionPriority::kIdle}};
inline constexpr EnumName<Role> kRoleNames[] = {{"owner", Role::kOwner},
                                                {"admin", Role::kAdmin},
                                                {"manager", Role::kManager},
                                                {"support", Role::kSupport},
                                                {"analyst", Role::kAnalyst}};
inline constexpr EnumName<CarrierMode> kCarrierModeNames[] = {{"connect", CarrierMode::kConnect},
                                                              {"listen", CarrierMode::kListen}};
inline constexpr EnumName<BindType> kBindTypeNames[] = {{"transceiver", BindType::kTransceiver},
                                                        {"transmitter", BindType::kTransmitter},
                                                        {"receiver", BindType::kReceiver},
                                                        {"tx_rx_pair", BindType::kTxRxPair}};
inline constexpr EnumName<LongMessages> kLongMessagesNames[] = {
    {"udh8", LongMessages::kUdh8},
    {"udh16", LongMessages::kUdh16},
    {"sar", LongMessages::kSar},
    {"payload", LongMessages::kPayload}};
inline constexpr EnumName<ReceiptIdFormat> kReceiptIdFormatNames[] = {
    {"as_is", ReceiptIdFormat::kAsIs},
    {"hex", ReceiptIdFormat::kHex},
    {"decimal", ReceiptIdFormat::kDecimal}};
inline constexpr EnumName<ResendPolicy> kResendPolicyNames[] = {
    {"query_then_resend", ResendPolicy::kQueryThenResend},
    {"resend", ResendPolicy::kResend},
    {"none", ResendPolicy::kNone}};
inline constexpr EnumName<AutoResponderMode> kAutoResponderModeNames[] = {
    {"all", AutoResponderMode::kAll},
    {"non_consented", AutoResponderMode::kNonConsented},
    {"off", AutoResponderMode::kOff}};
inline constexpr EnumName<QuietHoursPolicy> kQuietHoursPolicyNames[] = {
    {"warn", QuietHoursPolicy::kWarn},
    {"defer", QuietHoursPolicy::kDefer},
    {"off", QuietHoursPolicy::kOff}};

// EnumNames(E{}) → the table of E, found by overload resolution.
constexpr std::span<const EnumName<LogLevel>> EnumNames(LogLevel) { return kLogLevelNames; }
constexpr std::span<const EnumName<Durability>> EnumNames(Durability) { return kDurabilityNames; }
constexpr std::span<const EnumName<CompactionPriority>> EnumNames(CompactionPriority) {
  return kCompactionPriorityNames;
}
constexpr std::span<const EnumName<Role>> EnumNames(Role) { return kRoleNames; }
constexpr std::span<const EnumName<CarrierMode>> EnumNames(CarrierMode) {
  return kCarrierModeNames;
}
constexpr std::span<const EnumName<BindType>> EnumNames(BindType) { return kBindTypeNames; }
constexpr std::span<const EnumName<LongMessages>> EnumNames(LongMessages) {
  return kLongMessagesNames;
}
constexpr std::span<const EnumName<ReceiptIdFormat>> EnumNames(ReceiptIdFormat) {
  return kReceiptIdFormatNames;
}
constexpr std::span<const EnumName<ResendPolicy>> EnumNames(ResendPolicy) {
  return kResendPolicyNames;
}
constexpr std::span<const EnumName<AutoResponderMode>> EnumNames(AutoResponderMode) {
  return kAutoResponderModeNames;
}
constexpr std::span<const EnumName<QuietHoursPolicy>> EnumNames(QuietHoursPolicy) {
  return kQuietHoursPolicyNames;
}

template <typename C, typename T>
concept Is = std::same_as<std::remove_const_t<C>, T>;

template <typename V, Is<DaemonConfig> C>
void VisitFields(V& v, C& c) {
  v.Field("state_dir", c.state_dir);
  v.Field("log_level", c.log_level);
  v.Field("io_threads", c.io_threads);
  v.Field("shutdown_grace", c.shutdown_grace);
}

template <typename V, Is<StoreConfig> C>
void VisitFields(V& v, C& c) {
  v.Field("path", c.path);
  v.Field("durability", c.durability);
  v.Field("compaction_priority", c.compaction_priority);
  v.Field("block_cache_size_mb", c.block_cache_size_mb);
  v.Field("write_buffer_size_mb", c.write_buffer_size_mb);
  v.Field("commit_max_batch", c.commit_max_batch);
  v.Field("commit_max_bytes", c.commit_max_bytes);
  v.Field("commit_max_delay", c.commit_max_delay);
  v.Field("commit_queue_capacity", c.commit_queue_capacity);
}

template <typename V, Is<InboundConfig> C>
void VisitFields(V& v, C& c) {
  v.Field("dedup_window", c.dedup_window);
  v.Field("reassembly_timeout", c.reassembly_timeout);
  v.Field("timer_interval", c.timer_interval);
  v.Field("queue_capacity", c.queue_capacity);
  v.Field("profile_cache_mb", c.profile_cache_mb);
}

template <typename V, Is<AdminToken> C>
void VisitFields(V& v, C& c) {
  v.Field("name", c.name);
  v.Field("token", c.token);
  v.Field("role", c.role);
}

template <typename V, Is<AdminConfig> C>
void VisitFields(V& v, C& c) {
  v.Field("address", c.address);
  v.Field("port", c.port);
  v.Field("body_limit_bytes", c.body_limit);
  v.Field("header_limit_bytes", c.header_limit);
  v.Field("read_timeout", c.read_timeout);
  v.Field("write_timeout", c.write_timeout);
  v.Field("max_connections", c.max_connections);
  v.TableArray("token", c.tokens);
}

template <typename V, Is<LinksConfig> C>
void VisitFields(V& v, C& c) {
  v.Field("enabled", c.enabled);
  v.Field("short_domain", c.short_domain);
  v.Field("address", c.address);
  v.Field("port", c.port);
  v.Field("expiry", c.expiry);
  v.Field("bot_user_agents", c.bot_user_agents);
}

template <typename V, Is<NotifierConfig> C>
void VisitFields(V& v, C& c) {
  v.Field("smtp_url", c.smtp_url);
  v.Field("smtp_from", c.smtp_from);
  v.Field("smtp_username", c.smtp_username);
  v.Field("smtp_password", c.smtp_password);
  v.Field("smtp_require_tls", c.smtp_require_tls);
  v.Field("burst_window", c.burst_window);
  v.Field("connect_timeout", c.connect_timeout);
  v.Field("timeout", c.timeout);
  v.Field("retry_max_attempts", c.retry_max_attempts);
  v.Field("retry_min_backoff", c.retry_min_backoff);
  v.Field("retry_max_backoff", c.retry_max_backoff);
  v.Field("queue_capacity", c.queue_capacity);
}

template <typename V, Is<CarrierConfig> C>
void VisitFields(V& v, C& c) {
  v.Field("name", c.name);
  v.Field("mode", c.mode);
  v.Field("host", c.host);
  v.Field("port", c.port);
  v.Field("system_id", c.system_id);
  v.Field("password", c.password);
  v.Field("system_type", c.system_type);
  v.Field("bind_type", c.bind_type);
  v.Field("binds", c.binds);
  v.Field("window", c.window);
  v.Field("tps", c.tps);
  v.Field("bind_timeout", c.bind_timeout);
  v.Field("enquire_link_interval", c.enquire_link_interval);
  v.Field("response_timeout", c.response_timeout);
  v.Field("inactivity_timeout", c.inactivity_timeout);
  v.Field("write_timeout", c.write_timeout);
  v.Field("reconnect_min_backoff", c.reconnect_min_backoff);
  v.Field("reconnect_max_backoff", c.reconnect_max_backoff);
  v.Field("unbind_grace", c.unbind_grace);
  v.Field("retry_max_attempts", c.retry_max_attempts);
  v.Field("retry_min_backoff", c.retry_min_backoff);
  v.Field("retry_max_backoff", c.retry_max_backoff);
  v.Field("gsm7_packed", c.gsm7_packed);
  v.Field("long_messages", c.long_messages);
  v.Field("receipt_id_format", c.receipt_id_format);
  v.Field("resend_policy", c.resend_policy);
  v.Field("allowed_networks", c.allowed_networks);
  v.Field("max_pdu_size", c.max_pdu_size);
}

template <typename V, typename C>
requires Is<C, PerLanguage<std::string>> || Is<C, PerLanguage<std::vector<std::string>>>
void VisitFields(V& v, C& c) {
  v.Field("en", c.en);
  v.Field("es", c.es);
  v.Field("fr", c.fr);
}

template <typename V, Is<KeywordTables> C>
void VisitFields(V& v, C& c) {
  v.Table("opt_out", c.opt_out);
  v.Table("opt_in", c.opt_in);
  v.Table("opt_in_confirm", c.opt_in_confirm);
  v.Table("help", c.help);
}

template <typename V, Is<ReplyTemplates> C>
void VisitFields(V& v, C& c) {
  v.Table("opt_out", c.opt_out);
  v.Table("opt_in", c.opt_in);
  v.Table("help", c.help);
}

template <typename V, Is<AutoResponderConfig> C>
void VisitFields(V& v, C& c) {
  v.Field("mode", c.mode);
  v.Field("text", c.text);
  v.Field("min_interval", c.min_interval);
}

template <typename V, Is<QuietHoursConfig> C>
void VisitFields(V& v, C& c) {
  v.Field("policy", c.policy);
  v.Field("start", c.start);
  v.Field("end", c.end);
}

template <typename V, Is<NotificationsConfig> C>
void VisitFields(V& v, C& c) {
  v.Field("unread_indicator", c.unread_indicator);
  v.Field("emails", c.emails);
  v.Field("webhook_url", c.webhook_url);
}

template <typename V, Is<NumberConfig> C>
void VisitFields(V& v, C& c) {
  v.Field("number", c.number);
  v.Field("default_country", c.default_country);
  v.Field("organization_prefix", c.organization_prefix);
  v.Field("program_name", c.program_name);
  v.Field("email", c.email);
  v.Field("help_phone", c.help_phone);
  v.Field("message_frequency", c.message_frequency);
  v.Field("carriers", c.carriers);
  v.Field("contains_rule", c.contains_rule);
  v.Table("keywords", c.keywords);
  v.Table("templates", c.templates);
  v.Table("auto_responder", c.auto_responder);
  v.Table("quiet_hours", c.quiet_hours);
  v.Field("attribution_window", c.attribution_window);
  v.Field("link_shortening", c.link_shortening);
  v.Table("notifications", c.notifications);
}

template <typename V, Is<Config> C>
void VisitFields(V& v, C& c) {
  v.Table("daemon", c.daemon);
  v.Table("store", c.store);
  v.Table("inbound", c.inbound);
  v.Table("admin", c.admin);
  v.Table("links", c.links);
  v.Table("notifications", c.notifications);
  v.TableArray("carrier", c.carriers);
  v.TableArray("number", c.numbers);
}

}  // namespace confab::config::internal
