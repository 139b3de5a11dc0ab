#include "static_response.hpp"

#include <cctype>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace roundhouse::dashboard_web {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_commas(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    auto comma = s.find(',');
    out.push_back(trim(s.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// "W/\"x\"" and "\"x\"" compare equal under the weak comparison.
std::string_view opaque_tag(std::string_view tag) {
  if (tag.size() >= 2 && (tag[0] == 'W' || tag[0] == 'w') && tag[1] == '/') tag.remove_prefix(2);
  return tag;
}

// Content-Security-Policy of the page: everything from this origin, nothing inline, no framing.
constexpr const char* kPagePolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

}  // namespace

bool accepts_gzip(const std::string& accept_encoding) {
  bool star = false, gzip = false, gzip_listed = false;
  for (auto item : split_commas(accept_encoding)) {
    auto semi = item.find(';');
    auto coding = trim(item.substr(0, semi));
    double q = 1.0;
    if (semi != std::string_view::npos) {
      auto param = trim(item.substr(semi + 1));
      if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=')
        q = std::strtod(std::string(param.substr(2)).c_str(), nullptr);
    }
    if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) {
      gzip_listed = true;
      gzip = q > 0;
    } else if (coding == "*") {
      star = q > 0;
    }
  }
  return gzip_listed ? gzip : star;
}

bool etag_matches(const std::string& if_none_match, const std::string& etag) {
  if (trim(if_none_match) == "*") return true;
  for (auto tag : split_commas(if_none_match))
    if (!tag.empty() && opaque_tag(tag) == opaque_tag(etag)) return true;
  return false;
}

HttpResponse serve_asset(const Asset& asset, const HttpRequest& request) {
  const bool gzip = !asset.gzip_body.empty() && accepts_gzip(request.header("accept-encoding"));
  const std::string& etag = gzip ? asset.gzip_etag : asset.etag;

  HttpResponse r;
  r.headers["ETag"] = etag;
  // Hashed names never change content: cache for a year. The page itself is revalidated on every
  // load (a cheap 304), so a new build is picked up at once.
  r.headers["Cache-Control"] = asset.immutable ? "public, max-age=31536000, immutable" : "no-cache";
  if (!asset.gzip_body.empty()) r.headers["Vary"] = "Accept-Encoding";
  r.headers["X-Content-Type-Options"] = "nosniff";
  if (asset.content_type.starts_with("text/html")) {
    r.headers["Content-Security-Policy"] = kPagePolicy;
    r.headers["Referrer-Policy"] = "no-referrer";
  }
  if (auto inm = request.header("if-none-match"); !inm.empty() && etag_matches(inm, etag)) {
    r.status = 304;
    return r;
  }
  r.content_type = asset.content_type;
  r.body = gzip ? asset.gzip_body : asset.body;
  if (gzip) r.headers["Content-Encoding"] = "gzip";
  return r;
}

}  // namespace roundhouse::dashboard_web
