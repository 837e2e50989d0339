#pragma once

// The daemon's config turned into each part's options (daemon/app.cc builds the parts with them).
// Pure functions of the config: no part is created here.

#include <chrono>

#include "absl/time/time.h"
#include "config/config.h"
#include "daemon/admin_server.h"
#include "daemon/dispatcher.h"
#include "daemon/pipeline.h"
#include "daemon/shortener.h"
#include "store/group_commit.h"
#include "store/store.h"

namespace confab::app {

std::chrono::milliseconds ToChrono(absl::Duration duration);

store::StoreOptions StoreOptionsFrom(const config::Config& config);
AdminServerOptions AdminOptionsFrom(const config::AdminConfig& admin);
// The public redirect listener: GET/HEAD only, so a tiny body limit; more connections than the
// admin API, as it faces the public (behind the TLS proxy).
AdminServerOptions LinksOptionsFrom(const config::LinksConfig& links);
ShortenerOptions ShortenerOptionsFrom(const config::LinksConfig& links);
// [daemon].io_threads, 0 meaning one per core.
unsigned IoThreads(const config::DaemonConfig& daemon);
// The inbound pipeline's committer (it holds after a failure); the others adjust the copy.
store::GroupCommitOptions CommitOptionsFrom(const config::StoreConfig& store);
pipeline::PipelineOptions PipelineOptionsFrom(const config::Config& config);
// One route per [[carrier]] (in config order), and each brand number's routes from its
// carriers list. The shorten and quiet-hours hooks are the caller's: they need running parts.
outbound::DispatcherOptions DispatcherOptionsFrom(const config::Config& config);

}  // namespace confab::app
