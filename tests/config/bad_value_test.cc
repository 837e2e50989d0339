// Validation, table-driven: each case changes one line of a valid file and expects exactly the
// error of that key, with the line it is on.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <ostream>
#include <string>

#include "config/config.h"
#include "tests/config/config_test_util.h"

namespace confab::config {
namespace {

using ::confab::config::testing::ErrorFor;
using ::confab::config::testing::kValid;
using ::confab::config::testing::LoadAndValidate;
using ::testing::HasSubstr;

// kValid with the first line equal to `find` replaced by `replace` (which may span lines); the
// 1-based line of the replacement plus `offset`.
std::pair<std::string, int> Edit(const std::string& find, const std::string& replace, int offset) {
  std::string text = kValid;
  const std::size_t at = text.find("\n" + find + "\n");
  if (at == std::string::npos) {
    ADD_FAILURE() << "no line " << find;
    return {text, 0};
  }
  const int line = 2 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
  text.replace(at + 1, find.size(), replace);
  return {text, line + offset};
}

struct BadValue {
  std::string find;     // a line of kValid
  std::string replace;  // its replacement
  std::string key;      // the key the error must name
  std::string what;     // a fragment of the error
  int offset = 0;       // line of the error relative to the replaced line
};

void PrintTo(const BadValue& bad, std::ostream* os) { *os << bad.key << ": " << bad.replace; }

// "carrier[1].name" → "carrier_1_name", numbered so that two cases of one key stay distinct.
std::string CaseName(const ::testing::TestParamInfo<BadValue>& info) {
  std::string name = std::to_string(info.index) + "_";
  for (char c : info.param.key) {
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  return name;
}

class BadValueTest : public ::testing::TestWithParam<BadValue> {};

TEST_P(BadValueTest, IsReportedWithKeyAndLine) {
  const BadValue& bad = GetParam();
  const auto [text, line] = Edit(bad.find, bad.replace, bad.offset);
  const absl::Status status = LoadAndValidate(text);
  ASSERT_FALSE(status.ok()) << text;
  EXPECT_TRUE(absl::IsInvalidArgument(status));
  const std::string message(status.message());
  const auto error = ErrorFor(message, bad.key);
  ASSERT_TRUE(error.has_value()) << message;
  EXPECT_THAT(*error, HasSubstr(bad.what)) << message;
  EXPECT_THAT(*error, ::testing::EndsWith(" (line " + std::to_string(line) + ")")) << message;
  // One cause, one error.
  EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 0) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadValueTest,
    ::testing::Values(
        // [daemon]
        BadValue{"log_level = \"info\"", "log_level = \"loud\"", "daemon.log_level",
                 "expected one of trace, debug, info, warn, error"},
        BadValue{"shutdown_grace = \"10s\"", "shutdown_grace = \"10 sec\"", "daemon.shutdown_grace",
                 "expected a duration"},
        BadValue{"shutdown_grace = \"10s\"", "shutdown_grace = \"-1s\"", "daemon.shutdown_grace",
                 "must be between 0 and 1h"},
        BadValue{"io_threads = 0", "io_threads = 5000", "daemon.io_threads", "must be 0..1024"},
        BadValue{"state_dir = \"var\"", "state_dir = \"\"", "daemon.state_dir",
                 "must not be empty"},
        // [store]
        BadValue{"durability = \"fsync\"", "durability = \"sometimes\"", "store.durability",
                 "expected one of fsync, os"},
        BadValue{"durability = \"fsync\"",
                 "durability = \"fsync\"\ncompaction_priority = \"lowest\"",
                 "store.compaction_priority", "expected one of normal, low, idle", 1},
        BadValue{"commit_max_batch = 1000", "commit_max_batch = 0", "store.commit_max_batch",
                 "must be 1..100000"},
        BadValue{"commit_max_batch = 1000", "commit_max_batch = 30000",
                 "store.commit_queue_capacity", "must be at least store.commit_max_batch", -2},
        // [inbound]
        BadValue{"[admin]", "[inbound]\nprofile_cache_mb = -1\n\n[admin]",
                 "inbound.profile_cache_mb", "must be 0..65536", 1},
        // [admin]
        BadValue{"port = 8080", "port = 70000", "admin.port", "must be 0..65535 (is 70000)"},
        BadValue{"address = \"127.0.0.1\"", "address = \"localhost\"", "admin.address",
                 "is not an IP address"},
        BadValue{"body_limit_bytes = 1048576", "body_limit_bytes = 10", "admin.body_limit_bytes",
                 "must be 1024..67108864"},
        BadValue{"token = \"0123456789abcdef0123\"", "token = \"short\"", "admin.token[0].token",
                 "at least 16 characters"},
        BadValue{"role = \"owner\"", "role = \"root\"", "admin.token[0].role",
                 "expected one of owner, admin, manager, support, analyst"},
        // [links]
        BadValue{"expiry = \"90d\"", "expiry = \"forever\"", "links.expiry", "expected a duration"},
        BadValue{"short_domain = \"go.example.com\"", "short_domain = \"https://go.example.com/x\"",
                 "links.short_domain", "is not a host name"},
        BadValue{"short_domain = \"go.example.com\"", "short_domain = \"\"", "links.short_domain",
                 "must be set while link shortening is on"},
        BadValue{"expiry = \"90d\"", "expiry = \"90d\"\nport = 8080", "links.port",
                 "must differ from admin.port", 1},
        // [[carrier]]
        BadValue{"port = 2775", "port = 0", "carrier[0].port", "must be 1..65535"},
        BadValue{"window = 10", "window = -1", "carrier[0].window", "must be 1..1000 (is -1)"},
        BadValue{"name = \"b\"", "name = \"a\"", "carrier[1].name",
                 "\"a\" is already the name of carrier[0]"},
        BadValue{"name = \"b\"", "name = \"b c\"", "carrier[1].name", "letters, digits"},
        BadValue{"password = \"secret\"", "password = \"muchtoolong\"", "carrier[0].password",
                 "must be at most 8 characters (is 11)"},
        BadValue{"system_id = \"confab\"", "system_id = \"abcdefghijklmnop\"",
                 "carrier[0].system_id", "must be at most 15 characters"},
        BadValue{"bind_type = \"transceiver\"", "bind_type = \"both\"", "carrier[0].bind_type",
                 "expected one of transceiver, transmitter, receiver, tx_rx_pair"},
        BadValue{"host = \"smsc.example.net\"", "host = \"\"", "carrier[0].host",
                 "must be set in mode connect"},
        BadValue{"inactivity_timeout = \"120s\"", "inactivity_timeout = \"10s\"",
                 "carrier[0].inactivity_timeout", "must be longer than enquire_link_interval"},
        BadValue{"inactivity_timeout = \"120s\"",
                 "inactivity_timeout = \"120s\"\nreconnect_max_backoff = \"500ms\"",
                 "carrier[0].reconnect_max_backoff", "must be at least reconnect_min_backoff", 1},
        BadValue{"inactivity_timeout = \"120s\"",
                 "inactivity_timeout = \"120s\"\nretry_min_backoff = \"2s\"\n"
                 "retry_max_backoff = \"1s\"",
                 "carrier[0].retry_max_backoff", "must be at least retry_min_backoff", 2},
        BadValue{"inactivity_timeout = \"120s\"",
                 "inactivity_timeout = \"120s\"\nretry_max_attempts = 0",
                 "carrier[0].retry_max_attempts", "must be 1..100 (is 0)", 1},
        BadValue{"allowed_networks = [\"192.0.2.0/24\"]", "allowed_networks = [\"192.0.2.0/33\"]",
                 "carrier[1].allowed_networks", "is not a CIDR network"},
        BadValue{"allowed_networks = [\"192.0.2.0/24\"]", "allowed_networks = []",
                 "carrier[1].allowed_networks", "must list the networks"},
        BadValue{"port = 2776", "port = 8080", "carrier[1].port", "must differ from admin.port"},
        // [[number]]
        BadValue{"number = \"+15550100000\"", "number = \"ACME\"", "number[0].number",
                 "alphanumeric sender ID"},
        BadValue{"number = \"+15550100000\"", "number = \"+1555\"", "number[0].number",
                 "not a possible E.164 number"},
        BadValue{"number = \"+15550100000\"", "number = \"12\"", "number[0].number",
                 "short code of 3 to 8 digits"},
        BadValue{"default_country = \"US\"", "default_country = \"XX\"",
                 "number[0].default_country", "not an ISO 3166 region code"},
        BadValue{"default_country = \"US\"", "default_country = \"GB\"",
                 "number[0].default_country", "not in country code +1"},
        BadValue{"carriers = [\"a\"]", "carriers = [\"a\", \"c\"]", "number[0].carriers",
                 "unknown carrier \"c\""},
        BadValue{"carriers = [\"a\"]", "carriers = [\"a\", \"a\"]", "number[0].carriers",
                 "\"a\" is listed twice"},
        BadValue{"carriers = [\"a\"]", "carriers = []", "number[0].carriers",
                 "at least one carrier"},
        BadValue{"email = \"help@acme.example\"", "email = \"not-an-email\"", "number[0].email",
                 "is not an e-mail address"},
        BadValue{"organization_prefix = \"Acme\"", "organization_prefix = \"\"",
                 "number[0].organization_prefix", "must be set"},
        BadValue{"help_phone = \"+1 555 010 0002\"", "help_phone = \"\"", "number[0].help_phone",
                 "must be set: used by templates.help.es, templates.help.fr"},
        BadValue{"en = \"{{organization_prefix}}: help at {{email}}\"",
                 "en = \"{{organization_prefix}}: {{coupon}}\"", "number[0].templates.help.en",
                 "unknown placeholder {{coupon}}"},
        BadValue{"en = \"{{organization_prefix}}: help at {{email}}\"",
                 "en = \"{{organization_prefix}}: help at {{email\"", "number[0].templates.help.en",
                 "unclosed {{"},
        BadValue{"en = \"{{organization_prefix}}: help at {{email}}\"", "en = \"\"",
                 "number[0].templates.help.en", "must not be empty"},
        BadValue{"[number.templates.help]",
                 "[number.keywords.help]\nen = [\"STOP\"]\n[number.templates.help]",
                 "number[0].keywords.help.en", "\"STOP\" is also in keywords.opt_out.en", 1},
        BadValue{"mode = \"all\"", "mode = \"sometimes\"", "number[0].auto_responder.mode",
                 "expected one of all, non_consented, off"},
        BadValue{"min_interval = \"10m\"", "min_interval = \"0s\"",
                 "number[0].auto_responder.min_interval", "must be between 1s and 168h"},
        BadValue{"end = \"20:00\"", "end = \"07:00\"", "number[0].quiet_hours.end",
                 "must be after quiet_hours.start (08:00)"},
        BadValue{"start = \"08:00\"", "start = \"25:00\"", "number[0].quiet_hours.start",
                 "expected a time of day"},
        BadValue{"attribution_window = \"24h\"", "attribution_window = \"-1h\"",
                 "number[0].attribution_window", "must be between 1m and 2160h"},
        BadValue{"emails = [\"ops@acme.example\"]", "emails = [\"ops\"]",
                 "number[0].notifications.emails", "\"ops\" is not an e-mail address"},
        BadValue{"webhook_url = \"https://hooks.acme.example/sms\"", "webhook_url = \"ftp://x\"",
                 "number[0].notifications.webhook_url", "http:// or https:// URL"}),
    CaseName);

}  // namespace
}  // namespace confab::config
