// RocksDbLinkStore over a real Store in a temporary directory: round trip, insert-if-absent
// (also when threads race on one code), durability across reopening, clicks counted as humans
// and bots, and the redirect endpoint served from it.

#include "daemon/rocksdb_link_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "daemon/redirect.h"
#include "daemon/shortener.h"
#include "store/reader.h"
#include "store/store.h"
#include "tests/daemon/shortener_test_util.h"

namespace confab {
namespace {

using ::confab::testing::FakeClock;
using ::confab::testing::ScriptedCodes;
using ::confab::testing::TestMessage;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

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

TEST_F(RocksDbLinkStoreTest, AClickOnAnUnknownCodeIsNotFoundAndCountsNothing) {
  const absl::Status status = links_->RecordClick("Nope0001", {clock_.now, "curl/8", false});
  EXPECT_TRUE(absl::IsNotFound(status)) << status;
  EXPECT_THAT(status.message(), HasSubstr("Nope0001"));
  links_->Stop();
  EXPECT_EQ(store::StoreReader(*store_).GetClickCounts("Nope0001").value(),
            (store::ClickCounts{0, 0}));
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

}  // namespace
}  // namespace confab
