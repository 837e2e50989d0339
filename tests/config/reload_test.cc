// PlanReload: which differences apply live and which need a restart.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.h"

namespace confab::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Config TwoCarriersOneNumber() {
  Config config;
  CarrierConfig sim;
  sim.name = "sim";
  sim.host = "127.0.0.1";
  sim.system_id = "confab";
  CarrierConfig other = sim;
  other.name = "other";
  config.carriers = {sim, other};
  NumberConfig number;
  number.number = "+15550100000";
  number.carriers = {"sim"};
  config.numbers.push_back(number);
  return config;
}

TEST(PlanReloadTest, IdenticalConfigsChangeNothing) {
  const Config config = TwoCarriersOneNumber();
  const ReloadPlan plan = PlanReload(config, config);
  EXPECT_THAT(plan.live, IsEmpty());
  EXPECT_THAT(plan.needs_restart, IsEmpty());
}

TEST(PlanReloadTest, SplitsLiveChangesFromThoseNeedingARestart) {
  const Config running = TwoCarriersOneNumber();
  Config next = running;
  next.daemon.log_level = LogLevel::kDebug;
  next.daemon.shutdown_grace = absl::Seconds(3);
  next.admin.port = 9090;
  next.admin.tokens.push_back({"ops", "0123456789abcdef", Role::kOwner});
  next.store.path = "elsewhere";
  next.store.durability = Durability::kOs;
  next.links.expiry = absl::Hours(24);
  next.links.port = 9091;
  next.carriers[0].tps = 50;
  next.carriers[0].host = "smsc.example.net";
  next.carriers[1].window = 20;
  next.numbers[0].templates.help.es = "Ayuda";
  next.numbers[0].quiet_hours.policy = QuietHoursPolicy::kDefer;
  next.numbers[0].keywords.opt_out.en.push_back("HALT");
  const ReloadPlan plan = PlanReload(running, next);
  EXPECT_THAT(plan.live, ElementsAre("admin.token[0]", "carrier[sim].tps", "daemon.log_level",
                                     "daemon.shutdown_grace", "links.expiry",
                                     "number[+15550100000].keywords.opt_out.en",
                                     "number[+15550100000].quiet_hours.policy",
                                     "number[+15550100000].templates.help.es"));
  EXPECT_THAT(plan.needs_restart,
              ElementsAre("admin.port", "carrier[other].window", "carrier[sim].host", "links.port",
                          "store.durability", "store.path"));
}

TEST(PlanReloadTest, AnAddedOrRemovedEntryIsListedOnceByName) {
  const Config running = TwoCarriersOneNumber();
  Config next = running;
  next.carriers.erase(next.carriers.begin() + 1);
  CarrierConfig added = next.carriers[0];
  added.name = "new";
  next.carriers.push_back(added);
  NumberConfig number = next.numbers[0];
  number.number = "+15550100001";
  next.numbers.push_back(number);
  const ReloadPlan plan = PlanReload(running, next);
  EXPECT_THAT(plan.live, ElementsAre("number[+15550100001]"));
  EXPECT_THAT(plan.needs_restart, ElementsAre("carrier[new]", "carrier[other]"));
}

TEST(PlanReloadTest, ReorderingEntriesIsNoChange) {
  const Config running = TwoCarriersOneNumber();
  Config next = running;
  std::swap(next.carriers[0], next.carriers[1]);
  const ReloadPlan plan = PlanReload(running, next);
  EXPECT_THAT(plan.live, IsEmpty());
  EXPECT_THAT(plan.needs_restart, IsEmpty());
}

TEST(PlanReloadTest, ListsThatDifferOnlyInSplittingDiffer) {
  Config running;
  running.links.bot_user_agents = {"a,b"};
  Config next;
  next.links.bot_user_agents = {"a", "b"};
  EXPECT_THAT(PlanReload(running, next).live, ElementsAre("links.bot_user_agents"));
}

TEST(PlanReloadTest, TheContainsRuleGoingFromAutoToExplicitIsAChange) {
  const Config running = TwoCarriersOneNumber();
  Config next = running;
  next.numbers[0].contains_rule = true;  // same effect as auto for +1, but now pinned
  EXPECT_THAT(PlanReload(running, next).live, ElementsAre("number[+15550100000].contains_rule"));
}

}  // namespace
}  // namespace confab::config
