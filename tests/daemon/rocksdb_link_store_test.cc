// RocksDbLinkStore over a real Store in a temporary directory: round trip, insert-if-absent
// (also when threads race on one code), durability across reopening, the link cache (hits read
// nothing from RocksDB, misses are never cached, bounded, expiry still honoured), the click
// queue (counted once per request, humans and bots apart, full queue, stop), and the redirect
// endpoint served from it.

#include "daemon/rocksdb_link_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "daemon/redirect.h"
#include "daemon/shortener.h"
#include "rocksdb/perf_context.h"
#include "rocksdb/perf_level.h"
#include "store/reader.h"
#include "store/store.h"
#include "tests/daemon/shortener_test_util.h"

namespace confab {
namespace {

using ::confab::testing::FakeClock;
using ::confab::testing::ScriptedCodes;
using ::confab::testing::TestMessage;
using ::testing::ElementsAre;

class RocksDbLinkStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("rocksdb_link_store_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    ASSERT_NO_FATAL_FAILURE(Open());
  }
  void TearDown() override {
    links_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Open() {
    store::StoreOptions options;
    options.path = (dir_ / "db").string();
    options.block_cache_bytes = 1 << 20;
    options.write_buffer_bytes = 1 << 20;
    auto opened = store::Store::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = *std::move(opened);
    links_ = std::make_unique<RocksDbLinkStore>(store_.get());
  }
  void Reopen() {
    links_.reset();
    ASSERT_TRUE(store_->Close().ok());
    store_.reset();
    ASSERT_NO_FATAL_FAILURE(Open());
  }

  // "stored", "taken", or the error.
  std::string Insert(std::string_view code, const LinkRecord& record) {
    absl::StatusOr<bool> inserted = links_->InsertIfAbsent(code, record);
    if (!inserted.ok()) {
      return inserted.status().ToString();
    }
    return *inserted ? "stored" : "taken";
  }

  LinkRecord Record(std::string url, uint32_t seq = 1) const {
    return LinkRecord{std::move(url), TestMessage(seq), clock_.now, clock_.now + absl::Hours(24)};
  }

  FakeClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<RocksDbLinkStore> links_;
};

TEST_F(RocksDbLinkStoreTest, InsertThenGetRoundTrips) {
  const LinkRecord record{"https://example.com/landing?x=1", TestMessage(7),
                          clock_.now + absl::Milliseconds(123), clock_.now + absl::Hours(24 * 90)};
  ASSERT_EQ(Insert("Abc12345", record), "stored");
  absl::StatusOr<std::optional<LinkRecord>> got = links_->Get("Abc12345");
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->url, record.url);
  EXPECT_EQ((*got)->message, TestMessage(7));
  EXPECT_EQ((*got)->created, record.created);
  EXPECT_EQ((*got)->expires, record.expires);
  // What the store holds is the store's record of it: the message key, times in ms.
  absl::StatusOr<std::optional<store::LinkRecord>> raw =
      store::StoreReader(*store_).GetLink("Abc12345");
  ASSERT_TRUE(raw.ok() && raw->has_value());
  EXPECT_EQ((*raw)->message, TestMessage(7));
  EXPECT_EQ((*raw)->expires_ms, static_cast<uint64_t>(absl::ToUnixMillis(record.expires)));

  absl::StatusOr<std::optional<LinkRecord>> missing = links_->Get("Zzz99999");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_F(RocksDbLinkStoreTest, ATakenCodeIsRefusedAndKeepsItsRecord) {
  ASSERT_EQ(Insert("TAKEN001", Record("https://first.example/")), "stored");
  EXPECT_EQ(Insert("TAKEN001", Record("https://second.example/", 2)), "taken");
  EXPECT_EQ((*links_->Get("TAKEN001"))->url, "https://first.example/");
  EXPECT_EQ((*links_->Get("TAKEN001"))->message, TestMessage(1));
}

TEST_F(RocksDbLinkStoreTest, ACodeOfTheWrongLengthIsRefused) {
  absl::StatusOr<bool> inserted = links_->InsertIfAbsent("short", Record("https://x.example/"));
  ASSERT_FALSE(inserted.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(inserted.status())) << inserted.status();
}

TEST_F(RocksDbLinkStoreTest, ThreadsRacingOnOneCodeGetExactlyOneInsert) {
  constexpr int kThreads = 4;
  constexpr int kCodes = 20;
  for (int c = 0; c < kCodes; ++c) {
    const std::string code = "RACE" + std::to_string(1000 + c);
    std::latch start(kThreads);
    std::vector<int> results(kThreads, -1);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        const LinkRecord record =
            Record("https://example.com/from/" + std::to_string(t), static_cast<uint32_t>(t));
        start.arrive_and_wait();
        absl::StatusOr<bool> inserted = links_->InsertIfAbsent(code, record);
        results[static_cast<std::size_t>(t)] = inserted.ok() ? (*inserted ? 1 : 0) : 2;
      });
    }
    for (std::thread& thread : threads) {
      thread.join();
    }
    int winners = 0;
    int winner = -1;
    for (int t = 0; t < kThreads; ++t) {
      ASSERT_NE(results[static_cast<std::size_t>(t)], 2) << code << " thread " << t;
      if (results[static_cast<std::size_t>(t)] == 1) {
        ++winners;
        winner = t;
      }
    }
    ASSERT_EQ(winners, 1) << code;
    // The stored record is the winner's, not one written over it.
    EXPECT_EQ((*links_->Get(code))->url, "https://example.com/from/" + std::to_string(winner));
  }
}

