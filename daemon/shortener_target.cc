// The redirect target of a URL found in a text: a scheme for the scheme-less forms, an ASCII
// host (IDNA, UTS #46) and percent-encoded non-ASCII octets, so that the Location header is
// plain ASCII whatever the text held.

#include <unicode/uidna.h>

#include <array>
#include <string>

#include "absl/strings/str_cat.h"
#include "daemon/shortener.h"

namespace confab {
namespace {

const UIDNA* Idna() {
  // Opened once; a UTS #46 instance is immutable and may be used from several threads.
  static const UIDNA* const idna = [] {
    UErrorCode status = U_ZERO_ERROR;
    UIDNA* opened = uidna_openUTS46(UIDNA_NONTRANSITIONAL_TO_ASCII, &status);
    return U_SUCCESS(status) ? opened : nullptr;
  }();
  return idna;
}

bool IsAscii(std::string_view text) {
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0x80) != 0) {
      return false;
    }
  }
  return true;
}

// The host in ASCII, or the host unchanged if IDNA refuses it.
std::string AsciiHost(std::string_view host) {
  if (IsAscii(host) || Idna() == nullptr) {
    return std::string(host);
  }
  std::array<char, 256> buffer;
  UErrorCode status = U_ZERO_ERROR;
  UIDNAInfo info = UIDNA_INFO_INITIALIZER;
  const int32_t length =
      uidna_nameToASCII_UTF8(Idna(), host.data(), static_cast<int32_t>(host.size()), buffer.data(),
                             static_cast<int32_t>(buffer.size()), &info, &status);
  if (U_FAILURE(status) || info.errors != 0 || length <= 0 ||
      static_cast<std::size_t>(length) > buffer.size()) {
    return std::string(host);
  }
  return std::string(buffer.data(), static_cast<std::size_t>(length));
}

void AppendPercentEncoded(std::string_view text, std::string& out) {
  constexpr char kHex[] = "0123456789ABCDEF";
  for (const char c : text) {
    const auto octet = static_cast<unsigned char>(c);
    if (octet < 0x80) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[octet >> 4]);
      out.push_back(kHex[octet & 0xF]);
    }
  }
}

}  // namespace

std::string RedirectTarget(std::string_view url, UrlForm form) {
  std::string target;
  target.reserve(url.size() + 7);
  std::string_view rest = url;
  if (form == UrlForm::kScheme) {
    const std::size_t scheme_end = url.find("://") + 3;
    target.append(url.substr(0, scheme_end));
    rest = url.substr(scheme_end);
  } else {
    target.append("http://");
  }
  if (IsAscii(rest)) {
    target.append(rest);
    return target;
  }
  // userinfo@host:port — only the host part is converted.
  const std::size_t authority_end = std::min(rest.find_first_of("/?#"), rest.size());
  std::string_view authority = rest.substr(0, authority_end);
  const std::size_t at = authority.rfind('@');
  const std::size_t host_begin = at == std::string_view::npos ? 0 : at + 1;
  const std::size_t port = authority.find(':', host_begin);
  const std::size_t host_end = port == std::string_view::npos ? authority.size() : port;
  AppendPercentEncoded(authority.substr(0, host_begin), target);
  target.append(AsciiHost(authority.substr(host_begin, host_end - host_begin)));
  target.append(authority.substr(host_end));
  AppendPercentEncoded(rest.substr(authority_end), target);
  return target;
}

}  // namespace confab
