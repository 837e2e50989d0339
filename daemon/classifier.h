#pragma once

// Inbound message classification (product §2 steps 2–5): is an MO text an opt-out, opt-in or
// help keyword of its brand number's tables, or a conversation message?
//
// Rules, in order (the first that matches decides):
//  1. whole message: the normalized text (see text_normalizer.h) equals a normalized phrase of
//     the table. "YES"-like entries (requires_double_opt_in_pending) match only while the
//     context says a double opt-in is pending.
//  2. contains (only if the table enables it, and only opt-out phrases): the message has at
//     most kContainsMaxWords whole words and an opt-out phrase stands in it as whole words:
//     "Stop texting me please", "please unsubscribe me", "please opt-out". The leftmost match
//     wins, the longest at that position ("stop all texts" → STOP ALL).
//  3. otherwise: a conversation message.
//
// What "whole word" means here: words are separated by whitespace, punctuation or emoji
// ("Stop,please" and "STOP🛑now" contain STOP); a hyphen or underscore joins the parts of one
// word. So "STOPPED", "unstoppable", "non-stop" and "stop-gap" are not the word STOP and never
// opt out under the contains rule: "non-stop deals" is praise, not a request, and product §2
// asks for whole words only. As a whole message, hyphens are spaces ("OPT-OUT" = "OPT OUT"),
// and hyphens inside a keyword phrase still match under contains ("please opt-out").
// "Whole words" for the 6-word limit counts hyphenated compounds as one word and ignores
// tokens made only of punctuation or emoji ("stop 🛑🛑" has one word).
//
// Thread-safe: Classify() is const and allocation-free for typical SMS; call it from any
// number of threads with shared CompiledKeywords.

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "daemon/keyword_table.h"

namespace confab::classify {

class TextNormalizer;

enum class RuleId : uint8_t { kNone, kWholeMessage, kContains };

// "none", "whole_message", "contains".
std::string_view RuleName(RuleId rule);

struct ClassifyContext {
  // A double opt-in confirmation is pending for this (profile, brand number): enables YES.
  bool double_opt_in_pending = false;
};

// Everything needed to explain and replay a classification from the log (§2 step 5).
struct Decision {
  Kind kind = Kind::kConversation;
  RuleId rule = RuleId::kNone;
  Language language = Language::kNone;
  // The matched words in the ORIGINAL UTF-8 text: [span_offset, span_offset + span_length),
  // from the first byte of the first matched word to the last byte of the last one, edge
  // punctuation excluded ("  Stop!" → offset 2, length 4). Zero for conversations.
  uint32_t span_offset = 0;
  uint32_t span_length = 0;
  // The table entry's phrase as configured ("OPT OUT"); empty for conversations. Owned, so a
  // decision outlives table reloads (phrases up to 15 bytes fit std::string's inline buffer).
  std::string keyword;
  uint32_t table_version = 0;

  bool is_keyword() const { return kind != Kind::kConversation; }
  // The matched span of `text` (the text that was classified).
  std::string_view MatchedText(std::string_view text) const;
};

// A one-line JSON object for logs, e.g.
// {"kind":"opt_out","rule":"contains","language":"en","span":[0,4],"matched":"Stop",
//  "keyword":"STOP","table_version":3}
// `text` is the classified text (for "matched"; invalid UTF-8 there is rendered as U+FFFD).
std::string DecisionToJson(const Decision& decision, std::string_view text);

class Classifier {
 public:
  // Uses the process-wide TextNormalizer; fails only if ICU data is unusable.
  static absl::StatusOr<Classifier> Create();
  explicit Classifier(const TextNormalizer& normalizer) : normalizer_(&normalizer) {}

  // Compiles a table with this classifier's normalizer (see CompiledKeywords::Compile).
  absl::StatusOr<CompiledKeywords> Compile(const KeywordTableInput& input) const;

  // Classifies one decoded, reassembled inbound text (UTF-8; ill-formed bytes are tolerated).
  Decision Classify(std::string_view utf8_text, const CompiledKeywords& keywords,
                    const ClassifyContext& context) const;

  const TextNormalizer& normalizer() const { return *normalizer_; }

 private:
  const TextNormalizer* normalizer_;
};

}  // namespace confab::classify
