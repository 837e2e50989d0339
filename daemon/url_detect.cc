#include "daemon/url_detect.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <array>
#include <cstdint>
#include <cstring>

namespace confab {
namespace {

// Character classes of octets, one table lookup each (the scan runs on every outbound text).
enum CharClass : uint8_t { kAlnum = 1, kHost = 2, kUrl = 4 };

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> classes{};
  for (int c = 0x21; c < 0x7f; ++c) {
    // RFC 3986's set; the excluded characters are those it forbids and texts use as delimiters.
    const bool excluded = c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' ||
                          c == '{' || c == '|' || c == '}';
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    classes[c] = static_cast<uint8_t>((excluded ? 0 : kUrl) | (alnum ? kAlnum | kHost : 0) |
                                      (c == '-' || c == '.' ? kHost : 0));
  }
  return classes;
}
constexpr std::array<uint8_t, 256> kClasses = MakeClasses();

bool IsAsciiAlnum(unsigned char c) { return (kClasses[c] & kAlnum) != 0; }
bool IsHostChar(unsigned char c) { return (kClasses[c] & kHost) != 0; }
bool IsUrlAsciiChar(unsigned char c) { return (kClasses[c] & kUrl) != 0; }

// Non-ASCII letters, digits and combining marks continue a URL (IRIs); punctuation, symbols,
// spaces, format characters and emoji end it.
bool ContinuesUrl(UChar32 cp) { return u_isalnum(cp) || (U_GET_GC_MASK(cp) & U_GC_M_MASK) != 0; }

bool StartsWithIgnoreCase(std::string_view text, std::size_t pos, std::string_view prefix) {
  if (text.size() - pos < prefix.size()) {
    return false;
  }
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[pos + i]);
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<unsigned char>(c - 'A' + 'a');
    }
    if (c != static_cast<unsigned char>(prefix[i])) {
      return false;
    }
  }
  return true;
}

// The first byte at or after `pos` that is not part of a URL.
std::size_t ScanUrlEnd(std::string_view text, std::size_t pos) {
  const int64_t size = static_cast<int64_t>(text.size());
  while (pos < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[pos]);
    if (c < 0x80) {
      if (!IsUrlAsciiChar(c)) {
        break;
      }
      ++pos;
      continue;
    }
    int64_t next = static_cast<int64_t>(pos);
    UChar32 cp = 0;
    U8_NEXT(text.data(), next, size, cp);
    if (cp < 0 || !ContinuesUrl(cp)) {
      break;
    }
    pos = static_cast<std::size_t>(next);
  }
  return pos;
}

// Drops trailing sentence punctuation, and closing brackets without a partner in the URL.
std::size_t TrimEnd(std::string_view text, std::size_t begin, std::size_t end) {
  while (end > begin) {
    const char c = text[end - 1];
    if (std::strchr(".,!?:;'\"*", c) != nullptr) {
      --end;
      continue;
    }
    if (c == ')' || c == ']' || c == '}') {
      const char open = c == ')' ? '(' : (c == ']' ? '[' : '{');
      int balance = 0;
      for (std::size_t i = begin; i < end; ++i) {
        balance += text[i] == open ? 1 : (text[i] == c ? -1 : 0);
      }
      if (balance < 0) {
        --end;
        continue;
      }
    }
    break;
  }
  return end;
}

// The host of a URL whose host starts at `host_begin`: up to the first '/', '?', '#' (and ':'
// when `stop_at_port`).
std::string_view HostOf(std::string_view text, std::size_t host_begin, std::size_t end,
                        bool stop_at_port) {
  std::string_view rest = text.substr(host_begin, end - host_begin);
  return rest.substr(0, rest.find_first_of(stop_at_port ? "/?#:" : "/?#"));
}

// Dot-separated labels, none empty.
bool HasDottedLabels(std::string_view host, std::size_t min_labels) {
  std::size_t labels = 1;
  if (host.empty() || host.front() == '.' || host.back() == '.') {
    return false;
  }
  for (std::size_t i = 0; i < host.size(); ++i) {
    if (host[i] == '.') {
      if (host[i + 1] == '.') {
        return false;
      }
      ++labels;
    }
  }
  return labels >= min_labels;
}

