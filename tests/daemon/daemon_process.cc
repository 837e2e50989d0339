#include "tests/daemon/daemon_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

extern char** environ;

namespace confab::testing {

DaemonProcess::DaemonProcess(const std::vector<std::string>& args) {
  int fds[2];
  if (::pipe(fds) != 0) {
    throw std::runtime_error("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  std::vector<std::string> argv_strings = {CONFAB_DAEMON_PATH};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_strings) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  const int rc = posix_spawn(&pid_, CONFAB_DAEMON_PATH, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  fd_ = fds[0];
  if (rc != 0) {
    throw std::runtime_error("posix_spawn failed");
  }
}

DaemonProcess::~DaemonProcess() {
  if (!exit_code_.has_value() && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

bool DaemonProcess::ReadSome(std::chrono::milliseconds timeout) {
  pollfd pfd{.fd = fd_, .events = POLLIN, .revents = 0};
  if (::poll(&pfd, 1, static_cast<int>(timeout.count())) <= 0) {
    return true;  // nothing yet
  }
  char buffer[4096];
  const ssize_t n = ::read(fd_, buffer, sizeof(buffer));
  if (n <= 0) {
    return false;
  }
  output_.append(buffer, static_cast<std::size_t>(n));
  return true;
}

std::optional<std::string> DaemonProcess::WaitForLine(const std::string& needle,
                                                      std::chrono::seconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    std::size_t line_end;
    while ((line_end = output_.find('\n', scanned_)) != std::string::npos) {
      std::string line = output_.substr(scanned_, line_end - scanned_);
      scanned_ = line_end + 1;
      if (line.find(needle) != std::string::npos) {
        return line;
      }
    }
    if (std::chrono::steady_clock::now() >= until || !ReadSome(std::chrono::milliseconds(200))) {
      return std::nullopt;
    }
  }
}

std::optional<int> DaemonProcess::WaitForExit(std::chrono::seconds deadline) {
  if (exit_code_.has_value()) {
    return exit_code_;
  }
  const auto until = std::chrono::steady_clock::now() + deadline;
  // Drain the pipe until EOF (the child closed it by exiting), then reap.
  while (std::chrono::steady_clock::now() < until) {
    if (!ReadSome(std::chrono::milliseconds(200))) {
      int status = 0;
      ::waitpid(pid_, &status, 0);
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_code_;
    }
  }
  return std::nullopt;
}

void DaemonProcess::Signal(int signal) { ::kill(pid_, signal); }

std::pair<int, std::string> RunDaemonToExit(const std::vector<std::string>& args) {
  DaemonProcess process(args);
  const std::optional<int> code = process.WaitForExit();
  return {code.value_or(-1), process.output()};
}

HttpResult HttpGet(int port, const std::string& path, const std::string& token) {
  return HttpSend(port, "GET", path, "", token);
}

std::string GeneratedAdminToken(const std::string& state_dir) {
  std::string token;
  std::ifstream(state_dir + "/admin-token") >> token;
  return token;
}

HttpResult HttpSend(int port, const std::string& method, const std::string& path,
                    const std::string& body, const std::string& token) {
  HttpResult result;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return result;
  }
  std::string request =
      method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!token.empty()) {
    request += "Authorization: Bearer " + token + "\r\n";
  }
  if (!body.empty()) {
    request +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n" + body;
  (void)::write(fd, request.data(), request.size());
  std::string response;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof(buffer))) > 0) {
    response.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  if (response.rfind("HTTP/1.1 ", 0) == 0 && response.size() >= 12) {
    result.status = std::atoi(response.substr(9, 3).c_str());
  }
  const std::size_t body_start = response.find("\r\n\r\n");
  if (body_start != std::string::npos) {
    result.body = response.substr(body_start + 4);
  }
  return result;
}

int PortFromReadyLine(const std::string& line) {
  const std::string marker = "http://127.0.0.1:";
  const std::size_t at = line.find(marker);
  if (at == std::string::npos) {
    return 0;
  }
  return std::atoi(line.c_str() + at + marker.size());
}

}  // namespace confab::testing
