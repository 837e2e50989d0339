#pragma once

// Bearer-token authentication for the admin API (issue #5, product §9). Tokens come from
// [[admin.token]]; when none is configured, the first start generates one with the owner role
// into `<state_dir>/admin-token` (mode 0600) and later starts read it back, so a fresh install
// is never an open API. Tokens are compared in constant time.

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "config/config.h"

namespace confab::api {

struct Principal {
  config::Role role = config::Role::kSupport;
  std::string name;  // the token's label ("" when it has none; "generated" for the file's)
};

inline constexpr char kGeneratedTokenFile[] = "admin-token";

// The token in `<state_dir>/admin-token`, created with 32 random bytes (hex) and mode 0600 when
// missing. Refuses a file that others may read (FailedPrecondition naming the path and mode).
absl::StatusOr<std::string> LoadOrGenerateToken(const std::string& state_dir, bool* generated);

// Equal contents, in time that depends only on the lengths (not on where they differ).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

class TokenAuth {
 public:
  // With `tokens` empty, the state directory's generated token (owner) is used.
  static absl::StatusOr<std::unique_ptr<TokenAuth>> Create(
      const std::vector<config::AdminToken>& tokens, const std::string& state_dir);

  // SIGHUP: the tokens of the new config (the generated one again when it has none).
  absl::Status Reload(const std::vector<config::AdminToken>& tokens);

  // From an Authorization header value: Unauthenticated when missing, not "Bearer <token>" or
  // unknown (the message never echoes the token).
  absl::StatusOr<Principal> Authenticate(std::string_view authorization) const;

  // Where the generated token is, when it is in use ("" otherwise).
  std::string generated_path() const;

 private:
  struct Entry {
    std::string secret;
    Principal principal;
  };
  explicit TokenAuth(std::string state_dir) : state_dir_(std::move(state_dir)) {}
  absl::StatusOr<std::vector<Entry>> EntriesFor(const std::vector<config::AdminToken>& tokens,
                                                std::string* generated_path) const;

  const std::string state_dir_;
  mutable std::mutex mutex_;
  std::shared_ptr<const std::vector<Entry>> entries_;
  std::string generated_path_;
};

}  // namespace confab::api