TEST_F(RocksDbLinkStoreTest, LinksSurviveReopeningTheStore) {
  ASSERT_EQ(Insert("Keep0001", Record("https://kept.example/a", 3)), "stored");
  ASSERT_NO_FATAL_FAILURE(Reopen());
  absl::StatusOr<std::optional<LinkRecord>> got = links_->Get("Keep0001");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->url, "https://kept.example/a");
  EXPECT_EQ((*got)->message, TestMessage(3));
  EXPECT_EQ((*got)->expires, clock_.now + absl::Hours(24));
  // Still taken after the restart.
  EXPECT_EQ(Insert("Keep0001", Record("https://other.example/")), "taken");
}

TEST_F(RocksDbLinkStoreTest, ClicksAreCountedAsHumansAndBotsAndListedNewestFirst) {
  ASSERT_EQ(Insert("Click001", Record("https://example.com/c")), "stored");
  ASSERT_EQ(Insert("Click002", Record("https://example.com/d")), "stored");
  ASSERT_TRUE(links_->RecordClick("Click001", {clock_.now, "Mozilla/5.0 (iPhone)", false}).ok());
  ASSERT_TRUE(links_->RecordClick("Click001", {clock_.now, "WhatsApp/2.23", true}).ok());
  ASSERT_TRUE(
      links_
          ->RecordClick("Click001", {clock_.now + absl::Seconds(1), "Mozilla/5.0 (Android)", false})
          .ok());
  ASSERT_TRUE(links_->RecordClick("Click002", {clock_.now, "Twitterbot/1.0", true}).ok());
  links_->Stop();  // writes the queued clicks

  const store::StoreReader reader(*store_);
  EXPECT_EQ(reader.GetClickCounts("Click001").value(), (store::ClickCounts{2, 1}));
  EXPECT_EQ(reader.GetClickCounts("Click002").value(), (store::ClickCounts{0, 1}));
  absl::StatusOr<std::vector<store::ClickRecord>> clicks = reader.ListClicks("Click001", 10);
  ASSERT_TRUE(clicks.ok()) << clicks.status();
  ASSERT_EQ(clicks->size(), 3u);
  EXPECT_EQ((*clicks)[0], (store::ClickRecord{false, "Mozilla/5.0 (Android)"}));  // newest
  // The two clicks of the same millisecond, in either order.
  EXPECT_THAT(std::vector<store::ClickRecord>(clicks->begin() + 1, clicks->end()),
              ::testing::UnorderedElementsAre(store::ClickRecord{false, "Mozilla/5.0 (iPhone)"},
                                              store::ClickRecord{true, "WhatsApp/2.23"}));
  EXPECT_THAT(reader.ListClicks("Click002", 10).value(),
              ElementsAre(store::ClickRecord{true, "Twitterbot/1.0"}));
}

TEST_F(RocksDbLinkStoreTest, AfterStopInsertsAndClicksFail) {
  ASSERT_EQ(Insert("Stop0001", Record("https://example.com/s")), "stored");
  links_->Stop();
  EXPECT_TRUE(absl::IsFailedPrecondition(
      links_->InsertIfAbsent("Stop0002", Record("https://example.com/t")).status()));
  EXPECT_TRUE(
      absl::IsFailedPrecondition(links_->RecordClick("Stop0001", {clock_.now, "x", false})));
  // A failed insert does not leave its code claimed in memory: the store has nothing under it.
  EXPECT_FALSE(links_->Get("Stop0002")->has_value());
}

