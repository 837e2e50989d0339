#include "daemon/api_actions.h"

#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/thread_name.h"
#include "daemon/api_actions_internal.h"

namespace confab::api {
namespace actions {
namespace {

// Where RuleError keeps the API code of a refusal.
constexpr char kCodePayload[] = "type.confab/api.error_code";

}  // namespace

absl::Status RuleError(int http, std::string_view code, std::string_view message) {
  absl::Status status = http == 404 ? absl::NotFoundError(std::string(message))
                                    : absl::FailedPreconditionError(std::string(message));
  status.SetPayload(kCodePayload, absl::Cord(std::string(code)));
  return status;
}

HttpResponse ErrorResponse(const absl::Status& status) {
  if (auto code = status.GetPayload(kCodePayload)) {
    return JsonError(status.code() == absl::StatusCode::kNotFound ? 404 : 409, std::string(*code),
                     std::string(status.message()));
  }
  return ErrorFromStatus(status);
}

absl::StatusOr<uint64_t> ParseTime(std::string_view text, std::string_view field) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, std::string(text), &time, &error)) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(field), " '", std::string(text),
                                                   "' is not an RFC 3339 time: ", error));
  }
  const int64_t ms = absl::ToUnixMillis(time);
  if (ms < 0) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(field), " is before 1970"));
  }
  return static_cast<uint64_t>(ms);
}

absl::StatusOr<std::shared_ptr<const config::NumberConfig>> BrandOf(const ApiDeps& deps,
                                                                    uint64_t brand) {
  std::shared_ptr<const config::NumberConfig> config = deps.brand ? deps.brand(brand) : nullptr;
  if (!config) {
    return RuleError(404, "not_found",
                     absl::StrCat("brand number ", store::NumberText(brand), " is not configured"));
  }
  return config;
}

absl::StatusOr<Target> TargetOf(const ApiCall& call, const ApiDeps& deps) {
  absl::StatusOr<store::ThreadId> thread = ThreadFromParams(call);
  if (!thread.ok()) {
    return thread.status();
  }
  absl::StatusOr<std::shared_ptr<const config::NumberConfig>> brand = BrandOf(deps, thread->brand);
  if (!brand.ok()) {
    return brand.status();
  }
  return Target{*thread, *std::move(brand)};
}

Worker::Worker() {
  thread_ = std::thread([this] {
    NameThisThread("api-actions");
    std::unique_lock lock(mutex_);
    while (true) {
      wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) {
        return;  // stopping, and nothing is left
      }
      absl::AnyInvocable<void()&&> task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      std::move(task)();
      lock.lock();
    }
  });
}

Worker::~Worker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void Worker::Post(absl::AnyInvocable<void() &&> task) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
}

}  // namespace actions

void InstallActionRoutes(ApiRoutes& routes, const ApiDeps& deps) {
  // One worker for every reply and send that must be prepared again (its seq was taken by an MO
  // in flight): the pipeline's threads must never wait for a link insert.
  auto worker = std::make_shared<actions::Worker>();
  actions::InstallReplyRoutes(routes, deps, worker);
  actions::InstallStateRoutes(routes, deps);
  actions::InstallConsentRoutes(routes, deps);
  actions::InstallSendRoutes(routes, deps, worker);
}

}  // namespace confab::api
