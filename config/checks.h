#pragma once

// Internal to config/: the error list shared by loading and validation, and the validation of
// each part of a Config (validate.cc, validate_carrier.cc, validate_number.cc).

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "config/config.h"

namespace confab::config::internal {

// One problem with one key. line 0: not known yet; IssuesToStatus looks it up in SourceLines.
struct Issue {
  std::string key;
  std::string what;
  int line = 0;
};

// Collects validation issues with the usual wordings, so every check says the same thing the
// same way.
class Checker {
 public:
  void Error(std::string key, std::string what);
  void NotEmpty(const std::string& key, const std::string& value);
  void MaxLength(const std::string& key, const std::string& value, std::size_t max);
  // "must be min..max"
  void Range(const std::string& key, std::int64_t value, std::int64_t min, std::int64_t max);
  // "must be between min and max" (inclusive)
  void Range(const std::string& key, absl::Duration value, absl::Duration min, absl::Duration max);

  std::vector<Issue>& issues() { return issues_; }

 private:
  std::vector<Issue> issues_;
};

void CheckDaemonStoreAdmin(const Config& config, Checker& check);
void CheckLinks(const Config& config, Checker& check);
void CheckNotifications(const Config& config, Checker& check);
void CheckCarriers(const Config& config, Checker& check);
void CheckNumbers(const Config& config, Checker& check);

// Every validation issue of `config`, in check order.
std::vector<Issue> CollectValidationIssues(const Config& config);

// OK when `issues` is empty; else InvalidArgument with one "key: what (line N)" per line, in
// file order (issues without a line last).
absl::Status IssuesToStatus(std::vector<Issue> issues, const SourceLines& lines);

}  // namespace confab::config::internal
