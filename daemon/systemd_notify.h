#pragma once

// sd_notify(3) messages for Type=notify units. Harmless when not run by systemd
// (NOTIFY_SOCKET unset): every call is then a no-op.

#include <string_view>

namespace confab {

void NotifyReady(std::string_view status);
void NotifyReloading();
void NotifyStopping();
void NotifyStatus(std::string_view status);

}  // namespace confab