bool TryScheme(std::string_view text, std::size_t pos, UrlMatch& match) {
  std::size_t host_begin = 0;
  if (StartsWithIgnoreCase(text, pos, "https://")) {
    host_begin = pos + 8;
  } else if (StartsWithIgnoreCase(text, pos, "http://")) {
    host_begin = pos + 7;
  } else {
    return false;
  }
  const std::size_t end = TrimEnd(text, host_begin, ScanUrlEnd(text, host_begin));
  const std::string_view host = HostOf(text, host_begin, end, /*stop_at_port=*/true);
  bool has_name_char = false;
  for (const char c : host) {
    has_name_char |= IsAsciiAlnum(static_cast<unsigned char>(c)) || (c & 0x80) != 0;
  }
  if (!has_name_char) {
    return false;
  }
  match = {pos, end - pos, UrlForm::kScheme};
  return true;
}

bool TryWww(std::string_view text, std::size_t pos, UrlMatch& match) {
  if (!StartsWithIgnoreCase(text, pos, "www.")) {
    return false;
  }
  const std::size_t end = TrimEnd(text, pos + 4, ScanUrlEnd(text, pos));
  if (!HasDottedLabels(HostOf(text, pos + 4, end, /*stop_at_port=*/true), 2)) {
    return false;
  }
  match = {pos, end - pos, UrlForm::kWww};
  return true;
}

bool IsValidLdhLabel(std::string_view label) {
  return !label.empty() && label.size() <= 63 && label.front() != '-' && label.back() != '-';
}

bool TryBareDomain(std::string_view text, std::size_t pos, UrlMatch& match) {
  std::size_t host_end = pos;
  while (host_end < text.size() && IsHostChar(static_cast<unsigned char>(text[host_end]))) {
    ++host_end;
  }
  std::size_t path = host_end;
  if (path < text.size() && text[path] == ':') {  // a port, then the path
    ++path;
    const std::size_t digits = path;
    while (path < text.size() && text[path] >= '0' && text[path] <= '9') {
      ++path;
    }
    if (path == digits || path - digits > 5) {
      return false;
    }
  }
  if (path >= text.size() || text[path] != '/') {
    return false;
  }
  const std::string_view host = text.substr(pos, host_end - pos);
  if (!HasDottedLabels(host, 2)) {
    return false;
  }
  std::size_t label_begin = 0;
  for (std::size_t i = 0; i <= host.size(); ++i) {
    if (i == host.size() || host[i] == '.') {
      if (!IsValidLdhLabel(host.substr(label_begin, i - label_begin))) {
        return false;
      }
      label_begin = i + 1;
    }
  }
  if (!IsKnownTopLevelDomain(host.substr(host.rfind('.') + 1))) {
    return false;
  }
  const std::size_t end = TrimEnd(text, path, ScanUrlEnd(text, path));
  match = {pos, end - pos, UrlForm::kBareDomain};
  return true;
}

}  // namespace

void FindUrls(std::string_view text, std::vector<UrlMatch>& out) {
  out.clear();
  std::size_t pos = 0;
  while (pos < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[pos]);
    if (!IsAsciiAlnum(c)) {
      ++pos;
      continue;
    }
    // Here `pos` starts a run of letters and digits.
    const unsigned char prev = pos == 0 ? ' ' : static_cast<unsigned char>(text[pos - 1]);
    const bool host_boundary = std::strchr(".-_@/", prev) == nullptr || prev == '\0';
    UrlMatch match;
    if (((c | 0x20) == 'h' && TryScheme(text, pos, match)) ||
        (host_boundary && (c | 0x20) == 'w' && TryWww(text, pos, match)) ||
        (host_boundary && TryBareDomain(text, pos, match))) {
      out.push_back(match);
      pos = match.begin + match.length;
      continue;
    }
    while (pos < text.size() && IsAsciiAlnum(static_cast<unsigned char>(text[pos]))) {
      ++pos;
    }
  }
}

std::vector<UrlMatch> FindUrls(std::string_view text) {
  std::vector<UrlMatch> out;
  FindUrls(text, out);
  return out;
}

}  // namespace confab
