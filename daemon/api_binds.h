#pragma once

// The admin API's carrier binds (issue #5; docs/api/binds.md), role owner or admin
// (Access::kSettings):
//   GET  /v1/binds                                   every carrier and bind slot: state, the
//                                                    operator's admin state, window use, TPS,
//                                                    RTT, queue depth, throttling, last error
//   POST /v1/binds/{carrier}/{suspend|resume|drain}         every bind of the carrier
//   POST /v1/binds/{carrier}/{bind}/{suspend|resume|drain}  one bind slot (0 .. binds-1)
// Commands answer with the carrier's view after the command (drain: 202 while the window
// empties, or with ?wait=true 200 once drained). 404 unknown carrier or bind, 400 a bind that
// is not a number, 409 "not_suspended" (resume of binds that are all active), 409
// "drain_cancelled" (?wait=true and a resume came first), 503 while the daemon stops.
// Uses deps.carriers (required) and deps.dispatcher (optional: TPS, parts, throttling, last
// error and queue depth are absent without it).

#include "daemon/api.h"

namespace confab::api {

void InstallBindRoutes(ApiRoutes& routes, const ApiDeps& deps);

}  // namespace confab::api
