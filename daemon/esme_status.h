#pragma once

// The one place a Status becomes the command_status a carrier gets (DEVELOPERS.md: "one function
// maps Status to ESME codes").

#include "absl/status/status.h"
#include "smpp/types.h"

namespace confab {

// Refusals that name their ESME status (an unknown destination is ESME_RINVDSTADR, a source that
// is no phone number ESME_RINVSRCADR, …) carry it as a payload; EsmeStatusFor reads it back.
absl::Status EsmeError(absl::StatusCode code, smpp::CommandStatus esme, std::string_view message);

// The status to answer a carrier's request `request` with:
//  - OK → ESME_ROK; a status made by EsmeError → its ESME status;
//  - ResourceExhausted (queue full) → ESME_RTHROTTLED: the carrier slows down and retries;
//  - anything transient (Unavailable, Aborted, Internal, DataLoss, DeadlineExceeded, Unknown,
//    Cancelled) → a temporary error the carrier retries: ESME_RX_T_APPN to an SMSC's
//    deliver_sm/data_sm, ESME_RSYSERR to a submit_sm (we are the SMSC there);
//  - anything else (InvalidArgument, NotFound, …) → a permanent refusal: ESME_RX_P_APPN to an
//    SMSC, ESME_RSUBMITFAIL to a submit_sm.
smpp::CommandStatus EsmeStatusFor(const absl::Status& status, smpp::CommandId request);

}  // namespace confab
