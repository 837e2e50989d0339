#include "daemon/api_auth.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/string_view.h"

namespace confab::api {
namespace {

constexpr std::size_t kGeneratedBytes = 32;

absl::StatusOr<std::string> RandomHex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  std::size_t filled = 0;
  while (filled < bytes) {
    const ssize_t got = getrandom(raw.data() + filled, bytes - filled, 0);
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      return absl::InternalError(absl::StrCat("getrandom: ", std::strerror(errno)));
    }
    filled += static_cast<std::size_t>(got);
  }
  return absl::BytesToHexString(raw);
}

absl::StatusOr<std::string> ReadToken(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) {
    return absl::NotFoundError(path);
  }
  if ((info.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "admin token file ", path, " has mode ", absl::StrCat(absl::Hex(info.st_mode & 0777)),
        "; it must not be readable by others (chmod 600)"));
  }
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  std::string token(absl::StripAsciiWhitespace(content.str()));
  if (!in.good() && !in.eof()) {
    return absl::PermissionDeniedError(absl::StrCat("cannot read admin token file ", path));
  }
  if (token.size() < 16) {
    return absl::FailedPreconditionError(
        absl::StrCat("admin token file ", path, " holds no token of at least 16 characters"));
  }
  return token;
}

}  // namespace

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // Every byte of `a` is visited whatever the contents; a length difference is folded in.
  unsigned char difference = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const unsigned char other = b.empty() ? 0 : static_cast<unsigned char>(b[i % b.size()]);
    difference |= static_cast<unsigned char>(a[i]) ^ other;
  }
  return difference == 0;
}

absl::StatusOr<std::string> LoadOrGenerateToken(const std::string& state_dir, bool* generated) {
  const std::string path = (std::filesystem::path(state_dir) / kGeneratedTokenFile).string();
  *generated = false;
  absl::StatusOr<std::string> existing = ReadToken(path);
  if (existing.ok() || !absl::IsNotFound(existing.status())) {
    return existing;
  }
  absl::StatusOr<std::string> token = RandomHex(kGeneratedBytes);
  if (!token.ok()) {
    return token.status();
  }
  // O_EXCL: two starts racing never overwrite each other's token; 0600 from the first byte.
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return ReadToken(path);
    }
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create admin token file ", path, ": ", std::strerror(errno)));
  }
  const std::string line = *token + "\n";
  const bool written =
      write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && fsync(fd) == 0;
  close(fd);
  if (!written) {
    unlink(path.c_str());
    return absl::InternalError(absl::StrCat("cannot write admin token file ", path));
  }
  *generated = true;
  return token;
}

absl::StatusOr<std::unique_ptr<TokenAuth>> TokenAuth::Create(
    const std::vector<config::AdminToken>& tokens, const std::string& state_dir) {
  std::unique_ptr<TokenAuth> auth(new TokenAuth(state_dir));
  absl::Status loaded = auth->Reload(tokens);
  if (!loaded.ok()) {
    return loaded;
  }
  return auth;
}

absl::StatusOr<std::vector<TokenAuth::Entry>> TokenAuth::EntriesFor(
    const std::vector<config::AdminToken>& tokens, std::string* generated_path) const {
  std::vector<Entry> entries;
  generated_path->clear();
  for (const config::AdminToken& token : tokens) {
    entries.push_back({token.token, Principal{token.role, token.name}});
  }
  if (entries.empty()) {
    bool generated = false;
    absl::StatusOr<std::string> secret = LoadOrGenerateToken(state_dir_, &generated);
    if (!secret.ok()) {
      return secret.status();
    }
    entries.push_back({*std::move(secret), Principal{config::Role::kOwner, "generated"}});
    *generated_path = (std::filesystem::path(state_dir_) / kGeneratedTokenFile).string();
  }
  return entries;
}

absl::Status TokenAuth::Reload(const std::vector<config::AdminToken>& tokens) {
  std::string generated_path;
  absl::StatusOr<std::vector<Entry>> entries = EntriesFor(tokens, &generated_path);
  if (!entries.ok()) {
    return entries.status();
  }
  auto shared = std::make_shared<const std::vector<Entry>>(*std::move(entries));
  std::lock_guard lock(mutex_);
  entries_ = std::move(shared);
  generated_path_ = std::move(generated_path);
  return absl::OkStatus();
}

absl::StatusOr<Principal> TokenAuth::Authenticate(std::string_view authorization) const {
  std::shared_ptr<const std::vector<Entry>> entries;
  {
    std::lock_guard lock(mutex_);
    entries = entries_;
  }
  if (authorization.empty()) {
    return absl::UnauthenticatedError("missing Authorization: Bearer <token> header");
  }
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(Sv(authorization.substr(0, kScheme.size())), Sv(kScheme))) {
    return absl::UnauthenticatedError("the Authorization header must be 'Bearer <token>'");
  }
  const std::string_view presented = authorization.substr(kScheme.size());
  // Every token is compared (no early exit), so the time says nothing about which matched.
  const Entry* match = nullptr;
  for (const Entry& entry : *entries) {
    if (ConstantTimeEquals(entry.secret, presented) && match == nullptr) {
      match = &entry;
    }
  }
  if (match == nullptr) {
    return absl::UnauthenticatedError("unknown token");
  }
  return match->principal;
}

std::string TokenAuth::generated_path() const {
  std::lock_guard lock(mutex_);
  return generated_path_;
}

}  // namespace confab::api
