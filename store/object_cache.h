#pragma once

// A bounded LRU cache of decoded records (RocksDB's LRUCache holding copies of T), for records
// that are read far more often than the store should decode them. Thread-safe. Each entry is
// charged what the caller says it costs plus the cache's own per-entry metadata; inserting over
// capacity evicts the least recently used entries. A cache only ever answers with a copy.

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "rocksdb/cache.h"

namespace confab::store {

template <typename T>
class ObjectCache {
 public:
  // capacity_bytes == 0 makes a cache that holds nothing (every Lookup misses).
  explicit ObjectCache(std::size_t capacity_bytes)
      : cache_(capacity_bytes == 0 ? nullptr : rocksdb::NewLRUCache(capacity_bytes)) {}

  // Stores a copy of `value` under `key`, replacing what was there.
  void Insert(std::string_view key, T value, std::size_t charge) {
    if (cache_ == nullptr) {
      return;
    }
    // An insert over capacity evicts; it never fails (and if it did, the cache deletes the
    // value: a miss next time, nothing wrong).
    (void)cache_->Insert(Slice(key), new T(std::move(value)), charge + key.size(), &Delete);
  }

  std::optional<T> Lookup(std::string_view key) const {
    if (cache_ == nullptr) {
      return std::nullopt;
    }
    rocksdb::Cache::Handle* handle = cache_->Lookup(Slice(key));
    if (handle == nullptr) {
      return std::nullopt;
    }
    std::optional<T> value(*static_cast<const T*>(cache_->Value(handle)));
    cache_->Release(handle);
    return value;
  }

  void Erase(std::string_view key) {
    if (cache_ != nullptr) {
      cache_->Erase(Slice(key));
    }
  }

  // Drops every entry.
  void Clear() {
    if (cache_ != nullptr) {
      cache_->EraseUnRefEntries();
    }
  }

  std::size_t usage() const { return cache_ == nullptr ? 0 : cache_->GetUsage(); }

 private:
  static rocksdb::Slice Slice(std::string_view key) { return {key.data(), key.size()}; }
  static void Delete(const rocksdb::Slice& /*key*/, void* value) { delete static_cast<T*>(value); }

  std::shared_ptr<rocksdb::Cache> cache_;
};

}  // namespace confab::store
