// HS256 JWT verification through Poco::JWT; claims are read with Boost.JSON like every other
// document in the host.
#include <Poco/Exception.h>
#include <Poco/JWT/JWTException.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>

#include <sstream>

#include <boost/json/parse.hpp>

#include "auth.hpp"
#include "roundhouse/core/time.hpp"

namespace roundhouse::host {
namespace json = boost::json;

namespace {

Error unauthenticated(std::string message) { return Error{ErrorCode::unauthenticated, std::move(message)}; }

std::optional<std::int64_t> numeric_claim(const json::object& claims, const char* name) {
  const json::value* v = claims.if_contains(name);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  if (v->is_double()) return static_cast<std::int64_t>(v->get_double());
  return std::nullopt;
}

}  // namespace

Result<Principal> verify_jwt(std::string_view token, const std::string& secret, std::chrono::seconds leeway) {
  json::object claims;
  try {
    Poco::JWT::Signer signer(secret);  // allows HS256 only: "none" and other algorithms are refused
    Poco::JWT::Token verified = signer.verify(std::string(token));
    std::ostringstream text;
    verified.payload().stringify(text);
    json::value parsed = json::parse(text.str());
    if (!parsed.is_object()) return unauthenticated("JWT payload is not a JSON object");
    claims = std::move(parsed.get_object());
  } catch (const Poco::JWT::SignatureVerificationException&) {
    return unauthenticated("JWT signature does not verify");
  } catch (const Poco::Exception& ex) {
    return unauthenticated("malformed JWT: " + ex.displayText());
  } catch (const std::exception& ex) {
    return unauthenticated(std::string("malformed JWT: ") + ex.what());
  }

  const std::int64_t now = now_micros() / 1'000'000;
  const auto exp = numeric_claim(claims, "exp");
  if (!exp) return unauthenticated("JWT has no numeric exp claim");
  if (now > *exp + leeway.count()) return unauthenticated("JWT expired");
  if (auto nbf = numeric_claim(claims, "nbf"); nbf && now + leeway.count() < *nbf)
    return unauthenticated("JWT is not valid yet (nbf)");

  Principal p;
  const json::value* tenant = claims.if_contains("tenant");
  if (!tenant || !tenant->is_string() || tenant->get_string().empty())
    return unauthenticated("JWT has no tenant claim");
  p.tenant = std::string(tenant->get_string());
  if (const json::value* sub = claims.if_contains("sub"); sub && sub->is_string())
    p.subject = std::string(sub->get_string());
  else
    p.subject = "jwt";
  // roles: ["reader", ...] or a space-separated string (the OAuth "scope" habit).
  if (const json::value* roles = claims.if_contains("roles")) {
    if (roles->is_array()) {
      for (const auto& r : roles->get_array())
        if (r.is_string()) p.roles.emplace_back(r.get_string());
    } else if (roles->is_string()) {
      std::istringstream words{std::string(roles->get_string())};
      for (std::string w; words >> w;) p.roles.push_back(w);
    }
  }
  return p;
}

}  // namespace roundhouse::host
