#pragma once

// Carrier-style reliable delivery of one MO (`confab-sim load --retransmit`): a real carrier keeps
// an MO until every part is acknowledged ESME_ROK and retransmits the parts still unacknowledged
// (same content, same UDH reference, a new sequence number) after a temporary error status, a
// response timeout or a dropped connection — on the next bind. A permanent error status
// (ESME_RINVDSTADR…) ends the MO: it is counted and given up.
//
// Rounds: every unacknowledged part is sent; once all of that round's responses are in, the MO
// is done (all acked), given up (a permanent status), or retried `retry_delay` later — and, when
// no session is bound then, again every `retry_delay` until the daemon binds again.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <system_error>

#include "bench/sim/carrier.h"

namespace confab::sim {

enum class PartOutcome { kAcked, kTemporary, kPermanent };

// OK -> kAcked. Temporary: any transport error (timeout, closed, not bound), ESME_RX_T_APPN,
// ESME_RTHROTTLED, ESME_RMSGQFUL, ESME_RSYSERR. Every other status is permanent.
PartOutcome ClassifyPart(std::error_code error, smpp::CommandStatus status);

struct ReliableOptions {
  std::chrono::milliseconds retry_delay{200};
  // Checked before every retry: true ends the MO unacknowledged (the run is over).
  std::function<bool()> abandon;
  // Every part response that is not OK, and every transport error (for the error counts).
  std::function<void(std::error_code, smpp::CommandStatus)> on_failure;
};

struct ReliableResult {
  bool acked = false;                                        // every part acknowledged ESME_ROK
  smpp::CommandStatus permanent = smpp::CommandStatus::kOk;  // the status it was given up on
  uint32_t parts_retransmitted = 0;                          // part sends after the first round
  uint32_t rounds = 0;
};

// Starts sending `mo` through `carrier`; `done` runs once, on an I/O thread.
void SendReliably(std::shared_ptr<Carrier> carrier, std::shared_ptr<const PreparedMo> mo,
                  ReliableOptions options, std::function<void(const ReliableResult&)> done);

}  // namespace confab::sim
