#include "store/rocksdb_status.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace confab::store {

absl::Status FromRocksDb(const rocksdb::Status& status, std::string_view context) {
  if (status.ok()) {
    return absl::OkStatus();
  }
  const std::string text = status.ToString();
  const std::string message = absl::StrCat(std::string(context), ": ", text);
  const std::string lower = absl::AsciiStrToLower(text);
  // RocksDB reports a held LOCK file as an IOError naming "lock"; it is the one error that
  // means "someone else is using this store" rather than "the disk is broken".
  if (status.IsIOError() && absl::StrContains(lower, "lock")) {
    return absl::FailedPreconditionError(message);
  }
  if (status.IsIOError() && absl::StrContains(lower, "permission")) {
    return absl::PermissionDeniedError(message);
  }
  if (status.IsCorruption()) {
    return absl::DataLossError(message);
  }
  if (status.IsNotFound()) {
    return absl::NotFoundError(message);
  }
  if (status.IsInvalidArgument() || status.IsNotSupported()) {
    return absl::InvalidArgumentError(message);
  }
  if (status.IsBusy() || status.IsTryAgain() || status.IsTimedOut()) {
    return absl::UnavailableError(message);
  }
  return absl::UnavailableError(message);
}

}  // namespace confab::store
