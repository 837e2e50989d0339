#pragma once

// Link shortening of outbound texts (product §7): every URL url_detect.h finds is replaced with
// https://{short_domain}/{code}, unless that would not make the text shorter.
//
// Decisions:
// - A text is never lengthened: a URL whose short form has as many characters as it or more is
//   kept as written (counted in characters, as segments are).
// - One code per (message, URL): the same URL twice in one message gets one code, so its clicks
//   attribute to that message and profile; the same URL in another message gets another code.
// - Codes are 8 base62 characters from a CodeSource; each is stored insert-if-absent, and a
//   taken code is retried with a fresh one, at most ShortenerOptions::max_attempts times per URL,
//   then Shorten fails with ResourceExhausted (and the text must not be sent half-shortened).
// - The stored redirect target is the URL as written, with "http://" put before the scheme-less
//   forms (a site that has TLS redirects from http; a guessed https fails on one that has not),
//   the host converted to ASCII (IDNA) and non-ASCII path octets percent-encoded.
// - A URL on the short domain itself (any scheme, path or query; the port is ignored) is kept:
//   texts are shortened when queued and again when sent, and a short link stays as it is.
// - An empty short_domain means shortening is off: texts pass unchanged.
// - The options can be swapped while texts are being shortened (SIGHUP): each Shorten or Preview
//   uses one set from start to end; links stored before keep the expiry they were given.
// Shortening runs before encoding, so the encoding and segment count of a send are those of the
// shortened text; Preview() reports both.

#include <array>
#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/random/random.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/link_store.h"
#include "daemon/url_detect.h"
#include "smpp/segment.h"

namespace confab {

inline constexpr std::size_t kShortCodeLength = 8;
using ShortCode = std::array<char, kShortCodeLength>;

// True if `code` is 8 characters of [0-9A-Za-z].
bool IsShortCode(std::string_view code);

// Where codes come from; injectable so tests can force collisions.
class CodeSource {
 public:
  virtual ~CodeSource() = default;
  virtual ShortCode Next() = 0;
};

// Uniform random codes from absl::BitGen (Randen, a fast generator seeded once from the OS's
// entropy; no system call per code). Thread-safe.
class RandomCodeSource final : public CodeSource {
 public:
  ShortCode Next() override;

 private:
  std::mutex mutex_;
  absl::BitGen generator_;
};

struct ShortenerOptions {
  std::string short_domain;  // host[:port]; empty: shortening off
  absl::Duration expiry = absl::Hours(24 * 90);
  int max_attempts = 8;  // codes tried per URL before giving up
};

// Whom a message's links belong to (stored with each code): the outbound message, whose thread
// is (brand number, profile).
struct LinkContext {
  store::MessageKey message;
};

struct ShortenedLink {
  std::string code;
  std::string original;   // as written in the text
  std::string short_url;  // https://{short_domain}/{code}
};

struct ShortenResult {
  std::string text;
  std::vector<ShortenedLink> links;  // one per distinct URL that was replaced
};

struct TextStats {
  smpp::TextEncoding encoding = smpp::TextEncoding::kGsm7;
  std::size_t characters = 0;
  std::size_t segments = 1;
};

struct ShortenPreview {
  std::string text;       // shortened, with the placeholder code "xxxxxxxx" (nothing is stored)
  std::size_t links = 0;  // URL occurrences replaced
  TextStats before;
  TextStats after;
};

// Thread-safe when the store and the code source are (the defaults are).
class Shortener {
 public:
  using Clock = std::function<absl::Time()>;
  // `store` must outlive the shortener; `codes` too when given (default: a RandomCodeSource);
  // `clock` defaults to absl::Now.
  Shortener(ShortenerOptions options, LinkStore* store, CodeSource* codes = nullptr,
            Clock clock = nullptr);

  // Replaces the URLs of `text`, storing one code per distinct URL for `context`.
  absl::StatusOr<ShortenResult> Shorten(std::string_view text, const LinkContext& context);

  // What Shorten would make of `text`, without storing anything, with encoding and segment
  // count before and after.
  ShortenPreview Preview(std::string_view text,
                         smpp::ConcatMode mode = smpp::ConcatMode::kUdh8) const;

  // The options in force (a snapshot).
  ShortenerOptions options() const { return *options_.load(); }
  // Replaces the options for every Shorten/Preview that starts from now on. Thread-safe.
  void SetOptions(ShortenerOptions options);

 private:
  using OptionsPtr = std::shared_ptr<const ShortenerOptions>;
  absl::StatusOr<std::string> NewCode(const LinkRecord& record, int max_attempts);

  std::atomic<OptionsPtr> options_;
  LinkStore* store_;
  RandomCodeSource default_codes_;
  CodeSource* codes_;
  Clock clock_;
};

// The redirect target stored for a URL found in a text (see the decisions above).
std::string RedirectTarget(std::string_view url, UrlForm form);

}  // namespace confab
