#pragma once

// Fault modes of the carrier simulator, chosen for a whole run (flags) or for one MT by its
// destination number (the magic numbers below; documented in bench/sim/README.md).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "smpp/session_options.h"
#include "smpp/types.h"

namespace confab::sim {

enum class MtFault : uint8_t {
  kNone,
  kThrottle,       // submit_sm_resp ESME_RTHROTTLED
  kQueueFull,      // submit_sm_resp ESME_RMSGQFUL
  kNoResponse,     // never answered (the daemon's response timer fires)
  kSlow,           // answered after `slow_delay`
  kDisconnect,     // the connection is dropped with the MT unanswered (and others in flight)
  kUndeliverable,  // accepted, then a stat:UNDELIV receipt
};

std::string_view MtFaultName(MtFault fault);
std::optional<MtFault> MtFaultFromName(std::string_view name);  // "throttle", "queue-full", …

// Magic destination numbers: an MT to one of these gets the fault whatever the run's flags.
// Compared on digits only, so "+15559990001", "15559990001" match alike.
inline constexpr std::string_view kMagicThrottle = "+15559990001";
inline constexpr std::string_view kMagicQueueFull = "+15559990002";
inline constexpr std::string_view kMagicNoResponse = "+15559990003";
inline constexpr std::string_view kMagicSlow = "+15559990004";
inline constexpr std::string_view kMagicDisconnect = "+15559990005";
inline constexpr std::string_view kMagicUndeliverable = "+15559990006";
MtFault FaultForDestination(std::string_view destination);

struct CarrierFaults {
  MtFault every_mt = MtFault::kNone;  // --fault NAME: applied to every MT
  smpp::Millis slow_delay{2'000};     // --slow-delay
  uint64_t disconnect_after = 0;      // --disconnect-after N: drop the link at the Nth MT; 0 off
  // --refuse-bind bindfail|invpaswd: every bind is refused with this status (kOk = accept).
  smpp::CommandStatus refuse_bind = smpp::CommandStatus::kOk;
  bool refuse_second_bind = false;  // --refuse-second-bind: ESME_RALYBND while one is bound
  bool duplicate_mo = false;        // --duplicate-mo: every MO part sent twice (new sequence)
};

// "+" and digits for a numeric address ("15551234567" -> "+15551234567"); others unchanged.
std::string E164(std::string_view address);

}  // namespace confab::sim
