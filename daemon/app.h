#pragma once

// The composition root: builds every part of the daemon from the config, starts them in order,
// and stops them in reverse order on SIGTERM/SIGINT. SIGHUP reloads what can change live.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "config/config.h"

namespace confab {

// Process exit codes, documented in the README and relied on by the systemd unit.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitConfig = 2;  // bad flags or config: restarting would not help
inline constexpr int kExitStore = 3;   // store unusable or locked by another instance

struct AppOptions {
  std::string config_path;  // re-read on SIGHUP
  // Written once the daemon is ready: {"pid": N, "admin": "host:port"} (for tests, scripts).
  std::string runtime_file;
};

class App {
 public:
  // Opens the store and binds the listeners. On failure the status says what and where;
  // ExitCodeFor() turns it into the process exit code.
  static absl::StatusOr<std::unique_ptr<App>> Create(config::Config config, AppOptions options);
  ~App();

  // Serves until SIGTERM or SIGINT, then stops gracefully. Returns the process exit code.
  int Run();

  static int ExitCodeFor(const absl::Status& status);

 private:
  struct Parts;
  // The classifier, the brand numbers and the inbound pipeline over the open store.
  static absl::Status StartPipeline(Parts& parts);
  // The receipt processor, the carrier binds and the dispatcher, over the started pipeline.
  static absl::Status StartOutbound(Parts& parts);
  // The admin API's tokens, workers and /v1 routes, over the started parts.
  static absl::Status StartApi(Parts& parts);
  explicit App(std::unique_ptr<Parts> parts);
  // SIGHUP: re-reads the config file; applies what can change live, logs what needs a restart.
  void Reload();
  std::unique_ptr<Parts> parts_;
};

}  // namespace confab
