#include "auth.hpp"

#include <openssl/sha.h>

namespace roundhouse::host {
namespace {

std::array<unsigned char, 32> digest(std::string_view text) {
  std::array<unsigned char, 32> out{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), out.data());
  return out;
}

Error unauthenticated(std::string message) { return Error{ErrorCode::unauthenticated, std::move(message)}; }

}  // namespace

Authenticator::Authenticator(std::vector<ApiKey> keys, std::string jwt_secret, std::chrono::seconds jwt_leeway)
    : jwt_secret_(std::move(jwt_secret)), jwt_leeway_(jwt_leeway) {
  for (auto& k : keys) {
    Principal p;
    p.subject = std::move(k.name);
    p.tenant = std::move(k.tenant);
    p.roles = std::move(k.roles);
    keys_.insert_or_assign(digest(k.key), std::move(p));
  }
}

Result<Principal> Authenticator::authenticate(std::string_view authorization) const {
  if (authorization.empty()) return unauthenticated("missing bearer token (Authorization: Bearer <token>)");
  constexpr std::string_view scheme = "bearer ";
  if (authorization.size() <= scheme.size() ||
      !std::equal(scheme.begin(), scheme.end(), authorization.begin(),
                  [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); }))
    return unauthenticated("the Authorization header must use the Bearer scheme");
  std::string_view token = authorization.substr(scheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return unauthenticated("empty bearer token");

  if (auto it = keys_.find(digest(token)); it != keys_.end()) return it->second;
  // header.payload.signature: a JWT; anything else was meant as an API key.
  if (std::count(token.begin(), token.end(), '.') == 2) {
    if (jwt_secret_.empty()) return unauthenticated("JWT bearer tokens are not enabled on this server");
    return verify_jwt(token, jwt_secret_, jwt_leeway_);
  }
  return unauthenticated("unknown API key");
}

}  // namespace roundhouse::host
