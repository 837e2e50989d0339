#include "daemon/shortener.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace confab {
namespace {

constexpr char kBase62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr uint64_t kCodeSpace = 218'340'105'584'896ULL;  // 62^8
constexpr char kPreviewCode[] = "xxxxxxxx";

// Characters (code points) of UTF-8 text: the octets that do not continue a sequence.
std::size_t CharacterCount(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) {
    count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  }
  return count;
}

// The characters of https://{short_domain}/{code}.
std::size_t ShortUrlLength(const ShortenerOptions& options) {
  return 9 + options.short_domain.size() + kShortCodeLength;
}

// The host (with port, if written) of a URL as url_detect.h finds it: after the scheme when there
// is one, before the path, query or fragment, without userinfo.
std::string_view Authority(std::string_view url) {
  if (const std::size_t scheme = url.find("://"); scheme != std::string_view::npos) {
    url.remove_prefix(scheme + 3);
  }
  url = url.substr(0, std::min(url.find_first_of("/?#"), url.size()));
  if (const std::size_t at = url.rfind('@'); at != std::string_view::npos) {
    url.remove_prefix(at + 1);
  }
  return url;
}

std::string_view WithoutPort(std::string_view authority) {
  return authority.substr(0, std::min(authority.find(':'), authority.size()));
}

bool SameHost(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return absl::ascii_tolower(static_cast<unsigned char>(x)) ==
                  absl::ascii_tolower(static_cast<unsigned char>(y));
         });
}

// A link on our own short domain is final: the API shortens at queue time and the dispatcher
// again at send time, and a short link must never become a short link to itself.
bool IsOwnShortLink(const ShortenerOptions& options, std::string_view url) {
  const std::string_view authority = Authority(url);
  return SameHost(authority, options.short_domain) ||
         SameHost(WithoutPort(authority), WithoutPort(options.short_domain));
}

bool WorthShortening(const ShortenerOptions& options, std::string_view url) {
  return !options.short_domain.empty() && ShortUrlLength(options) < CharacterCount(url) &&
         !IsOwnShortLink(options, url);
}

TextStats StatsOf(std::string_view text, smpp::ConcatMode mode) {
  const smpp::TextAnalysis analysis = smpp::AnalyzeText(text, mode);
  return {analysis.encoding, analysis.characters, analysis.segments};
}

// Appends `text` with each match whose replacement is non-empty replaced by it.
template <typename ReplacementFor>
void Rewrite(std::string_view text, const std::vector<UrlMatch>& matches, std::string& out,
             ReplacementFor replacement_for) {
  std::size_t copied = 0;
  for (std::size_t i = 0; i < matches.size(); ++i) {
    const std::string_view replacement = replacement_for(i);
    if (replacement.empty()) {
      continue;
    }
    out.append(text.substr(copied, matches[i].begin - copied));
    out.append(replacement);
    copied = matches[i].begin + matches[i].length;
  }
  out.append(text.substr(copied));
}

}  // namespace

bool IsShortCode(std::string_view code) {
  if (code.size() != kShortCodeLength) {
    return false;
  }
  for (const char c : code) {
    if (std::string_view(kBase62).find(c) == std::string_view::npos || c == '\0') {
      return false;
    }
  }
  return true;
}

ShortCode RandomCodeSource::Next() {
  uint64_t value = 0;
  {
    std::lock_guard lock(mutex_);
    value = absl::Uniform<uint64_t>(generator_, 0, kCodeSpace);
  }
  ShortCode code;
  for (char& c : code) {
    c = kBase62[value % 62];
    value /= 62;
  }
  return code;
}

Shortener::Shortener(ShortenerOptions options, LinkStore* store, CodeSource* codes, Clock clock)
    : options_(std::make_shared<const ShortenerOptions>(std::move(options))),
      store_(store),
      codes_(codes != nullptr ? codes : &default_codes_),
      clock_(clock ? std::move(clock) : Clock([] { return absl::Now(); })) {}

void Shortener::SetOptions(ShortenerOptions options) {
  options_.store(std::make_shared<const ShortenerOptions>(std::move(options)));
}

absl::StatusOr<std::string> Shortener::NewCode(const LinkRecord& record, int max_attempts) {
  for (int attempt = 0; attempt < max_attempts; ++attempt) {
    const ShortCode code = codes_->Next();
    const std::string_view code_view(code.data(), code.size());
    absl::StatusOr<bool> inserted = store_->InsertIfAbsent(code_view, record);
    if (!inserted.ok()) {
      return inserted.status();
    }
    if (*inserted) {
      return std::string(code_view);
    }
  }
  return absl::ResourceExhaustedError(
      absl::StrCat("no free short link code after ", max_attempts,
                   " attempts (every code drawn was taken: the code source is not random)"));
}

absl::StatusOr<ShortenResult> Shortener::Shorten(std::string_view text,
                                                 const LinkContext& context) {
  // One set of options for the whole text, even if SetOptions runs meanwhile.
  const OptionsPtr options = options_.load();
  ShortenResult result;
  std::vector<UrlMatch> matches;
  if (!options->short_domain.empty()) {
    FindUrls(text, matches);
  }
  // The short URL of each match, or "" to keep it; distinct URLs share one code.
  std::vector<std::size_t> link_of(matches.size(), SIZE_MAX);
  for (std::size_t i = 0; i < matches.size(); ++i) {
    const std::string_view url = matches[i].In(text);
    if (!WorthShortening(*options, url)) {
      continue;
    }
    for (std::size_t j = 0; j < result.links.size(); ++j) {
      if (result.links[j].original == url) {
        link_of[i] = j;
        break;
      }
    }
    if (link_of[i] != SIZE_MAX) {
      continue;
    }
    const absl::Time now = clock_();
    LinkRecord record{RedirectTarget(url, matches[i].form), context.message, now,
                      now + options->expiry};
    absl::StatusOr<std::string> code = NewCode(record, options->max_attempts);
    if (!code.ok()) {
      return code.status();
    }
    std::string short_url = absl::StrCat("https://", options->short_domain, "/", *code);
    link_of[i] = result.links.size();
    result.links.push_back({*std::move(code), std::string(url), std::move(short_url)});
  }
  result.text.reserve(text.size());
  Rewrite(text, matches, result.text, [&](std::size_t i) -> std::string_view {
    return link_of[i] == SIZE_MAX ? std::string_view() : result.links[link_of[i]].short_url;
  });
  return result;
}

ShortenPreview Shortener::Preview(std::string_view text, smpp::ConcatMode mode) const {
  const OptionsPtr options = options_.load();
  ShortenPreview preview;
  preview.before = StatsOf(text, mode);
  std::vector<UrlMatch> matches;
  if (!options->short_domain.empty()) {
    FindUrls(text, matches);
  }
  const std::string short_url = absl::StrCat("https://", options->short_domain, "/", kPreviewCode);
  Rewrite(text, matches, preview.text, [&](std::size_t i) -> std::string_view {
    if (!WorthShortening(*options, matches[i].In(text))) {
      return {};
    }
    ++preview.links;
    return short_url;
  });
  preview.after = StatsOf(preview.text, mode);
  return preview;
}

}  // namespace confab
