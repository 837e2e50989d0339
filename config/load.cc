// TOML → Config. The walk is driven by the key lists of fields.h: each struct's keys are looked
// up in its table, converted, and their lines recorded; whatever the table holds beyond them is
// an unknown key. Nothing stops at the first problem, so one run reports them all.

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "config/checks.h"
#include "config/config.h"
#include "config/fields.h"
#include "config/values.h"
#include "toml++/toml.h"

namespace confab::config {
namespace internal {
namespace {

int LineOf(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

template <typename E>
std::string EnumChoices() {
  std::vector<std::string> names;
  for (const auto& entry : EnumNames(E{})) {
    names.emplace_back(entry.name);
  }
  return absl::StrCat("expected one of ", absl::StrJoin(names, ", "));
}

struct LoadState {
  std::vector<Issue> issues;
  SourceLines& lines;
};

// A VisitFields visitor reading one TOML table.
class Loader {
 public:
  Loader(const toml::table& table, std::string prefix, LoadState& state)
      : table_(table), prefix_(std::move(prefix)), state_(state) {}

  template <typename T>
  void Field(std::string_view key, T& out) {
    if (const toml::node* node = Take(key)) {
      Convert(*node, prefix_ + std::string(key), out);
    }
  }

  template <typename T>
  void Table(std::string_view key, T& out) {
    const toml::node* node = Take(key);
    if (node == nullptr) {
      return;
    }
    const std::string path = prefix_ + std::string(key);
    if (!node->is_table()) {
      Error(path, *node, "expected a table");
      return;
    }
    Loader sub(*node->as_table(), path + ".", state_);
    VisitFields(sub, out);
    sub.ReportUnknownKeys();
  }

  template <typename T>
  void TableArray(std::string_view key, std::vector<T>& out) {
    const toml::node* node = Take(key);
    if (node == nullptr) {
      return;
    }
    const std::string path = prefix_ + std::string(key);
    const toml::array* array = node->as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
      if (array == nullptr || !array->empty()) {
        Error(path, *node, absl::StrCat("expected an array of tables ([[", path, "]])"));
      }
      return;
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
      const toml::node& element = *array->get(i);
      const std::string element_path = absl::StrCat(path, "[", i, "]");
      state_.lines.Set(element_path, LineOf(element));
      T item;
      Loader sub(*element.as_table(), element_path + ".", state_);
      VisitFields(sub, item);
      sub.ReportUnknownKeys();
      out.push_back(std::move(item));
    }
  }

  void ReportUnknownKeys() {
    for (const auto& [key, node] : table_) {
      if (!known_.contains(key.str())) {
        state_.issues.push_back({prefix_ + std::string(key.str()), "unknown key",
                                 static_cast<int>(key.source().begin.line)});
      }
    }
  }

 private:
  // The node of `key` if present; marks the key as known either way and records its line.
  const toml::node* Take(std::string_view key) {
    known_.emplace(key);
    const toml::node* node = table_.get(key);
    if (node != nullptr) {
      state_.lines.Set(prefix_ + std::string(key), LineOf(*node));
    }
    return node;
  }

  void Error(const std::string& path, const toml::node& node, std::string what) {
    state_.issues.push_back({path, std::move(what), LineOf(node)});
  }

  void Convert(const toml::node& node, const std::string& path, std::string& out) {
    if (const auto* value = node.as_string()) {
      out = value->get();
    } else {
      Error(path, node, "expected a string");
    }
  }

  void Convert(const toml::node& node, const std::string& path, bool& out) {
    if (const auto* value = node.as_boolean()) {
      out = value->get();
    } else {
      Error(path, node, "expected true or false");
    }
  }

  void Convert(const toml::node& node, const std::string& path, std::optional<bool>& out) {
    bool value = false;
    const std::size_t before = state_.issues.size();
    Convert(node, path, value);
    if (state_.issues.size() == before) {
      out = value;
    }
  }

  template <typename T>
  requires std::is_integral_v<T>
  void Convert(const toml::node& node, const std::string& path, T& out) {
    const auto* value = node.as_integer();
    if (value == nullptr) {
      Error(path, node, "expected an integer");
      return;
    }
    const std::int64_t v = value->get();
    if constexpr (std::is_unsigned_v<T>) {
      if (v < 0) {
        Error(path, node, "must not be negative");
        return;
      }
    } else if constexpr (sizeof(T) < sizeof(std::int64_t)) {
      if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max()) {
        Error(path, node, "integer out of range");
        return;
      }
    }
    out = static_cast<T>(v);
  }

