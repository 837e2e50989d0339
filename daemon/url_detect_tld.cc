// The top-level domains for bare-domain URLs, from the Public Suffix List that Debian's
// `publicsuffix` package installs. Read once, on first use; every rule contributes its last
// label ("co.uk" -> "uk", "*.ck" -> "ck"), which covers every ICANN TLD, including the Unicode
// ones ("рф"). Without the file (a system without the package), a compact rule applies instead:
// the common generic TLDs plus any two-letter country code.

#include <array>
#include <fstream>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "daemon/logging.h"
#include "daemon/url_detect.h"

namespace confab {
namespace {

constexpr char kPublicSuffixList[] = "/usr/share/publicsuffix/public_suffix_list.dat";

constexpr std::array<const char*, 24> kFallbackGenericTlds = {
    "com", "org", "net",  "edu",  "gov",  "mil",    "int",   "info", "biz", "name", "pro",  "app",
    "dev", "io",  "shop", "blog", "site", "online", "store", "tech", "xyz", "club", "page", "link"};

struct TldSet {
  absl::flat_hash_set<std::string> tlds;
  bool from_list = false;
};

TldSet Load() {
  TldSet set;
  std::ifstream in(kPublicSuffixList);
  std::string line;
  while (std::getline(in, line)) {
    // A rule is the first whitespace-delimited word of a line; "//" starts a comment.
    const std::size_t end = line.find_first_of(" \t\r");
    const std::string rule = line.substr(0, end);
    if (rule.empty() || rule.starts_with("//")) {
      continue;
    }
    const std::size_t dot = rule.rfind('.');
    set.tlds.insert(absl::AsciiStrToLower(dot == std::string::npos ? rule : rule.substr(dot + 1)));
  }
  set.from_list = !set.tlds.empty();
  if (!set.from_list) {
    Logger("links")->warn(
        "{} not found (Debian package publicsuffix); bare domains are "
        "checked against a short built-in list of top-level domains",
        kPublicSuffixList);
    for (const char* tld : kFallbackGenericTlds) {
      set.tlds.insert(tld);
    }
  }
  return set;
}

const TldSet& Tlds() {
  static const TldSet* const set = new TldSet(Load());
  return *set;
}

}  // namespace

bool IsKnownTopLevelDomain(std::string_view label) {
  if (label.empty() || label.size() > 63) {
    return false;
  }
  std::array<char, 63> lower;
  for (std::size_t i = 0; i < label.size(); ++i) {
    lower[i] = absl::ascii_tolower(static_cast<unsigned char>(label[i]));
  }
  const std::string_view key(lower.data(), label.size());
  const TldSet& set = Tlds();
  if (set.tlds.contains(absl::string_view(key.data(), key.size()))) {
    return true;
  }
  // Fallback rule only: any two ASCII letters is a country code.
  return !set.from_list && key.size() == 2 &&
         absl::ascii_isalpha(static_cast<unsigned char>(key[0])) &&
         absl::ascii_isalpha(static_cast<unsigned char>(key[1]));
}

}  // namespace confab
