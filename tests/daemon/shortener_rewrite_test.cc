// Rewriting texts: short links replace URLs, never lengthen a text, one code per (message, URL).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "daemon/shortener.h"
#include "store/schema.h"
#include "tests/daemon/shortener_test_util.h"

namespace confab {
namespace {

using ::confab::testing::ScriptedCodes;
using ::confab::testing::TestMessage;

constexpr LinkContext kContext{TestMessage(1)};

class ShortenerRewriteTest : public ::testing::Test {
 protected:
  ShortenerRewriteTest()
      : codes_({"AAAAAAA1", "AAAAAAA2", "AAAAAAA3"}),
        shortener_(ShortenerOptions{.short_domain = "s.co"}, &store_, &codes_) {}

  std::string Shorten(std::string_view text, const LinkContext& context = kContext) {
    absl::StatusOr<ShortenResult> result = shortener_.Shorten(text, context);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? result->text : std::string();
  }

  InMemoryLinkStore store_;
  ScriptedCodes codes_;
  Shortener shortener_;
};

TEST_F(ShortenerRewriteTest, ReplacesALongUrlAndStoresItsRecord) {
  const std::string text = "Sale! https://shop.example.com/spring/collection?utm=sms ends Sunday.";
  absl::StatusOr<ShortenResult> result = shortener_.Shorten(text, kContext);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->text, "Sale! https://s.co/AAAAAAA1 ends Sunday.");
  ASSERT_EQ(result->links.size(), 1u);
  EXPECT_EQ(result->links[0].code, "AAAAAAA1");
  EXPECT_EQ(result->links[0].original, "https://shop.example.com/spring/collection?utm=sms");
  EXPECT_EQ(result->links[0].short_url, "https://s.co/AAAAAAA1");

  absl::StatusOr<std::optional<LinkRecord>> record = store_.Get("AAAAAAA1");
  ASSERT_TRUE(record.ok() && record->has_value());
  EXPECT_EQ((*record)->url, "https://shop.example.com/spring/collection?utm=sms");
  EXPECT_EQ((*record)->message, TestMessage(1));
  EXPECT_EQ(store::NumberText((*record)->message.thread.profile), "+15551230000");
  EXPECT_EQ(store::NumberText((*record)->message.thread.brand), "+15557654321");
  EXPECT_EQ((*record)->expires - (*record)->created, absl::Hours(24 * 90));
}

TEST_F(ShortenerRewriteTest, NeverLengthensAText) {
  // "https://s.co/XXXXXXXX" is 21 characters: a 21-character URL stays, a 22-character one goes.
  EXPECT_EQ(Shorten("see https://ab.com/123456 ok"), "see https://ab.com/123456 ok");
  EXPECT_EQ(Shorten("see https://ab.com/1234567 ok"), "see https://s.co/AAAAAAA1 ok");
  EXPECT_EQ(Shorten("Visit www.acme.com"), "Visit www.acme.com");
  EXPECT_EQ(store_.size(), 1u);  // nothing stored for kept URLs
  for (const char* text : {"a.co/x", "x https://a.b/c y", "www.example.org/short"}) {
    EXPECT_EQ(Shorten(text), text);
  }
}

TEST_F(ShortenerRewriteTest, ReplacesEachOfSeveralUrls) {
  EXPECT_EQ(Shorten("1) https://first.example.com/aaaaa 2) www.second.example.org/bbbbbb "
                    "3) third.example.net/cccccccc."),
            "1) https://s.co/AAAAAAA1 2) https://s.co/AAAAAAA2 3) https://s.co/AAAAAAA3.");
  EXPECT_EQ(store_.size(), 3u);
}

TEST_F(ShortenerRewriteTest, SameUrlTwiceInOneMessageGetsOneCode) {
  absl::StatusOr<ShortenResult> result = shortener_.Shorten(
      "https://example.com/a-long-path and again https://example.com/a-long-path", kContext);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->text, "https://s.co/AAAAAAA1 and again https://s.co/AAAAAAA1");
  EXPECT_EQ(result->links.size(), 1u);
  EXPECT_EQ(codes_.drawn(), 1u);
  // The same URL in another message is another code (clicks attribute per message).
  const LinkContext other{TestMessage(2)};
  EXPECT_EQ(Shorten("https://example.com/a-long-path", other), "https://s.co/AAAAAAA2");
  EXPECT_EQ((*store_.Get("AAAAAAA2"))->message, TestMessage(2));
  EXPECT_EQ((*store_.Get("AAAAAAA1"))->message, TestMessage(1));
}

