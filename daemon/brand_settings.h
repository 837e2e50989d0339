#pragma once

// BrandSettings: the effective settings of every brand number (issue #5 "settings per brand
// number … persisted and effective without restart"): the config file's [[number]] with the
// overrides the admin API stored on top (store/SCHEMA.md "settings").
//
// Reads are lock-free in effect: one immutable snapshot behind a shared_ptr, swapped whole on
// every change, so a reader keeps a consistent NumberConfig as long as it holds the pointer.
// Changes (Apply, ClearOverrides, Reload) are serialized; Apply and ClearOverrides write the
// store synchronously through the group committer before the new snapshot is visible, and then
// run the OnChange listeners (on the caller's thread, in order of the changes).
//
// What a listener typically does: rebuild the pipeline's BrandDirectory from Effective()
// (BrandDirectory::Build) and hand it to Pipeline::SetBrands, and so on for the other readers.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "config/config.h"
#include "daemon/brand_settings_patch.h"
#include "store/group_commit.h"
#include "store/kv.h"

namespace confab {

class BrandSettings {
 public:
  // `source` reads committed state; `handles` stage writes for `committer`: one without
  // hold_after_failure (not the pipeline's, which a failed settings write would hold). The
  // settings are empty until the first Reload.
  BrandSettings(const store::KvSource& source, const store::CfHandles& handles,
                store::GroupCommitter& committer, std::function<uint64_t()> clock);
  BrandSettings(const BrandSettings&) = delete;
  BrandSettings& operator=(const BrandSettings&) = delete;

  // At start and on SIGHUP: `config` (valid) plus the stored overrides. A stored record that
  // does not parse, names a number no longer configured, or would make its number invalid under
  // the new file is ignored (logged); the number keeps the file's values. Unavailable/DataLoss
  // when the store cannot be read (the previous settings stay in effect). Runs the listeners.
  absl::Status Reload(const config::Config& config);

  // The brand number's effective settings; null when it is not configured.
  std::shared_ptr<const config::NumberConfig> Current(uint64_t brand) const;
  // Every configured brand number, in config order.
  std::vector<std::shared_ptr<const config::NumberConfig>> All() const;
  // The settings the API changed for `brand` (empty when none or unknown).
  SettingsPatch Overrides(uint64_t brand) const;
  // The whole config with every number's effective settings (for BrandDirectory::Build).
  std::shared_ptr<const config::Config> Effective() const;

  // Applies `patch` on top of the brand's current overrides: NotFound for an unknown brand;
  // InvalidArgument listing every field the patched number fails config::Validate on ("field:
  // what", one per line, field paths relative to the number: "auto_responder.text");
  // Unavailable when the store write fails (nothing changes). On success the new effective
  // settings, already visible to Current().
  absl::StatusOr<config::NumberConfig> Apply(uint64_t brand, const SettingsPatch& patch);
  // Drops the brand's overrides (back to the config file's values); same errors as Apply.
  absl::StatusOr<config::NumberConfig> ClearOverrides(uint64_t brand);

  // Runs after every change (Apply, ClearOverrides, Reload) with the new settings visible.
  // Register before the first Reload; listeners must not call Apply/ClearOverrides/Reload.
  using Listener = std::function<void(const BrandSettings&)>;
  void OnChange(Listener listener);

 private:
  struct Snapshot {
    config::Config file;  // the config as loaded
    std::shared_ptr<const config::Config> effective;
    absl::flat_hash_map<uint64_t, std::size_t> index;  // brand NumberId → number position
    std::vector<std::shared_ptr<const config::NumberConfig>> numbers;  // effective, config order
    absl::flat_hash_map<uint64_t, SettingsPatch> overrides;
  };

  std::shared_ptr<const Snapshot> Load() const;
  static std::shared_ptr<const Snapshot> Build(
      config::Config file, absl::flat_hash_map<uint64_t, SettingsPatch> overrides);
  // Persists `overrides` for `brand` (empty: deletes the record), then swaps and notifies.
  absl::StatusOr<config::NumberConfig> Commit(const Snapshot& current, uint64_t brand,
                                              const SettingsPatch& overrides);
  void Publish(std::shared_ptr<const Snapshot> next);

  const store::KvSource& source_;
  const store::CfHandles& handles_;
  store::GroupCommitter& committer_;
  std::function<uint64_t()> clock_;

  std::mutex change_mutex_;  // serializes Apply, ClearOverrides, Reload
  mutable std::mutex snapshot_mutex_;
  std::shared_ptr<const Snapshot> snapshot_;
  std::vector<Listener> listeners_;
};

// The issues of config::Validate(candidate) that Validate(baseline) does not have, with the
// "number[i]." prefix of `index` removed: the errors a change to number `index` caused.
// InvalidArgument with one "field: what" per line; OK when there are none.
absl::Status NewNumberIssues(const config::Config& baseline, const config::Config& candidate,
                             std::size_t index);

}  // namespace confab
