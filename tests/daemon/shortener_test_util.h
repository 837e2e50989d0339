#pragma once

// Fakes shared by the shortener and redirect tests.

#include <cstddef>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "daemon/shortener.h"
#include "store/schema.h"

namespace confab::testing {

// Message `seq` of the thread (brand +15557654321, profile +15551230000), as store NumberIds.
inline constexpr store::MessageKey TestMessage(uint32_t seq) {
  return store::MessageKey{{15557654321ULL, 15551230000ULL}, seq};
}

// Hands out the given codes in order, then "Z0000000", "Z0000001", ...
class ScriptedCodes : public CodeSource {
 public:
  explicit ScriptedCodes(std::vector<std::string> codes = {}) : codes_(std::move(codes)) {}
  ShortCode Next() override {
    std::string next = drawn_ < codes_.size() ? codes_[drawn_]
                                              : "Z" + std::string(6, '0') +
                                                    std::to_string((drawn_ - codes_.size()) % 10);
    ++drawn_;
    ShortCode code;
    for (std::size_t i = 0; i < code.size(); ++i) {
      code[i] = next[i];
    }
    return code;
  }
  std::size_t drawn() const { return drawn_; }

 private:
  std::vector<std::string> codes_;
  std::size_t drawn_ = 0;
};

// A clock the test moves by hand.
struct FakeClock {
  absl::Time now = absl::FromUnixSeconds(1'700'000'000);
  std::function<absl::Time()> Fn() {
    return [this] { return now; };
  }
};

}  // namespace confab::testing
