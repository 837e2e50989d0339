#pragma once

// A small command-line parser for confab-sim: `--name value` or `--name=value`, boolean flags
// without a value, repeatable flags kept in order. Unknown flags are errors (exit 2).

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace confab::sim {

class Flags {
 public:
  // `booleans`: flags that take no value. `known`: every other accepted flag.
  static absl::StatusOr<Flags> Parse(const std::vector<std::string>& args,
                                     const std::vector<std::string>& booleans,
                                     const std::vector<std::string>& known);
  bool Has(const std::string& name) const { return values_.count(name) != 0; }
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  std::vector<std::string> GetAll(const std::string& name) const;
  absl::StatusOr<uint64_t> GetUint(const std::string& name, uint64_t fallback) const;
  absl::StatusOr<double> GetDouble(const std::string& name, double fallback) const;
  // "250ms", "2s", "1m" or a plain number of milliseconds.
  absl::StatusOr<std::chrono::milliseconds> GetDuration(const std::string& name,
                                                        std::chrono::milliseconds fallback) const;

 private:
  std::multimap<std::string, std::string> values_;
};

// "HOST:PORT" -> {host, port}.
absl::StatusOr<std::pair<std::string, uint16_t>> ParseHostPort(const std::string& text);
bool IsLoopback(const std::string& host);

}  // namespace confab::sim
