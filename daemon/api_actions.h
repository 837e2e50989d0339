#pragma once

// The admin API's write endpoints on conversations and profiles (issue #5, product §4–§7);
// docs/api/actions.md documents each with examples. All need Access::kConversations.
//
//   POST /v1/conversations/{brand}/{profile}/replies   agent replies (?dry_run=1 previews)
//   POST /v1/conversations/{brand}/{profile}/open|close|snooze|read|unread
//   POST /v1/profiles/{brand}/{profile}/block|unblock
//   PUT  /v1/profiles/{brand}/{profile}/consent
//   POST /v1/sends                                     campaign / flow sends
//
// Every write goes through pipeline->Mutate, so it is ordered with the thread's MOs, and is
// answered once durable. The rules (a conversation exists, the profile is subscribed and not
// blocked) are checked again inside the mutation, against the record the pipeline holds: a
// reply checked against an older copy can never slip past an opt-out in flight.

#include "daemon/api.h"

namespace confab::api {

void InstallActionRoutes(ApiRoutes& routes, const ApiDeps& deps);

}  // namespace confab::api
