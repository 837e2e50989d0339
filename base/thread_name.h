#pragma once

// Names the calling thread, as `top -H`, `ps -L`, perf and gdb show it: an operator looking at a
// busy confabd sees which stage is busy. Linux keeps 15 bytes of a name; the rest is cut.

#include <pthread.h>

#include <string>
#include <string_view>

namespace confab {

inline void NameThisThread(std::string_view name) {
  constexpr std::size_t kMaxLength = 15;
  const std::string bounded(name.substr(0, kMaxLength));
  pthread_setname_np(pthread_self(), bounded.c_str());
}

}  // namespace confab
