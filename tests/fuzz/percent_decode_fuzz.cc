// libFuzzer target: PercentDecode and HttpRouter's path matching (daemon/http_types.h) on
// arbitrary request targets, as the admin API and the short-link listener receive them. First
// byte: the method (GET, POST, PATCH, HEAD); the rest: the target.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "daemon/http_types.h"
#include "tests/fuzz/fuzz_check.h"

using confab::fuzz::Check;

namespace {

// Routes shaped like the admin API's; each answers 200 with its pattern as the body.
const confab::HttpRouter& Router() {
  static const confab::HttpRouter* router = [] {
    auto* built = new confab::HttpRouter;
    for (const char* pattern :
         {"/healthz", "/v1/conversations", "/v1/conversations/{brand}/{profile}",
          "/v1/conversations/{brand}/{profile}/messages", "/v1/numbers/{number}/settings"}) {
      built->Add("GET", pattern, [pattern](const confab::HttpRequest&) {
        return confab::JsonResponse(200, pattern);
      });
    }
    built->Add("PATCH", "/v1/numbers/{number}/settings", [](const confab::HttpRequest&) {
      return confab::JsonResponse(200, "/v1/numbers/{number}/settings");
    });
    return built;
  }();
  return *router;
}

void CheckDecode(std::string_view text, bool plus_is_space) {
  const std::string decoded = confab::PercentDecode(text, plus_is_space);
  Check(decoded.size() <= text.size());
  if (text.find('%') == std::string_view::npos) {
    Check(decoded.size() == text.size());
    if (!plus_is_space) {
      Check(decoded == text);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  static constexpr std::array<const char*, 4> kMethods = {"GET", "POST", "PATCH", "HEAD"};
  const std::string_view target(reinterpret_cast<const char*>(data + 1), size - 1);
  CheckDecode(target, false);
  CheckDecode(target, true);

  // Every byte written as %XX decodes back to itself.
  std::string escaped;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char c : target) {
    const auto byte = static_cast<uint8_t>(c);
    escaped += {'%', kHex[byte >> 4], kHex[byte & 0xF]};
  }
  Check(confab::PercentDecode(escaped, true) == target);

  confab::HttpRequest request;
  request.method = kMethods[data[0] % kMethods.size()];
  request.target = std::string(target);
  const confab::AsyncHttpHandler* async = nullptr;
  const std::optional<confab::HttpResponse> response = Router().Answer(request, &async);
  Check(response.has_value() && async == nullptr);  // every route here is synchronous
  Check(response->status == 200 || response->status == 404 || response->status == 405);
  if (response->status == 200) {
    // A matched pattern's {name} segments are filled, each from a non-empty segment.
    const std::string_view pattern = response->body;
    std::size_t parameters = 0;
    for (std::size_t i = pattern.find('{'); i != std::string_view::npos;
         i = pattern.find('{', i + 1)) {
      ++parameters;
    }
    Check(request.path_params.size() == parameters);
    for (const auto& [name, value] : request.path_params) {
      Check(!name.empty() && !value.empty());
    }
  }
  return 0;
}
