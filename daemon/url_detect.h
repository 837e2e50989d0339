#pragma once

// URL detection in outbound texts (product §7). The text is UTF-8; offsets are in bytes.
//
// What counts as a URL:
// - `http://` and `https://` (any case) followed by a non-empty host;
// - `www.` (any case) followed by a host with at least one more dot ("www.acme.com", with or
//   without a path);
// - a bare domain WITH a path or port+path: "example.com/x", "shop.acme.co.uk/p?q=1",
//   "acme.com:8080/x". Its host is ASCII letters, digits, '-' and '.', at least two labels,
//   and its last label must be a top-level domain of the Public Suffix List
//   (/usr/share/publicsuffix/public_suffix_list.dat from Debian's `publicsuffix` package, loaded
//   once; a compact built-in list when the file is missing). A bare domain WITHOUT a path
//   ("acme.com") is NOT a URL: product §7 names only "domain-with-path forms", such a domain is
//   never longer than a short link, and "Node.js" / "hello.world" style words would otherwise
//   be rewritten. IDN hosts are found through the scheme and `www.` forms only.
// What never counts: "e.g.", "i.e.", version numbers ("v1.2.3", "3.14"), e-mail addresses
// (a host right after '@' is not a start), a scheme alone ("http://").
//
// Where a URL starts: at a position not preceded by an ASCII letter or digit (and, for the
// `www.` and bare forms, not by '.', '-', '_', '@' or '/'); non-ASCII text right before a URL is
// a boundary ("请访问https://…").
// Where it ends: at ASCII whitespace or a control character, at one of `"<>\^`{|}`, at invalid
// UTF-8, or at a non-ASCII character that is not a letter, digit or mark (Unicode punctuation,
// symbols, spaces and emoji: "。", "«", "…", "🎉"). Non-ASCII letters continue a URL
// ("https://ru.wikipedia.org/wiki/Путь"). Then trailing sentence punctuation is dropped:
// . , ! ? : ; ' " * and a closing ) ] } that has no opening partner inside the URL.

#include <cstddef>
#include <string_view>
#include <vector>

namespace confab {

enum class UrlForm : unsigned char {
  kScheme,      // http:// or https://
  kWww,         // www.…
  kBareDomain,  // example.com/path
};

struct UrlMatch {
  std::size_t begin = 0;   // byte offset in the text
  std::size_t length = 0;  // bytes
  UrlForm form = UrlForm::kScheme;

  std::string_view In(std::string_view text) const { return text.substr(begin, length); }
};

// Appends every URL in `text`, in order and non-overlapping, to `out` (cleared first).
void FindUrls(std::string_view text, std::vector<UrlMatch>& out);
std::vector<UrlMatch> FindUrls(std::string_view text);

// True if `label` (ASCII, any case, or UTF-8) is a top-level domain of the Public Suffix List.
bool IsKnownTopLevelDomain(std::string_view label);

}  // namespace confab
