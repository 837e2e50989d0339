#include "daemon/classifier.h"

#include <unicode/utf8.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "daemon/text_normalizer.h"

namespace confab::classify {
namespace {

Decision Matched(const CompiledKeywords::Entry& entry, RuleId rule, const NormalizedText& text,
                 size_t first_word, size_t word_count, uint32_t table_version) {
  const NormalizedWord& head = text.words()[first_word];
  const NormalizedWord& tail = text.words()[first_word + word_count - 1];
  Decision decision;
  decision.kind = entry.kind;
  decision.rule = rule;
  decision.language = entry.language;
  decision.span_offset = head.source_begin;
  // Sub-words split out of one original word share its range, so tail ends at or after head.
  decision.span_length = std::max(head.source_end, tail.source_end) - head.source_begin;
  decision.keyword = entry.phrase;
  decision.table_version = table_version;
  return decision;
}

// Appends `text` as a JSON string literal: quotes, backslashes and control characters escaped,
// ill-formed UTF-8 replaced by U+FFFD so the log line stays valid JSON.
void AppendJsonString(std::string* out, std::string_view text) {
  out->push_back('"');
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < length;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) {
      out->append("\xEF\xBF\xBD");
    } else if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c < 0x20 || c == 0x7F) {
      static constexpr char kHex[] = "0123456789abcdef";
      out->append("\\u00");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 0xF]);
    } else {
      out->append(text.substr(start, i - start));
    }
  }
  out->push_back('"');
}

}  // namespace

std::string_view RuleName(RuleId rule) {
  switch (rule) {
    case RuleId::kNone:
      return "none";
    case RuleId::kWholeMessage:
      return "whole_message";
    case RuleId::kContains:
      return "contains";
  }
  return "unknown";
}

std::string_view Decision::MatchedText(std::string_view text) const {
  if (span_offset > text.size()) {
    return {};
  }
  return text.substr(span_offset, span_length);
}

std::string DecisionToJson(const Decision& decision, std::string_view text) {
  // abseil here has its own string_view type, so std::string_view pieces are appended directly.
  std::string json = "{\"kind\":\"";
  json.append(KindName(decision.kind)).append("\",\"rule\":\"");
  json.append(RuleName(decision.rule)).append("\",\"language\":\"");
  json.append(LanguageName(decision.language)).append("\"");
  if (decision.is_keyword()) {
    absl::StrAppend(&json, ",\"span\":[", decision.span_offset, ",", decision.span_length,
                    "],\"matched\":");
    AppendJsonString(&json, decision.MatchedText(text));
    json.append(",\"keyword\":");
    AppendJsonString(&json, decision.keyword);
  }
  absl::StrAppend(&json, ",\"table_version\":", decision.table_version, "}");
  return json;
}

absl::StatusOr<Classifier> Classifier::Create() {
  absl::StatusOr<const TextNormalizer*> normalizer = TextNormalizer::Get();
  if (!normalizer.ok()) {
    return normalizer.status();
  }
  return Classifier(**normalizer);
}

absl::StatusOr<CompiledKeywords> Classifier::Compile(const KeywordTableInput& input) const {
  return CompiledKeywords::Compile(input, *normalizer_);
}

Decision Classifier::Classify(std::string_view utf8_text, const CompiledKeywords& keywords,
                              const ClassifyContext& context) const {
  Decision conversation;
  conversation.table_version = keywords.version();

  // Only short texts can match: a whole-message match needs at most max_phrase_words() words,
  // the contains rule at most kContainsMaxWords whole words. Longer texts stop the scan early.
  NormalizeOptions options;
  options.max_words = keywords.max_phrase_words();
  options.max_whole_words = keywords.contains_rule() ? kContainsMaxWords : 0;
  NormalizedText text;
  normalizer_->Normalize(utf8_text, options, &text);
  const size_t word_count = text.words().size();
  if (text.truncated() || word_count == 0) {
    return conversation;
  }

  // Rule 1: the whole message.
  if (const CompiledKeywords::Entry* entry = keywords.Find(text.text());
      entry != nullptr &&
      (!entry->requires_double_opt_in_pending || context.double_opt_in_pending)) {
    return Matched(*entry, RuleId::kWholeMessage, text, 0, word_count, keywords.version());
  }

  // Rule 2: an opt-out phrase as whole words of a short message; leftmost, then longest.
  if (!keywords.contains_rule() || text.whole_word_count() > kContainsMaxWords) {
    return conversation;
  }
  const auto words = text.words();
  for (size_t first = 0; first < word_count; ++first) {
    if (words[first].joined_to_previous) {
      continue;  // "stop" in "non-stop" is not a whole word
    }
    const size_t longest = std::min(keywords.max_opt_out_words(), word_count - first);
    for (size_t count = longest; count >= 1; --count) {
      const size_t after = first + count;
      if (after < word_count && words[after].joined_to_previous) {
        continue;  // "stop" in "stop-gap" is not a whole word either
      }
      const CompiledKeywords::Entry* entry = keywords.FindOptOut(text.Words(first, count));
      if (entry != nullptr) {
        return Matched(*entry, RuleId::kContains, text, first, count, keywords.version());
      }
    }
  }
  return conversation;
}

}  // namespace confab::classify
