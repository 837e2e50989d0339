#include "smpp/window.h"

#include <utility>

namespace confab::smpp {

Window::Window(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {
  // Room for the forced extras too, so that steady-state traffic never rehashes.
  entries_.reserve(capacity_ + 4);
}

bool Window::Insert(Outstanding entry, bool force) {
  if (!force && full()) {
    return false;
  }
  uint32_t sequence = entry.sequence;
  return entries_.try_emplace(sequence, std::move(entry)).second;
}

std::optional<Outstanding> Window::Take(uint32_t sequence) {
  auto it = entries_.find(sequence);
  if (it == entries_.end()) {
    return std::nullopt;
  }
  std::optional<Outstanding> taken(std::move(it->second));
  entries_.erase(it);
  return taken;
}

std::size_t Window::TakeExpired(SteadyClock::time_point now, std::vector<Outstanding>& out) {
  std::size_t taken = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.deadline <= now) {
      out.push_back(std::move(it->second));
      entries_.erase(it++);
      ++taken;
    } else {
      ++it;
    }
  }
  return taken;
}

void Window::TakeAll(std::vector<Outstanding>& out) {
  for (auto& [sequence, entry] : entries_) {
    out.push_back(std::move(entry));
  }
  entries_.clear();
}

std::optional<SteadyClock::time_point> Window::EarliestDeadline() const {
  std::optional<SteadyClock::time_point> earliest;
  for (const auto& [sequence, entry] : entries_) {
    if (!earliest || entry.deadline < *earliest) {
      earliest = entry.deadline;
    }
  }
  return earliest;
}

}  // namespace confab::smpp