TEST_F(ShortenerRewriteTest, KeepsUnicodeTextAroundUrls) {
  EXPECT_EQ(Shorten("¡Oferta! 🎉 https://tienda.example.es/rebajas/ñandú… ¿Vienes?"),
            "¡Oferta! 🎉 https://s.co/AAAAAAA1… ¿Vienes?");
  // IDN host and non-ASCII path become an ASCII redirect target.
  EXPECT_EQ((*store_.Get("AAAAAAA1"))->url, "https://tienda.example.es/rebajas/%C3%B1and%C3%BA");
  EXPECT_EQ(Shorten("请访问https://пример.рф/страница。"), "请访问https://s.co/AAAAAAA2。");
  EXPECT_EQ((*store_.Get("AAAAAAA2"))->url,
            "https://xn--e1afmkfd.xn--p1ai/%D1%81%D1%82%D1%80%D0%B0%D0%BD%D0%B8%D1%86%D0%B0");
}

TEST_F(ShortenerRewriteTest, SchemeLessFormsRedirectOverHttp) {
  Shorten("go www.example.com/landing-page and shop.example.co.uk/p?q=1&r=2");
  EXPECT_EQ((*store_.Get("AAAAAAA1"))->url, "http://www.example.com/landing-page");
  EXPECT_EQ((*store_.Get("AAAAAAA2"))->url, "http://shop.example.co.uk/p?q=1&r=2");
}

TEST_F(ShortenerRewriteTest, TextWithoutUrlsIsUnchanged) {
  for (const char* text : {"", "Hello, see you at 3.30 e.g. tomorrow", "Mail help@acme.com"}) {
    EXPECT_EQ(Shorten(text), text);
  }
  EXPECT_EQ(codes_.drawn(), 0u);
}

TEST_F(ShortenerRewriteTest, NeverShortensALinkOnItsOwnShortDomainAgain) {
  // A text is shortened when the API queues it and again when the dispatcher sends it: the
  // second pass must leave the first pass's links alone.
  const std::string once = Shorten("Track it: https://shop.example.com/orders/12345/tracking");
  EXPECT_EQ(once, "Track it: https://s.co/AAAAAAA1");
  EXPECT_EQ(Shorten(once), once);
  // Whatever the scheme, case, port, path or query: longer than a short link, still kept.
  for (const char* text :
       {"https://s.co/AAAAAAA1?utm_source=sms&utm_medium=text", "HTTPS://S.CO/AAAAAAA1/and/more",
        "http://s.co:8443/AAAAAAA1?campaign=spring", "s.co/AAAAAAA1/and/a/long/path",
        "https://user@s.co/AAAAAAA1?and=a-long-query"}) {
    EXPECT_EQ(Shorten(text), text);
  }
  EXPECT_EQ(codes_.drawn(), 1u);
  EXPECT_EQ(store_.size(), 1u);
  // Another domain that merely contains ours is not ours.
  EXPECT_EQ(Shorten("https://nots.co/AAAAAAA1?utm_source=sms"), "https://s.co/AAAAAAA2");
  // Preview agrees with Shorten.
  EXPECT_EQ(shortener_.Preview(once).text, once);
  EXPECT_EQ(shortener_.Preview(once).links, 0u);
}

TEST(ShortenerTest, EmptyShortDomainMeansShorteningIsOff) {
  InMemoryLinkStore store;
  Shortener shortener(ShortenerOptions{}, &store);
  const std::string text = "https://example.com/a-rather-long-path-indeed";
  absl::StatusOr<ShortenResult> result = shortener.Shorten(text, kContext);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->text, text);
  EXPECT_EQ(store.size(), 0u);
}

TEST(RandomCodeSourceTest, CodesAreBase62AndVary) {
  RandomCodeSource codes;
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const ShortCode code = codes.Next();
    const std::string text(code.begin(), code.end());
    EXPECT_TRUE(IsShortCode(text)) << text;
    seen.insert(text);
  }
  EXPECT_EQ(seen.size(), 1000u);  // 62^8 codes: a repeat in 1000 draws is ~2e-9 likely
  EXPECT_FALSE(IsShortCode("abc"));
  EXPECT_FALSE(IsShortCode("abcd-fgh"));
  EXPECT_FALSE(IsShortCode(std::string("abcd\0fgh", 8)));
}

}  // namespace
}  // namespace confab
