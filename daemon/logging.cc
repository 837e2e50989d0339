#include "daemon/logging.h"

#include <cstdlib>
#include <mutex>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "spdlog/pattern_formatter.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace confab {
namespace {

// Writes the sd-daemon(3) priority prefix that journald turns into the entry's priority.
class JournalPriorityFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const char* prefix = "<6>";
    switch (msg.level) {
      case spdlog::level::trace:
      case spdlog::level::debug:
        prefix = "<7>";
        break;
      case spdlog::level::warn:
        prefix = "<4>";
        break;
      case spdlog::level::err:
        prefix = "<3>";
        break;
      case spdlog::level::critical:
        prefix = "<2>";
        break;
      default:
        break;
    }
    dest.append(prefix, prefix + 3);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JournalPriorityFlag>();
  }
};

std::mutex init_mutex;
spdlog::sink_ptr shared_sink;
spdlog::level::level_enum shared_level = spdlog::level::info;

spdlog::sink_ptr Sink() {
  if (!shared_sink) {
    shared_sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    if (std::getenv("JOURNAL_STREAM") != nullptr) {
      formatter->add_flag<JournalPriorityFlag>('*').set_pattern("%*[%n] %v");
    } else {
      formatter->set_pattern("%Y-%m-%dT%H:%M:%S.%e %L [%n] %v");
    }
    shared_sink->set_formatter(std::move(formatter));
  }
  return shared_sink;
}

absl::StatusOr<spdlog::level::level_enum> ParseLevel(std::string_view level) {
  // The config's names (config::LogLevelName); spdlog's own differ ("warning", "err").
  constexpr std::pair<std::string_view, spdlog::level::level_enum> kLevels[] = {
      {"trace", spdlog::level::trace},
      {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},
      {"warn", spdlog::level::warn},
      {"error", spdlog::level::err}};
  for (const auto& [name, value] : kLevels) {
    if (name == level) {
      return value;
    }
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown log level '", std::string(level),
                                                 "' (trace, debug, info, warn, error)"));
}

}  // namespace

absl::Status SetLogLevel(std::string_view level) {
  auto parsed = ParseLevel(level);
  if (!parsed.ok()) {
    return parsed.status();
  }
  std::lock_guard lock(init_mutex);
  shared_level = *parsed;
  spdlog::set_level(shared_level);  // every registered logger
  return absl::OkStatus();
}

absl::Status InitLogging(std::string_view level) {
  {
    std::lock_guard lock(init_mutex);
    Sink();
    spdlog::flush_on(spdlog::level::info);
  }
  return SetLogLevel(level);
}

std::shared_ptr<spdlog::logger> Logger(std::string_view subsystem) {
  std::lock_guard lock(init_mutex);
  const std::string name(subsystem);
  if (auto existing = spdlog::get(name)) {
    return existing;
  }
  auto logger = std::make_shared<spdlog::logger>(name, Sink());
  logger->set_level(shared_level);
  spdlog::register_logger(logger);
  return logger;
}

}  // namespace confab
