#pragma once

// The threads of this process as Linux shows them in /proc/self/task: for tests of thread names
// and priorities.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace confab::testing {

struct ThreadInfo {
  std::string name;  // comm: at most 15 bytes
  int nice = 0;
};

inline std::vector<ThreadInfo> ThreadsOfThisProcess() {
  std::vector<ThreadInfo> threads;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    ThreadInfo info;
    std::ifstream comm(task.path() / "comm");
    std::getline(comm, info.name);
    std::ifstream stat_file(task.path() / "stat");
    std::string stat;
    std::getline(stat_file, stat);
    // The fields after the command (which may hold spaces) start at field 3; nice is field 19.
    const std::size_t command_end = stat.rfind(')');
    if (command_end == std::string::npos) {
      continue;  // the thread ended while being read
    }
    std::istringstream fields(stat.substr(command_end + 2));
    std::string field;
    for (int i = 3; i <= 19 && fields >> field; ++i) {
    }
    info.nice = std::stoi(field);
    threads.push_back(std::move(info));
  }
  return threads;
}

}  // namespace confab::testing
