// The reload plan: both configs are flattened into "key path → value text" through the key
// lists of fields.h, the differing paths are collected, and each is classed live or restart by
// the rules below. Entries of arrays of tables are named by identity so that reordering them
// is not a change.

#include <algorithm>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "config/config.h"
#include "config/fields.h"
#include "config/values.h"

namespace confab::config {
namespace internal {
namespace {

// What the running daemon applies without a restart. A path matches a rule when equal to it or
// below it; paths are compared with their [identity] selectors removed.
constexpr std::string_view kLiveRules[] = {
    "daemon.log_level", "daemon.shutdown_grace", "admin.token", "links.short_domain",
    "links.expiry",     "links.bot_user_agents", "carrier.tps", "number",
};

std::string Identity(const CarrierConfig& carrier, std::size_t) { return carrier.name; }
std::string Identity(const NumberConfig& number, std::size_t) { return number.number; }
std::string Identity(const AdminToken&, std::size_t index) { return absl::StrCat(index); }

// A VisitFields visitor writing every value as text under its key path. Each array entry also
// gets a marker path of its own ("carrier[sim]"), which tells additions and removals apart.
class Flattener {
 public:
  Flattener(std::map<std::string, std::string>& out, std::string prefix)
      : out_(out), prefix_(std::move(prefix)) {}

  template <typename T>
  void Field(std::string_view key, const T& value) {
    out_[prefix_ + std::string(key)] = Text(value);
  }

  template <typename T>
  void Table(std::string_view key, const T& value) {
    Flattener sub(out_, absl::StrCat(prefix_, Sv(key), "."));
    VisitFields(sub, value);
  }

  template <typename T>
  void TableArray(std::string_view key, const std::vector<T>& values) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      const std::string path = absl::StrCat(prefix_, Sv(key), "[", Identity(values[i], i), "]");
      out_[path] = "present";
      Flattener sub(out_, path + ".");
      VisitFields(sub, values[i]);
    }
  }

 private:
  static std::string Text(const std::string& value) { return value; }
  static std::string Text(bool value) { return value ? "true" : "false"; }
  static std::string Text(const std::optional<bool>& value) {
    return value.has_value() ? Text(*value) : "auto";
  }
  static std::string Text(absl::Duration value) { return absl::FormatDuration(value); }
  static std::string Text(TimeOfDay value) { return FormatTimeOfDay(value); }
  static std::string Text(const std::vector<std::string>& value) {
    // Length-prefixed so that ["a,b"] and ["a", "b"] differ.
    std::string text;
    for (const std::string& item : value) {
      absl::StrAppend(&text, item.size(), ":", item, ";");
    }
    return text;
  }
  template <typename T>
  requires std::is_integral_v<T>
  static std::string Text(T value) { return absl::StrCat(value); }
  template <typename E>
  requires std::is_enum_v<E>
  static std::string Text(E value) { return std::string(NameOf(value)); }

  std::map<std::string, std::string>& out_;
  std::string prefix_;
};

std::map<std::string, std::string> Flatten(const Config& config) {
  std::map<std::string, std::string> out;
  Flattener root(out, "");
  VisitFields(root, config);
  return out;
}

// "carrier[sim].tps" → "carrier.tps"
std::string WithoutSelectors(std::string_view path) {
  std::string out;
  int depth = 0;
  for (char c : path) {
    if (c == '[') {
      ++depth;
    } else if (c == ']') {
      --depth;
    } else if (depth == 0) {
      out.push_back(c);
    }
  }
  return out;
}

bool IsLive(std::string_view path) {
  const std::string generic = WithoutSelectors(path);
  for (std::string_view rule : kLiveRules) {
    if (generic == rule || (generic.starts_with(rule) && generic[rule.size()] == '.')) {
      return true;
    }
  }
  return false;
}

// The marker path of the array entry `path` is under, or "" ("carrier[sim].tps" → "carrier[sim]").
std::string EntryOf(const std::string& path, const std::map<std::string, std::string>& flat) {
  for (std::size_t end = path.find(']'); end != std::string::npos; end = path.find(']', end + 1)) {
    const std::string candidate = path.substr(0, end + 1);
    if (flat.contains(candidate) && candidate != path) {
      return candidate;
    }
  }
  return "";
}

}  // namespace
}  // namespace internal

ReloadPlan PlanReload(const Config& running, const Config& next) {
  const auto before = internal::Flatten(running);
  const auto after = internal::Flatten(next);
  std::vector<std::string> changed;
  const auto consider = [&](const std::string& path, const auto& other) {
    // Below an entry that exists on one side only, only the entry itself is listed.
    const std::string entry = internal::EntryOf(path, before.contains(path) ? before : after);
    if (!entry.empty() && !other.contains(entry)) {
      return;
    }
    changed.push_back(path);
  };
  for (const auto& [path, value] : before) {
    auto it = after.find(path);
    if (it == after.end() || it->second != value) {
      consider(path, after);
    }
  }
  for (const auto& [path, value] : after) {
    if (!before.contains(path)) {
      consider(path, before);
    }
  }
  std::sort(changed.begin(), changed.end());
  ReloadPlan plan;
  for (std::string& path : changed) {
    (internal::IsLive(path) ? plan.live : plan.needs_restart).push_back(std::move(path));
  }
  return plan;
}

}  // namespace confab::config
