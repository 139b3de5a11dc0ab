#pragma once
// Bearer-token authentication. A token is either a static API key from the configuration or an
// HS256 JWT (claims: sub, tenant, roles, exp, optional nbf) signed with the configured secret.
// Either way the caller becomes a Principal with a tenant and roles.
//
// Immutable after construction; authenticate() is thread-safe. Keys are compared by SHA-256 digest,
// so lookup time does not depend on how much of a guessed key is right.

#include <array>
#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"
#include "roundhouse/core/status.hpp"
#include "roundhouse/http/route.hpp"

namespace roundhouse::host {

class Authenticator {
 public:
  Authenticator(std::vector<ApiKey> keys, std::string jwt_secret, std::chrono::seconds jwt_leeway);

  // `authorization` is the raw header value. unauthenticated (missing, malformed, unknown key,
  // bad signature, expired) with a one-line reason.
  Result<Principal> authenticate(std::string_view authorization) const;

  bool accepts_jwt() const { return !jwt_secret_.empty(); }
  std::size_t key_count() const { return keys_.size(); }

 private:
  using Digest = std::array<unsigned char, 32>;
  std::map<Digest, Principal> keys_;
  std::string jwt_secret_;
  std::chrono::seconds jwt_leeway_;
};

// Verifies an HS256 JWT and reads its claims (jwt.cpp, Poco::JWT).
Result<Principal> verify_jwt(std::string_view token, const std::string& secret, std::chrono::seconds leeway);

// When the configuration has no API keys and no JWT secret the host would be unusable, so it
// creates one admin key for tenant "default" (like Jupyter's token): reused from
// <data_dir>/admin.key when that file exists, else generated and written there with mode 0600.
// Returns the key and whether it was freshly generated.
struct AdminKey {
  std::string key;
  std::filesystem::path file;
  bool generated = false;
};
Result<AdminKey> ensure_admin_key(const std::filesystem::path& data_dir);

}  // namespace roundhouse::host
