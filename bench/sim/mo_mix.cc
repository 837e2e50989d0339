#include "bench/sim/mo_mix.h"

#include <array>

#include "fmt/format.h"

namespace confab::sim {
namespace {

constexpr std::array<std::string_view, 16> kOptOut = {
    "STOP",   "stop",        "Stop",    " STOP ",  "Stop!", "STOP.", "stop ",   "UNSUBSCRIBE",
    "Cancel", "unsubscribe", "OPT OUT", "opt-out", "QUIT",  "End",   "stopall", "Stop all"};
constexpr std::array<std::string_view, 6> kHelp = {"HELP",  "help", "Help?",
                                                   " INFO", "info", "Help!"};
constexpr std::array<std::string_view, 6> kOptIn = {"START", "start",  "JOIN",
                                                    "Join!", "UNSTOP", " Start "};
constexpr std::array<std::string_view, 8> kEnglish = {
    "Hi, has my order shipped yet?",
    "Can I change the delivery address for my parcel please",
    "Thanks, that worked!",
    "What time does the shop open tomorrow?",
    "I was charged twice for the same order, can someone look at it",
    "Is the blue model back in stock",
    "ok see you then",
    "My code did not arrive, could you send it again?"};
constexpr std::array<std::string_view, 6> kSpanish = {
    "¿Cuándo llega mi pedido? Gracias",       "Hola, quería saber si tienen la talla más pequeña",
    "El envío llegó dañado, ¿qué hago?",      "¿Puedo cambiar la dirección de envío mañana?",
    "Muchas gracias por la atención, señora", "¿Está abierta la tienda el sábado?"};
constexpr std::array<std::string_view, 4> kUrls = {
    "https://example.com/orders/48213", "http://shop.example.org/p?id=77&ref=sms",
    "https://bit.example/x9Yz", "www.example.net/track/ZX81"};
constexpr std::string_view kLongFiller =
    " Also, the last delivery was left at the wrong door and the box got wet in the rain, so "
    "please ask the courier to ring the bell next time. Thank you!";

}  // namespace

std::string_view MoCategoryName(MoCategory category) {
  switch (category) {
    case MoCategory::kOptOut:
      return "optout";
    case MoCategory::kHelp:
      return "help";
    case MoCategory::kOptIn:
      return "optin";
    case MoCategory::kConversation:
      return "conversation";
  }
  return "?";
}

uint64_t SplitMix64::Next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

MoMix::MoMix(MoMixOptions options) : options_(std::move(options)), rng_(options_.seed) {
  if (options_.pool == 0) {
    options_.pool = 1;
  }
  if (options_.brand_numbers.empty()) {
    options_.brand_numbers.push_back("+15550100000");
  }
}

std::string MoMix::PoolNumber(uint32_t index) {
  return fmt::format("+1555{:07d}", 2000000u + (index % 8000000u));
}

std::string MoMix::Conversation(MoSpec& spec) {
  const uint64_t kind = rng_.Below(100);
  std::string text;
  if (kind < 15) {
    spec.spanish = true;
    text = kSpanish[rng_.Below(kSpanish.size())];
  } else {
    text = kEnglish[rng_.Below(kEnglish.size())];
  }
  if (rng_.Below(100) < 15) {
    spec.has_url = true;
    text += " ";
    text += kUrls[rng_.Below(kUrls.size())];
  }
  if (rng_.Below(100) < 12 && !spec.spanish) {  // 12% of the 85% English: ~10% overall
    spec.long_text = true;
    const int repeats = 1 + static_cast<int>(rng_.Below(2));  // 2 or 3 parts once encoded
    for (int i = 0; i < repeats; ++i) {
      text += kLongFiller;
    }
  }
  return text;
}

void MoMix::Reserve(uint64_t count) {
  if (options_.distinct_per_sender) {
    sent_.reserve(count);
  }
}

MoSpec MoMix::Next() {
  if (!options_.distinct_per_sender) {
    return Draw();
  }
  MoSpec spec = Draw();
  for (int attempt = 0; attempt < 32 && sent_.contains(spec.source + "\n" + spec.text); ++attempt) {
    spec = Draw();
  }
  while (!sent_.insert(spec.source + "\n" + spec.text).second) {
    if (spec.category != MoCategory::kConversation) {
      spec.category = MoCategory::kConversation;
      spec.text = Conversation(spec);
      continue;
    }
    spec.text += fmt::format(" (#{})", ++suffix_);
  }
  return spec;
}

MoSpec MoMix::Draw() {
  MoSpec spec;
  spec.source = PoolNumber(static_cast<uint32_t>(rng_.Below(options_.pool)));
  spec.destination = options_.brand_numbers[rng_.Below(options_.brand_numbers.size())];
  const uint64_t roll = rng_.Below(100);
  if (roll < 10) {
    spec.category = MoCategory::kOptOut;
    spec.text = kOptOut[rng_.Below(kOptOut.size())];
  } else if (roll < 15) {
    spec.category = MoCategory::kHelp;
    spec.text = kHelp[rng_.Below(kHelp.size())];
  } else if (roll < 20) {
    spec.category = MoCategory::kOptIn;
    spec.text = kOptIn[rng_.Below(kOptIn.size())];
  } else {
    spec.category = MoCategory::kConversation;
    spec.text = Conversation(spec);
  }
  return spec;
}

}  // namespace confab::sim
