// confabd: the Confab SMS gateway daemon. Flags → config → App → run; see README.md.

#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "config/config.h"
#include "daemon/app.h"
#include "daemon/logging.h"
#include "daemon/version.h"

#ifdef CONFAB_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

ABSL_FLAG(std::string, config, "/etc/confab/confab.toml", "Configuration file (TOML)");
// Spelled with dashes on the command line: --check-config, --log-level, --state-dir, …
ABSL_FLAG(std::string, check_config, "",
          "Validate this configuration file, print every error (or OK) and exit: 0 valid, 2 not");
ABSL_FLAG(std::string, log_level, "", "Override [daemon].log_level: trace|debug|info|warn|error");
ABSL_FLAG(std::string, state_dir, "",
          "Override [daemon].state_dir (systemd passes $STATE_DIRECTORY)");
ABSL_FLAG(std::string, runtime_file, "",
          "Once ready, write {\"pid\":…, \"admin\":\"host:port\"} to this file");

namespace {

// The malloc this binary runs on, for the start-up log (CMake's confab_use_jemalloc).
std::string AllocatorName() {
#ifdef CONFAB_JEMALLOC
  const char* version = nullptr;
  std::size_t size = sizeof(version);
  if (mallctl("version", &version, &size, nullptr, 0) == 0 && version != nullptr) {
    return std::string("jemalloc ") + version;
  }
  return "jemalloc";
#else
  return "libc malloc";
#endif
}

absl::StatusOr<confab::config::Config> LoadValidConfig(const std::string& path) {
  auto config = confab::config::LoadConfig(path);
  if (!config.ok()) {
    return config.status();
  }
  if (absl::Status valid = confab::config::Validate(*config); !valid.ok()) {
    return valid;
  }
  return config;
}

// Our flags are spelled with dashes (--check-config); abseil's names use underscores. Rewrites
// the name part of each "--flag[=value]" argument in place, up to a lone "--".
void UnderscoreFlagNames(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    char* arg = argv[i];
    if (arg[0] != '-' || arg[1] != '-') {
      continue;
    }
    if (arg[2] == '\0') {
      return;
    }
    for (char* c = arg + 2; *c != '\0' && *c != '='; ++c) {
      if (*c == '-') {
        *c = '_';
      }
    }
  }
}

int CheckConfig(const std::string& path) {
  auto config = LoadValidConfig(path);
  if (!config.ok()) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), std::string(config.status().message()).c_str());
    return confab::kExitConfig;
  }
  std::printf("OK\n");
  return confab::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Confab SMS gateway daemon.\n  confabd --config FILE     run\n"
      "  confabd --check-config FILE   validate a config file");
  absl::SetFlagsUsageConfig({.contains_helpshort_flags = {},
                             .contains_help_flags = {},
                             .contains_helppackage_flags = {},
                             .version_string = [] { return confab::VersionLine(); },
                             .normalize_filename = {}});
  UnderscoreFlagNames(argc, argv);
  absl::ParseCommandLine(argc, argv);

  if (const std::string path = absl::GetFlag(FLAGS_check_config); !path.empty()) {
    return CheckConfig(path);
  }
  const std::string config_path = absl::GetFlag(FLAGS_config);
  auto config = LoadValidConfig(config_path);
  if (!config.ok()) {
    std::fprintf(stderr, "confabd: %s: %s\n", config_path.c_str(),
                 std::string(config.status().message()).c_str());
    return confab::kExitConfig;
  }
  if (const std::string dir = absl::GetFlag(FLAGS_state_dir); !dir.empty()) {
    config->daemon.state_dir = dir;
  }
  std::string level = absl::GetFlag(FLAGS_log_level);
  if (level.empty()) {
    level = std::string(confab::config::LogLevelName(config->daemon.log_level));
  }
  if (absl::Status logging = confab::InitLogging(level); !logging.ok()) {
    std::fprintf(stderr, "confabd: %s\n", std::string(logging.message()).c_str());
    return confab::kExitConfig;
  }
  confab::Logger("daemon")->info("{} starting with {} (allocator: {})", confab::VersionLine(),
                                 config_path, AllocatorName());

  auto app = confab::App::Create(
      *std::move(config),
      {.config_path = config_path, .runtime_file = absl::GetFlag(FLAGS_runtime_file)});
  if (!app.ok()) {
    confab::Logger("daemon")->critical("cannot start: {}", std::string(app.status().message()));
    return confab::App::ExitCodeFor(app.status());
  }
  return (*app)->Run();
}
