#pragma once

// The carrier for suites that run the real confabd against an SMSC in the test process (an
// smpp::SmscServer on loopback), so the test controls every PDU the daemon receives: it accepts
// confabd's bind, answers every request, and keeps the text of every submit_sm with the message
// id it answered. Also the test's side of an MO: a deliver_sm to the brand, sent on the session
// confabd bound.

#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "smpp/smsc_server.h"
#include "tests/daemon/inbound_test_util.h"
#include "tests/smpp/session_test_util.h"

namespace confab::testing {

// A submit_sm the SMSC answered: the message id it gave ("7000", "7001", … in arrival order) and
// its short_message as text.
struct SmscSubmit {
  std::string id;
  std::string text;
};

class TestSmsc {
 public:
  TestSmsc();
  // Stops the server (its sessions hold the handler until then); a stop that does not finish
  // within 20 s fails the test.
  ~TestSmsc();
  TestSmsc(const TestSmsc&) = delete;
  TestSmsc& operator=(const TestSmsc&) = delete;

  // Starts listening on loopback, any port; every bind is accepted. Call once.
  absl::Status Listen();
  uint16_t port() const;

  // The session confabd bound, waiting until it binds, `daemon` exits, or `deadline` passes
  // (nullptr then).
  std::shared_ptr<smpp::Session> WaitBound(
      Child& daemon, std::chrono::milliseconds deadline = std::chrono::seconds(30));
  // The first submit_sm whose text contains `needle`, waiting up to `deadline`.
  std::optional<SmscSubmit> WaitSubmit(const std::string& needle,
                                       std::chrono::milliseconds deadline);

 private:
  class Handler;

  smpp::testing::IoThread io_;  // declared first: outlives the handler and the server
  std::shared_ptr<Handler> handler_;
  std::shared_ptr<smpp::SmscServer> server_;
};

// A deliver_sm from `from_digits` (international, E.164 digits) to kBrand, sequence 0 (the
// session numbers it): `udh` (optional) goes before the GSM 7-bit text (unpacked: plain ASCII
// letters, digits, spaces and .,? are their own GSM codes) and sets UDHI on `esm_class`. The PDU
// views a buffer of this thread that the next call reuses: send it before building another.
smpp::Pdu Deliver(std::string_view from_digits, std::string_view text, uint8_t esm_class = 0,
                  const std::vector<uint8_t>& udh = {});

// Submits `pdu` on `session` (encoded before this returns); the future holds the response.
std::future<smpp::testing::Result> Send(smpp::Session& session, const smpp::Pdu& pdu);
// Send, then the response (a test failure when none comes within smpp::testing::kDeadline).
smpp::testing::Result Exchange(smpp::Session& session, const smpp::Pdu& pdu);

}  // namespace confab::testing
