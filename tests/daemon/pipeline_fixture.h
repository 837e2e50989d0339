#pragma once

// A pipeline over the in-memory store, with a fake clock and a store whose writes can be made to
// fail: everything the pipeline decides is checked through StoreReader, and every answer a
// carrier would get is awaited (futures, no sleeps).

#include <atomic>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "daemon/brand_numbers.h"
#include "daemon/classifier.h"
#include "daemon/metrics.h"
#include "daemon/pipeline.h"
#include "gtest/gtest.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"
#include "smpp/codec.h"
#include "smpp/text_coding.h"
#include "smpp/udh.h"
#include "store/group_commit.h"
#include "store/memory_store.h"
#include "store/reader.h"

namespace confab::pipeline::testing {

inline constexpr char kBrand[] = "+15550100000";
inline constexpr uint64_t kStartMs = 1'800'000'000'000;  // 2027-01-15

inline config::Config TestConfig() {
  config::Config config;
  config::CarrierConfig carrier;
  carrier.name = "sim";
  carrier.host = "127.0.0.1";
  config.carriers.push_back(carrier);
  config::NumberConfig number;
  number.number = kBrand;
  number.organization_prefix = "Acme";
  number.program_name = "Acme Alerts";
  number.email = "help@acme.example";
  number.help_phone = "+15550100999";
  number.carriers = {"sim"};
  config.numbers.push_back(number);
  return config;
}

// One MO as a carrier sends it: views into storage owned by the struct.
struct Mo {
  std::string source;
  std::string destination = "15550100000";
  uint8_t source_ton = 1;
  std::vector<uint8_t> user_data;
  uint8_t esm_class = 0;
  uint8_t data_coding = 0;

  smpp::Pdu Pdu(uint32_t sequence = 1) const {
    smpp::DeliverSm sm;
    sm.source = {source_ton, 1, source};
    sm.destination = {1, 1, destination};
    sm.esm_class = esm_class;
    sm.data_coding = data_coding;
    sm.short_message = user_data;
    return smpp::MakePdu(sm, sequence);
  }
};

// A single-part GSM 7-bit MO from `from` ("+1555…") to the brand.
inline Mo TextMo(const std::string& from, const std::string& text) {
  Mo mo;
  mo.source = from.substr(1);
  smpp::EncodeGsm7(text, mo.user_data);
  return mo;
}

// Part `seq` of `total` (8-bit UDH reference `ref`) carrying `text`.
inline Mo PartMo(const std::string& from, uint8_t ref, uint8_t total, uint8_t seq,
                 const std::string& text) {
  Mo mo;
  mo.source = from.substr(1);
  mo.esm_class = smpp::esm_class::kUdhi;
  smpp::BuildUdh(smpp::ConcatInfo{ref, total, seq, false}, std::nullopt, mo.user_data);
  smpp::EncodeGsm7(text, mo.user_data);
  return mo;
}

class PipelineFixture : public ::testing::Test {
 protected:
  void SetUp() override { StartPipeline(); }
  void TearDown() override { StopPipeline(); }

  void StartPipeline(const config::Config& config = TestConfig()) {
    auto classifier = classify::Classifier::Create();
    ASSERT_TRUE(classifier.ok()) << classifier.status();
    classifier_ = std::make_unique<classify::Classifier>(*classifier);
    auto brands = BrandDirectory::Build(config, *classifier_);
    ASSERT_TRUE(brands.ok()) << brands.status();
    store::GroupCommitOptions commit;
    commit.hold_after_failure = true;
    committer_ = std::make_unique<store::GroupCommitter>(
        [this](const rocksdb::WriteOptions& options, rocksdb::WriteBatch* batch) {
          if (fail_writes_.load()) {
            return rocksdb::Status::IOError("injected failure");
          }
          return store_.Write(options, batch);
        },
        commit);
    PipelineOptions options;
    options.timer_interval = std::chrono::hours(1);  // timers run when a test asks
    options.reassembly_timeout_ms = 60'000;
    options.dedup_window_ms = 600'000;
    options.clock = [this] { return now_ms_.load(); };
    options.queue_capacity = queue_capacity_;
    options.profile_cache_bytes = profile_cache_bytes_;
    pipeline_ = std::make_unique<Pipeline>(store_, store_.handles(), *committer_, *classifier_,
                                           *brands, options, metrics_);
    if (start_) {
      ASSERT_TRUE(pipeline_->Start().ok());
    }
  }

  void StopPipeline() {
    if (pipeline_) {
      pipeline_->Stop();
    }
    if (committer_) {
      committer_->Stop();
    }
    pipeline_.reset();
    committer_.reset();
  }

  // Hands `pdu` to the pipeline; the future holds the carrier's answer.
  std::future<smpp::CommandStatus> Offer(const smpp::Pdu& pdu) {
    auto promise = std::make_shared<std::promise<smpp::CommandStatus>>();
    std::future<smpp::CommandStatus> answer = promise->get_future();
    pipeline_->Accept(0, pdu,
                      [promise](smpp::CommandStatus status) { promise->set_value(status); });
    return answer;
  }
  smpp::CommandStatus Send(const Mo& mo) { return Offer(mo.Pdu()).get(); }

  absl::Status Mutate(const store::ThreadId& thread, Mutation mutation) {
    std::promise<absl::Status> done;
    pipeline_->Mutate(thread, std::move(mutation),
                      [&done](absl::Status status) { done.set_value(status); });
    return done.get_future().get();
  }
  absl::Status RunTimers() {
    std::promise<absl::Status> done;
    pipeline_->RunTimers([&done](absl::Status status) { done.set_value(status); });
    return done.get_future().get();
  }

  static store::ThreadId Thread(const std::string& from) {
    return {*store::NumberId(kBrand), *store::NumberId(from)};
  }
  std::vector<store::ThreadMessage> Messages(const std::string& from) {
    auto list = store::StoreReader(store_).ListThread(Thread(from));
    EXPECT_TRUE(list.ok()) << list.status();
    return list.ok() ? *list : std::vector<store::ThreadMessage>{};
  }
  std::optional<store::ProfileRecord> Profile(const std::string& from) {
    auto profile = store::StoreReader(store_).GetProfile(Thread(from));
    EXPECT_TRUE(profile.ok()) << profile.status();
    return profile.ok() ? *profile : std::nullopt;
  }
  // The replies queued for `from`, oldest first.
  std::vector<store::MessageRecord> Replies(const std::string& from) {
    std::vector<store::MessageRecord> out;
    auto items = store::StoreReader(store_).ScanOutbox(std::nullopt, 10000);
    EXPECT_TRUE(items.ok()) << items.status();
    for (const auto& [key, item] : *items) {
      if (key.message.thread == Thread(from) && item.message) {
        out.push_back(*item.message);
      }
    }
    return out;
  }

  store::MemoryStore store_;
  metrics::Registry metrics_;
  std::atomic<uint64_t> now_ms_{kStartMs};
  std::atomic<bool> fail_writes_{false};
  std::size_t queue_capacity_ = 1000;
  std::size_t profile_cache_bytes_ = PipelineOptions{}.profile_cache_bytes;
  bool start_ = true;
  std::unique_ptr<classify::Classifier> classifier_;
  std::unique_ptr<store::GroupCommitter> committer_;
  std::unique_ptr<Pipeline> pipeline_;
};

}  // namespace confab::pipeline::testing
