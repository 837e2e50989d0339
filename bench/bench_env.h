#pragma once

// What the dataset-driven benchmark programs share: sizes from the environment (the CI smoke
// run uses small defaults, published figures set them) and the process's resident size.

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

namespace confab::bench {

// The unsigned integer in environment variable `name`, else `fallback`.
inline uint64_t EnvCount(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::strtoull(value, nullptr, 10) : fallback;
}

// VmRSS of this process in MiB (0 when /proc is not there).
inline double RssMb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
    }
  }
  return 0;
}

}  // namespace confab::bench
