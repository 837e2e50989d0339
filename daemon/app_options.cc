#include "daemon/app_options.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <thread>

#include "store/schema.h"

namespace confab::app {
namespace {

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

}  // namespace

std::chrono::milliseconds ToChrono(absl::Duration duration) {
  return std::chrono::milliseconds(absl::ToInt64Milliseconds(duration));
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

unsigned IoThreads(const config::DaemonConfig& daemon) {
  if (daemon.io_threads > 0) {
    return static_cast<unsigned>(daemon.io_threads);
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

store::GroupCommitOptions CommitOptionsFrom(const config::StoreConfig& store) {
  store::GroupCommitOptions options;
  options.thread_name = "commit";  // the store's one writer thread (its streams share it)
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
  options.profile_cache_bytes = static_cast<std::size_t>(config.inbound.profile_cache_mb) << 20;
  options.max_group = static_cast<std::size_t>(config.store.commit_max_batch);
  return options;
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
    route.retry_base = ToChrono(carrier.retry_min_backoff);
    route.retry_cap = ToChrono(carrier.retry_max_backoff);
    options.routes.push_back(route);
  }
  for (const config::NumberConfig& number : config.numbers) {
    absl::StatusOr<uint64_t> id = store::NumberId(number.number);
    if (!id.ok()) {
      continue;
    }
    for (const std::string& carrier : number.carriers) {
      for (std::size_t route = 0; route < config.carriers.size(); ++route) {
        if (config.carriers[route].name == carrier) {
          options.brand_routes[*id].push_back(static_cast<uint32_t>(route));
        }
      }
    }
  }
  return options;
}

}  // namespace confab::app
