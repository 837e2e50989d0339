// The shortener against its store: forced collisions, store failures, expiry on a fixed clock,
// and the preview's encoding and segment counts.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "daemon/shortener.h"
#include "tests/daemon/shortener_test_util.h"

namespace confab {
namespace {

using ::confab::testing::FakeClock;
using ::confab::testing::ScriptedCodes;
using ::testing::HasSubstr;

constexpr LinkContext kContext{"msg-1", "+15551230000", "+15557654321"};
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
