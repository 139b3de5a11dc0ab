#include "sync_client.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <thread>

#include <boost/json.hpp>

#include "../engine/base64.hpp"
#include "../engine/value_json.hpp"
#include "roundhouse/core/time.hpp"
#include "roundhouse/sync/wire.hpp"

namespace roundhouse::sync::client {
namespace json = boost::json;

namespace {

bool retryable(int status) { return status == 429 || status >= 500; }

// Pushes and pulls carry the wire bytes as they are (no base64, no JSON around them).
const std::string kBinary = "application/octet-stream";
const HttpBody kPullBody{{}, "application/json", kBinary};

// A query parameter's value, percent-encoded (a device id may hold '+', '&', '=').
std::string query_value(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::optional<std::uint64_t> number(const std::string& s) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

Error refused(const HttpReply& r) {
  std::string detail = r.body;
  try {
    auto v = json::parse(r.body);
    if (auto* d = v.as_object().if_contains("detail")) detail = std::string(d->as_string());
  } catch (...) {
  }
  ErrorCode code = r.status == 403 ? ErrorCode::forbidden
                   : r.status == 404 ? ErrorCode::not_found
                   : r.status == 401 ? ErrorCode::unauthenticated
                                     : ErrorCode::invalid_argument;
  return Error{code, "sync server refused (HTTP " + std::to_string(r.status) + "): " + detail};
}

}  // namespace

SyncClient::SyncClient(DeviceStore& store, HttpTransport transport, RetryPolicy retry, Sleeper sleep)
    : store_(store), transport_(std::move(transport)), retry_(retry), sleep_(std::move(sleep)),
      jitter_state_(store.replica().id() * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(now_micros())) {
  if (!sleep_) sleep_ = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
}

Result<ReplicaId> SyncClient::register_device(const HttpTransport& admin, const std::string& device_id,
                                              const std::string& name, const std::string& depot,
                                              const std::string& role) {
  json::object body{{"device_id", device_id}, {"name", name}, {"depot", depot}};
  if (!role.empty()) body["role"] = role;
  auto r = admin.request("POST", "/api/v1/sync/devices/register", json::serialize(body));
  if (!r) return r.error();
  if (r->status != 201) return refused(*r);
  return json::parse(r->body).as_object().at("replica_id").to_number<std::uint64_t>();
}

Result<SyncClient::Enrolment> SyncClient::enrol(const HttpTransport& admin, const std::filesystem::path& path,
                                                const std::string& device_id, const std::string& name,
                                                const std::string& depot, const std::string& role, RetryPolicy retry) {
  auto replica = register_device(admin, device_id, name, depot, role);
  if (!replica) return replica.error();
  auto store = DeviceStore::create(path, device_id, *replica);
  if (!store) return store.error();
  Enrolment out{std::move(*store), {}, {}};
  SyncClient first(*out.store, admin, retry);
  if (auto r = first.sync()) out.report = std::move(*r);
  else out.initial_pull = r.error();
  return out;
}

Result<HttpReply> SyncClient::call(const std::string& method, const std::string& target, const HttpBody& body,
                                   SyncReport& report) {
  std::chrono::milliseconds backoff = retry_.base;
  for (int attempt = 1;; ++attempt) {
    ++report.attempts;
    auto r = transport_.request(method, target, body);
    const bool again = !r.ok() || retryable(r->status);
    if (!again) return r;
    if (attempt >= retry_.max_attempts) return r.ok() ? Result<HttpReply>(refused(*r)) : r;
    // Full jitter: a uniform wait in [0, backoff], so reconnecting devices do not stampede.
    jitter_state_ = jitter_state_ * 6364136223846793005ull + 1442695040888963407ull;
    const auto wait = std::chrono::milliseconds((jitter_state_ >> 33) % (backoff.count() + 1));
    sleep_(wait);
    backoff = std::min(retry_.cap, backoff * 2);
  }
}

Status SyncClient::push(SyncReport& report, std::optional<HttpTransport::InFlight>& pull_sent) {
  // At most a few rounds: a reply may acknowledge less than sent (the server lost an earlier
  // batch's ack or asks for a resend from a point), after which the queue is pushed again.
  for (int round = 0; round < 4 && store_.replica().pending(); ++round) {
    const std::uint64_t before = store_.replica().acked();
    const std::string target = "/api/v1/sync/push?device_id=" + query_value(store_.device_id()) +
                               "&first_op=" + std::to_string(store_.replica().first_pending());
    auto r = call("POST", target, HttpBody{wire::encode(store_.replica().batch()), kBinary}, report);
    if (!r) return r.error();
    if (r->status != 200) return refused(*r);
    // One arena for the reply's values: its conflict list can hold a key per operation.
    json::monotonic_resource arena;
    const json::value parsed = json::parse(r->body, &arena);
    const json::object& reply = parsed.as_object();
    const auto acked = reply.at("acked").to_number<std::uint64_t>();
    // The whole queue is in (the queue holds operations acked + 1 .. acked + pending): the pull goes
    // out now, and the server answers it while this reply is recorded. Its answer does not depend on
    // these records; if it cannot go out, pull() asks again.
    if (acked >= before + store_.replica().pending())
      if (auto sent = transport_.start("GET", pull_target(), kPullBody); sent) ++report.attempts, pull_sent.emplace(std::move(*sent));
    // Synced with the pull's record (or at the end of sync()): a lost ack only costs a resend.
    if (auto st = store_.record_ack(acked, DeviceStore::Durability::with_next); !st) return st;
    const auto& conflicts = reply.at("conflicts").as_array();
    report.conflicts.reserve(report.conflicts.size() + conflicts.size());
    for (const auto& k : conflicts) report.conflicts.emplace_back(k.as_string());
    if (auto st = dead_letter(reply, report); !st) return st;
    report.pushed_ops += store_.replica().acked() - before;
  }
  return {};
}

Status SyncClient::dead_letter(const json::object& reply, SyncReport& report) {
  const auto* refused = reply.if_contains("refused");
  if (!refused || !refused->is_array()) return {};
  for (const auto& x : refused->get_array()) {
    const auto* o = x.if_object();
    const auto* value = o ? o->if_contains("value") : nullptr;
    auto v = value ? value_from_json(*value) : Result<Value>(Error{ErrorCode::invalid_argument, "no value"});
    if (!o || !v || !o->contains("op_seq") || !o->at("key").is_string())
      return {ErrorCode::invalid_argument, "the server sent a malformed refusal: " + json::serialize(x)};
    DeadLetter d{o->at("op_seq").to_number<std::uint64_t>(), std::string(o->at("key").as_string()), *v,
                 o->contains("code") ? std::string(o->at("code").as_string()) : "refused",
                 o->contains("status") ? static_cast<int>(o->at("status").to_number<std::int64_t>()) : 409,
                 o->contains("reason") ? std::string(o->at("reason").as_string()) : ""};
    auto added = store_.record_refusal(d);
    if (!added) return added.error();
    if (*added) report.refused.push_back(std::move(d));
  }
  return {};
}

std::string SyncClient::pull_target() const {
  return "/api/v1/sync/pull/" + store_.device_id() + "?cursor=" + std::to_string(store_.replica().cursor());
}

Status SyncClient::pull(SyncReport& report, std::optional<HttpTransport::InFlight> pull_sent) {
  Result<HttpReply> r = Error{ErrorCode::unavailable, "not sent"};
  if (pull_sent) r = pull_sent->finish();
  if (!pull_sent || !r || retryable(r->status)) r = call("GET", pull_target(), kPullBody, report);
  if (!r) return r.error();
  if (r->status != 200) return refused(*r);
  const auto now_ms = now_micros() / 1000;
  if (r->header("content-type") == kBinary) {
    const auto from = number(r->header("x-sync-from")), cursor = number(r->header("x-sync-cursor")),
               ops = number(r->header("x-sync-ops"));
    if (!from || !cursor || !ops) return {ErrorCode::invalid_argument, "the server sent a pull reply without its cursors"};
    if (auto st = store_.record_pull(r->body, *from, *cursor, now_ms); !st) return st;
    report.pulled_ops += *ops;
    return {};
  }
  // A host that answers in JSON only (older than binary pulls).
  auto reply = json::parse(r->body).as_object();
  auto bytes = base64_decode(reply.at("changes").as_string());
  if (!bytes) return {ErrorCode::invalid_argument, "the server sent changes that are not base64"};
  if (auto st = store_.record_pull(*bytes, reply.at("from").to_number<std::uint64_t>(),
                                   reply.at("cursor").to_number<std::uint64_t>(), now_ms);
      !st)
    return st;
  report.pulled_ops += reply.at("ops").to_number<std::uint64_t>();
  return {};
}

Result<SyncReport> SyncClient::sync() {
  SyncReport report;
  std::optional<HttpTransport::InFlight> pull_sent;
  Status st = push(report, pull_sent);
  if (st) st = pull(report, std::move(pull_sent));
  // Whatever this sync recorded is durable when it returns, whether it got through or not.
  if (auto flushed = store_.flush(); st && !flushed) st = flushed;
  if (!st) return st.error();
  report.acked = store_.replica().acked();
  report.cursor = store_.replica().cursor();
  return report;
}

}  // namespace roundhouse::sync::client
