#include "daemon/app.h"

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/clock.h"
#include "base/status_macros.h"
#include "base/thread_name.h"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "daemon/app_options.h"
#include "daemon/app_parts.h"
#include "daemon/health.h"
#include "daemon/systemd_notify.h"

namespace confab {

using app::AdminOptionsFrom;
using app::CommitOptionsFrom;
using app::IoThreads;
using app::LinksOptionsFrom;
using app::ShortenerOptionsFrom;
using app::StoreOptionsFrom;
using app::ToChrono;

namespace {

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

}  // namespace

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
  const auto opening = std::chrono::steady_clock::now();
  auto store = store::Store::Open(StoreOptionsFrom(cfg));
  if (!store.ok()) {
    return store.status();
  }
  parts->store = *std::move(store);
  Logger("store")->info("opened {} (durability {}) in {} ms, inbox of {} conversations",
                        parts->store->options().path,
                        cfg.store.durability == config::Durability::kOs ? "os" : "fsync",
                        std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - opening)
                            .count(),
                        parts->store->inbox_size());
  if (parts->store->inbox_unreadable() > 0) {
    Logger("store")->error(
        "{} profile records do not decode: their conversations are missing from the inbox, and "
        "reading them reports data loss",
        parts->store->inbox_unreadable());
  }

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

  // The store's writer thread, and on it the stream for everything but the pipeline (whose
  // stream holds after a failure until the pipeline resumes it): the dispatcher's outcomes and
  // the settings the API stores. The pipeline's and the receipts' streams join the same groups
  // (StartPipeline, StartOutbound).
  store::GroupCommitOptions outbound_commit = CommitOptionsFrom(cfg.store);
  outbound_commit.hold_after_failure = false;
  parts->outbound_committer =
      std::make_unique<store::GroupCommitter>(*parts->store, outbound_commit);
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
  RETURN_IF_ERROR(StartOutbound(*parts));
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
