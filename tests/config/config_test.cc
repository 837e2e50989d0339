// Defaults, the shipped config/confab.toml, and the helpers of config.h.

#include "config/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/config/config_test_util.h"

namespace confab::config {
namespace {

using ::confab::config::testing::LoadText;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

TEST(ConfigDefaultsTest, AnEmptyFileLoadsTheDocumentedDefaultsAndValidates) {
  auto config = LoadText("");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->daemon.state_dir, "var");
  EXPECT_EQ(config->daemon.log_level, LogLevel::kInfo);
  EXPECT_EQ(config->daemon.io_threads, 0);
  EXPECT_EQ(config->daemon.shutdown_grace, absl::Seconds(10));
  EXPECT_EQ(config->store.path, "store");
  EXPECT_EQ(config->store.durability, Durability::kFsync);
  EXPECT_EQ(config->store.compaction_priority, CompactionPriority::kLow);
  EXPECT_EQ(config->store.block_cache_size_mb, 64);
  EXPECT_EQ(config->store.write_buffer_size_mb, 128);
  EXPECT_EQ(config->store.commit_max_batch, 1000);
  EXPECT_EQ(config->store.commit_max_bytes, 8 << 20);
  EXPECT_EQ(config->store.commit_max_delay, absl::ZeroDuration());
  EXPECT_EQ(config->store.commit_queue_capacity, 20000);
  EXPECT_EQ(config->inbound.profile_cache_mb, 32);
  EXPECT_EQ(config->admin.address, "127.0.0.1");
  EXPECT_EQ(config->admin.port, 8080);
  EXPECT_EQ(config->admin.body_limit, 1u << 20);
  EXPECT_EQ(config->admin.header_limit, 16u << 10);
  EXPECT_EQ(config->admin.read_timeout, absl::Seconds(30));
  EXPECT_EQ(config->admin.write_timeout, absl::Seconds(30));
  EXPECT_EQ(config->admin.max_connections, 256);
  EXPECT_THAT(config->admin.tokens, IsEmpty());
  EXPECT_TRUE(config->links.enabled);
  EXPECT_EQ(config->links.short_domain, "");
  EXPECT_EQ(config->links.address, "127.0.0.1");
  EXPECT_EQ(config->links.port, 8081);
  EXPECT_EQ(config->links.expiry, absl::Hours(24 * 90));
  EXPECT_THAT(config->links.bot_user_agents, ::testing::Contains("facebookexternalhit"));
  EXPECT_THAT(config->carriers, IsEmpty());
  EXPECT_THAT(config->numbers, IsEmpty());
  EXPECT_TRUE(Validate(*config).ok()) << Validate(*config);
}

TEST(ConfigDefaultsTest, AMinimalNumberGetsTheProductDefaults) {
  auto config = LoadText(R"(
[[carrier]]
name = "c"
host = "smsc.example.net"
system_id = "confab"

[[number]]
number = "+15550100000"
organization_prefix = "Acme"
program_name = "Acme Alerts"
email = "help@acme.example"
help_phone = "+1 555 010 0002"
carriers = ["c"]
)");
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->numbers.size(), 1u);
  const NumberConfig& number = config->numbers[0];
  EXPECT_EQ(number.default_country, "US");
  EXPECT_THAT(number.keywords.opt_out.en,
              ElementsAre("STOP", "STOPALL", "STOP ALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT",
                          "REVOKE", "OPTOUT", "OPT OUT"));
  EXPECT_THAT(number.keywords.opt_out.es, ElementsAre("DETENER", "ALTO", "PARAR", "CANCELAR"));
  EXPECT_THAT(number.keywords.opt_out.fr, ElementsAre("ARRET"));
  EXPECT_THAT(number.keywords.opt_in.en, ElementsAre("JOIN", "START", "UNSTOP"));
  EXPECT_THAT(number.keywords.opt_in.es, ElementsAre("UNIRSE", "INICIO"));
  EXPECT_THAT(number.keywords.opt_in_confirm.en, ElementsAre("YES"));
  EXPECT_THAT(number.keywords.help.en, ElementsAre("HELP", "INFO"));
  EXPECT_THAT(number.keywords.help.es, ElementsAre("AYUDA"));
  EXPECT_THAT(number.keywords.help.fr, ElementsAre("AIDE"));
  EXPECT_FALSE(number.contains_rule.has_value());
  EXPECT_TRUE(ContainsRuleEnabled(number));
  EXPECT_EQ(number.auto_responder.mode, AutoResponderMode::kAll);
  EXPECT_EQ(number.auto_responder.min_interval, absl::Minutes(10));
  EXPECT_EQ(number.quiet_hours.policy, QuietHoursPolicy::kWarn);
  EXPECT_EQ(number.quiet_hours.start, (TimeOfDay{8, 0}));
  EXPECT_EQ(number.quiet_hours.end, (TimeOfDay{20, 0}));
  EXPECT_EQ(number.attribution_window, absl::Hours(24));
  EXPECT_TRUE(number.link_shortening);
  EXPECT_TRUE(number.notifications.unread_indicator);
  EXPECT_THAT(number.notifications.emails, IsEmpty());
  EXPECT_EQ(number.notifications.webhook_url, "");
  // Link shortening is on, so the short domain must be set: the one error of this file.
  const absl::Status valid = Validate(*config);
  EXPECT_EQ(valid.message(),
            "links.short_domain: must be set while link shortening is on "
            "(number[0].link_shortening)");
}