  void Convert(const toml::node& node, const std::string& path, absl::Duration& out) {
    const auto* value = node.as_string();
    std::optional<absl::Duration> parsed;
    if (value != nullptr) {
      parsed = ParseConfigDuration(value->get());
    }
    if (parsed.has_value()) {
      out = *parsed;
    } else {
      Error(path, node,
            "expected a duration such as \"250ms\", \"30s\", \"10m\", \"24h\" or \"90d\"");
    }
  }

  void Convert(const toml::node& node, const std::string& path, TimeOfDay& out) {
    std::optional<TimeOfDay> parsed;
    if (const auto* text = node.as_string()) {
      parsed = ParseTimeOfDay(text->get());
    } else if (const auto* time = node.as_time();
               time != nullptr && time->get().second == 0 && time->get().nanosecond == 0) {
      parsed = TimeOfDay{time->get().hour, time->get().minute};
    }
    if (parsed.has_value()) {
      out = *parsed;
    } else {
      Error(path, node, "expected a time of day \"HH:MM\"");
    }
  }

  void Convert(const toml::node& node, const std::string& path, std::vector<std::string>& out) {
    const toml::array* array = node.as_array();
    if (array == nullptr || !array->is_homogeneous(toml::node_type::string)) {
      if (array == nullptr || !array->empty()) {
        Error(path, node, "expected an array of strings");
        return;
      }
    }
    out.clear();
    for (const toml::node& element : *array) {
      out.push_back(element.as_string()->get());
    }
  }

  template <typename E>
  requires std::is_enum_v<E>
  void Convert(const toml::node& node, const std::string& path, E& out) {
    if (const auto* value = node.as_string()) {
      for (const auto& entry : EnumNames(E{})) {
        if (entry.name == value->get()) {
          out = entry.value;
          return;
        }
      }
    }
    Error(path, node, EnumChoices<E>());
  }

  const toml::table& table_;
  std::string prefix_;
  LoadState& state_;
  std::set<std::string, std::less<>> known_;
};

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read ", path, ": is a directory"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  return text.str();
}

}  // namespace
}  // namespace internal

absl::StatusOr<Config> LoadConfig(const std::string& path) {
  auto text = internal::ReadFile(path);
  if (!text.ok()) {
    return text.status();
  }
  return LoadConfigFromString(*text, path);
}

absl::StatusOr<Config> LoadConfigFromString(std::string_view text, const std::string& path) {
  // toml++ reports syntax errors by exception only; it is caught right here.
  toml::table table;
  try {
    table = toml::parse(text, path);
  } catch (const toml::parse_error& error) {
    return absl::InvalidArgumentError(absl::StrCat(
        "TOML syntax error: ", std::string(error.description()), " (file ", path, ", line ",
        error.source().begin.line, ", column ", error.source().begin.column, ")"));
  }

  Config config;
  internal::LoadState state{{}, config.lines};
  internal::Loader root(table, "", state);
  internal::VisitFields(root, config);
  root.ReportUnknownKeys();
  if (state.issues.empty()) {
    return config;
  }
  // Report what validation finds as well, so that one run shows every error of the file. A
  // key that could not be loaded keeps its default, which must not earn it a second error.
  std::set<std::string> failed;
  for (const internal::Issue& issue : state.issues) {
    failed.insert(issue.key);
  }
  for (internal::Issue& issue : internal::CollectValidationIssues(config)) {
    if (!failed.contains(issue.key)) {
      state.issues.push_back(std::move(issue));
    }
  }
  return internal::IssuesToStatus(std::move(state.issues), config.lines);
}

}  // namespace confab::config
