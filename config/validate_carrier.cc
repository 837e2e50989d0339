// Validation of [[carrier]] entries. SMPP field limits come from the bind PDUs (SMPP v3.4:
// system_id C-octet string of at most 16 octets, password 9, system_type 13, each including the
// terminating NUL), so a value the carrier could never receive is refused here, not at bind time.

#include <algorithm>
#include <map>
#include <string>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "config/checks.h"
#include "config/config.h"
#include "config/values.h"

namespace confab::config::internal {
namespace {

bool IsCarrierName(const std::string& name) {
  return std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

// SMPP C-octet strings are ASCII; a NUL would cut the field short on the wire.
void CheckSmppString(Checker& check, const std::string& key, const std::string& value,
                     std::size_t max) {
  check.MaxLength(key, value, max);
  if (std::any_of(value.begin(), value.end(),
                  [](char c) { return c < ' ' || static_cast<unsigned char>(c) > '~'; })) {
    check.Error(key, "must be printable ASCII");
  }
}

void CheckTimers(const CarrierConfig& carrier, const std::string& key, Checker& check) {
  const absl::Duration kMin = absl::Milliseconds(1);
  const absl::Duration kHour = absl::Hours(1);
  check.Range(key + ".bind_timeout", carrier.bind_timeout, kMin, kHour);
  check.Range(key + ".enquire_link_interval", carrier.enquire_link_interval, kMin, kHour);
  check.Range(key + ".response_timeout", carrier.response_timeout, kMin, kHour);
  check.Range(key + ".inactivity_timeout", carrier.inactivity_timeout, kMin, absl::Hours(24));
  check.Range(key + ".write_timeout", carrier.write_timeout, kMin, kHour);
  check.Range(key + ".reconnect_min_backoff", carrier.reconnect_min_backoff, kMin, kHour);
  check.Range(key + ".reconnect_max_backoff", carrier.reconnect_max_backoff, kMin, kHour);
  check.Range(key + ".unbind_grace", carrier.unbind_grace, absl::ZeroDuration(), absl::Minutes(5));
  if (carrier.reconnect_max_backoff < carrier.reconnect_min_backoff) {
    check.Error(key + ".reconnect_max_backoff",
                absl::StrCat("must be at least reconnect_min_backoff (",
                             absl::FormatDuration(carrier.reconnect_min_backoff), ")"));
  }
  check.Range(key + ".retry_max_attempts", carrier.retry_max_attempts, 1, 100);
  check.Range(key + ".retry_min_backoff", carrier.retry_min_backoff, kMin, kHour);
  check.Range(key + ".retry_max_backoff", carrier.retry_max_backoff, kMin, kHour);
  if (carrier.retry_max_backoff < carrier.retry_min_backoff) {
    check.Error(key + ".retry_max_backoff",
                absl::StrCat("must be at least retry_min_backoff (",
                             absl::FormatDuration(carrier.retry_min_backoff), ")"));
  }
  // An idle but healthy session sends enquire_link; if that came later than the inactivity
  // timeout, healthy sessions would be dropped.
  if (carrier.inactivity_timeout <= carrier.enquire_link_interval) {
    check.Error(key + ".inactivity_timeout",
                absl::StrCat("must be longer than enquire_link_interval (",
                             absl::FormatDuration(carrier.enquire_link_interval), ")"));
  }
}

void CheckCarrier(const Config& config, std::size_t index, Checker& check) {
  const CarrierConfig& carrier = config.carriers[index];
  const std::string key = absl::StrCat("carrier[", index, "]");
  if (carrier.name.empty()) {
    check.Error(key + ".name", "must be set");
  } else if (!IsCarrierName(carrier.name) || carrier.name.size() > 32) {
    check.Error(key + ".name", "must be 1 to 32 letters, digits, '_', '-' or '.'");
  }
  if (carrier.mode == CarrierMode::kConnect) {
    if (carrier.host.empty()) {
      check.Error(key + ".host", "must be set in mode connect (the carrier's SMSC)");
    } else if (!IsHostName(carrier.host)) {
      check.Error(key + ".host", absl::StrCat("\"", carrier.host, "\" is not a host name"));
    }
  } else if (!carrier.host.empty() && !IsIpAddress(carrier.host)) {
    check.Error(key + ".host", "must be an IP address to listen on in mode listen (empty = all)");
  }
  // Listen mode: 0 = any free port (the runtime file says which).
  check.Range(key + ".port", carrier.port, carrier.mode == CarrierMode::kListen ? 0 : 1, 65535);
  if (carrier.system_id.empty()) {
    check.Error(key + ".system_id", "must be set");
  }
  CheckSmppString(check, key + ".system_id", carrier.system_id, 15);
  CheckSmppString(check, key + ".password", carrier.password, 8);
  CheckSmppString(check, key + ".system_type", carrier.system_type, 12);
  check.Range(key + ".binds", carrier.binds, 1, 64);
  check.Range(key + ".window", carrier.window, 1, 1000);
  check.Range(key + ".tps", carrier.tps, 0, 100000);
  CheckTimers(carrier, key, check);
  for (const std::string& network : carrier.allowed_networks) {
    if (!IsCidr(network)) {
      check.Error(key + ".allowed_networks",
                  absl::StrCat("\"", network, "\" is not a CIDR network such as 10.0.0.0/8"));
    }
  }
  if (carrier.mode == CarrierMode::kListen && carrier.allowed_networks.empty()) {
    check.Error(key + ".allowed_networks",
                "must list the networks the carrier connects from in mode listen "
                "(\"0.0.0.0/0\" for any)");
  }
  check.Range(key + ".max_pdu_size", carrier.max_pdu_size, 1024, 16 << 20);
  if (carrier.mode == CarrierMode::kListen && carrier.port != 0 &&
      (carrier.port == config.admin.port ||
       (config.links.enabled && carrier.port == config.links.port))) {
    check.Error(key + ".port", "must differ from admin.port and links.port");
  }
}

}  // namespace

void CheckCarriers(const Config& config, Checker& check) {
  std::map<std::string, std::size_t> names;
  // Listen-mode carriers may share a port; the SMPP server tells them apart by system_id.
  std::map<std::tuple<std::string, int, std::string>, std::size_t> listeners;
  for (std::size_t i = 0; i < config.carriers.size(); ++i) {
    CheckCarrier(config, i, check);
    const CarrierConfig& carrier = config.carriers[i];
    if (auto [it, inserted] = names.emplace(carrier.name, i); !inserted && !carrier.name.empty()) {
      check.Error(
          absl::StrCat("carrier[", i, "].name"),
          absl::StrCat("\"", carrier.name, "\" is already the name of carrier[", it->second, "]"));
    }
    if (carrier.mode == CarrierMode::kListen) {
      auto [it, inserted] =
          listeners.emplace(std::tuple(carrier.host, carrier.port, carrier.system_id), i);
      if (!inserted) {
        check.Error(
            absl::StrCat("carrier[", i, "].system_id"),
            absl::StrCat("carrier[", it->second, "] already listens on this port for system_id \"",
                         carrier.system_id, "\""));
      }
    }
  }
}

}  // namespace confab::config::internal
