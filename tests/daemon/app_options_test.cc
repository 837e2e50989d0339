#include "daemon/app_options.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/schema.h"

namespace confab::app {
namespace {

using ::testing::ElementsAre;

config::CarrierConfig Carrier(const std::string& name) {
  config::CarrierConfig carrier;
  carrier.name = name;
  return carrier;
}

config::NumberConfig Number(const std::string& number, std::vector<std::string> carriers) {
  config::NumberConfig config;
  config.number = number;
  config.carriers = std::move(carriers);
  return config;
}

TEST(AppOptionsTest, TheStoreLivesUnderTheStateDirUnlessItsPathIsAbsolute) {
  config::Config config;
  config.daemon.state_dir = "/var/lib/confab";
  config.store.path = "store";
  config.store.block_cache_size_mb = 3;
  config.store.write_buffer_size_mb = 5;
  config.store.compaction_priority = config::CompactionPriority::kIdle;
  config.store.durability = config::Durability::kOs;
  store::StoreOptions options = StoreOptionsFrom(config);
  EXPECT_EQ(options.path, "/var/lib/confab/store");
  EXPECT_EQ(options.block_cache_bytes, 3u << 20);
  EXPECT_EQ(options.write_buffer_bytes, 5u << 20);
  EXPECT_EQ(options.compaction_priority, store::CompactionPriority::kIdle);
  EXPECT_EQ(options.durability, store::Durability::kOs);
  config.store.path = "/srv/confab-store";
  config.store.compaction_priority = config::CompactionPriority::kNormal;
  options = StoreOptionsFrom(config);
  EXPECT_EQ(options.path, "/srv/confab-store");
  EXPECT_EQ(options.compaction_priority, store::CompactionPriority::kNormal);
}

TEST(AppOptionsTest, ThePipelineGetsItsQueueAndProfileCacheFromInbound) {
  config::Config config;
  config.inbound.queue_capacity = 123;
  config.inbound.profile_cache_mb = 3;
  pipeline::PipelineOptions options = PipelineOptionsFrom(config);
  EXPECT_EQ(options.queue_capacity, 123u);
  EXPECT_EQ(options.profile_cache_bytes, 3u << 20);
  config.inbound.profile_cache_mb = 0;
  EXPECT_EQ(PipelineOptionsFrom(config).profile_cache_bytes, 0u);
}

TEST(AppOptionsTest, TheInboundCommitterSyncsPerGroupOnlyWithFsyncDurability) {
  config::StoreConfig store;
  store.commit_max_batch = 7;
  store.commit_queue_capacity = 70;
  store::GroupCommitOptions options = CommitOptionsFrom(store);
  EXPECT_TRUE(options.sync);
  EXPECT_TRUE(options.hold_after_failure);
  EXPECT_EQ(options.thread_name, "commit");
  EXPECT_EQ(options.max_group_batches, 7u);
  EXPECT_EQ(options.queue_limit, 70u);
  store.durability = config::Durability::kOs;
  EXPECT_FALSE(CommitOptionsFrom(store).sync);
}

TEST(AppOptionsTest, EachBrandNumberIsRoutedToItsCarriersInItsOwnOrder) {
  config::Config config;
  config.carriers = {Carrier("alpha"), Carrier("beta"), Carrier("gamma")};
  config.carriers[1].retry_min_backoff = absl::Milliseconds(250);
  config.carriers[1].retry_max_backoff = absl::Seconds(30);
  config.numbers = {Number("+15550100001", {"gamma", "alpha"}), Number("+15550100002", {"beta"})};
  const outbound::DispatcherOptions options = DispatcherOptionsFrom(config);
  ASSERT_EQ(options.routes.size(), 3u);
  EXPECT_EQ(options.routes[1].name, "beta");
  EXPECT_EQ(options.routes[1].retry_base, std::chrono::milliseconds(250));
  EXPECT_EQ(options.routes[1].retry_cap, std::chrono::seconds(30));
  const absl::StatusOr<uint64_t> first = store::NumberId("+15550100001");
  const absl::StatusOr<uint64_t> second = store::NumberId("+15550100002");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_THAT(options.brand_routes.at(*first), ElementsAre(2u, 0u));
  EXPECT_THAT(options.brand_routes.at(*second), ElementsAre(1u));
}

TEST(AppOptionsTest, ZeroIoThreadsMeansOnePerCore) {
  config::DaemonConfig daemon;
  daemon.io_threads = 3;
  EXPECT_EQ(IoThreads(daemon), 3u);
  daemon.io_threads = 0;
  EXPECT_GE(IoThreads(daemon), 1u);
}

}  // namespace
}  // namespace confab::app
