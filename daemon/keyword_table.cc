#include "daemon/keyword_table.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "daemon/text_normalizer.h"

namespace confab::classify {
namespace {

// Debian's abseil has its own string_view type (ABSL_OPTION_USE_STD_STRING_VIEW is 0).
absl::string_view AbslView(std::string_view text) { return {text.data(), text.size()}; }

}  // namespace

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kConversation:
      return "conversation";
    case Kind::kOptOut:
      return "opt_out";
    case Kind::kOptIn:
      return "opt_in";
    case Kind::kHelp:
      return "help";
  }
  return "unknown";
}

std::string_view LanguageName(Language language) {
  switch (language) {
    case Language::kNone:
      return "none";
    case Language::kEnglish:
      return "en";
    case Language::kSpanish:
      return "es";
    case Language::kFrench:
      return "fr";
  }
  return "unknown";
}

KeywordTableInput DefaultKeywordTables() {
  struct Row {
    Kind kind;
    Language language;
    const char* phrase;
    bool requires_double_opt_in_pending;
  };
  static constexpr Row kRows[] = {
      {Kind::kOptOut, Language::kEnglish, "STOP", false},
      {Kind::kOptOut, Language::kEnglish, "STOPALL", false},
      {Kind::kOptOut, Language::kEnglish, "STOP ALL", false},
      {Kind::kOptOut, Language::kEnglish, "UNSUBSCRIBE", false},
      {Kind::kOptOut, Language::kEnglish, "CANCEL", false},
      {Kind::kOptOut, Language::kEnglish, "END", false},
      {Kind::kOptOut, Language::kEnglish, "QUIT", false},
      {Kind::kOptOut, Language::kEnglish, "REVOKE", false},
      {Kind::kOptOut, Language::kEnglish, "OPTOUT", false},
      {Kind::kOptOut, Language::kEnglish, "OPT OUT", false},
      {Kind::kOptOut, Language::kSpanish, "DETENER", false},
      {Kind::kOptOut, Language::kSpanish, "ALTO", false},
      {Kind::kOptOut, Language::kSpanish, "PARAR", false},
      {Kind::kOptOut, Language::kSpanish, "CANCELAR", false},
      {Kind::kOptOut, Language::kFrench, "ARRÊT", false},
      {Kind::kOptIn, Language::kEnglish, "JOIN", false},
      {Kind::kOptIn, Language::kEnglish, "START", false},
      {Kind::kOptIn, Language::kEnglish, "UNSTOP", false},
      {Kind::kOptIn, Language::kEnglish, "YES", true},
      {Kind::kOptIn, Language::kSpanish, "UNIRSE", false},
      {Kind::kOptIn, Language::kSpanish, "INICIO", false},
      {Kind::kHelp, Language::kEnglish, "HELP", false},
      {Kind::kHelp, Language::kEnglish, "INFO", false},
      {Kind::kHelp, Language::kSpanish, "AYUDA", false},
      {Kind::kHelp, Language::kFrench, "AIDE", false},
  };
  KeywordTableInput input;
  input.entries.reserve(std::size(kRows));
  for (const Row& row : kRows) {
    input.entries.push_back(
        {row.kind, row.language, std::string(row.phrase), row.requires_double_opt_in_pending});
  }
  input.contains_rule = false;
  input.version = 1;
  return input;
}

absl::StatusOr<CompiledKeywords> CompiledKeywords::Compile(const KeywordTableInput& input,
                                                           const TextNormalizer& normalizer) {
  CompiledKeywords compiled;
  compiled.version_ = input.version;
  compiled.contains_rule_ = input.contains_rule;
  compiled.entries_.reserve(input.entries.size());
  NormalizedText normalized;
  for (size_t i = 0; i < input.entries.size(); ++i) {
    const KeywordEntry& entry = input.entries[i];
    auto error = [&](std::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat("keyword table v", input.version, " entry ", i,
                                                     " \"", entry.phrase, "\": ", AbslView(what)));
    };
    if (entry.kind == Kind::kConversation) {
      return error("kind must be opt_out, opt_in or help");
    }
    if (entry.language == Language::kNone) {
      return error("language must be en, es or fr");
    }
    normalizer.Normalize(entry.phrase, NormalizeOptions{}, &normalized);
    if (normalized.words().empty()) {
      return error("the phrase has no letters or digits");
    }
    std::string key(normalized.text());
    if (auto it = compiled.index_.find(key); it != compiled.index_.end()) {
      const Entry& first = compiled.entries_[it->second];
      if (first.kind != entry.kind ||
          first.requires_double_opt_in_pending != entry.requires_double_opt_in_pending) {
        return error(absl::StrCat("\"", key, "\" is already a ", AbslView(KindName(first.kind)),
                                  " keyword (\"", first.phrase, "\")"));
      }
      continue;  // same meaning: the first entry (and its language) wins
    }
    const size_t words = normalized.words().size();
    compiled.length_mask_ |= uint64_t{1} << std::min<size_t>(key.size(), 63);
    compiled.max_phrase_words_ = std::max(compiled.max_phrase_words_, words);
    if (entry.kind == Kind::kOptOut) {
      compiled.max_opt_out_words_ = std::max(compiled.max_opt_out_words_, words);
      compiled.opt_out_length_mask_ |= uint64_t{1} << std::min<size_t>(key.size(), 63);
      const auto first = static_cast<uint8_t>(key[0]);
      compiled.opt_out_first_byte_[first >> 6] |= uint64_t{1} << (first & 63);
    }
    compiled.index_.emplace(key, static_cast<uint32_t>(compiled.entries_.size()));
    compiled.entries_.push_back({entry.kind, entry.language, entry.requires_double_opt_in_pending,
                                 entry.phrase, std::move(key), words});
  }
  return compiled;
}

const CompiledKeywords::Entry* CompiledKeywords::Find(std::string_view normalized) const {
  // Most candidates (whole messages, sliding windows) have a length no phrase has.
  if ((length_mask_ & (uint64_t{1} << std::min<size_t>(normalized.size(), 63))) == 0) {
    return nullptr;
  }
  auto it = index_.find(AbslView(normalized));
  return it == index_.end() ? nullptr : &entries_[it->second];
}

const CompiledKeywords::Entry* CompiledKeywords::FindOptOut(std::string_view normalized) const {
  if (normalized.empty() ||
      (opt_out_length_mask_ & (uint64_t{1} << std::min<size_t>(normalized.size(), 63))) == 0) {
    return nullptr;
  }
  const auto first = static_cast<uint8_t>(normalized[0]);
  if ((opt_out_first_byte_[first >> 6] & (uint64_t{1} << (first & 63))) == 0) {
    return nullptr;
  }
  const Entry* entry = Find(normalized);
  return entry != nullptr && entry->kind == Kind::kOptOut ? entry : nullptr;
}

}  // namespace confab::classify
