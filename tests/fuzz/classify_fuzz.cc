// libFuzzer target: the keyword classifier (daemon/classifier.h) on arbitrary bytes as MO text.
// MO text comes from carriers and subscribers, so any bytes, valid UTF-8 or not, must classify
// without crashing. The table is the built-in default (the example config's keywords), compiled
// with and without the contains rule; each text is classified with and without a pending double
// opt-in. Invariants the header states are checked and abort on violation.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "boost/json/parse.hpp"
#include "boost/json/value.hpp"
#include "daemon/classifier.h"
#include "daemon/keyword_table.h"
#include "tests/fuzz/fuzz_check.h"

using confab::fuzz::Check;

namespace {

using confab::classify::Classifier;
using confab::classify::ClassifyContext;
using confab::classify::CompiledKeywords;
using confab::classify::Decision;
using confab::classify::Kind;
using confab::classify::Language;
using confab::classify::RuleId;

bool Same(const Decision& a, const Decision& b) {
  return a.kind == b.kind && a.rule == b.rule && a.language == b.language &&
         a.span_offset == b.span_offset && a.span_length == b.span_length &&
         a.keyword == b.keyword && a.table_version == b.table_version;
}

struct Tables {
  Classifier classifier;
  CompiledKeywords plain;     // default table, contains rule off
  CompiledKeywords contains;  // default table, contains rule on
  CompiledKeywords custom;    // longer phrases (up to 3 words), accents, apostrophes; contains on
};

CompiledKeywords CompileOrDie(const Classifier& classifier,
                              const confab::classify::KeywordTableInput& input) {
  auto compiled = classifier.Compile(input);
  Check(compiled.ok());
  return *std::move(compiled);
}

confab::classify::KeywordTableInput DefaultTable(bool contains_rule) {
  confab::classify::KeywordTableInput input = confab::classify::DefaultKeywordTables();
  input.contains_rule = contains_rule;
  return input;
}

confab::classify::KeywordTableInput CustomTable() {
  confab::classify::KeywordTableInput input;
  input.entries = {
      {Kind::kOptOut, Language::kEnglish, "STOP TEXTING ME", false},
      {Kind::kOptOut, Language::kEnglish, "STOP", false},
      {Kind::kOptOut, Language::kEnglish, "DON'T TEXT", false},
      {Kind::kOptOut, Language::kFrench, "ARRÊTEZ LES SMS", false},
      {Kind::kOptOut, Language::kSpanish, "NO MÁS", false},
      {Kind::kOptIn, Language::kEnglish, "YES PLEASE", true},
      {Kind::kHelp, Language::kEnglish, "WHAT IS THIS", false},
  };
  input.contains_rule = true;
  input.version = 7;
  return input;
}

const Tables& GetTables() {
  static const Tables* tables = [] {
    auto classifier = Classifier::Create();
    Check(classifier.ok());
    return new Tables{*classifier, CompileOrDie(*classifier, DefaultTable(false)),
                      CompileOrDie(*classifier, DefaultTable(true)),
                      CompileOrDie(*classifier, CustomTable())};
  }();
  return *tables;
}

// What every decision must satisfy on its own (classifier.h, Decision).
void CheckDecision(const Decision& decision, std::string_view text,
                   const CompiledKeywords& keywords, const ClassifyContext& context) {
  Check(decision.table_version == keywords.version());
  if (!decision.is_keyword()) {
    Check(decision.rule == RuleId::kNone && decision.language == Language::kNone);
    Check(decision.span_offset == 0 && decision.span_length == 0 && decision.keyword.empty());
  } else {
    Check(decision.rule != RuleId::kNone && decision.language != Language::kNone);
    Check(!decision.keyword.empty() && decision.span_length > 0);
    Check(std::size_t{decision.span_offset} + decision.span_length <= text.size());
    Check(decision.MatchedText(text).size() == decision.span_length);
    if (decision.rule == RuleId::kContains) {
      Check(keywords.contains_rule() && decision.kind == Kind::kOptOut);
    }
    // The matched entry exists in the table with this kind and language; YES-like entries only
    // match while a double opt-in is pending.
    bool found = false;
    for (const CompiledKeywords::Entry& entry : keywords.entries()) {
      if (entry.phrase == decision.keyword && entry.kind == decision.kind &&
          entry.language == decision.language) {
        found = !entry.requires_double_opt_in_pending || context.double_opt_in_pending;
        break;
      }
    }
    Check(found);
  }
  // The log line is valid JSON whatever the text (ill-formed UTF-8 becomes U+FFFD).
  boost::system::error_code ec;
  const boost::json::value json =
      boost::json::parse(confab::classify::DecisionToJson(decision, text), ec);
  Check(!ec && json.is_object());
  const boost::json::value* kind = json.as_object().if_contains("kind");
  Check(kind != nullptr && kind->is_string() &&
        kind->as_string() == confab::classify::KindName(decision.kind));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const Tables& tables = GetTables();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::array<Decision, 4> decisions;  // [contains rule][pending]
  for (int contains = 0; contains < 2; ++contains) {
    const CompiledKeywords& keywords = contains ? tables.contains : tables.plain;
    for (int pending = 0; pending < 2; ++pending) {
      const ClassifyContext context{.double_opt_in_pending = pending == 1};
      Decision decision = tables.classifier.Classify(text, keywords, context);
      CheckDecision(decision, text, keywords, context);
      // Deterministic: the same text, table and context give the same decision.
      Check(Same(decision, tables.classifier.Classify(text, keywords, context)));
      decisions[contains * 2 + pending] = std::move(decision);
    }
  }
  for (int pending = 0; pending < 2; ++pending) {
    const ClassifyContext context{.double_opt_in_pending = pending == 1};
    const Decision decision = tables.classifier.Classify(text, tables.custom, context);
    CheckDecision(decision, text, tables.custom, context);
    Check(Same(decision, tables.classifier.Classify(text, tables.custom, context)));
  }
  // The rules apply in order, the first match decides: a whole-message match does not depend on
  // the contains rule, and a pending double opt-in only adds matches (YES), so a whole-message
  // match without one stands with one.
  for (int pending = 0; pending < 2; ++pending) {
    const Decision& plain = decisions[pending];
    if (plain.is_keyword()) {
      Check(plain.rule == RuleId::kWholeMessage && Same(plain, decisions[2 + pending]));
    }
  }
  for (int contains = 0; contains < 2; ++contains) {
    const Decision& without = decisions[contains * 2];
    if (without.rule == RuleId::kWholeMessage) {
      Check(Same(without, decisions[contains * 2 + 1]));
    }
  }
  return 0;
}