TEST(ConfigDefaultsTest, SettingOneKeywordLanguageKeepsTheOthers) {
  auto config = LoadText("[[number]]\n[number.keywords.opt_out]\nes = [\"BASTA\"]\n");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(config->numbers[0].keywords.opt_out.es, ElementsAre("BASTA"));
  EXPECT_THAT(config->numbers[0].keywords.opt_out.fr, ElementsAre("ARRET"));
  EXPECT_EQ(config->numbers[0].keywords.opt_out.en.size(), 10u);
}

TEST(ConfigDefaultsTest, DefaultRepliesFollowTheContentRules) {
  const ReplyTemplates t = ReplyTemplates::Defaults();
  for (const std::string* text : {&t.opt_in.en, &t.help.en}) {
    EXPECT_THAT(*text, HasSubstr("Msg & data rates may apply")) << *text;
    EXPECT_THAT(*text, HasSubstr("Reply STOP to opt out")) << *text;
  }
  EXPECT_THAT(t.opt_in.en, HasSubstr("{{program_name}}"));
  EXPECT_THAT(t.opt_in.en, HasSubstr("{{message_frequency}}"));
  EXPECT_THAT(t.help.en, HasSubstr("{{email}}"));
  EXPECT_THAT(t.help.en, HasSubstr("{{help_phone}}"));
  // Spanish and French name their own opt-out keyword.
  EXPECT_THAT(t.opt_in.es, HasSubstr("PARAR"));
  EXPECT_THAT(t.help.es, HasSubstr("PARAR"));
  EXPECT_THAT(t.opt_in.fr, HasSubstr("ARRET"));
  EXPECT_THAT(t.help.fr, HasSubstr("ARRET"));
  // The opt-out confirmation is a bare confirmation: no call to action, no marketing.
  for (const std::string* text : {&t.opt_out.en, &t.opt_out.es, &t.opt_out.fr}) {
    EXPECT_THAT(*text, Not(HasSubstr("Reply"))) << *text;
    EXPECT_THAT(*text, Not(HasSubstr("Responde"))) << *text;
    EXPECT_THAT(*text, Not(HasSubstr("Répondez"))) << *text;
    EXPECT_THAT(*text, ::testing::StartsWith("{{organization_prefix}}: "));
  }
}

TEST(ConfigHelpersTest, RenderTemplateFillsKnownPlaceholdersAndKeepsTheRest) {
  NumberConfig number;
  number.organization_prefix = "Acme";
  number.email = "help@acme.example";
  number.help_phone = "555-0100";
  number.program_name = "Alerts";
  EXPECT_EQ(RenderTemplate("{{organization_prefix}}: {{ email }} / {{help_phone}} / "
                           "{{program_name}} / {{message_frequency}} / {{coupon}} {{x",
                           number),
            "Acme: help@acme.example / 555-0100 / Alerts / Msg frequency varies / {{coupon}} {{x");
  EXPECT_EQ(RenderTemplate(ReplyTemplates::Defaults().opt_out.en, number),
            "Acme: You are unsubscribed and will receive no more messages.");
}