// The shortener and the redirect endpoint over the durable store, as the daemon wires them.
TEST_F(RocksDbLinkStoreTest, ShortenedLinksRedirectCountClicksAndExpire) {
  ScriptedCodes codes({"Short001"});
  Shortener shortener(ShortenerOptions{.short_domain = "s.co", .expiry = absl::Hours(1)},
                      links_.get(), &codes, clock_.Fn());
  absl::StatusOr<ShortenResult> shortened =
      shortener.Shorten("Sale: https://shop.example.com/spring/sale now", {TestMessage(9)});
  ASSERT_TRUE(shortened.ok()) << shortened.status();
  EXPECT_EQ(shortened->text, "Sale: https://s.co/Short001 now");

  RedirectService redirect(links_.get(), BotDetector(config::LinksConfig::DefaultBotUserAgents()),
                           clock_.Fn());
  HttpRequest request;
  request.method = "GET";
  request.target = "/Short001";
  request.headers = {{"User-Agent", "Mozilla/5.0 (iPhone)"}};
  HttpResponse response = redirect.Handle(request);
  EXPECT_EQ(response.status, 302);
  EXPECT_THAT(response.headers, ::testing::Contains(::testing::Pair(
                                    "Location", "https://shop.example.com/spring/sale")));
  clock_.now += absl::Hours(1);  // exactly at `expires`
  EXPECT_EQ(redirect.Handle(request).status, 404);
  links_->Stop();
  EXPECT_EQ(store::StoreReader(*store_).GetClickCounts("Short001").value(),
            (store::ClickCounts{1, 0}));
}

// RocksDB point reads on this thread while `body` runs: memtables searched (a link just written
// is in the memtable) plus block reads, from RocksDB's per-thread perf context.
template <typename Body>
uint64_t RocksDbReadsDuring(Body&& body) {
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableCount);
  rocksdb::get_perf_context()->Reset();
  body();
  const rocksdb::PerfContext& perf = *rocksdb::get_perf_context();
  const uint64_t reads =
      perf.get_from_memtable_count + perf.block_cache_hit_count + perf.block_read_count;
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  return reads;
}

HttpRequest RedirectRequest(std::string target, std::string user_agent = "Mozilla/5.0 (iPhone)",
                            std::string method = "GET") {
  HttpRequest request;
  request.method = std::move(method);
  request.target = std::move(target);
  request.headers = {{"User-Agent", std::move(user_agent)}};
  return request;
}

// A second store over the same RocksDB without a link cache: writes links the first store's
// cache has never seen (as a link inserted by the send path before a restart would be).
RocksDbLinkStoreOptions Uncached(const store::Store& store) {
  RocksDbLinkStoreOptions options = RocksDbLinkStoreOptions::For(store);
  options.link_cache_bytes = 0;
  return options;
}

TEST_F(RocksDbLinkStoreTest, ALinkFoundOnceIsThenAnsweredFromTheCacheWithoutReadingRocksDb) {
  RocksDbLinkStore writer(store_.get(), Uncached(*store_));
  ASSERT_TRUE(*writer.InsertIfAbsent("Hot00001", Record("https://example.com/hot")));
  EXPECT_EQ(links_->link_cache_usage(), 0u);

  std::optional<LinkRecord> first;
  const uint64_t miss_reads = RocksDbReadsDuring([&] { first = *links_->Get("Hot00001"); });
  ASSERT_TRUE(first.has_value());
  EXPECT_GE(miss_reads, 1u);  // a miss reads the store (and proves the counter counts)
  EXPECT_GT(links_->link_cache_usage(), 0u);

  std::optional<LinkRecord> second;
  EXPECT_EQ(RocksDbReadsDuring([&] { second = *links_->Get("Hot00001"); }), 0u);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->url, "https://example.com/hot");
  EXPECT_EQ(second->message, first->message);
  EXPECT_EQ(second->created, first->created);
  EXPECT_EQ(second->expires, first->expires);
}

TEST_F(RocksDbLinkStoreTest, AnInsertedLinkIsCachedAsTheStoreWouldReturnIt) {
  LinkRecord record = Record("https://example.com/new");
  record.created += absl::Microseconds(1234);  // the store keeps milliseconds
  ASSERT_EQ(Insert("New00001", record), "stored");
  std::optional<LinkRecord> cached;
  EXPECT_EQ(RocksDbReadsDuring([&] { cached = *links_->Get("New00001"); }), 0u);
  ASSERT_TRUE(cached.has_value());
  EXPECT_EQ(cached->created, clock_.now + absl::Milliseconds(1));
  ASSERT_NO_FATAL_FAILURE(Reopen());
  EXPECT_EQ((*links_->Get("New00001"))->created, cached->created);
}

