#include "daemon/link_store.h"

#include <utility>

#include "absl/strings/str_cat.h"

// Debian's abseil has its own string_view type, hence the explicit conversions.

namespace confab {

absl::StatusOr<bool> InMemoryLinkStore::InsertIfAbsent(std::string_view code,
                                                       const LinkRecord& record) {
  absl::MutexLock lock(&mutex_);
  return entries_.try_emplace(std::string(code), Entry{record, {}}).second;
}

absl::StatusOr<std::optional<LinkRecord>> InMemoryLinkStore::Get(std::string_view code) const {
  absl::ReaderMutexLock lock(&mutex_);
  const auto it = entries_.find(absl::string_view(code.data(), code.size()));
  if (it == entries_.end()) {
    return std::optional<LinkRecord>();
  }
  return std::optional<LinkRecord>(it->second.record);
}

absl::Status InMemoryLinkStore::RecordClick(std::string_view code, LinkClick click) {
  absl::MutexLock lock(&mutex_);
  const auto it = entries_.find(absl::string_view(code.data(), code.size()));
  if (it == entries_.end()) {
    return absl::NotFoundError(absl::StrCat("no short link ", std::string(code)));
  }
  it->second.clicks.push_back(std::move(click));
  return absl::OkStatus();
}

std::vector<LinkClick> InMemoryLinkStore::Clicks(std::string_view code) const {
  absl::ReaderMutexLock lock(&mutex_);
  const auto it = entries_.find(absl::string_view(code.data(), code.size()));
  return it == entries_.end() ? std::vector<LinkClick>() : it->second.clicks;
}

std::size_t InMemoryLinkStore::size() const {
  absl::ReaderMutexLock lock(&mutex_);
  return entries_.size();
}

}  // namespace confab
