#pragma once

// Logging setup: one named spdlog logger per subsystem ("daemon", "store", "admin", "smpp", …),
// all writing to stdout. Under systemd (JOURNAL_STREAM set) lines carry the sd-daemon priority
// prefix ("<6>") and no timestamp, since journald adds its own.

#include <memory>
#include <string_view>

#include "absl/status/status.h"
#include "spdlog/logger.h"

namespace confab {

// Installs the sink and the level for every logger made afterwards and every one made before.
// `level` is one of trace, debug, info, warn, error.
absl::Status InitLogging(std::string_view level);
absl::Status SetLogLevel(std::string_view level);

// The named logger of a subsystem, created on first use with the shared sink and level.
std::shared_ptr<spdlog::logger> Logger(std::string_view subsystem);

}  // namespace confab
