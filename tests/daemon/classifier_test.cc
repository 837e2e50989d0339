// Classification against the default tables (product §2): every keyword of every language,
// their spelling variants, the contains rule, and the near misses that must stay conversations.

#include "daemon/classifier.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace confab::classify {
namespace {

struct Case {
  const char* text;
  Kind kind;
  Language language;
  const char* keyword;  // "" for conversations
};

std::ostream& operator<<(std::ostream& os, const Case& c) { return os << '"' << c.text << '"'; }

class ClassifierFixture {
 protected:
  static const Classifier& TheClassifier() {
    static const Classifier* classifier = new Classifier(*Classifier::Create());
    return *classifier;
  }
  static CompiledKeywords Defaults(bool contains_rule) {
    KeywordTableInput input = DefaultKeywordTables();
    input.contains_rule = contains_rule;
    return *TheClassifier().Compile(input);
  }
  static void Check(const Case& c, const CompiledKeywords& keywords, ClassifyContext context = {}) {
    const Decision d = TheClassifier().Classify(c.text, keywords, context);
    EXPECT_EQ(KindName(d.kind), KindName(c.kind)) << c;
    EXPECT_EQ(LanguageName(d.language), LanguageName(c.language)) << c;
    EXPECT_EQ(d.keyword, c.keyword) << c;
  }
};

constexpr Kind kOut = Kind::kOptOut;
constexpr Kind kIn = Kind::kOptIn;
constexpr Kind kHelp = Kind::kHelp;
constexpr Kind kConv = Kind::kConversation;
constexpr Language kEn = Language::kEnglish;
constexpr Language kEs = Language::kSpanish;
constexpr Language kFr = Language::kFrench;
constexpr Language kNo = Language::kNone;

// Whole-message matches: identical with the contains rule on and off.
class WholeMessageTest : public ClassifierFixture, public testing::TestWithParam<Case> {};

TEST_P(WholeMessageTest, ClassifiesWithContainsOff) { Check(GetParam(), Defaults(false)); }
TEST_P(WholeMessageTest, ClassifiesWithContainsOn) { Check(GetParam(), Defaults(true)); }

INSTANTIATE_TEST_SUITE_P(
    EveryDefaultKeyword, WholeMessageTest,
    testing::Values(Case{"STOP", kOut, kEn, "STOP"}, Case{"STOPALL", kOut, kEn, "STOPALL"},
                    Case{"STOP ALL", kOut, kEn, "STOP ALL"},
                    Case{"UNSUBSCRIBE", kOut, kEn, "UNSUBSCRIBE"},
                    Case{"CANCEL", kOut, kEn, "CANCEL"}, Case{"END", kOut, kEn, "END"},
                    Case{"QUIT", kOut, kEn, "QUIT"}, Case{"REVOKE", kOut, kEn, "REVOKE"},
                    Case{"OPTOUT", kOut, kEn, "OPTOUT"}, Case{"OPT OUT", kOut, kEn, "OPT OUT"},
                    Case{"DETENER", kOut, kEs, "DETENER"}, Case{"ALTO", kOut, kEs, "ALTO"},
                    Case{"PARAR", kOut, kEs, "PARAR"}, Case{"CANCELAR", kOut, kEs, "CANCELAR"},
                    Case{"ARRET", kOut, kFr, "ARRÊT"}, Case{"JOIN", kIn, kEn, "JOIN"},
                    Case{"START", kIn, kEn, "START"}, Case{"UNSTOP", kIn, kEn, "UNSTOP"},
                    Case{"UNIRSE", kIn, kEs, "UNIRSE"}, Case{"INICIO", kIn, kEs, "INICIO"},
                    Case{"HELP", kHelp, kEn, "HELP"}, Case{"INFO", kHelp, kEn, "INFO"},
                    Case{"AYUDA", kHelp, kEs, "AYUDA"}, Case{"AIDE", kHelp, kFr, "AIDE"}));

INSTANTIATE_TEST_SUITE_P(
    Variants, WholeMessageTest,
    testing::Values(
        Case{"stop", kOut, kEn, "STOP"}, Case{"Stop!", kOut, kEn, "STOP"},
        Case{"  stop.  ", kOut, kEn, "STOP"}, Case{"STOP \U0001F6D1", kOut, kEn, "STOP"},
        Case{"\uFF33\uFF34\uFF2F\uFF30", kOut, kEn, "STOP"}, Case{"S\u200BTOP", kOut, kEn, "STOP"},
        Case{"\uFEFFStop\u200D", kOut, kEn, "STOP"}, Case{"arr\u00EAt", kOut, kFr, "ARRÊT"},
        Case{"ARR\u00CAT", kOut, kFr, "ARRÊT"}, Case{"Arr\u00EAt !", kOut, kFr, "ARRÊT"},
        Case{"D\u00E9tener", kOut, kEs, "DETENER"}, Case{"\u00A1ALTO!", kOut, kEs, "ALTO"},
        Case{"\u00BFayuda?", kHelp, kEs, "AYUDA"}, Case{"opt-out", kOut, kEn, "OPT OUT"},
        Case{"OPT_OUT", kOut, kEn, "OPT OUT"}, Case{"opt   out", kOut, kEn, "OPT OUT"},
        Case{"Opt\u2013Out", kOut, kEn, "OPT OUT"}, Case{"stop-all", kOut, kEn, "STOP ALL"},
        Case{"Stop, all.", kOut, kEn, "STOP ALL"},
        Case{"opt out \U0001F44B\U0001F3FD", kOut, kEn, "OPT OUT"},
        Case{"Help?", kHelp, kEn, "HELP"}, Case{"info.", kHelp, kEn, "INFO"},
        Case{"start", kIn, kEn, "START"}, Case{"Join!", kIn, kEn, "JOIN"},
        Case{"Inicio", kIn, kEs, "INICIO"}));

// Near misses: conversations whatever the contains rule says.
INSTANTIATE_TEST_SUITE_P(
    NearMisses, WholeMessageTest,
    testing::Values(Case{"STOPPED", kConv, kNo, ""}, Case{"unstoppable", kConv, kNo, ""},
                    Case{"stops", kConv, kNo, ""}, Case{"S T O P", kConv, kNo, ""},
                    Case{"help me with my order", kConv, kNo, ""},
                    Case{"I'd like to start a conversation", kConv, kNo, ""},
                    Case{"Can I get more info", kConv, kNo, ""},
                    Case{"please join me", kConv, kNo, ""}, Case{"YES", kConv, kNo, ""},
                    Case{"yes please", kConv, kNo, ""}, Case{"", kConv, kNo, ""},
                    Case{"\U0001F6D1", kConv, kNo, ""}, Case{"?!", kConv, kNo, ""},
                    Case{"stop stop stop stop stop stop stop", kConv, kNo, ""},
                    Case{"non-stop", kConv, kNo, ""}, Case{"stop's", kConv, kNo, ""},
                    Case{"un-stop", kConv, kNo, ""}));

// The contains rule: opt-out words inside short messages.
struct ContainsCase {
  const char* text;
  bool opts_out_when_on;
  const char* keyword;
};

class ContainsRuleTest : public ClassifierFixture, public testing::TestWithParam<ContainsCase> {};

TEST_P(ContainsRuleTest, AppliesOnlyWhenEnabled) {
  const ContainsCase& c = GetParam();
  const Decision on = TheClassifier().Classify(c.text, Defaults(true), {});
  EXPECT_EQ(on.kind, c.opts_out_when_on ? kOut : kConv) << c.text;
  EXPECT_EQ(on.keyword, c.keyword) << c.text;
  if (c.opts_out_when_on) {
    EXPECT_EQ(on.rule, RuleId::kContains) << c.text;
  }
  const Decision off = TheClassifier().Classify(c.text, Defaults(false), {});
  EXPECT_EQ(off.kind, kConv) << c.text;
  EXPECT_EQ(off.rule, RuleId::kNone) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ContainsRuleTest,
    testing::Values(ContainsCase{"Stop texting me please", true, "STOP"},
                    ContainsCase{"please unsubscribe me", true, "UNSUBSCRIBE"},
                    ContainsCase{"Please opt-out my number", true, "OPT OUT"},
                    ContainsCase{"stop all texts now", true, "STOP ALL"},
                    ContainsCase{"Stop,please", true, "STOP"},
                    ContainsCase{"please STOP \U0001F6D1\U0001F6D1\U0001F6D1", true, "STOP"},
                    ContainsCase{"Por favor, d\u00E9tener los mensajes", true, "DETENER"},
                    ContainsCase{"arr\u00EAt svp", true, "ARRÊT"},
                    ContainsCase{"ok cancel it", true, "CANCEL"},
                    ContainsCase{"one two three four five stop", true, "STOP"},  // 6 words
                    ContainsCase{"please opt-out of these texts", true,
                                 "OPT OUT"},                                      // 5 whole words
                    ContainsCase{"one two three four five six stop", false, ""},  // 7 words
                    ContainsCase{"stop stop stop stop stop stop stop", false, ""},
                    ContainsCase{"I STOPPED by the store", false, ""},
                    ContainsCase{"you are unstoppable", false, ""},
                    ContainsCase{"love your non-stop deals", false, ""},
                    ContainsCase{"a stop-gap measure", false, ""},
                    ContainsCase{"help me with my order", false, ""},  // help: whole message only
                    ContainsCase{"I want to join", false, ""},         // opt-in: whole message only
                    ContainsCase{"yes stop", true, "STOP"}));

TEST(ClassifierContextTest, YesOptsInOnlyWhileDoubleOptInIsPending) {
  const Classifier classifier = *Classifier::Create();
  const CompiledKeywords keywords = *classifier.Compile(DefaultKeywordTables());
  EXPECT_EQ(classifier.Classify("YES", keywords, {}).kind, kConv);
  ClassifyContext pending;
  pending.double_opt_in_pending = true;
  const Decision yes = classifier.Classify("Yes!", keywords, pending);
  EXPECT_EQ(yes.kind, kIn);
  EXPECT_EQ(yes.language, kEn);
  EXPECT_EQ(yes.keyword, "YES");
  EXPECT_EQ(yes.rule, RuleId::kWholeMessage);
  // Other keywords do not depend on the context.
  EXPECT_EQ(classifier.Classify("STOP", keywords, pending).kind, kOut);
  EXPECT_EQ(classifier.Classify("START", keywords, {}).kind, kIn);
}

}  // namespace
}  // namespace confab::classify
