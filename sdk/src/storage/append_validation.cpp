#include "append_validation.hpp"

#include <cctype>
#include <unordered_set>

#include <boost/json/serialize.hpp>

namespace roundhouse::detail {
namespace {

constexpr std::size_t kMaxNameBytes = 256;

bool valid_type_name(const std::string& s) {
  if (s.empty() || s.size() > kMaxNameBytes) return false;
  const auto first = static_cast<unsigned char>(s[0]);
  if (!std::isalpha(first)) return false;
  for (char c : s) {
    const auto uc = static_cast<unsigned char>(c);
    if (!(std::isalnum(uc) || c == '_' || c == '-' || c == '.')) return false;
  }
  return true;
}

// Stream ids are addressed in URLs (/events/{type}/{id}): no '/', no control characters.
bool valid_stream_id(const std::string& s) {
  if (s.empty() || s.size() > kMaxNameBytes) return false;
  for (char c : s) {
    const auto uc = static_cast<unsigned char>(c);
    if (uc < 0x20 || uc == 0x7F || c == '/') return false;
  }
  return true;
}

Error invalid(std::string message) { return Error{ErrorCode::invalid_argument, std::move(message)}; }

}  // namespace

Result<PreparedAppend> prepare_append(AppendRequest&& request, const LogStoreOptions& options) {
  if (!valid_type_name(request.stream.type))
    return invalid("stream type '" + request.stream.type +
                   "' must start with a letter and contain only letters, digits, '_', '-', '.' (max 256 bytes)");
  if (!valid_stream_id(request.stream.id))
    return invalid("stream id '" + request.stream.id +
                   "' must be 1-256 bytes without '/' or control characters");
  if (request.events.empty()) return invalid("an append needs at least one event");
  if (request.events.size() > options.max_events_per_append)
    return Error{ErrorCode::payload_too_large, "an append may carry at most " +
                                                   std::to_string(options.max_events_per_append) + " events"};

  PreparedAppend out;
  out.stream = std::move(request.stream);
  out.expected = request.expected;
  out.tenant = std::move(request.tenant);
  out.events.reserve(request.events.size());
  std::unordered_set<Uuid, UuidHash> seen;
  for (std::size_t i = 0; i < request.events.size(); ++i) {
    NewEvent& in = request.events[i];
    const std::string where = "events[" + std::to_string(i) + "]";
    if (!valid_type_name(in.type))
      return invalid(where + ".type '" + in.type +
                     "' must start with a letter and contain only letters, digits, '_', '-', '.'");
    if (!in.payload.is_object()) return invalid(where + ".payload must be a JSON object");
    if (in.id.is_nil()) in.id = Uuid::generate_v7();
    else out.has_client_ids = true;
    if (!seen.insert(in.id).second) return invalid(where + ".id " + in.id.to_string() + " appears twice");
    in.metadata.tenant = out.tenant;

    RecordedEvent e;
    e.stream = out.stream;
    e.id = in.id;
    e.type = std::move(in.type);
    e.occurred_at = in.occurred_at;
    e.tenant = out.tenant;
    e.payload = boost::json::serialize(in.payload);
    e.metadata = boost::json::serialize(in.metadata.to_json());
    if (e.payload.size() + e.metadata.size() > options.max_event_bytes)
      return Error{ErrorCode::payload_too_large, where + " is " + std::to_string(e.payload.size() + e.metadata.size()) +
                                                     " bytes; the limit is " + std::to_string(options.max_event_bytes)};
    out.events.push_back(std::move(e));
  }
  return out;
}

}  // namespace roundhouse::detail
