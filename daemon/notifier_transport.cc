// Notification bodies and their delivery through libcurl (one easy handle per attempt: attempts
// are rare, and a fresh handle carries no state from a failed one).

#include "daemon/notifier_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "boost/json/object.hpp"
#include "boost/json/serialize.hpp"

namespace confab::notify {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string Rfc3339(uint64_t at_ms) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(static_cast<int64_t>(at_ms)),
                          absl::UTCTimeZone());
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

size_t Discard(char*, size_t size, size_t count, void*) { return size * count; }

int Progress(void* cancel, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* flag = static_cast<const std::atomic<bool>*>(cancel);
  return flag != nullptr && flag->load() ? 1 : 0;  // non-zero aborts the transfer
}

struct Upload {
  const std::string& text;
  std::size_t offset = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, upload->text.size() - upload->offset);
  std::memcpy(buffer, upload->text.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

CurlPtr NewHandle(const TransportOptions& options, const std::atomic<bool>* cancel) {
  GlobalInit();
  CurlPtr curl(curl_easy_init());
  if (!curl) {
    return curl;
  }
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &Progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(cancel));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &Discard);
  return curl;
}

absl::Status Perform(CURL* curl, const char* what, const std::atomic<bool>* cancel) {
  const CURLcode code = curl_easy_perform(curl);
  if (code == CURLE_OK) {
    return absl::OkStatus();
  }
  if (code == CURLE_ABORTED_BY_CALLBACK && cancel != nullptr && cancel->load()) {
    return absl::CancelledError(absl::StrCat(what, ": stopped"));
  }
  return absl::UnavailableError(absl::StrCat(what, ": ", curl_easy_strerror(code)));
}

}  // namespace

std::string ConversationPath(const store::ThreadId& thread) {
  return absl::StrCat("/v1/conversations/", store::NumberText(thread.brand), "/",
                      store::NumberText(thread.profile));
}

std::string WebhookBody(const NewMessage& message) {
  boost::json::object body;
  body["event"] = "message.received";
  body["brand"] = store::NumberText(message.thread.brand);
  body["profile"] = store::NumberText(message.thread.profile);
  body["text"] = message.preview;
  body["at"] = Rfc3339(message.at_ms);
  body["message_seq"] = message.message_seq;
  body["conversation"] = ConversationPath(message.thread);
  return boost::json::serialize(body);
}

std::string EmailText(const NewMessage& message, const std::string& from,
                      const std::vector<std::string>& to) {
  const std::string brand = store::NumberText(message.thread.brand);
  const std::string profile = store::NumberText(message.thread.profile);
  const absl::Time at = absl::FromUnixMillis(static_cast<int64_t>(message.at_ms));
  // The preview is the only text from outside: it goes in the body only (never a header), with
  // every line end made CRLF as SMTP wants; libcurl dot-stuffs lines starting with ".".
  std::string preview = absl::StrReplaceAll(message.preview, {{"\r\n", "\n"}, {"\r", "\n"}});
  preview = absl::StrReplaceAll(preview, {{"\n", "\r\n"}});
  return absl::StrCat(
      "From: <", from, ">\r\n", "To: ", absl::StrJoin(to, ", "), "\r\n",
      "Subject: New message from ", profile, " to ", brand,
      message.organization_prefix.empty() ? ""
                                          : absl::StrCat(" (", message.organization_prefix, ")"),
      "\r\n", "Date: ", absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", at, absl::UTCTimeZone()),
      "\r\n", "MIME-Version: 1.0\r\n", "Content-Type: text/plain; charset=utf-8\r\n",
      "Content-Transfer-Encoding: 8bit\r\n", "\r\n", "New message from ", profile, " to ", brand,
      " at ", Rfc3339(message.at_ms), ":\r\n\r\n", preview, "\r\n\r\n",
      "Conversation: ", ConversationPath(message.thread), "\r\n");
}

absl::Status PostWebhook(const std::string& url, const std::string& body,
                         const TransportOptions& options, const std::atomic<bool>* cancel) {
  CurlPtr curl = NewHandle(options, cancel);
  if (!curl) {
    return absl::InternalError("webhook: curl_easy_init failed");
  }
  CURL* c = curl.get();
  SlistPtr headers(curl_slist_append(nullptr, "Content-Type: application/json"));
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_USERAGENT, "confab-notifier");
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  if (absl::Status status = Perform(c, "webhook", cancel); !status.ok()) {
    return status;
  }
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  if (code < 200 || code > 299) {
    return absl::UnavailableError(absl::StrCat("webhook: HTTP ", code));
  }
  return absl::OkStatus();
}

absl::Status SendEmail(const std::vector<std::string>& to, const std::string& text,
                       const TransportOptions& options, const std::atomic<bool>* cancel) {
  if (options.smtp_url.empty()) {
    return absl::FailedPreconditionError("e-mail: no SMTP relay ([notifications].smtp_url)");
  }
  CurlPtr curl = NewHandle(options, cancel);
  if (!curl) {
    return absl::InternalError("e-mail: curl_easy_init failed");
  }
  CURL* c = curl.get();
  SlistPtr recipients;
  for (const std::string& address : to) {
    curl_slist* list = curl_slist_append(recipients.get(), absl::StrCat("<", address, ">").c_str());
    if (list == nullptr) {
      return absl::InternalError("e-mail: out of memory");
    }
    recipients.release();
    recipients.reset(list);
  }
  const std::string from = absl::StrCat("<", options.smtp_from, ">");
  Upload upload{text};
  curl_easy_setopt(c, CURLOPT_URL, options.smtp_url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_USE_SSL,
                   static_cast<long>(options.smtp_require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY));
  if (!options.smtp_username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options.smtp_username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options.smtp_password.c_str());
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, &ReadUpload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  return Perform(c, "e-mail", cancel);
}

}  // namespace confab::notify
