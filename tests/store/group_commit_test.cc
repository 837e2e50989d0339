#include "store/group_commit.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "rocksdb/db.h"
#include "store/store.h"
#include "tests/base/thread_list.h"

namespace confab::store {
namespace {

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("group_commit_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    StoreOptions options;
    options.path = dir_.string();
    auto store = Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string Get(const std::string& key) {
    std::string value;
    rocksdb::Status status = store_->db()->Get(rocksdb::ReadOptions(), key, &value);
    return status.ok() ? value : "<" + status.ToString() + ">";
  }

  static rocksdb::WriteBatch PutBatch(const std::string& key, const std::string& value) {
    rocksdb::WriteBatch batch;
    batch.Put(key, value);
    return batch;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(GroupCommitTest, EveryBatchFromManyThreadsIsWrittenAndAcknowledgedOnce) {
  GroupCommitter committer(*store_, {});
  constexpr int kThreads = 4;
  constexpr int kPerThread = 500;
  std::atomic<int> acknowledged{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string key = "k" + std::to_string(t) + "_" + std::to_string(i);
        absl::Status submitted = committer.Submit(
            PutBatch(key, "v" + key),
            [&](absl::Status status) { (status.ok() ? acknowledged : failed).fetch_add(1); });
        ASSERT_TRUE(submitted.ok()) << submitted;
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  committer.Stop();  // drains
  EXPECT_EQ(acknowledged.load(), kThreads * kPerThread);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(committer.stats().batches, static_cast<uint64_t>(kThreads * kPerThread));
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; i += 97) {
      const std::string key = "k" + std::to_string(t) + "_" + std::to_string(i);
      EXPECT_EQ(Get(key), "v" + key);
    }
  }
}

TEST_F(GroupCommitTest, BatchesQueuedDuringAWriteFormTheNextGroup) {
  std::promise<void> first_entered;
  std::promise<void> release_first;
  std::shared_future<void> released = release_first.get_future().share();
  std::atomic<int> calls{0};
  std::vector<uint32_t> group_counts;
  GroupCommitter committer(
      [&](const rocksdb::WriteOptions& options, rocksdb::WriteBatch* batch) {
        group_counts.push_back(batch->Count());
        if (calls.fetch_add(1) == 0) {
          first_entered.set_value();
          released.wait();
        }
        return store_->db()->Write(options, batch);
      },
      {});
  ASSERT_TRUE(committer.Submit(PutBatch("a", "1"), [](absl::Status) {}).ok());
  first_entered.get_future().wait();  // the writer holds group {a}
  for (const char* key : {"b", "c", "d"}) {
    ASSERT_TRUE(committer.Submit(PutBatch(key, "1"), [](absl::Status) {}).ok());
  }
  release_first.set_value();
  committer.Stop();
  EXPECT_EQ(committer.stats().groups, 2u);
  EXPECT_EQ(committer.stats().largest_group, 3u);
  EXPECT_EQ(group_counts, (std::vector<uint32_t>{1, 3}));
  for (const char* key : {"a", "b", "c", "d"}) {
    EXPECT_EQ(Get(key), "1");
  }
}

TEST_F(GroupCommitTest, AFailedGroupFailsEveryBatchAndWritesNothing) {
  std::promise<void> first_entered;
  std::promise<void> release_first;
  std::shared_future<void> released = release_first.get_future().share();
  std::atomic<int> calls{0};
  GroupCommitter committer(
      [&](const rocksdb::WriteOptions&, rocksdb::WriteBatch*) {
        if (calls.fetch_add(1) == 0) {
          first_entered.set_value();
          released.wait();
        }
        return rocksdb::Status::IOError("injected: disk full");
      },
      {});
  std::vector<absl::Status> results(4);
  ASSERT_TRUE(committer.Submit(PutBatch("a", "1"), [&](absl::Status s) { results[0] = s; }).ok());
  first_entered.get_future().wait();
  for (int i = 1; i < 4; ++i) {
    ASSERT_TRUE(committer
                    .Submit(PutBatch("k" + std::to_string(i), "1"),
                            [&results, i](absl::Status s) { results[i] = s; })
                    .ok());
  }
  release_first.set_value();
  committer.Stop();
  for (const absl::Status& result : results) {
    EXPECT_TRUE(absl::IsUnavailable(result)) << result;
    EXPECT_NE(result.message().find("injected: disk full"), absl::string_view::npos);
  }
  EXPECT_EQ(committer.stats().failed_batches, 4u);
  EXPECT_EQ(Get("a"), "<NotFound: >");
  EXPECT_EQ(Get("k2"), "<NotFound: >");
}

TEST_F(GroupCommitTest, HoldAfterFailureFailsLaterBatchesUntilResume) {
  std::atomic<int> calls{0};
  GroupCommitOptions options;
  options.hold_after_failure = true;
  GroupCommitter committer(
      [&](const rocksdb::WriteOptions& write_options, rocksdb::WriteBatch* batch) {
        if (calls.fetch_add(1) == 0) {
          return rocksdb::Status::IOError("injected: disk full");
        }
        return store_->db()->Write(write_options, batch);
      },
      options);
  auto submit = [&](const std::string& key) {
    auto done = std::make_shared<std::promise<absl::Status>>();
    std::future<absl::Status> result = done->get_future();
    EXPECT_TRUE(
        committer.Submit(PutBatch(key, "1"), [done](absl::Status s) { done->set_value(s); }).ok());
    return result;
  };
  EXPECT_TRUE(absl::IsUnavailable(submit("a").get()));
  // Built on what "a" would have written: refused without being written, though the store works.
  const absl::Status held = submit("b").get();
  EXPECT_TRUE(absl::IsUnavailable(held)) << held;
  EXPECT_NE(held.message().find("injected: disk full"), absl::string_view::npos);
  EXPECT_EQ(calls.load(), 1);
  committer.Resume();
  EXPECT_TRUE(submit("c").get().ok());
  EXPECT_EQ(Get("a"), "<NotFound: >");
  EXPECT_EQ(Get("b"), "<NotFound: >");
  EXPECT_EQ(Get("c"), "1");
}

TEST_F(GroupCommitTest, SubmitBeyondTheQueueLimitIsRefusedAtOnce) {
  std::promise<void> first_entered;
  std::promise<void> release_first;
  std::shared_future<void> released = release_first.get_future().share();
  std::atomic<int> calls{0};
  GroupCommitOptions options;
  options.queue_limit = 2;
  GroupCommitter committer(
      [&](const rocksdb::WriteOptions& write_options, rocksdb::WriteBatch* batch) {
        if (calls.fetch_add(1) == 0) {
          first_entered.set_value();
          released.wait();
        }
        return store_->db()->Write(write_options, batch);
      },
      options);
  int done_calls = 0;
  ASSERT_TRUE(committer.Submit(PutBatch("a", "1"), [&](absl::Status) { ++done_calls; }).ok());
  first_entered.get_future().wait();
  EXPECT_TRUE(committer.Submit(PutBatch("b", "1"), [&](absl::Status) { ++done_calls; }).ok());
  EXPECT_TRUE(committer.Submit(PutBatch("c", "1"), [&](absl::Status) { ++done_calls; }).ok());
  const absl::Status refused =
      committer.Submit(PutBatch("d", "1"), [&](absl::Status) { ++done_calls; });
  EXPECT_TRUE(absl::IsResourceExhausted(refused)) << refused;
  release_first.set_value();
  committer.Stop();
  EXPECT_EQ(done_calls, 3);  // the refused batch's callback never runs
  EXPECT_EQ(committer.stats().refused_batches, 1u);
  EXPECT_EQ(Get("d"), "<NotFound: >");
}

TEST_F(GroupCommitTest, TheWriterThreadCarriesTheConfiguredName) {
  GroupCommitOptions options;
  options.thread_name = "commit-test";
  GroupCommitter committer(*store_, options);
  std::promise<absl::Status> written;
  ASSERT_TRUE(committer
                  .Submit(PutBatch("a", "1"),
                          [&](absl::Status status) { written.set_value(std::move(status)); })
                  .ok());
  ASSERT_TRUE(written.get_future().get().ok());  // the writer has run, so it has named itself
  const std::vector<testing::ThreadInfo> threads = testing::ThreadsOfThisProcess();
  EXPECT_TRUE(std::any_of(threads.begin(), threads.end(), [](const testing::ThreadInfo& thread) {
    return thread.name == "commit-test";
  }));
}

TEST_F(GroupCommitTest, SubmitAfterStopIsRefused) {
  GroupCommitter committer(*store_, {});
  committer.Stop();
  EXPECT_TRUE(
      absl::IsFailedPrecondition(committer.Submit(PutBatch("a", "1"), [](absl::Status) {})));
}

TEST_F(GroupCommitTest, GroupsRespectTheBatchCap) {
  std::promise<void> first_entered;
  std::promise<void> release_first;
  std::shared_future<void> released = release_first.get_future().share();
  std::atomic<int> calls{0};
  std::vector<uint32_t> group_counts;
  GroupCommitOptions options;
  options.max_group_batches = 2;
  GroupCommitter committer(
      [&](const rocksdb::WriteOptions& write_options, rocksdb::WriteBatch* batch) {
        group_counts.push_back(batch->Count());
        if (calls.fetch_add(1) == 0) {
          first_entered.set_value();
          released.wait();
        }
        return store_->db()->Write(write_options, batch);
      },
      options);
  ASSERT_TRUE(committer.Submit(PutBatch("a", "1"), [](absl::Status) {}).ok());
  first_entered.get_future().wait();
  for (const char* key : {"b", "c", "d", "e", "f"}) {
    ASSERT_TRUE(committer.Submit(PutBatch(key, "1"), [](absl::Status) {}).ok());
  }
  release_first.set_value();
  committer.Stop();
  EXPECT_EQ(group_counts, (std::vector<uint32_t>{1, 2, 2, 1}));
}

// A writer that holds its first group until released, so that later batches queue behind it.
class GatedWriter {
 public:
  explicit GatedWriter(rocksdb::DB* db) : db_(db), released_(release_.get_future().share()) {}

  GroupWriter writer() {
    return [this](const rocksdb::WriteOptions& options, rocksdb::WriteBatch* batch) {
      {
        std::lock_guard lock(mutex_);
        group_counts_.push_back(batch->Count());
      }
      if (calls_.fetch_add(1) == 0) {
        entered_.set_value();
        released_.wait();
      }
      return fail_.load() ? rocksdb::Status::IOError("injected: disk full")
                          : db_->Write(options, batch);
    };
  }
  void WaitUntilHeld() { entered_.get_future().wait(); }
  void Release() { release_.set_value(); }
  void FailFromNowOn(bool fail) { fail_.store(fail); }
  std::vector<uint32_t> group_counts() {
    std::lock_guard lock(mutex_);
    return group_counts_;
  }

 private:
  rocksdb::DB* db_;
  std::promise<void> entered_;
  std::promise<void> release_;
  std::shared_future<void> released_;
  std::atomic<int> calls_{0};
  std::atomic<bool> fail_{false};
  std::mutex mutex_;
  std::vector<uint32_t> group_counts_;
};

TEST_F(GroupCommitTest, TwoStreamsRideTheSameGroups) {
  GatedWriter gate(store_->db());
  GroupCommitter first(gate.writer(), {});
  GroupCommitter second(first, {});
  ASSERT_TRUE(first.Submit(PutBatch("a", "1"), [](absl::Status) {}).ok());
  gate.WaitUntilHeld();
  ASSERT_TRUE(first.Submit(PutBatch("b", "1"), [](absl::Status) {}).ok());
  ASSERT_TRUE(second.Submit(PutBatch("c", "1"), [](absl::Status) {}).ok());
  ASSERT_TRUE(second.Submit(PutBatch("d", "1"), [](absl::Status) {}).ok());
  gate.Release();
  second.Stop();
  first.Stop();
  EXPECT_EQ(gate.group_counts(), (std::vector<uint32_t>{1, 3}));  // b, c, d in one write
  EXPECT_EQ(first.stats().groups, 2u);
  EXPECT_EQ(first.stats().batches, 2u);
  EXPECT_EQ(second.stats().groups, 1u);
  EXPECT_EQ(second.stats().batches, 2u);
  EXPECT_EQ(second.stats().largest_group, 3u);
  for (const char* key : {"a", "b", "c", "d"}) {
    EXPECT_EQ(Get(key), "1");
  }
}

TEST_F(GroupCommitTest, AFailureHoldsOnlyTheStreamThatAskedForIt) {
  GatedWriter gate(store_->db());
  GroupCommitOptions holding;
  holding.hold_after_failure = true;
  GroupCommitter other(gate.writer(), {});
  GroupCommitter pipeline(other, holding);
  auto submit = [](GroupCommitter& stream, const std::string& key) {
    auto done = std::make_shared<std::promise<absl::Status>>();
    std::future<absl::Status> result = done->get_future();
    EXPECT_TRUE(
        stream.Submit(PutBatch(key, "1"), [done](absl::Status s) { done->set_value(s); }).ok());
    return result;
  };
  gate.FailFromNowOn(true);
  std::future<absl::Status> failed_other = submit(other, "a");
  gate.WaitUntilHeld();
  std::future<absl::Status> failed_pipeline = submit(pipeline, "b");
  gate.Release();
  EXPECT_TRUE(absl::IsUnavailable(failed_other.get()));
  EXPECT_TRUE(absl::IsUnavailable(failed_pipeline.get()));
  gate.FailFromNowOn(false);
  // The store works again: the other stream writes, the pipeline's stream holds until Resume.
  EXPECT_TRUE(submit(other, "c").get().ok());
  const absl::Status held = submit(pipeline, "d").get();
  EXPECT_TRUE(absl::IsUnavailable(held)) << held;
  EXPECT_NE(held.message().find("injected: disk full"), absl::string_view::npos);
  pipeline.Resume();
  EXPECT_TRUE(submit(pipeline, "e").get().ok());
  EXPECT_EQ(Get("c"), "1");
  EXPECT_EQ(Get("d"), "<NotFound: >");
  EXPECT_EQ(Get("e"), "1");
}

TEST_F(GroupCommitTest, EachStreamHasItsOwnQueueLimit) {
  GatedWriter gate(store_->db());
  GroupCommitOptions one;
  one.queue_limit = 1;
  GroupCommitter first(gate.writer(), one);
  GroupCommitter second(first, one);
  ASSERT_TRUE(first.Submit(PutBatch("a", "1"), [](absl::Status) {}).ok());
  gate.WaitUntilHeld();
  EXPECT_TRUE(first.Submit(PutBatch("b", "1"), [](absl::Status) {}).ok());
  EXPECT_TRUE(absl::IsResourceExhausted(first.Submit(PutBatch("x", "1"), [](absl::Status) {})));
  EXPECT_TRUE(second.Submit(PutBatch("c", "1"), [](absl::Status) {}).ok());
  EXPECT_EQ(first.queued(), 1u);
  EXPECT_EQ(second.queued(), 1u);
  gate.Release();
  first.Stop();
  second.Stop();
  EXPECT_EQ(first.stats().refused_batches, 1u);
  EXPECT_EQ(second.stats().refused_batches, 0u);
  EXPECT_EQ(Get("c"), "1");
  EXPECT_EQ(Get("x"), "<NotFound: >");
}

TEST_F(GroupCommitTest, AJoinedStreamOutlivesTheOneThatStartedTheThread) {
  auto first = std::make_unique<GroupCommitter>(*store_, GroupCommitOptions{});
  GroupCommitter second(*first, {});
  first.reset();  // stops the first stream only
  std::promise<absl::Status> written;
  ASSERT_TRUE(second
                  .Submit(PutBatch("a", "1"),
                          [&](absl::Status status) { written.set_value(std::move(status)); })
                  .ok());
  EXPECT_TRUE(written.get_future().get().ok());
  EXPECT_EQ(Get("a"), "1");
  second.Stop();  // the last stream: the thread ends
  GroupCommitter late(second, {});
  EXPECT_TRUE(absl::IsFailedPrecondition(late.Submit(PutBatch("b", "1"), [](absl::Status) {})));
}

TEST(AppendBatchTest, MergesRecordsAndCountsOfPutsAndDeletes) {
  rocksdb::WriteBatch first;
  first.Put("a", "1");
  first.Delete("b");
  rocksdb::WriteBatch second;
  second.Put("c", "3");
  std::string rep;
  AppendBatch(rep, first);
  AppendBatch(rep, second);
  rocksdb::WriteBatch merged(rep);
  EXPECT_EQ(merged.Count(), 3u);
  EXPECT_TRUE(merged.HasPut());
  EXPECT_TRUE(merged.HasDelete());
}

}  // namespace
}  // namespace confab::store
