#pragma once
// HTTP caching and content negotiation for the bundle's files: conditional GET (ETag /
// If-None-Match -> 304), gzip when the client accepts it, and the cache and security headers a
// browser needs. Pure functions of the asset and the request headers.

#include <string>

#include "asset_bundle.hpp"
#include "roundhouse/http/route.hpp"

namespace roundhouse::dashboard_web {

// True when an Accept-Encoding value allows gzip (by name or "*", with a q-value above 0).
bool accepts_gzip(const std::string& accept_encoding);

// True when an If-None-Match value ("*" or a list of entity tags) matches `etag` (weak comparison,
// as RFC 9110 13.1.2 asks for If-None-Match).
bool etag_matches(const std::string& if_none_match, const std::string& etag);

// The answer to GET/HEAD of `asset`: 200 with the representation the client accepts, or 304 when
// it already holds it. Always carries ETag, Cache-Control and (with a gzip twin) Vary.
HttpResponse serve_asset(const Asset& asset, const HttpRequest& request);

}  // namespace roundhouse::dashboard_web
