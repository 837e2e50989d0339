#pragma once

// Helpers shared by the record codecs (internal to store/).

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "store/coding.h"
#include "store/records.h"

namespace confab::store {

inline bool ReadVersion(ByteReader& in) {
  uint8_t version = 0;
  return in.Byte(version) && version == kRecordVersion;
}

inline absl::Status Corrupt(std::string_view what) {
  return absl::DataLossError(
      absl::StrCat("corrupt or unknown ", std::string(what), " record in the store"));
}

}  // namespace confab::store
