#pragma once

#include <string>

namespace confab {

// "confabd 0.1.0 (git abc1234)" — the version line of --version and the start-up log.
std::string VersionLine();

}  // namespace confab
