#include "daemon/systemd_notify.h"

#include <systemd/sd-daemon.h>

#include <string>

namespace confab {
namespace {

void Notify(const std::string& message) {
  (void)sd_notify(/*unset_environment=*/0, message.c_str());
}

}  // namespace

void NotifyReady(std::string_view status) { Notify("READY=1\nSTATUS=" + std::string(status)); }
void NotifyReloading() { Notify("RELOADING=1"); }
void NotifyStopping() { Notify("STOPPING=1\nSTATUS=stopping"); }
void NotifyStatus(std::string_view status) { Notify("STATUS=" + std::string(status)); }

}  // namespace confab
