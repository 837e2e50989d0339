#pragma once

// The brand numbers of the config (product §1), prepared for the inbound pipeline: found by the
// destination of an MO, with their keyword tables compiled and their reply texts rendered once.
// Immutable after Build(); a config reload builds a new directory and swaps it in whole.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "config/config.h"
#include "daemon/classifier.h"
#include "daemon/keyword_table.h"

namespace confab::pipeline {

struct BrandNumber {
  explicit BrandNumber(classify::CompiledKeywords compiled) : keywords(std::move(compiled)) {}

  std::string number;  // as configured: "+15550100000" or "12345"
  uint64_t id = 0;     // store::NumberId(number)
  std::string default_country;
  uint32_t route = 0;  // index of its first carrier in config.carriers
  classify::CompiledKeywords keywords;
  // Rendered keyword replies, [kind][language]: kind 0 opt-out, 1 opt-in, 2 help; language 0
  // en, 1 es, 2 fr.
  std::array<std::array<std::string, 3>, 3> replies;
  config::AutoResponderMode auto_responder = config::AutoResponderMode::kAll;
  std::string auto_response;  // rendered
  uint64_t auto_response_interval_ms = 0;
  uint64_t attribution_window_ms = 0;
  // New-message notifications go somewhere (e-mails or a webhook): only then does the pipeline
  // hand its conversation messages to the notifier (no per-MO copy otherwise).
  bool notifies = false;

  // The rendered reply to a keyword of `kind` in `language` (English when the language has no
  // text); empty for a conversation.
  const std::string& ReplyFor(classify::Kind kind, classify::Language language) const;
};

class BrandDirectory {
 public:
  // Compiles every number's keyword tables (errors name the number) and resolves its route.
  static absl::StatusOr<std::shared_ptr<const BrandDirectory>> Build(
      const config::Config& config, const classify::Classifier& classifier);

  // The brand number an MO was sent to: `address` as received, with its TON. "+15550100000",
  // "15550100000" (TON 1 or unknown), a national "5550100000" (TON 2, read in each brand
  // number's default country) and short codes "12345" all work. nullptr when it is none of ours.
  const BrandNumber* Find(std::string_view address, uint8_t ton) const;
  // By store::NumberId; nullptr when it is not (or no longer) configured.
  const BrandNumber* FindById(uint64_t id) const {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : it->second;
  }

  const std::vector<std::unique_ptr<BrandNumber>>& numbers() const { return numbers_; }

 private:
  BrandDirectory() = default;

  std::vector<std::unique_ptr<BrandNumber>> numbers_;
  absl::flat_hash_map<uint64_t, const BrandNumber*> by_id_;
};

// The subscriber's number as E.164 ("+15551234567"), from an MO's source_addr (product §1):
// TON 1 (international) is "+" and its digits; otherwise a leading "+" is kept as given and a
// national number is read in `default_country` with libphonenumber. InvalidArgument for an
// alphanumeric sender, an empty address or one that is not a phone number.
absl::StatusOr<std::string> NormalizeSubscriber(std::string_view address, uint8_t ton,
                                                std::string_view default_country);

}  // namespace confab::pipeline