TEST(ConfigHelpersTest, ContainsRuleDefaultsToUsNumbersOnly) {
  NumberConfig number;
  number.number = "+15550100000";
  EXPECT_TRUE(ContainsRuleEnabled(number));
  number.number = "+447700900000";
  number.default_country = "GB";
  EXPECT_FALSE(ContainsRuleEnabled(number));
  number.contains_rule = true;
  EXPECT_TRUE(ContainsRuleEnabled(number));
  number = NumberConfig{};
  number.number = "12345";  // a short code: its country decides
  EXPECT_TRUE(ContainsRuleEnabled(number));
  number.default_country = "FR";
  EXPECT_FALSE(ContainsRuleEnabled(number));
}

TEST(ConfigHelpersTest, EnumNamesAreTheTomlSpellings) {
  EXPECT_EQ(LogLevelName(LogLevel::kTrace), "trace");
  EXPECT_EQ(LogLevelName(LogLevel::kWarn), "warn");
  EXPECT_EQ(LogLevelName(LogLevel::kError), "error");
  EXPECT_EQ(NameOf(Durability::kOs), "os");
  EXPECT_EQ(NameOf(CompactionPriority::kIdle), "idle");
  EXPECT_EQ(NameOf(BindType::kTxRxPair), "tx_rx_pair");
  EXPECT_EQ(NameOf(ResendPolicy::kQueryThenResend), "query_then_resend");
  EXPECT_EQ(NameOf(AutoResponderMode::kNonConsented), "non_consented");
}

TEST(ConfigHelpersTest, ACodeBuiltConfigReportsErrorsWithoutLines) {
  Config config;
  config.admin.port = 70000;
  const absl::Status status = Validate(config);
  EXPECT_TRUE(absl::IsInvalidArgument(status));
  EXPECT_EQ(status.message(), "admin.port: must be 0..65535 (is 70000)");
}

class ShippedConfigTest : public ::testing::Test {
 protected:
  const std::string path_ = std::string(CONFAB_SOURCE_DIR) + "/config/confab.toml";
};

TEST_F(ShippedConfigTest, LoadsAndValidatesClean) {
  auto config = LoadConfig(path_);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(Validate(*config).ok()) << Validate(*config);
  EXPECT_EQ(config->daemon.state_dir, "var");
  EXPECT_EQ(config->admin.address, "127.0.0.1");
  EXPECT_EQ(config->admin.port, 8080);
  ASSERT_EQ(config->carriers.size(), 1u);
  EXPECT_EQ(config->carriers[0].name, "sim");
  EXPECT_EQ(config->carriers[0].mode, CarrierMode::kConnect);
  EXPECT_EQ(config->carriers[0].host, "127.0.0.1");
  EXPECT_EQ(config->carriers[0].port, 2775);
  ASSERT_EQ(config->numbers.size(), 1u);
  EXPECT_EQ(config->numbers[0].number, "+15550100000");
  EXPECT_THAT(config->numbers[0].carriers, ElementsAre("sim"));
}

// The file documents the defaults: apart from the example entries and the values an operator
// must supply, it holds exactly what the structs default to.
TEST_F(ShippedConfigTest, DocumentsExactlyTheCodeDefaults) {
  auto shipped = LoadConfig(path_);
  ASSERT_TRUE(shipped.ok()) << shipped.status();

  Config defaults;
  defaults.links.short_domain = "sms.example.com";
  CarrierConfig sim;
  sim.name = "sim";
  sim.host = "127.0.0.1";
  sim.system_id = "confab";
  sim.password = "secret";
  defaults.carriers.push_back(sim);
  NumberConfig number;
  number.number = "+15550100000";
  number.organization_prefix = "Example Co";
  number.program_name = "Example Co Support";
  number.email = "support@example.com";
  number.help_phone = "+1 555 010 0001";
  number.carriers = {"sim"};
  defaults.numbers.push_back(number);

  const ReloadPlan difference = PlanReload(defaults, *shipped);
  EXPECT_THAT(difference.live, IsEmpty());
  EXPECT_THAT(difference.needs_restart, IsEmpty());
}

}  // namespace
}  // namespace confab::config
