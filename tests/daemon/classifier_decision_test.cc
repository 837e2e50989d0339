// What a decision records (rule, language, span, table version, JSON), custom tables, table
// compilation errors, and concurrent use.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "daemon/classifier.h"

namespace confab::classify {
namespace {

using testing::HasSubstr;

class DecisionTest : public testing::Test {
 protected:
  CompiledKeywords Compile(bool contains_rule, uint32_t version) {
    KeywordTableInput input = DefaultKeywordTables();
    input.contains_rule = contains_rule;
    input.version = version;
    return *classifier_.Compile(input);
  }

  const Classifier classifier_ = *Classifier::Create();
};

TEST_F(DecisionTest, WholeMessageRecordsSpanInOriginalText) {
  const CompiledKeywords keywords = Compile(false, 7);
  const std::string text = "  \u00A1ARR\u00CAT! \U0001F6D1";
  const Decision d = classifier_.Classify(text, keywords, {});
  EXPECT_EQ(d.kind, Kind::kOptOut);
  EXPECT_EQ(d.rule, RuleId::kWholeMessage);
  EXPECT_EQ(d.language, Language::kFrench);
  EXPECT_EQ(d.keyword, "ARRÊT");
  EXPECT_EQ(d.table_version, 7u);
  EXPECT_EQ(d.span_offset, 4u);  // two spaces and the two bytes of '¡'
  EXPECT_EQ(d.MatchedText(text), "ARR\u00CAT");
}

TEST_F(DecisionTest, MultiWordMatchSpansFromFirstToLastWord) {
  const CompiledKeywords keywords = Compile(true, 3);
  const std::string text = "Please OPT-OUT, thanks";
  const Decision d = classifier_.Classify(text, keywords, {});
  EXPECT_EQ(d.rule, RuleId::kContains);
  EXPECT_EQ(d.keyword, "OPT OUT");
  EXPECT_EQ(d.span_offset, 7u);
  EXPECT_EQ(d.span_length, 7u);
  EXPECT_EQ(d.MatchedText(text), "OPT-OUT");
}

TEST_F(DecisionTest, ContainsRecordsLeftmostMatch) {
  const CompiledKeywords keywords = Compile(true, 3);
  const std::string text = "ok then \uFF33\uFF34\uFF2F\uFF30 and cancel";
  const Decision d = classifier_.Classify(text, keywords, {});
  EXPECT_EQ(d.rule, RuleId::kContains);
  EXPECT_EQ(d.keyword, "STOP");
  EXPECT_EQ(d.MatchedText(text), "\uFF33\uFF34\uFF2F\uFF30");
}

TEST_F(DecisionTest, ConversationRecordsVersionAndNothingElse) {
  const CompiledKeywords keywords = Compile(true, 42);
  const Decision d = classifier_.Classify("Where is my order?", keywords, {});
  EXPECT_EQ(d.kind, Kind::kConversation);
  EXPECT_EQ(d.rule, RuleId::kNone);
  EXPECT_EQ(d.language, Language::kNone);
  EXPECT_EQ(d.span_length, 0u);
  EXPECT_TRUE(d.keyword.empty());
  EXPECT_EQ(d.table_version, 42u);
  EXPECT_FALSE(d.is_keyword());
}

TEST_F(DecisionTest, RendersJson) {
  const CompiledKeywords keywords = Compile(true, 3);
  const std::string text = "Stop \"now\"";
  const Decision d = classifier_.Classify(text, keywords, {});
  EXPECT_EQ(DecisionToJson(d, text),
            "{\"kind\":\"opt_out\",\"rule\":\"contains\",\"language\":\"en\",\"span\":[0,4],"
            "\"matched\":\"Stop\",\"keyword\":\"STOP\",\"table_version\":3}");
  EXPECT_EQ(DecisionToJson(classifier_.Classify("hi", keywords, {}), "hi"),
            "{\"kind\":\"conversation\",\"rule\":\"none\",\"language\":\"none\","
            "\"table_version\":3}");
}

TEST_F(DecisionTest, JsonEscapesQuotesControlsAndBadUtf8) {
  Decision d;
  d.kind = Kind::kHelp;
  d.rule = RuleId::kWholeMessage;
  d.language = Language::kEnglish;
  d.keyword = "A\"B";
  const std::string text = "x\\\"\n\xFF\u00E9";
  d.span_offset = 0;
  d.span_length = static_cast<uint32_t>(text.size());
  const std::string json = DecisionToJson(d, text);
  EXPECT_THAT(json, HasSubstr("\"matched\":\"x\\\\\\\"\\u000a\xEF\xBF\xBD\u00E9\""));
  EXPECT_THAT(json, HasSubstr("\"keyword\":\"A\\\"B\""));
}

TEST_F(DecisionTest, BrandCanAddKeywords) {
  KeywordTableInput input = DefaultKeywordTables();
  input.entries.push_back({Kind::kOptOut, Language::kSpanish, "BAJA", false});
  input.entries.push_back({Kind::kHelp, Language::kEnglish, "SUPPORT ME", false});
  input.contains_rule = true;
  input.version = 9;
  const CompiledKeywords keywords = *classifier_.Compile(input);
  const Decision baja = classifier_.Classify("\u00A1Baja!", keywords, {});
  EXPECT_EQ(baja.kind, Kind::kOptOut);
  EXPECT_EQ(baja.language, Language::kSpanish);
  EXPECT_EQ(baja.keyword, "BAJA");
  EXPECT_EQ(baja.table_version, 9u);
  EXPECT_EQ(classifier_.Classify("dame de baja", keywords, {}).keyword, "BAJA");
  EXPECT_EQ(classifier_.Classify("support-me", keywords, {}).kind, Kind::kHelp);
  // Without the entry, BAJA is a conversation.
  EXPECT_EQ(classifier_.Classify("BAJA", Compile(true, 1), {}).kind, Kind::kConversation);
}

TEST_F(DecisionTest, BrandTableCanDropDefaults) {
  KeywordTableInput input;
  input.entries.push_back({Kind::kOptOut, Language::kEnglish, "STOP", false});
  input.version = 2;
  const CompiledKeywords keywords = *classifier_.Compile(input);
  EXPECT_EQ(classifier_.Classify("STOP", keywords, {}).kind, Kind::kOptOut);
  EXPECT_EQ(classifier_.Classify("HELP", keywords, {}).kind, Kind::kConversation);
  EXPECT_EQ(keywords.max_phrase_words(), 1u);
}

TEST_F(DecisionTest, LongKeywordPhraseMatchesLongMessage) {
  KeywordTableInput input;
  input.entries.push_back(
      {Kind::kOptOut, Language::kEnglish, "please remove me from this list right now", false});
  const CompiledKeywords keywords = *classifier_.Compile(input);
  EXPECT_EQ(classifier_.Classify("Please remove me from this list, right now!", keywords, {}).kind,
            Kind::kOptOut);
}

TEST_F(DecisionTest, CompileRejectsBadTables) {
  auto compile = [&](std::vector<KeywordEntry> entries) {
    KeywordTableInput input;
    input.entries = std::move(entries);
    return classifier_.Compile(input).status();
  };
  EXPECT_EQ(compile({{Kind::kConversation, Language::kEnglish, "HI", false}}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(compile({{Kind::kHelp, Language::kNone, "HI", false}}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(compile({{Kind::kHelp, Language::kEnglish, " !!! ", false}}).code(),
            absl::StatusCode::kInvalidArgument);
  const absl::Status conflict = compile({{Kind::kOptOut, Language::kEnglish, "STOP", false},
                                         {Kind::kOptIn, Language::kEnglish, "stop!", false}});
  EXPECT_EQ(conflict.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(conflict.message()), HasSubstr("already a opt_out keyword"));
  // The same phrase with the same meaning in two languages: the first wins.
  KeywordTableInput twice;
  twice.entries = {{Kind::kHelp, Language::kSpanish, "INFO", false},
                   {Kind::kHelp, Language::kEnglish, "info", false}};
  const CompiledKeywords keywords = *classifier_.Compile(twice);
  EXPECT_EQ(classifier_.Classify("Info", keywords, {}).language, Language::kSpanish);
}

TEST_F(DecisionTest, ConcurrentClassificationGivesSameResults) {
  const CompiledKeywords keywords = Compile(true, 5);
  const std::vector<std::pair<std::string, Kind>> cases = {
      {"STOP", Kind::kOptOut},        {"d\u00E9tener", Kind::kOptOut},
      {"help", Kind::kHelp},          {"\u00BFAyuda?", Kind::kHelp},
      {"please stop", Kind::kOptOut}, {"see you at the store tomorrow", Kind::kConversation},
      {"inicio", Kind::kOptIn},       {"Caf\u00E9 con leche, por favor", Kind::kConversation}};
  std::vector<int> failures(4, 0);
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const auto& [text, kind] = cases[(i + t) % cases.size()];
        failures[t] += classifier_.Classify(text, keywords, {}).kind == kind ? 0 : 1;
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_THAT(failures, testing::Each(0));
}

}  // namespace
}  // namespace confab::classify
