#pragma once

// Helpers for the config tests: load TOML text through a real file, and pick one error line out
// of a multi-error message.

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "absl/status/statusor.h"
#include "config/config.h"
#include "gtest/gtest.h"

namespace confab::config::testing {

// A valid file using every section, two carriers (connect and listen) and one number; the
// tests change one line of it at a time. Line numbers matter to them: edit with care.
inline constexpr char kValid[] = R"([daemon]
state_dir = "var"
log_level = "info"
shutdown_grace = "10s"
io_threads = 0

[store]
durability = "fsync"
commit_max_batch = 1000

[admin]
port = 8080
address = "127.0.0.1"
body_limit_bytes = 1048576

[[admin.token]]
token = "0123456789abcdef0123"
role = "owner"

[links]
short_domain = "go.example.com"
expiry = "90d"

[[carrier]]
name = "a"
host = "smsc.example.net"
port = 2775
system_id = "confab"
password = "secret"
window = 10
bind_type = "transceiver"
inactivity_timeout = "120s"

[[carrier]]
name = "b"
mode = "listen"
port = 2776
system_id = "partner"
allowed_networks = ["192.0.2.0/24"]

[[number]]
number = "+15550100000"
default_country = "US"
organization_prefix = "Acme"
program_name = "Acme Alerts"
email = "help@acme.example"
help_phone = "+1 555 010 0002"
carriers = ["a"]
attribution_window = "24h"

[number.templates.help]
en = "{{organization_prefix}}: help at {{email}}"

[number.auto_responder]
mode = "all"
min_interval = "10m"

[number.quiet_hours]
start = "08:00"
end = "20:00"

[number.notifications]
emails = ["ops@acme.example"]
webhook_url = "https://hooks.acme.example/sms"
)";

// Writes `text` to a fresh file under the test temp dir and loads it.
inline absl::StatusOr<Config> LoadText(const std::string& text) {
  static std::atomic<int> counter{0};
  const std::filesystem::path path =
      std::filesystem::path(::testing::TempDir()) /
      ("config_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".toml");
  {
    std::ofstream out(path, std::ios::trunc | std::ios::binary);
    out << text;
  }
  auto config = LoadConfig(path.string());
  std::filesystem::remove(path);
  return config;
}

// The line of `message` that reports `key` ("key: …"), if any.
inline std::optional<std::string> ErrorFor(const std::string& message, const std::string& key) {
  std::istringstream lines(message);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(key + ": ", 0) == 0) {
      return line;
    }
  }
  return std::nullopt;
}

// LoadConfig then Validate, as confabd does; the first error status, or OK.
inline absl::Status LoadAndValidate(const std::string& text) {
  auto config = LoadText(text);
  if (!config.ok()) {
    return config.status();
  }
  return Validate(*config);
}

}  // namespace confab::config::testing
