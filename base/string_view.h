#pragma once

// Debian 12's abseil is built with its own absl::string_view, distinct from std::string_view
// (absl::StrCat, Status messages, …). These convert without copying.

#include <string_view>

#include "absl/strings/string_view.h"

namespace confab {

inline absl::string_view Sv(std::string_view text) { return {text.data(), text.size()}; }
inline std::string_view StdSv(absl::string_view text) { return {text.data(), text.size()}; }

}  // namespace confab
