// URL detection: a table of texts and the URLs that must (and must not) be found in them.

#include "daemon/url_detect.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace confab {
namespace {

using ::testing::ElementsAreArray;

struct Row {
  std::string text;
  std::vector<std::string> urls;  // expected, in order
};

std::vector<std::string> Found(const std::string& text) {
  std::vector<std::string> urls;
  for (const UrlMatch& match : FindUrls(text)) {
    urls.emplace_back(match.In(text));
  }
  return urls;
}

const std::vector<Row>& Table() {
  static const auto* const rows = new std::vector<Row>{
      // Scheme forms.
      {"Go to https://example.com/sale now", {"https://example.com/sale"}},
      {"http://example.com", {"http://example.com"}},
      {"HTTPS://EXAMPLE.COM/A", {"HTTPS://EXAMPLE.COM/A"}},
      {"https://example.com/p?q=1&r=2#frag", {"https://example.com/p?q=1&r=2#frag"}},
      {"https://user@host.example:8443/x", {"https://user@host.example:8443/x"}},
      {"https://127.0.0.1:8080/x", {"https://127.0.0.1:8080/x"}},
      {"http://localhost/x", {"http://localhost/x"}},
      {"two: https://a.com/1 and http://b.org/2.", {"https://a.com/1", "http://b.org/2"}},
      // www. forms, with or without a path.
      {"Visit www.acme.com today", {"www.acme.com"}},
      {"Visit WWW.Acme.com/Shop!", {"WWW.Acme.com/Shop"}},
      {"www.acme.co.uk/p?q=1", {"www.acme.co.uk/p?q=1"}},
      // Bare domains with a path.
      {"See example.com/x", {"example.com/x"}},
      {"shop.acme.co.uk/p?q=1", {"shop.acme.co.uk/p?q=1"}},
      {"acme.com:8080/x", {"acme.com:8080/x"}},
      {"bit.ly/3xYz", {"bit.ly/3xYz"}},
      {"example.com/", {"example.com/"}},
      // Trailing punctuation and brackets.
      {"Go to https://example.com/a.", {"https://example.com/a"}},
      {"Go to https://example.com/a, then", {"https://example.com/a"}},
      {"Really? https://example.com/a?", {"https://example.com/a"}},
      {"Wow https://example.com/a!!", {"https://example.com/a"}},
      {"(see https://example.com/a)", {"https://example.com/a"}},
      {"https://en.wikipedia.org/wiki/Foo_(bar)", {"https://en.wikipedia.org/wiki/Foo_(bar)"}},
      {"(https://en.wikipedia.org/wiki/Foo_(bar))", {"https://en.wikipedia.org/wiki/Foo_(bar)"}},
      {"\"https://example.com/q\"", {"https://example.com/q"}},
      {"'www.acme.com/x'", {"www.acme.com/x"}},
      {"<https://example.com/a>", {"https://example.com/a"}},
      {"[https://example.com/a]", {"https://example.com/a"}},
      {"https://example.com/a: details", {"https://example.com/a"}},
      {"https://example.com/a...", {"https://example.com/a"}},
      // Unicode around and inside URLs.
      {"Réduction sur https://exemple.fr/été maintenant", {"https://exemple.fr/été"}},
      {"请访问https://example.cn/a。谢谢", {"https://example.cn/a"}},
      {"«https://example.com/a»", {"https://example.com/a"}},
      {"“https://example.com/a”", {"https://example.com/a"}},
      {"Sale 🎉https://example.com/a🎉", {"https://example.com/a"}},
      {"https://пример.рф/путь", {"https://пример.рф/путь"}},
      {"Voir www.bücher.de/x…", {"www.bücher.de/x"}},
      {"link\u00a0https://example.com/a\u00a0here", {"https://example.com/a"}},
      {"https://example.com/a\u200bb", {"https://example.com/a"}},
      // Negatives.
      {"e.g. this, i.e. that", {}},
      {"Use e.g./i.e. sparingly", {}},
      {"Update to v1.2.3 now", {}},
      {"pi is 3.14 and 3.14/2 is 1.57", {}},
      {"version 10.0.1/beta", {}},
      {"Write to help@acme.com", {}},
      {"Write to john.smith@acme.com/x", {}},
      {"acme.com", {}},
      {"Visit acme.com today.", {}},
      {"file.txt/abc and report.pdf/2", {}},
      {"http:// alone", {}},
      {"https://. nothing", {}},
      {"www. nothing", {}},
      {"www.acme nothing", {}},
      {"xhttps://example.com/a", {}},
      {"path a/b.com/c", {}},
      {"-example.com/x", {}},  // inside a word
      {"exa_mple.com/x", {}},
      {"", {}},
      {"...", {}},
  };
  return *rows;
}

TEST(UrlDetectTest, Table) {
  ASSERT_GE(Table().size(), 40u);
  for (const Row& row : Table()) {
    EXPECT_THAT(Found(row.text), ElementsAreArray(row.urls)) << "text: " << row.text;
  }
}

TEST(UrlDetectTest, ReportsTheForm) {
  const std::string text = "https://a.com/1 www.b.com c.org/3";
  const std::vector<UrlMatch> matches = FindUrls(text);
  ASSERT_EQ(matches.size(), 3u);
  EXPECT_EQ(matches[0].form, UrlForm::kScheme);
  EXPECT_EQ(matches[1].form, UrlForm::kWww);
  EXPECT_EQ(matches[2].form, UrlForm::kBareDomain);
  EXPECT_EQ(matches[2].begin, text.find("c.org"));
}

TEST(UrlDetectTest, TopLevelDomainsComeFromThePublicSuffixList) {
  EXPECT_TRUE(IsKnownTopLevelDomain("com"));
  EXPECT_TRUE(IsKnownTopLevelDomain("UK"));
  EXPECT_TRUE(IsKnownTopLevelDomain("museum"));
  EXPECT_TRUE(IsKnownTopLevelDomain("рф"));
  EXPECT_FALSE(IsKnownTopLevelDomain("txt"));
  EXPECT_FALSE(IsKnownTopLevelDomain("3"));
  EXPECT_FALSE(IsKnownTopLevelDomain(""));
  EXPECT_FALSE(IsKnownTopLevelDomain(std::string(100, 'a')));
}

TEST(UrlDetectTest, InvalidUtf8EndsAUrlAndNeverCrashes) {
  const std::string text = "https://example.com/a\xff\xfe rest \xc3";
  EXPECT_THAT(Found(text), ElementsAreArray({"https://example.com/a"}));
  // Every prefix of a tricky text: no out-of-bounds read (ASan) and no URL past the end.
  const std::string tricky = "x https://ex.com/é (www.a.b/c) d.co/\xe2\x80";
  for (std::size_t n = 0; n <= tricky.size(); ++n) {
    for (const UrlMatch& match : FindUrls(tricky.substr(0, n))) {
      EXPECT_LE(match.begin + match.length, n);
    }
  }
}

}  // namespace
}  // namespace confab
