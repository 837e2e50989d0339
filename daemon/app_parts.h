#pragma once

// App::Parts: every part of the running daemon, owned by the App (daemon/app.h). Shared by the
// files that build the parts (app.cc, app_start.cc); nothing else includes it.

#include <future>
#include <memory>

#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/signal_set.hpp"
#include "boost/asio/thread_pool.hpp"
#include "daemon/admin_server.h"
#include "daemon/api_auth.h"
#include "daemon/api_router.h"
#include "daemon/app.h"
#include "daemon/brand_settings.h"
#include "daemon/carriers.h"
#include "daemon/classifier.h"
#include "daemon/dispatcher.h"
#include "daemon/inbound_sink.h"
#include "daemon/logging.h"
#include "daemon/metrics.h"
#include "daemon/notifier.h"
#include "daemon/pipeline.h"
#include "daemon/quiet_hours.h"
#include "daemon/receipts.h"
#include "daemon/redirect.h"
#include "daemon/rocksdb_link_store.h"
#include "daemon/shortener.h"
#include "store/group_commit.h"
#include "store/store.h"

namespace confab {

struct App::Parts {
  config::Config config;
  AppOptions options;
  std::shared_ptr<spdlog::logger> log = Logger("daemon");
  metrics::Registry metrics;  // before io: sessions dying with io still hold its counters
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work =
      boost::asio::make_work_guard(io);
  boost::asio::signal_set signals{io, SIGINT, SIGTERM, SIGHUP};
  std::promise<void> stop_requested;
  std::unique_ptr<store::Store> store;
  HttpRouter router;
  std::unique_ptr<AdminServer> admin;
  // Short links ([links]) in the store's links/clicks families; the link store, the shortener
  // (for the send path) and the listener exist only when links are on AND a short_domain is set
  // (no short links can exist without one). SIGHUP swaps the shortener's and redirect's
  // settings (Reload); the link store is stopped before the store closes (Run).
  std::unique_ptr<RocksDbLinkStore> link_store;
  std::unique_ptr<Shortener> shortener;
  std::unique_ptr<RedirectService> redirect;
  HttpRouter links_router;
  std::unique_ptr<AdminServer> links;
  // The inbound pipeline: classifier, brand numbers, the store's group committer.
  std::unique_ptr<classify::Classifier> classifier;
  std::unique_ptr<store::GroupCommitter> committer;
  std::unique_ptr<pipeline::Pipeline> pipeline;
  // Carrier binds hand what carriers send to `inbound` (daemon/inbound_sink.h): the pipeline.
  std::shared_ptr<InboundSink> inbound;
  std::unique_ptr<CarrierBinds> carriers;
  // The outbound path: the outbox to the carriers, with its own committer (the pipeline's holds
  // after a failure until the pipeline resumes it).
  std::unique_ptr<store::GroupCommitter> outbound_committer;
  std::unique_ptr<outbound::Dispatcher> dispatcher;
  std::unique_ptr<outbound::ReceiptProcessor> receipts;
  quiet::QuietHours quiet_hours;  // zone lookups, shared by the dispatcher's checks
  // The admin API (/v1 and /metrics): tokens, the worker threads its handlers run on (never
  // the I/O threads: they read RocksDB), and the router that checks tokens and roles.
  std::unique_ptr<api::TokenAuth> auth;
  std::unique_ptr<boost::asio::thread_pool> api_workers;
  std::unique_ptr<api::ApiRouter> api;
  // New-message notifications (product §8), fed by the pipeline once messages are durable.
  std::unique_ptr<notify::Notifier> notifier;
  // Each brand number's effective settings: the config file plus what the API changed (stored).
  // Everything that reads number settings at run time asks it; a change rebuilds the
  // pipeline's brand directory.
  std::unique_ptr<BrandSettings> brand_settings;
};

}  // namespace confab
