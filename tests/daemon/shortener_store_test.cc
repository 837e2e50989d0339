// The shortener against its store: forced collisions, store failures, expiry on a fixed clock,
// and the preview's encoding and segment counts.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>

#include "daemon/shortener.h"
#include "tests/daemon/shortener_test_util.h"

namespace confab {
namespace {

using ::confab::testing::FakeClock;
using ::confab::testing::ScriptedCodes;
using ::confab::testing::TestMessage;
using ::testing::HasSubstr;

constexpr LinkContext kContext{TestMessage(1)};
constexpr char kLongUrl[] = "https://example.com/a/fairly/long/path";

LinkRecord RecordFor(std::string url) {
  LinkRecord record;
  record.url = std::move(url);
  return record;
}

TEST(ShortenerCollisionTest, RetriesTakenCodesUntilAFreeOne) {
  InMemoryLinkStore store;
  for (const char* taken : {"TAKEN001", "TAKEN002", "TAKEN003"}) {
    ASSERT_TRUE(*store.InsertIfAbsent(taken, RecordFor("https://old.example/")));
  }
  ScriptedCodes codes({"TAKEN001", "TAKEN002", "TAKEN003", "FREE0001"});
  Shortener shortener(ShortenerOptions{.short_domain = "s.co"}, &store, &codes);
  absl::StatusOr<ShortenResult> result = shortener.Shorten(kLongUrl, kContext);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->text, "https://s.co/FREE0001");
  EXPECT_EQ(codes.drawn(), 4u);
  // The taken codes still point where they did.
  EXPECT_EQ((*store.Get("TAKEN001"))->url, "https://old.example/");
  EXPECT_EQ((*store.Get("FREE0001"))->url, kLongUrl);
}

TEST(ShortenerCollisionTest, GivesUpAfterTheBoundWithAClearError) {
  InMemoryLinkStore store;
  ASSERT_TRUE(*store.InsertIfAbsent("SAMECODE", LinkRecord{}));
  ScriptedCodes codes(std::vector<std::string>(100, "SAMECODE"));
  Shortener shortener(ShortenerOptions{.short_domain = "s.co", .max_attempts = 5}, &store, &codes);
  absl::StatusOr<ShortenResult> result = shortener.Shorten(kLongUrl, kContext);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(absl::IsResourceExhausted(result.status())) << result.status();
  EXPECT_THAT(result.status().message(), HasSubstr("after 5 attempts"));
  EXPECT_EQ(codes.drawn(), 5u);
  EXPECT_EQ(store.size(), 1u);
}

// A store that fails every write.
class BrokenStore : public InMemoryLinkStore {
 public:
  absl::StatusOr<bool> InsertIfAbsent(std::string_view, const LinkRecord&) override {
    return absl::UnavailableError("disk on fire");
  }
};

TEST(ShortenerCollisionTest, StoreFailureIsReturnedNotRetried) {
  BrokenStore store;
  ScriptedCodes codes;
  Shortener shortener(ShortenerOptions{.short_domain = "s.co"}, &store, &codes);
  absl::StatusOr<ShortenResult> result = shortener.Shorten(kLongUrl, kContext);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(absl::IsUnavailable(result.status()));
  EXPECT_EQ(codes.drawn(), 1u);
}

TEST(ShortenerExpiryTest, ExpiryIsCreationPlusTheConfiguredAge) {
  InMemoryLinkStore store;
  ScriptedCodes codes({"EXPIRE01", "EXPIRE02"});
  FakeClock clock;
  Shortener default_age(ShortenerOptions{.short_domain = "s.co"}, &store, &codes, clock.Fn());
  ASSERT_TRUE(default_age.Shorten(kLongUrl, kContext).ok());
  const LinkRecord first = **store.Get("EXPIRE01");
  EXPECT_EQ(first.created, clock.now);
  EXPECT_EQ(first.expires, clock.now + absl::Hours(24 * 90));

  clock.now += absl::Hours(5);
  Shortener one_week(ShortenerOptions{.short_domain = "s.co", .expiry = absl::Hours(24 * 7)},
                     &store, &codes, clock.Fn());
  ASSERT_TRUE(one_week.Shorten(kLongUrl, kContext).ok());
  const LinkRecord second = **store.Get("EXPIRE02");
  EXPECT_EQ(second.created, clock.now);
  EXPECT_EQ(second.expires, clock.now + absl::Hours(24 * 7));
}

// SIGHUP: new short_domain and expiry apply to texts shortened from then on; links stored
// before keep theirs.
TEST(ShortenerReloadTest, SetOptionsAppliesToLaterTextsOnly) {
  InMemoryLinkStore store;
  ScriptedCodes codes({"BEFORE01", "AFTER001"});
  FakeClock clock;
  Shortener shortener(ShortenerOptions{.short_domain = "s.co"}, &store, &codes, clock.Fn());
  ASSERT_EQ(shortener.Shorten(kLongUrl, kContext)->text, "https://s.co/BEFORE01");

  shortener.SetOptions(ShortenerOptions{.short_domain = "go.acme.io", .expiry = absl::Hours(2)});
  EXPECT_EQ(shortener.options().short_domain, "go.acme.io");
  ASSERT_EQ(shortener.Shorten(kLongUrl, kContext)->text, "https://go.acme.io/AFTER001");
  EXPECT_EQ((*store.Get("AFTER001"))->expires, clock.now + absl::Hours(2));
  EXPECT_EQ((*store.Get("BEFORE01"))->expires, clock.now + absl::Hours(24 * 90));
  EXPECT_EQ(shortener.Preview(kLongUrl).text, "https://go.acme.io/xxxxxxxx");

  shortener.SetOptions(ShortenerOptions{});  // short_domain removed: shortening off
  EXPECT_EQ(shortener.Shorten(kLongUrl, kContext)->text, kLongUrl);
  EXPECT_EQ(store.size(), 2u);
}

// Swapping options while other threads shorten: every text is shortened with one whole set
// (its domain), never a mix, and nothing is lost (run under ASan/UBSan).
TEST(ShortenerReloadTest, SetOptionsWhileShorteningIsSafe) {
  InMemoryLinkStore store;
  Shortener shortener(ShortenerOptions{.short_domain = "a.co"}, &store);
  std::atomic<bool> done{false};
  std::thread swapper([&] {
    for (int i = 0; !done.load(); ++i) {
      shortener.SetOptions(ShortenerOptions{.short_domain = i % 2 == 0 ? "bb.co" : "a.co"});
    }
  });
  int shortened = 0;
  for (int i = 0; i < 2000; ++i) {
    absl::StatusOr<ShortenResult> result = shortener.Shorten(kLongUrl, kContext);
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_EQ(result->links.size(), 1u);
    const std::string& text = result->text;
    EXPECT_TRUE(text == "https://a.co/" + result->links[0].code ||
                text == "https://bb.co/" + result->links[0].code)
        << text;
    ++shortened;
  }
  done = true;
  swapper.join();
  EXPECT_EQ(store.size(), static_cast<std::size_t>(shortened));
}

TEST(ShortenerPreviewTest, ReportsSegmentsBeforeAndAfterAndStoresNothing) {
  InMemoryLinkStore store;
  Shortener shortener(ShortenerOptions{.short_domain = "s.co"}, &store);
  // 180 characters with a 40-character URL: 2 GSM-7 segments; shortened to 161: still 2.
  const std::string text = std::string(139, 'a') + " https://example.com/a/fairly/long/path/x";
  const ShortenPreview preview = shortener.Preview(text);
  EXPECT_EQ(preview.text, std::string(139, 'a') + " https://s.co/xxxxxxxx");
  EXPECT_EQ(preview.links, 1u);
  EXPECT_EQ(preview.before.encoding, smpp::TextEncoding::kGsm7);
  EXPECT_EQ(preview.before.characters, text.size());
  EXPECT_EQ(preview.before.segments, 2u);
  EXPECT_EQ(preview.after.encoding, smpp::TextEncoding::kGsm7);
  EXPECT_EQ(preview.after.characters, 161u);
  EXPECT_EQ(preview.after.segments, 2u);
  EXPECT_EQ(store.size(), 0u);

  const ShortenPreview one = shortener.Preview(std::string(130, 'a') + " " + kLongUrl);
  EXPECT_EQ(one.before.segments, 2u);
  EXPECT_EQ(one.after.characters, 152u);
  EXPECT_EQ(one.after.segments, 1u);
}

TEST(ShortenerPreviewTest, AUnicodeUrlCanBeTheOnlyReasonForUcs2) {
  InMemoryLinkStore store;
  Shortener shortener(ShortenerOptions{.short_domain = "s.co"}, &store);
  const ShortenPreview preview =
      shortener.Preview("Read it: https://пример.рф/статья-о-главном today");
  EXPECT_EQ(preview.before.encoding, smpp::TextEncoding::kUcs2);
  EXPECT_EQ(preview.after.encoding, smpp::TextEncoding::kGsm7);
  EXPECT_EQ(preview.text, "Read it: https://s.co/xxxxxxxx today");
  EXPECT_EQ(preview.after.segments, 1u);
}

TEST(ShortenerPreviewTest, PreviewMatchesShortenInLength) {
  InMemoryLinkStore store;
  ScriptedCodes codes;
  Shortener shortener(ShortenerOptions{.short_domain = "s.co"}, &store, &codes);
  const std::string text = "A https://x.example.com/1234567890 B www.y.example.com/abcdefghij C";
  const ShortenPreview preview = shortener.Preview(text);
  absl::StatusOr<ShortenResult> shortened = shortener.Shorten(text, kContext);
  ASSERT_TRUE(shortened.ok());
  EXPECT_EQ(preview.text.size(), shortened->text.size());
  EXPECT_EQ(preview.links, 2u);
}

}  // namespace
}  // namespace confab
