// Starting the daemon's stages over the open store, in App::Create's order: the pipeline, then
// the outbound path (receipts, carrier binds, dispatcher), then the admin API over both.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "base/clock.h"
#include "base/status_macros.h"
#include "daemon/api.h"
#include "daemon/app_options.h"
#include "daemon/app_parts.h"
#include "daemon/brand_numbers.h"
#include "rocksdb/db.h"
#include "store/schema.h"

namespace confab {

namespace asio = boost::asio;
using app::CommitOptionsFrom;
using app::DispatcherOptionsFrom;
using app::PipelineOptionsFrom;

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
  // One writer thread for the pipeline and the outbound side: one fsync per group for both,
  // where two threads would wait out each other's (bench/RESULTS.md, 2026-11-25, third session).
  parts.committer = std::make_unique<store::GroupCommitter>(*parts.outbound_committer,
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

absl::Status App::StartOutbound(Parts& parts) {
  outbound::ReceiptOptions receipt_options;
  for (const config::CarrierConfig& carrier : parts.config.carriers) {
    receipt_options.id_formats.push_back(carrier.receipt_id_format);
  }
  receipt_options.commit = CommitOptionsFrom(parts.config.store);
  parts.receipts = std::make_unique<outbound::ReceiptProcessor>(
      *parts.store, parts.store->handles(), *parts.outbound_committer, receipt_options,
      parts.metrics);
  parts.pipeline->SetReceiptHandler([receipts = parts.receipts.get()](uint32_t route,
                                                                      const smpp::Pdu& receipt,
                                                                      pipeline::Answer answer) {
    receipts->OnReceipt(route, receipt, std::move(answer));
  });
  parts.inbound = std::shared_ptr<InboundSink>(parts.pipeline.get(), [](InboundSink*) {});

  // Carriers last: they bind out (or accept binds) once the io threads run, in Run().
  auto carriers = CarrierBinds::Start(parts.io.get_executor(), parts.config.carriers, parts.inbound,
                                      parts.metrics);
  if (!carriers.ok()) {
    return carriers.status();
  }
  parts.carriers = *std::move(carriers);

  outbound::DispatcherOptions dispatcher_options = DispatcherOptionsFrom(parts.config);
  if (parts.shortener) {
    dispatcher_options.shorten = [shortener = parts.shortener.get(),
                                  settings = parts.brand_settings.get()](
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
      [quiet = &parts.quiet_hours, settings = parts.brand_settings.get()](
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
  parts.dispatcher = std::make_unique<outbound::Dispatcher>(
      *parts.store, parts.store->handles(), *parts.outbound_committer,
      [carriers = parts.carriers.get()](uint32_t route) { return carriers->Transmitters(route); },
      std::move(dispatcher_options), parts.metrics);
  parts.pipeline->SetOnDurable(
      [dispatcher = parts.dispatcher.get()](std::vector<store::OutboxEntry> replies) {
        dispatcher->Hand(std::move(replies));
      });
  parts.dispatcher->SetRefsStored(
      [receipts = parts.receipts.get()](uint32_t route, std::vector<std::string> ids) {
        receipts->OnCarrierRefsStored(route, std::move(ids));
      });
  parts.dispatcher->Start();
  return absl::OkStatus();
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

}  // namespace confab