TEST_F(RocksDbLinkStoreTest, AMissIsNeverCachedSoALinkInsertedAfterItIsFound) {
  RocksDbLinkStore writer(store_.get(), Uncached(*store_));
  // Another link, so that RocksDB has a memtable to search (an empty one is skipped uncounted).
  ASSERT_TRUE(*writer.InsertIfAbsent("Other001", Record("https://example.com/other")));
  EXPECT_FALSE(links_->Get("Late0001")->has_value());
  EXPECT_FALSE(links_->Get("Late0001")->has_value());
  EXPECT_EQ(links_->link_cache_usage(), 0u);
  // Every miss asks the store again.
  EXPECT_GE(RocksDbReadsDuring([&] { EXPECT_FALSE(links_->Get("Late0001")->has_value()); }), 1u);
  ASSERT_TRUE(*writer.InsertIfAbsent("Late0001", Record("https://example.com/late")));
  absl::StatusOr<std::optional<LinkRecord>> found = links_->Get("Late0001");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->url, "https://example.com/late");
}

TEST_F(RocksDbLinkStoreTest, TheCacheStaysWithinItsBoundAndEvictedLinksAreReadAgain) {
  links_.reset();
  RocksDbLinkStoreOptions options = RocksDbLinkStoreOptions::For(*store_);
  options.link_cache_bytes = 4096;
  links_ = std::make_unique<RocksDbLinkStore>(store_.get(), options);
  constexpr int kLinks = 200;  // ~40 KB of records: ten times the cache
  auto code = [](int i) { return "Many" + std::to_string(1000 + i); };
  auto url = [](int i) { return "https://example.com/campaign/landing/" + std::to_string(i); };
  for (int i = 0; i < kLinks; ++i) {
    ASSERT_EQ(Insert(code(i), Record(url(i))), "stored");
    ASSERT_LE(links_->link_cache_usage(), options.link_cache_bytes);
  }
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < kLinks; ++i) {
      absl::StatusOr<std::optional<LinkRecord>> got = links_->Get(code(i));
      ASSERT_TRUE(got.ok() && got->has_value()) << code(i);
      EXPECT_EQ((*got)->url, url(i));
      ASSERT_LE(links_->link_cache_usage(), options.link_cache_bytes);
    }
  }
  EXPECT_GT(links_->link_cache_usage(), 0u);
  // The first links were evicted long ago: reading one goes to the store.
  EXPECT_GE(RocksDbReadsDuring([&] { EXPECT_TRUE(links_->Get(code(0))->has_value()); }), 1u);
}

TEST_F(RocksDbLinkStoreTest, ARedirectReadsTheLinkOnceAndACachedLinkStillExpires) {
  RocksDbLinkStore writer(store_.get(), Uncached(*store_));
  ASSERT_TRUE(*writer.InsertIfAbsent("Expire01", Record("https://example.com/e")));
  RedirectService redirect(links_.get(), BotDetector(config::LinksConfig::DefaultBotUserAgents()),
                           clock_.Fn());
  int status = 0;
  // First redirect: one lookup in RocksDB for the link, none for the click.
  EXPECT_EQ(
      RocksDbReadsDuring([&] { status = redirect.Handle(RedirectRequest("/Expire01")).status; }),
      1u);
  EXPECT_EQ(status, 302);
  // Then from the cache, up to the expiry and past it.
  clock_.now += absl::Hours(24) - absl::Milliseconds(1);
  EXPECT_EQ(
      RocksDbReadsDuring([&] { status = redirect.Handle(RedirectRequest("/Expire01")).status; }),
      0u);
  EXPECT_EQ(status, 302);
  clock_.now += absl::Milliseconds(1);  // exactly at `expires`
  EXPECT_EQ(
      RocksDbReadsDuring([&] { status = redirect.Handle(RedirectRequest("/Expire01")).status; }),
      0u);
  EXPECT_EQ(status, 404);
  links_->Stop();
  EXPECT_EQ(store::StoreReader(*store_).GetClickCounts("Expire01").value(),
            (store::ClickCounts{2, 0}));
}

