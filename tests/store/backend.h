#pragma once

// The two store implementations behind one test interface, so the same tests run on both.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "rocksdb/db.h"
#include "store/memory_store.h"
#include "store/store.h"
#include "store/write_set.h"

namespace confab::store::testing {

enum class BackendKind { kRocksDb, kMemory };

inline std::string BackendName(const ::testing::TestParamInfo<BackendKind>& info) {
  return info.param == BackendKind::kRocksDb ? "RocksDb" : "Memory";
}

class Backend {
 public:
  explicit Backend(BackendKind kind) : kind_(kind) {
    if (kind_ == BackendKind::kMemory) {
      memory_ = std::make_unique<MemoryStore>();
      return;
    }
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "_" + info->name();
    for (char& c : name) {
      c = (c == '/') ? '_' : c;
    }
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("store_backend_" + std::to_string(::getpid()) + "_" + name);
    std::filesystem::remove_all(dir_);
    Reopen();
  }
  ~Backend() {
    rocks_.reset();
    if (!dir_.empty()) {
      std::filesystem::remove_all(dir_);
    }
  }

  bool durable() const { return kind_ == BackendKind::kRocksDb; }
  const KvSource& source() const {
    return memory_ ? static_cast<const KvSource&>(*memory_) : *rocks_;
  }
  const CfHandles& handles() const { return memory_ ? memory_->handles() : rocks_->handles(); }
  Store* rocks() { return rocks_.get(); }

  absl::Status Write(WriteSet& set) {
    rocksdb::WriteBatch batch = set.Release();
    rocksdb::WriteOptions options;
    options.sync = true;
    rocksdb::Status status = WriteBatch(options, &batch);
    return status.ok() ? absl::OkStatus() : absl::InternalError(status.ToString());
  }

  // The store's own write path, in GroupWriter form.
  rocksdb::Status WriteBatch(const rocksdb::WriteOptions& options, rocksdb::WriteBatch* batch) {
    return memory_ ? memory_->Write(options, batch) : rocks_->Write(options, batch);
  }

  // Closes and reopens the RocksDB store (the memory store has nothing to reopen).
  void Reopen() {
    rocks_.reset();
    StoreOptions options;
    options.path = dir_.string();
    options.block_cache_bytes = 1 << 20;
    options.write_buffer_bytes = 4 << 20;
    auto opened = Store::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status();
    rocks_ = *std::move(opened);
  }

 private:
  BackendKind kind_;
  std::filesystem::path dir_;
  std::unique_ptr<Store> rocks_;
  std::unique_ptr<MemoryStore> memory_;
};

}  // namespace confab::store::testing
