#include "problem.hpp"
#include "roundhouse/core/json_text.hpp"

#include <boost/json/serialize.hpp>

namespace roundhouse::host {
namespace json = boost::json;

Response Response::json(int status, const boost::json::value& value) {
  Response r;
  r.status = status;
  r.body = to_json_text(value);
  return r;
}

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument: return 400;
    case ErrorCode::unauthenticated: return 401;
    case ErrorCode::forbidden: return 403;
    case ErrorCode::not_found: return 404;
    case ErrorCode::wrong_expected_version: return 409;
    case ErrorCode::duplicate_event: return 409;
    case ErrorCode::payload_too_large: return 413;
    case ErrorCode::schema_violation: return 422;
    case ErrorCode::rule_violation: return 422;
    case ErrorCode::unavailable: return 503;
    case ErrorCode::io_error:
    case ErrorCode::corrupted:
    case ErrorCode::incompatible:
    case ErrorCode::internal: return 500;
  }
  return 500;
}

namespace {

std::string_view title_for(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 422: return "Unprocessable Content";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return status < 500 ? "Client Error" : "Server Error";
  }
}

}  // namespace

Response problem(int status, std::string_view code, std::string_view detail, std::string_view instance,
                 const std::vector<SchemaViolation>& errors) {
  json::object o;
  o["type"] = "urn:roundhouse:problem:" + std::string(code);
  o["title"] = title_for(status);
  o["status"] = status;
  o["detail"] = detail;
  o["code"] = code;
  o["instance"] = instance;
  if (!errors.empty()) {
    json::array list;
    for (const auto& e : errors) list.push_back(json::object{{"path", e.path}, {"message", e.message}});
    o["errors"] = std::move(list);
  }
  Response r = Response::json(status, o);
  r.content_type = "application/problem+json";
  return r;
}

Response problem(const Error& error, std::string_view instance) {
  if (error.code == ErrorCode::schema_violation || error.code == ErrorCode::rule_violation) {
    // Keep the failing path machine-readable when the message carries one.
    if (!error.message.empty() && (error.message.front() == '/' || error.message.starts_with("(root)")))
      return problem(http_status(error.code), to_string(error.code), error.message, instance,
                     {violation_from_message(error.message)});
  }
  return problem(http_status(error.code), to_string(error.code), error.message, instance);
}

SchemaViolation violation_from_message(const std::string& message, const std::string& base) {
  const auto sep = message.find(": ");
  if (sep == std::string::npos || (message.front() != '/' && !message.starts_with("(root)")))
    return {base, message};
  std::string pointer = message.substr(0, sep);
  if (pointer == "(root)") pointer.clear();
  return {base + pointer, message.substr(sep + 2)};
}

}  // namespace roundhouse::host