TEST_F(RocksDbLinkStoreTest, EachRedirectCountsOneClickAndNothingElseCounts) {
  ASSERT_EQ(Insert("Count001", Record("https://example.com/count")), "stored");
  RedirectService redirect(links_.get(), BotDetector(config::LinksConfig::DefaultBotUserAgents()),
                           clock_.Fn());
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(redirect.Handle(RedirectRequest("/Count001")).status, 302);
  }
  ASSERT_EQ(redirect.Handle(RedirectRequest("/Count001", "WhatsApp/2.23.20.0 A")).status, 302);
  ASSERT_EQ(redirect.Handle(RedirectRequest("/Count001", "Twitterbot/1.0")).status, 302);
  ASSERT_EQ(redirect.Handle(RedirectRequest("/Count001", "curl/8", "HEAD")).status, 302);
  ASSERT_EQ(redirect.Handle(RedirectRequest("/Count001", "curl/8", "POST")).status, 405);
  ASSERT_EQ(redirect.Handle(RedirectRequest("/Nope0001")).status, 404);
  links_->Stop();

  const store::StoreReader reader(*store_);
  EXPECT_EQ(reader.GetClickCounts("Count001").value(), (store::ClickCounts{3, 2}));
  EXPECT_EQ(reader.ListClicks("Count001", 100).value().size(), 5u);
  EXPECT_EQ(reader.GetClickCounts("Nope0001").value(), (store::ClickCounts{0, 0}));
  EXPECT_TRUE(reader.ListClicks("Nope0001", 100).value().empty());
  const ClickQueueStats stats = links_->click_stats();
  EXPECT_EQ(stats.queued, 5u);
  EXPECT_EQ(stats.written, 5u);
  EXPECT_EQ(stats.refused + stats.lost, 0u);
}

TEST_F(RocksDbLinkStoreTest, ConcurrentRedirectsAreEachCountedOnce) {
  ASSERT_EQ(Insert("Burst001", Record("https://example.com/burst")), "stored");
  ASSERT_EQ(Insert("Burst002", Record("https://example.com/burst2")), "stored");
  RedirectService redirect(links_.get(), BotDetector(config::LinksConfig::DefaultBotUserAgents()),
                           clock_.Fn());
  constexpr int kThreads = 4;
  constexpr int kEach = 500;
  std::latch start(kThreads);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const HttpRequest request =
          RedirectRequest(t % 2 == 0 ? "/Burst001" : "/Burst002",
                          t < 2 ? "Mozilla/5.0 (Android)" : "Slackbot-LinkExpanding 1.0");
      start.arrive_and_wait();
      for (int i = 0; i < kEach; ++i) {
        if (redirect.Handle(request).status != 302) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(failures.load(), 0);
  links_->Stop();
  const store::StoreReader reader(*store_);
  EXPECT_EQ(reader.GetClickCounts("Burst001").value(), (store::ClickCounts{kEach, kEach}));
  EXPECT_EQ(reader.GetClickCounts("Burst002").value(), (store::ClickCounts{kEach, kEach}));
  EXPECT_EQ(links_->click_stats().written, 4u * kEach);
}

TEST_F(RocksDbLinkStoreTest, AFullClickQueueRefusesTheClickAndKeepsTheQueuedOnes) {
  links_.reset();
  RocksDbLinkStoreOptions options = RocksDbLinkStoreOptions::For(*store_);
  options.click_queue_limit = 2;
  options.click_flush_interval = std::chrono::hours(1);  // nothing leaves the queue until Stop
  links_ = std::make_unique<RocksDbLinkStore>(store_.get(), options);
  ASSERT_EQ(Insert("Full0001", Record("https://example.com/full")), "stored");
  EXPECT_TRUE(links_->RecordClick("Full0001", {clock_.now, "a", false}).ok());
  EXPECT_TRUE(links_->RecordClick("Full0001", {clock_.now, "b", true}).ok());
  const absl::Status refused = links_->RecordClick("Full0001", {clock_.now, "c", false});
  EXPECT_TRUE(absl::IsResourceExhausted(refused)) << refused;
  // A refused click still redirects.
  RedirectService redirect(links_.get(), BotDetector({}), clock_.Fn());
  EXPECT_EQ(redirect.Handle(RedirectRequest("/Full0001")).status, 302);
  links_->Stop();  // cuts the hour short and writes the two queued clicks
  EXPECT_EQ(store::StoreReader(*store_).GetClickCounts("Full0001").value(),
            (store::ClickCounts{1, 1}));
  const ClickQueueStats stats = links_->click_stats();
  EXPECT_EQ(stats.queued, 2u);
  EXPECT_EQ(stats.refused, 2u);
  EXPECT_EQ(stats.written, 2u);
  EXPECT_EQ(stats.batches, 1u);
  EXPECT_EQ(stats.largest_batch, 2u);
}

}  // namespace
}  // namespace confab
