// BrandSettings: snapshots of config + stored overrides, validated changes, synchronous
// persistence. Validation reuses config::Validate on a whole Config holding the patched number,
// so every rule of the config file (placeholders, templates, addresses, quiet-hours order, the
// SMTP relay needed for e-mails) applies to the API in the same words.

#include "daemon/brand_settings.h"

#include <future>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "daemon/logging.h"
#include "store/reader.h"
#include "store/write_set.h"

namespace confab {
namespace {

// There is one record per configured number at most; this bounds a store full of stale ones.
constexpr std::size_t kMaxStoredSettings = 100000;

std::vector<std::string> IssueLines(config::Config config) {
  config.lines = config::SourceLines();  // "key: what" without "(line N)"
  const absl::Status status = config::Validate(config);
  if (status.ok()) {
    return {};
  }
  return absl::StrSplit(status.message(), '\n');
}

absl::StatusOr<SettingsPatch> DecodeOverrides(const store::SettingsRecord& record) {
  boost::system::error_code error;
  boost::json::value value = boost::json::parse(record.overrides, error);
  if (error || !value.is_object()) {
    return absl::DataLossError("stored settings are not a JSON object");
  }
  return ParseSettingsPatch(value.get_object());
}

// E-mail recipients set through the API need the relay; a config file that lists them without
// one is logged at start instead (the file's own rules are config::Validate's).
absl::Status RelayIssue(const config::Config& file, const SettingsPatch& overrides) {
  if (overrides.emails && !overrides.emails->empty() && file.notifications.smtp_url.empty()) {
    return absl::InvalidArgumentError(
        "notifications.emails: needs notifications.smtp_url (the SMTP relay e-mails go through)");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status NewNumberIssues(const config::Config& baseline, const config::Config& candidate,
                             std::size_t index) {
  const std::vector<std::string> before = IssueLines(baseline);
  const std::set<std::string> known(before.begin(), before.end());
  const std::string prefix = absl::StrCat("number[", index, "].");
  std::vector<std::string> fresh;
  for (std::string& line : IssueLines(candidate)) {
    if (known.contains(line)) {
      continue;
    }
    if (line.starts_with(prefix)) {
      line.erase(0, prefix.size());
    }
    fresh.push_back(std::move(line));
  }
  if (fresh.empty()) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrJoin(fresh, "\n"));
}

BrandSettings::BrandSettings(const store::KvSource& source, const store::CfHandles& handles,
                             store::GroupCommitter& committer, std::function<uint64_t()> clock)
    : source_(source), handles_(handles), committer_(committer), clock_(std::move(clock)) {}

std::shared_ptr<const BrandSettings::Snapshot> BrandSettings::Load() const {
  std::lock_guard lock(snapshot_mutex_);
  return snapshot_;
}

std::shared_ptr<const BrandSettings::Snapshot> BrandSettings::Build(
    config::Config file, absl::flat_hash_map<uint64_t, SettingsPatch> overrides) {
  auto snapshot = std::make_shared<Snapshot>();
  config::Config effective = file;
  for (std::size_t i = 0; i < effective.numbers.size(); ++i) {
    config::NumberConfig& number = effective.numbers[i];
    absl::StatusOr<uint64_t> id = store::NumberId(number.number);
    if (!id.ok()) {
      continue;  // a valid config has none such
    }
    snapshot->index.emplace(*id, i);
    if (auto it = overrides.find(*id); it != overrides.end()) {
      it->second.ApplyTo(number);
    }
    snapshot->numbers.push_back(std::make_shared<const config::NumberConfig>(number));
  }
  // Overrides of numbers no longer configured are kept in the store (the number may come back)
  // but not here.
  for (auto it = overrides.begin(); it != overrides.end();) {
    if (snapshot->index.contains(it->first)) {
      ++it;
    } else {
      overrides.erase(it++);
    }
  }
  snapshot->file = std::move(file);
  snapshot->effective = std::make_shared<const config::Config>(std::move(effective));
  snapshot->overrides = std::move(overrides);
  return snapshot;
}

absl::Status BrandSettings::Reload(const config::Config& config) {
  std::lock_guard change(change_mutex_);
  absl::StatusOr<std::vector<std::pair<uint64_t, store::SettingsRecord>>> stored =
      store::StoreReader(source_).ListSettings(kMaxStoredSettings);
  if (!stored.ok()) {
    return stored.status();
  }
  absl::flat_hash_map<uint64_t, SettingsPatch> overrides;
  for (const auto& [brand, record] : *stored) {
    absl::StatusOr<SettingsPatch> patch = DecodeOverrides(record);
    if (!patch.ok()) {
      Logger("settings")
          ->error("ignoring the stored settings of {}: {}", store::NumberText(brand),
                  patch.status().ToString());
      continue;
    }
    overrides.emplace(brand, *std::move(patch));
  }
  // Check each number's overrides against this file alone: a file change (say, the SMTP relay
  // removed) can make an override invalid, and the number then runs on the file's values.
  std::shared_ptr<const Snapshot> plain = Build(config, {});
  for (auto it = overrides.begin(); it != overrides.end();) {
    auto position = plain->index.find(it->first);
    if (position == plain->index.end()) {
      ++it;
      continue;
    }
    config::Config candidate = config;
    it->second.ApplyTo(candidate.numbers[position->second]);
    absl::Status status = RelayIssue(config, it->second);
    if (status.ok()) {
      status = NewNumberIssues(config, candidate, position->second);
    }
    if (!status.ok()) {
      Logger("settings")
          ->error("ignoring the stored settings of {}: {}", store::NumberText(it->first),
                  status.ToString());
      overrides.erase(it++);
    } else {
      ++it;
    }
  }
  if (config.notifications.smtp_url.empty()) {
    for (const config::NumberConfig& number : config.numbers) {
      if (!number.notifications.emails.empty()) {
        Logger("settings")
            ->warn(
                "{}: notification e-mails need [notifications].smtp_url; none "
                "will be sent",
                number.number);
      }
    }
  }
  Publish(Build(config, std::move(overrides)));
  return absl::OkStatus();
}

std::shared_ptr<const config::NumberConfig> BrandSettings::Current(uint64_t brand) const {
  std::shared_ptr<const Snapshot> snapshot = Load();
  if (!snapshot) {
    return nullptr;
  }
  auto it = snapshot->index.find(brand);
  return it == snapshot->index.end() ? nullptr : snapshot->numbers[it->second];
}

std::vector<std::shared_ptr<const config::NumberConfig>> BrandSettings::All() const {
  std::shared_ptr<const Snapshot> snapshot = Load();
  return snapshot ? snapshot->numbers : std::vector<std::shared_ptr<const config::NumberConfig>>{};
}

SettingsPatch BrandSettings::Overrides(uint64_t brand) const {
  std::shared_ptr<const Snapshot> snapshot = Load();
  if (!snapshot) {
    return {};
  }
  auto it = snapshot->overrides.find(brand);
  return it == snapshot->overrides.end() ? SettingsPatch{} : it->second;
}

std::shared_ptr<const config::Config> BrandSettings::Effective() const {
  std::shared_ptr<const Snapshot> snapshot = Load();
  return snapshot ? snapshot->effective : std::make_shared<const config::Config>();
}

absl::StatusOr<config::NumberConfig> BrandSettings::Apply(uint64_t brand,
                                                          const SettingsPatch& patch) {
  std::lock_guard change(change_mutex_);
  std::shared_ptr<const Snapshot> snapshot = Load();
  if (!snapshot || !snapshot->index.contains(brand)) {
    return absl::NotFoundError(
        absl::StrCat("brand number ", store::NumberText(brand), " is not configured"));
  }
  const std::size_t position = snapshot->index.at(brand);
  SettingsPatch merged;
  if (auto it = snapshot->overrides.find(brand); it != snapshot->overrides.end()) {
    merged = it->second;
  }
  merged.MergeFrom(patch);
  config::Config candidate = *snapshot->effective;
  config::NumberConfig& number = candidate.numbers[position];
  number = snapshot->file.numbers[position];
  merged.ApplyTo(number);
  RETURN_IF_ERROR(NewNumberIssues(*snapshot->effective, candidate, position));
  RETURN_IF_ERROR(RelayIssue(snapshot->file, merged));
  return Commit(*snapshot, brand, merged);
}

absl::StatusOr<config::NumberConfig> BrandSettings::ClearOverrides(uint64_t brand) {
  std::lock_guard change(change_mutex_);
  std::shared_ptr<const Snapshot> snapshot = Load();
  if (!snapshot || !snapshot->index.contains(brand)) {
    return absl::NotFoundError(
        absl::StrCat("brand number ", store::NumberText(brand), " is not configured"));
  }
  return Commit(*snapshot, brand, SettingsPatch{});
}

absl::StatusOr<config::NumberConfig> BrandSettings::Commit(const Snapshot& current, uint64_t brand,
                                                           const SettingsPatch& overrides) {
  store::WriteSet writes(handles_);
  if (overrides.empty()) {
    writes.DeleteSettings(brand);
  } else {
    store::SettingsRecord record{clock_(), boost::json::serialize(SettingsPatchJson(overrides))};
    if (record.overrides.size() > store::kMaxSettingsOverrides) {
      return absl::InvalidArgumentError(absl::StrCat(
          "settings: more than ", store::kMaxSettingsOverrides, " bytes of overrides"));
    }
    writes.PutSettings(brand, record);
  }
  std::promise<absl::Status> durable;
  std::future<absl::Status> result = durable.get_future();
  absl::Status submitted = committer_.Submit(
      writes.Release(), [&durable](absl::Status status) { durable.set_value(std::move(status)); });
  absl::Status status = submitted.ok() ? result.get() : submitted;
  if (!status.ok()) {
    Logger("settings")
        ->error("storing the settings of {}: {}", store::NumberText(brand), status.ToString());
    return absl::UnavailableError(absl::StrCat("the store refused the write: ", status.message()));
  }
  absl::flat_hash_map<uint64_t, SettingsPatch> all = current.overrides;
  if (overrides.empty()) {
    all.erase(brand);
  } else {
    all[brand] = overrides;
  }
  std::shared_ptr<const Snapshot> next = Build(current.file, std::move(all));
  config::NumberConfig number = *next->numbers[next->index.at(brand)];
  Logger("settings")
      ->info("settings of {} changed; overridden now: [{}]", store::NumberText(brand),
             absl::StrJoin(overrides.Keys(), ", "));
  Publish(std::move(next));
  return number;
}

void BrandSettings::Publish(std::shared_ptr<const Snapshot> next) {
  {
    std::lock_guard lock(snapshot_mutex_);
    snapshot_ = std::move(next);
  }
  for (const Listener& listener : listeners_) {
    listener(*this);
  }
}

void BrandSettings::OnChange(Listener listener) {
  std::lock_guard change(change_mutex_);
  listeners_.push_back(std::move(listener));
}

}  // namespace confab
