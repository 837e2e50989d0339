#include "daemon/app.h"

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/status_macros.h"
#include "base/thread_name.h"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/signal_set.hpp"
#include "boost/asio/thread_pool.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "daemon/admin_server.h"
#include "daemon/api.h"
#include "daemon/api_auth.h"
#include "daemon/api_router.h"
#include "daemon/brand_numbers.h"
#include "daemon/brand_settings.h"
#include "daemon/carriers.h"
#include "daemon/classifier.h"
#include "daemon/dispatcher.h"
#include "daemon/health.h"
#include "daemon/link_store.h"
#include "daemon/logging.h"
#include "daemon/metrics.h"
#include "daemon/notifier.h"
#include "daemon/pipeline.h"
#include "daemon/quiet_hours.h"
#include "daemon/receipts.h"
#include "daemon/redirect.h"
#include "daemon/rocksdb_link_store.h"
#include "daemon/shortener.h"
#include "daemon/systemd_notify.h"
#include "rocksdb/db.h"
#include "store/group_commit.h"
#include "store/store.h"

namespace confab {

namespace asio = boost::asio;

struct App::Parts {
  config::Config config;
  AppOptions options;
  std::shared_ptr<spdlog::logger> log = Logger("daemon");
  metrics::Registry metrics;  // before io: sessions dying with io still hold its counters
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  asio::signal_set signals{io, SIGINT, SIGTERM, SIGHUP};
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
  std::unique_ptr<asio::thread_pool> api_workers;
  std::unique_ptr<api::ApiRouter> api;
  // New-message notifications (product §8), fed by the pipeline once messages are durable.
  std::unique_ptr<notify::Notifier> notifier;
  // Each brand number's effective settings: the config file plus what the API changed (stored).
  // Everything that reads number settings at run time asks it; a change rebuilds the
  // pipeline's brand directory.
  std::unique_ptr<BrandSettings> brand_settings;
};

namespace {

std::chrono::milliseconds ToChrono(absl::Duration duration) {
  return std::chrono::milliseconds(absl::ToInt64Milliseconds(duration));
}

store::CompactionPriority StoreCompactionPriority(config::CompactionPriority priority) {
  switch (priority) {
    case config::CompactionPriority::kNormal:
      return store::CompactionPriority::kNormal;
    case config::CompactionPriority::kIdle:
      return store::CompactionPriority::kIdle;
    case config::CompactionPriority::kLow:
      break;
  }
  return store::CompactionPriority::kLow;
}

store::StoreOptions StoreOptionsFrom(const config::Config& config) {
  store::StoreOptions options;
  std::filesystem::path path = config.store.path;
  if (path.is_relative()) {
    path = std::filesystem::path(config.daemon.state_dir) / path;
  }
  options.path = path.string();
  options.durability = config.store.durability == config::Durability::kOs
                           ? store::Durability::kOs
                           : store::Durability::kFsync;
  options.block_cache_bytes = static_cast<std::size_t>(config.store.block_cache_size_mb) << 20;
  options.compaction_priority = StoreCompactionPriority(config.store.compaction_priority);
  options.write_buffer_bytes = static_cast<std::size_t>(config.store.write_buffer_size_mb) << 20;
  return options;
}

AdminServerOptions AdminOptionsFrom(const config::AdminConfig& admin) {
  AdminServerOptions options;
  options.address = admin.address;
  options.port = admin.port;
  options.body_limit = admin.body_limit;
  options.header_limit = admin.header_limit;
  options.read_timeout = ToChrono(admin.read_timeout);
  options.write_timeout = ToChrono(admin.write_timeout);
  options.max_connections = admin.max_connections;
  return options;
}

// The public redirect listener: GET/HEAD only, so a tiny body limit; more connections than the
// admin API, as it faces the public (behind the TLS proxy).
AdminServerOptions LinksOptionsFrom(const config::LinksConfig& links) {
  AdminServerOptions options;
  options.address = links.address;
  options.port = static_cast<uint16_t>(links.port);
  options.body_limit = 1024;
  options.header_limit = 8 << 10;
  options.read_timeout = std::chrono::seconds(10);
  options.write_timeout = std::chrono::seconds(10);
  options.max_connections = 4096;
  return options;
}

ShortenerOptions ShortenerOptionsFrom(const config::LinksConfig& links) {
  ShortenerOptions options;
  options.short_domain = links.short_domain;
  options.expiry = links.expiry;
  return options;
}

// SIGHUP, [links]: short_domain and expiry go to the shortener (texts shortened from now on),
// bot_user_agents to the running listener. The listener itself (enabled, address, port) needs a
// restart, so a short_domain set where none was leaves shortening off until then: a link no
// listener serves must not be sent.
void ReloadLinks(const config::LinksConfig& before, const config::LinksConfig& after,
                 Shortener* shortener, RedirectService* redirect) {
  if (shortener == nullptr || redirect == nullptr) {
    if (after.enabled && !after.short_domain.empty() && before.short_domain.empty()) {
      Logger("links")->warn("links.short_domain set: shortening starts at the next restart");
    }
    return;
  }
  shortener->SetOptions(ShortenerOptionsFrom(after));
  if (after.bot_user_agents != before.bot_user_agents) {
    redirect->SetBots(BotDetector(after.bot_user_agents));
  }
}

// Written through a temporary file and a rename, so a reader never sees half of it.
// `carriers` maps each listen-mode carrier to its SMPP port (the real one when config said 0).
absl::Status WriteRuntimeFile(const std::string& path, const std::string& admin_endpoint,
                              const boost::json::object& carriers) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << "{\"pid\": " << ::getpid() << ", \"admin\": \"" << admin_endpoint
        << "\", \"carriers\": " << boost::json::serialize(carriers) << "}\n";
    if (!out) {
      return absl::UnavailableError(absl::StrCat("cannot write runtime file ", temporary));
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot rename runtime file to ", path));
  }
  return absl::OkStatus();
}

unsigned IoThreads(const config::DaemonConfig& daemon) {
  if (daemon.io_threads > 0) {
    return static_cast<unsigned>(daemon.io_threads);
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

store::GroupCommitOptions CommitOptionsFrom(const config::StoreConfig& store) {
  store::GroupCommitOptions options;
  options.thread_name = "commit-inbound";  // the pipeline's; the others rename theirs
  options.sync = store.durability == config::Durability::kFsync;
  options.max_group_batches = static_cast<std::size_t>(store.commit_max_batch);
  options.max_group_bytes = static_cast<std::size_t>(store.commit_max_bytes);
  options.max_group_delay =
      std::chrono::microseconds(absl::ToInt64Microseconds(store.commit_max_delay));
  options.queue_limit = static_cast<std::size_t>(store.commit_queue_capacity);
  options.hold_after_failure = true;  // the pipeline's batches build on the ones before
  return options;
}

pipeline::PipelineOptions PipelineOptionsFrom(const config::Config& config) {
  pipeline::PipelineOptions options;
  options.dedup_window_ms =
      static_cast<uint64_t>(absl::ToInt64Milliseconds(config.inbound.dedup_window));
  options.reassembly_timeout_ms =
      static_cast<uint64_t>(absl::ToInt64Milliseconds(config.inbound.reassembly_timeout));
  options.timer_interval = ToChrono(config.inbound.timer_interval);
  options.queue_capacity = static_cast<std::size_t>(config.inbound.queue_capacity);
  options.max_group = static_cast<std::size_t>(config.store.commit_max_batch);
  return options;
}

}  // namespace

absl::Status App::StartPipeline(Parts& parts) {
  absl::StatusOr<classify::Classifier> classifier = classify::Classifier::Create();
  if (!classifier.ok()) {
    return classifier.status();
  }
  parts.classifier = std::make_unique<classify::Classifier>(*classifier);
  absl::StatusOr<std::shared_ptr<const pipeline::BrandDirectory>> brands =
      pipeline::BrandDirectory::Build(*parts.brand_settings->Effective(), *parts.classifier);
  if (!brands.ok()) {
    return brands.status();
  }
  parts.committer = std::make_unique<store::GroupCommitter>(parts.store->db(),
                                                            CommitOptionsFrom(parts.config.store));
  parts.pipeline = std::make_unique<pipeline::Pipeline>(
      *parts.store, parts.store->handles(), *parts.committer, *parts.classifier, *brands,
      PipelineOptionsFrom(parts.config), parts.metrics);
  RETURN_IF_ERROR(parts.pipeline->Start());
  parts.metrics.AddGaugeCallback("confab_conversations_unread",
                                 "Conversations with unread messages (product §8)", {},
                                 [pipeline = parts.pipeline.get()] {
                                   return static_cast<double>(pipeline->UnreadConversations());
                                 });
  return absl::OkStatus();
}

outbound::DispatcherOptions DispatcherOptionsFrom(const config::Config& config) {
  outbound::DispatcherOptions options;
  for (const config::CarrierConfig& carrier : config.carriers) {
    outbound::RouteOptions route;
    route.name = carrier.name;
    route.flow.max_rate = carrier.tps;
    route.segment.gsm_packed = carrier.gsm7_packed;
    switch (carrier.long_messages) {
      case config::LongMessages::kUdh8:
        route.segment.mode = smpp::ConcatMode::kUdh8;
        break;
      case config::LongMessages::kUdh16:
        route.segment.mode = smpp::ConcatMode::kUdh16;
        break;
      case config::LongMessages::kSar:
        route.segment.mode = smpp::ConcatMode::kSar;
        break;
      case config::LongMessages::kPayload:
        route.segment.mode = smpp::ConcatMode::kMessagePayload;
        break;
    }
    route.as_deliver_sm = carrier.mode == config::CarrierMode::kListen;
    route.resend = carrier.resend_policy;
    route.window = static_cast<uint32_t>(carrier.window);
    route.receipt_id_format = carrier.receipt_id_format;
    route.max_attempts = static_cast<uint32_t>(std::max(1, carrier.retry_max_attempts));
    route.retry_base =
        std::chrono::milliseconds(absl::ToInt64Milliseconds(carrier.retry_min_backoff));
    route.retry_cap =
        std::chrono::milliseconds(absl::ToInt64Milliseconds(carrier.retry_max_backoff));
    options.routes.push_back(route);
  }
  return options;
}

namespace {

constexpr int kApiWorkerThreads = 2;

}  // namespace

absl::Status App::StartApi(Parts& parts) {
  const config::Config& cfg = parts.config;
  absl::StatusOr<std::unique_ptr<api::TokenAuth>> auth =
      api::TokenAuth::Create(cfg.admin.tokens, cfg.daemon.state_dir);
  if (!auth.ok()) {
    return auth.status();
  }
  parts.auth = *std::move(auth);
  if (const std::string generated = parts.auth->generated_path(); !generated.empty()) {
    parts.log->info("no [[admin.token]] configured: the admin API token (role owner) is in {}",
                    generated);
  }
  parts.api_workers = std::make_unique<asio::thread_pool>(kApiWorkerThreads);
  parts.api = std::make_unique<api::ApiRouter>(parts.router, *parts.auth,
                                               parts.api_workers->get_executor(), parts.metrics);
  api::ApiDeps deps;
  deps.source = parts.store.get();
  deps.pipeline = parts.pipeline.get();
  deps.dispatcher = parts.dispatcher.get();
  deps.carriers = parts.carriers.get();
  deps.metrics = &parts.metrics;
  deps.shortener = parts.shortener.get();
  deps.quiet_hours = &parts.quiet_hours;
  deps.brand = [settings = parts.brand_settings.get()](uint64_t id) {
    return settings->Current(id);
  };
  deps.brands = [settings = parts.brand_settings.get()] { return settings->All(); };
  // The brand number's first carrier (its route), as the pipeline routes replies. Carriers need
  // a restart to change, so their indexes are fixed; the number's list may change live.
  auto carrier_index = std::make_shared<absl::flat_hash_map<std::string, uint32_t>>();
  for (std::size_t route = 0; route < cfg.carriers.size(); ++route) {
    carrier_index->emplace(cfg.carriers[route].name, static_cast<uint32_t>(route));
  }
  deps.route = [settings = parts.brand_settings.get(), carrier_index](uint64_t id) -> uint32_t {
    std::shared_ptr<const config::NumberConfig> number = settings->Current(id);
    if (number == nullptr || number->carriers.empty()) {
      return 0;
    }
    auto found = carrier_index->find(number->carriers.front());
    return found == carrier_index->end() ? 0 : found->second;
  };
  deps.clock = [] { return UnixMillisNow(); };
  // Prometheus scrape: every role may read metrics (product §9: analyst reads metrics only).
  parts.api->Add("GET", "/metrics", api::Access::kMetrics,
                 [registry = &parts.metrics](api::ApiCall, api::Respond respond) {
                   HttpResponse response;
                   response.content_type = "text/plain; version=0.0.4";
                   response.body = registry->RenderPrometheus();
                   std::move(respond)(std::move(response));
                 });
  InstallApiRoutes(*parts.api, deps, *parts.brand_settings);
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<App>> App::Create(config::Config config, AppOptions options) {
  auto parts = std::make_unique<Parts>();
  parts->config = std::move(config);
  parts->options = std::move(options);
  const config::Config& cfg = parts->config;

  std::error_code ec;
  std::filesystem::create_directories(cfg.daemon.state_dir, ec);
  if (ec) {
    return absl::PermissionDeniedError(
        absl::StrCat("state directory ", cfg.daemon.state_dir, ": ", ec.message()));
  }
  auto store = store::Store::Open(StoreOptionsFrom(cfg));
  if (!store.ok()) {
    return store.status();
  }
  parts->store = *std::move(store);
  Logger("store")->info("opened {} (durability {})", parts->store->options().path,
                        cfg.store.durability == config::Durability::kOs ? "os" : "fsync");

  AddHealthRoutes(parts->router, HealthSources{.store = parts->store.get()});
  auto admin =
      AdminServer::Listen(parts->io.get_executor(), AdminOptionsFrom(cfg.admin), &parts->router);
  if (!admin.ok()) {
    return admin.status();
  }
  parts->admin = *std::move(admin);

  if (cfg.links.enabled && !cfg.links.short_domain.empty()) {
    parts->link_store = std::make_unique<RocksDbLinkStore>(parts->store.get());
    parts->shortener =
        std::make_unique<Shortener>(ShortenerOptionsFrom(cfg.links), parts->link_store.get());
    parts->redirect = std::make_unique<RedirectService>(parts->link_store.get(),
                                                        BotDetector(cfg.links.bot_user_agents));
    parts->redirect->Install(parts->links_router);
    auto links = AdminServer::Listen(parts->io.get_executor(), LinksOptionsFrom(cfg.links),
                                     &parts->links_router);
    if (!links.ok()) {
      return absl::Status(links.status().code(),
                          absl::StrCat("short-link listener ([links] address and port): ",
                                       links.status().message()));
    }
    parts->links = *std::move(links);
  }

  // The committer for everything but the pipeline (whose committer holds after a failure
  // until the pipeline resumes it): the dispatcher's outcomes and the settings the API stores.
  store::GroupCommitOptions outbound_commit = CommitOptionsFrom(cfg.store);
  outbound_commit.hold_after_failure = false;
  outbound_commit.thread_name = "commit-outbound";
  parts->outbound_committer =
      std::make_unique<store::GroupCommitter>(parts->store->db(), outbound_commit);
  parts->brand_settings =
      std::make_unique<BrandSettings>(*parts->store, parts->store->handles(),
                                      *parts->outbound_committer, [] { return UnixMillisNow(); });
  // A change of settings (API or SIGHUP) reaches the pipeline as a new brand directory; the
  // dispatcher, the notifier and the API read the settings when they need them.
  parts->brand_settings->OnChange([&parts = *parts](const BrandSettings& settings) {
    if (!parts.pipeline) {
      return;  // the first load: StartPipeline builds the directory
    }
    auto brands = pipeline::BrandDirectory::Build(*settings.Effective(), *parts.classifier);
    if (brands.ok()) {
      parts.pipeline->SetBrands(*std::move(brands));
    } else {
      parts.log->error("brand numbers: {}", brands.status().ToString());
    }
  });
  RETURN_IF_ERROR(parts->brand_settings->Reload(cfg));
  RETURN_IF_ERROR(StartPipeline(*parts));
  parts->notifier = std::make_unique<notify::Notifier>(
      notify::NotifierOptions::FromConfig(cfg.notifications),
      [settings = parts->brand_settings.get()](uint64_t brand) { return settings->Current(brand); },
      parts->metrics);
  parts->notifier->Start();
  parts->pipeline->SetOnInboundStored(
      [notifier = parts->notifier.get()](std::vector<pipeline::InboundStored> stored) {
        notifier->Notify(std::move(stored));
      });
  outbound::ReceiptOptions receipt_options;
  for (const config::CarrierConfig& carrier : cfg.carriers) {
    receipt_options.id_formats.push_back(carrier.receipt_id_format);
  }
  receipt_options.commit = CommitOptionsFrom(cfg.store);
  receipt_options.commit.thread_name = "commit-receipts";
  parts->receipts = std::make_unique<outbound::ReceiptProcessor>(
      *parts->store, parts->store->handles(),
      [db = parts->store->db()](const rocksdb::WriteOptions& write_options,
                                rocksdb::WriteBatch* batch) {
        return db->Write(write_options, batch);
      },
      receipt_options, parts->metrics);
  parts->pipeline->SetReceiptHandler([receipts = parts->receipts.get()](uint32_t route,
                                                                        const smpp::Pdu& receipt,
                                                                        pipeline::Answer answer) {
    receipts->OnReceipt(route, receipt, std::move(answer));
  });
  parts->inbound = std::shared_ptr<InboundSink>(parts->pipeline.get(), [](InboundSink*) {});

  // Carriers last: they bind out (or accept binds) once the io threads run, in Run().
  auto carriers =
      CarrierBinds::Start(parts->io.get_executor(), cfg.carriers, parts->inbound, parts->metrics);
  if (!carriers.ok()) {
    return carriers.status();
  }
  parts->carriers = *std::move(carriers);

  outbound::DispatcherOptions dispatcher_options = DispatcherOptionsFrom(cfg);
  for (const config::NumberConfig& number : cfg.numbers) {
    absl::StatusOr<uint64_t> id = store::NumberId(number.number);
    if (!id.ok()) {
      continue;
    }
    for (const std::string& carrier : number.carriers) {
      for (std::size_t route = 0; route < cfg.carriers.size(); ++route) {
        if (cfg.carriers[route].name == carrier) {
          dispatcher_options.brand_routes[*id].push_back(static_cast<uint32_t>(route));
        }
      }
    }
  }
  if (parts->shortener) {
    dispatcher_options.shorten = [shortener = parts->shortener.get(),
                                  settings = parts->brand_settings.get()](
                                     const store::MessageKey& message,
                                     const std::string& text) -> absl::StatusOr<std::string> {
      std::shared_ptr<const config::NumberConfig> number = settings->Current(message.thread.brand);
      if (number == nullptr || !number->link_shortening) {
        return text;
      }
      absl::StatusOr<ShortenResult> result = shortener->Shorten(text, LinkContext{message});
      if (!result.ok()) {
        return result.status();
      }
      return std::move(result->text);
    };
  }
  // Quiet hours per brand number (product §6), for agent replies, campaigns and flows.
  dispatcher_options.quiet_hours =
      [quiet = &parts->quiet_hours, settings = parts->brand_settings.get()](
          const store::MessageKey& message, const store::ProfileRecord& profile,
          uint64_t now_ms) -> uint64_t {
    std::shared_ptr<const config::NumberConfig> number = settings->Current(message.thread.brand);
    if (number == nullptr) {
      return 0;
    }
    absl::StatusOr<quiet::RecipientZones> zones = quiet->ZonesFor(
        profile.time_zone, store::NumberText(message.thread.profile), number->default_country);
    if (!zones.ok()) {
      return 0;  // an unusable zone: quiet hours cannot apply (the API shows the profile's zone)
    }
    absl::StatusOr<quiet::Verdict> verdict = quiet->Check(
        *zones, quiet::CheckInputFromConfig(number->quiet_hours,
                                            absl::FromUnixMillis(static_cast<int64_t>(now_ms)),
                                            /*keyword_reply=*/false));
    if (!verdict.ok() || verdict->action != quiet::Action::kDefer) {
      return 0;
    }
    return static_cast<uint64_t>(absl::ToUnixMillis(verdict->defer_until));
  };
  parts->dispatcher = std::make_unique<outbound::Dispatcher>(
      *parts->store, parts->store->handles(), *parts->outbound_committer,
      [carriers = parts->carriers.get()](uint32_t route) { return carriers->Transmitters(route); },
      std::move(dispatcher_options), parts->metrics);
  parts->pipeline->SetOnDurable(
      [dispatcher = parts->dispatcher.get()](uint64_t due_ms) { dispatcher->Kick(due_ms); });
  parts->dispatcher->SetRefsStored(
      [receipts = parts->receipts.get()](uint32_t route, std::vector<std::string> ids) {
        receipts->OnCarrierRefsStored(route, std::move(ids));
      });
  parts->dispatcher->Start();
  RETURN_IF_ERROR(StartApi(*parts));
  return std::unique_ptr<App>(new App(std::move(parts)));
}

App::App(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

App::~App() = default;

int App::ExitCodeFor(const absl::Status& status) {
  if (status.ok()) {
    return kExitOk;
  }
  if (absl::IsInvalidArgument(status)) {
    return kExitConfig;
  }
  if (absl::IsFailedPrecondition(status) || absl::IsPermissionDenied(status) ||
      absl::IsDataLoss(status)) {
    return kExitStore;
  }
  return kExitFailure;
}

int App::Run() {
  Parts& p = *parts_;
  p.admin->Start();
  if (p.links) {
    p.links->Start();
  }
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [this, &p, &on_signal](const boost::system::error_code& ec, int signal) {
        if (ec) {
          return;
        }
        if (signal == SIGHUP) {
          Reload();
          p.signals.async_wait(on_signal);
          return;
        }
        p.log->info("received {}, stopping", signal == SIGTERM ? "SIGTERM" : "SIGINT");
        p.stop_requested.set_value();
      };
  p.signals.async_wait(on_signal);

  std::vector<std::thread> threads;
  const unsigned thread_count = IoThreads(p.config.daemon);
  for (unsigned i = 0; i < thread_count; ++i) {
    threads.emplace_back([&p] {
      NameThisThread("confab-io");
      p.io.run();
    });
  }

  const std::string admin_endpoint = absl::StrCat(p.config.admin.address, ":", p.admin->port());
  if (!p.options.runtime_file.empty()) {
    boost::json::object carrier_ports;
    for (std::size_t route = 0; route < p.config.carriers.size(); ++route) {
      if (p.config.carriers[route].mode == config::CarrierMode::kListen) {
        carrier_ports[p.config.carriers[route].name] =
            p.carriers->ListenPort(static_cast<uint32_t>(route));
      }
    }
    if (absl::Status written =
            WriteRuntimeFile(p.options.runtime_file, admin_endpoint, carrier_ports);
        !written.ok()) {
      p.log->warn("{}", written.ToString());
    }
  }
  if (p.links) {
    p.log->info("short links on http://{}:{} for https://{}/", p.config.links.address,
                p.links->port(), p.config.links.short_domain);
  }
  p.log->info("ready: admin API on http://{} ({} I/O threads)", admin_endpoint, thread_count);
  NotifyReady(absl::StrCat("serving; admin on ", admin_endpoint));

  p.stop_requested.get_future().wait();
  NotifyStopping();
  // Stop in reverse order of start: carriers first (unbind, so they stop sending and keep what
  // we have not acknowledged), then no new admin requests, then drain what is in flight within
  // the grace, then make the store durable and close it.
  const auto deadline = std::chrono::steady_clock::now() + ToChrono(p.config.daemon.shutdown_grace);
  // The pipeline first: what carriers sent is decided, made durable and answered (the io threads
  // still run to deliver the answers); what arrives from now on gets a temporary error.
  // No new admin API calls: the ones being answered finish (their writes go through the
  // pipeline, stopped next, which decides and commits what it accepted).
  p.admin->Stop();
  p.pipeline->Stop();
  p.notifier->Stop();  // what is still waiting for a retry is abandoned (logged)
  // Then the dispatcher: nothing new is submitted, what is in flight is answered (or times out)
  // and recorded; the rest stays in the outbox for the next start.
  p.dispatcher->Stop();
  p.receipts->Stop();  // parked receipts get a temporary error while the binds still carry it
  auto carriers_stopped = std::make_shared<std::promise<void>>();
  auto carriers_future = carriers_stopped->get_future();
  p.carriers->Stop([carriers_stopped] { carriers_stopped->set_value(); });
  if (carriers_future.wait_until(deadline) != std::future_status::ready) {
    p.log->warn("shutdown grace over with carrier binds still unbinding; closing them");
  }
  if (p.links) {
    p.links->Stop();
  }
  if (!p.admin->WaitForConnectionsClosed(deadline)) {
    p.log->warn("shutdown grace over with {} admin connections open; closing them",
                p.admin->open_connections());
  }
  if (p.links && !p.links->WaitForConnectionsClosed(deadline)) {
    p.log->warn("shutdown grace over with {} short-link connections open; closing them",
                p.links->open_connections());
  }
  p.api_workers->join();  // handlers answered; none can start (the listener stopped)
  p.work.reset();
  p.io.stop();
  for (auto& thread : threads) {
    thread.join();
  }
  p.carriers.reset();
  p.links.reset();
  if (p.link_store) {
    p.link_store->Stop();  // the queued clicks, before the store closes
  }
  p.admin.reset();
  p.committer->Stop();
  p.outbound_committer->Stop();
  if (absl::Status closed = p.store->Close(); !closed.ok()) {
    Logger("store")->error("{}", closed.ToString());
    return kExitFailure;
  }
  p.log->info("stopped");
  return kExitOk;
}

void App::Reload() {
  Parts& parts = *parts_;
  NotifyReloading();
  auto next = config::LoadConfig(parts.options.config_path);
  absl::Status valid = next.ok() ? config::Validate(*next) : next.status();
  if (!valid.ok()) {
    parts.log->error("reload of {} refused, keeping the running config:\n{}",
                     parts.options.config_path, std::string(valid.message()));
    NotifyReady("serving; last reload refused");
    return;
  }
  // The state directory is the one key the command line may override; keep it.
  next->daemon.state_dir = parts.config.daemon.state_dir;
  const config::ReloadPlan plan = config::PlanReload(parts.config, *next);
  if (absl::Status level = SetLogLevel(config::LogLevelName(next->daemon.log_level)); !level.ok()) {
    parts.log->error("{}", level.ToString());
  }
  parts.log->info("reloaded {}: changed live: [{}]; needs a restart: [{}]",
                  parts.options.config_path, absl::StrJoin(plan.live, ", "),
                  absl::StrJoin(plan.needs_restart, ", "));
  // The file's numbers with the API's stored changes on top; the listener hands the pipeline
  // its new brand directory.
  if (absl::Status settings = parts.brand_settings->Reload(*next); !settings.ok()) {
    parts.log->error("reload: brand number settings: {}", settings.ToString());
  }
  ReloadLinks(parts.config.links, next->links, parts.shortener.get(), parts.redirect.get());
  if (absl::Status tokens = parts.auth->Reload(next->admin.tokens); !tokens.ok()) {
    parts.log->error("reload: admin tokens: {}", tokens.ToString());
  }

  parts.config = *std::move(next);
  NotifyReady("serving; reloaded");
}

}  // namespace confab
