#pragma once

// How a new-message notification travels (product §8): the webhook's JSON body, the e-mail's
// text, and one delivery attempt of each through libcurl (HTTP(S) POST; SMTP through the relay
// of [notifications]). An attempt blocks its caller for at most the configured timeout, and
// returns early (Cancelled) once `*cancel` becomes true.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "store/schema.h"

namespace confab::notify {

// What a notification says.
struct NewMessage {
  store::ThreadId thread;
  uint32_t message_seq = 0;
  std::string preview;  // UTF-8
  uint64_t at_ms = 0;
  std::string organization_prefix;  // of the brand number, for the e-mail's subject
};

struct TransportOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds timeout{15000};
  std::string smtp_url;  // smtp:// or smtps://
  std::string smtp_from;
  std::string smtp_username;
  std::string smtp_password;
  bool smtp_require_tls = false;
};

// The admin API path of the message's conversation: "/v1/conversations/+15550100000/+1555…".
std::string ConversationPath(const store::ThreadId& thread);

// {"event": "message.received", "brand", "profile", "text", "at" (RFC 3339 UTC),
//  "message_seq", "conversation" (ConversationPath)}.
std::string WebhookBody(const NewMessage& message);

// The whole RFC 5322 message (CRLF line ends): From, To, Subject, Date, MIME headers
// (text/plain; charset=utf-8, 8bit), and a body with the preview and the conversation path.
std::string EmailText(const NewMessage& message, const std::string& from,
                      const std::vector<std::string>& to);

// POSTs `body` (application/json) to `url`; OK on a 2xx answer, Unavailable otherwise (naming
// the HTTP status or curl's error). Redirects are not followed.
absl::Status PostWebhook(const std::string& url, const std::string& body,
                         const TransportOptions& options, const std::atomic<bool>* cancel);

// Sends `text` to every address of `to` in one SMTP transaction through options.smtp_url.
absl::Status SendEmail(const std::vector<std::string>& to, const std::string& text,
                       const TransportOptions& options, const std::atomic<bool>* cancel);

}  // namespace confab::notify
