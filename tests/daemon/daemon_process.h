#pragma once

// Runs the real confabd binary as a child process for integration tests: its output is read
// line by line through a pipe (event-driven, with an overall deadline that only fails the test).

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace confab::testing {

class DaemonProcess {
 public:
  // Starts CONFAB_DAEMON_PATH with `args`; stdout and stderr both go to the pipe.
  explicit DaemonProcess(const std::vector<std::string>& args);
  ~DaemonProcess();  // SIGKILLs the child if it is still running

  // Reads output until a line contains `needle`; returns that line, or nullopt on EOF/deadline.
  std::optional<std::string> WaitForLine(const std::string& needle,
                                         std::chrono::seconds deadline = std::chrono::seconds(60));
  // Waits for the child to exit; returns its exit code (128+N if killed by signal N), or
  // nullopt on deadline. Output read meanwhile is kept in output().
  std::optional<int> WaitForExit(std::chrono::seconds deadline = std::chrono::seconds(60));
  void Signal(int signal);

  const std::string& output() const { return output_; }
  pid_t pid() const { return pid_; }

 private:
  bool ReadSome(std::chrono::milliseconds timeout);  // false on EOF

  pid_t pid_ = -1;
  int fd_ = -1;
  std::string output_;
  std::size_t scanned_ = 0;
  std::optional<int> exit_code_;
};

// Runs confabd to completion (e.g. --check-config) and returns {exit code, output}.
std::pair<int, std::string> RunDaemonToExit(const std::vector<std::string>& args);

// A blocking HTTP/1.1 request over a fresh connection ("Connection: close").
struct HttpResult {
  int status = 0;
  std::string body;
};
// A non-empty `token` is sent as "Authorization: Bearer <token>".
HttpResult HttpGet(int port, const std::string& path, const std::string& token = "");
// Any method, with a JSON body when `body` is not empty.
HttpResult HttpSend(int port, const std::string& method, const std::string& path,
                    const std::string& body, const std::string& token);

// The admin API token confabd generated into `state_dir` (no [[admin.token]] configured); ""
// when there is none yet.
std::string GeneratedAdminToken(const std::string& state_dir);

// The admin port from confabd's ready line ("ready: admin API on http://127.0.0.1:PORT …").
int PortFromReadyLine(const std::string& line);

}  // namespace confab::testing
