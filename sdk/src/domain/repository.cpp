#include "roundhouse/domain/repository.hpp"

#include <charconv>
#include <optional>
#include <string_view>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "roundhouse/plugin/registry.hpp"

namespace roundhouse {

AggregateState::~AggregateState() = default;

namespace {

int schema_version_of(const boost::json::value& metadata) {
  if (const auto* o = metadata.if_object())
    if (const auto* v = o->if_contains("schema_version"); v && v->is_int64()) return static_cast<int>(v->get_int64());
  return 1;
}

// The schema version named in metadata text, read without parsing the JSON: 1 when the key is
// absent, nullopt when it is present but not a plain integer (the caller then parses properly).
std::optional<int> scan_schema_version(std::string_view metadata) {
  constexpr std::string_view key = "\"schema_version\"";
  const auto at = metadata.find(key);
  if (at == std::string_view::npos) return 1;
  std::size_t i = at + key.size();
  auto skip_space = [&] { while (i < metadata.size() && (metadata[i] == ' ' || metadata[i] == '\n' || metadata[i] == '\t' || metadata[i] == '\r')) ++i; };
  skip_space();
  if (i >= metadata.size() || metadata[i] != ':') return std::nullopt;
  ++i;
  skip_space();
  int v = 0;
  auto r = std::from_chars(metadata.data() + i, metadata.data() + metadata.size(), v);
  if (r.ec != std::errc{} || (r.ptr < metadata.data() + metadata.size() && *r.ptr != ',' && *r.ptr != '}' && *r.ptr != ' '))
    return std::nullopt;
  return v;
}

}  // namespace

Status upcast(const Registry& registry, RecordedEvent& event) {
  // Cheap path: an event whose schema version has no upcaster is current; deciding that must not
  // cost a JSON parse per event (replays and time travel call this for every event).
  if (auto v = scan_schema_version(event.metadata); v && !registry.upcasters.find(event.type + "@" + std::to_string(*v)))
    return {};
  boost::system::error_code ec;
  boost::json::value metadata = boost::json::parse(event.metadata, ec);
  if (ec) return {ErrorCode::corrupted, "event " + std::to_string(event.position) + " has unreadable metadata"};
  int version = schema_version_of(metadata);
  std::optional<boost::json::value> payload;
  while (auto up = registry.upcasters.find(event.type + "@" + std::to_string(version))) {
    if (!payload) {
      payload = boost::json::parse(event.payload, ec);
      if (ec) return {ErrorCode::corrupted, "event " + std::to_string(event.position) + " has an unreadable payload"};
    }
    auto next = up->value.upgrade(*payload);
    if (!next)
      return {next.error().code, "upcasting " + event.type + " v" + std::to_string(version) + " at position " +
                                     std::to_string(event.position) + ": " + next.error().message};
    payload = std::move(next).value();
    ++version;
  }
  if (payload) {
    event.payload = boost::json::serialize(*payload);
    if (metadata.is_object()) metadata.as_object()["schema_version"] = version;
    event.metadata = boost::json::serialize(metadata);
  }
  return {};
}

AggregateRepository::AggregateRepository(std::shared_ptr<EventStore> store, const Registry& registry,
                                         AggregateType type, std::size_t snapshot_every)
    : store_(std::move(store)), registry_(registry), type_(std::move(type)), snapshot_every_(snapshot_every) {}

Result<LoadedAggregate> AggregateRepository::load(const std::string& id, const std::optional<std::string>& tenant) const {
  return load_impl(id, tenant, snapshot_every_ > 0);
}

Result<LoadedAggregate> AggregateRepository::load_without_snapshot(const std::string& id) const {
  return load_impl(id, std::nullopt, false);
}

Result<LoadedAggregate> AggregateRepository::load_impl(const std::string& id, const std::optional<std::string>& tenant,
                                                       bool use_snapshot) const {
  LoadedAggregate out;
  out.state = type_.make();
  if (use_snapshot) {
    auto doc = store_->state_store()->load(snapshot_namespace(), id);
    if (doc && *doc) {
      boost::system::error_code ec;
      auto json = boost::json::parse((*doc)->data, ec);
      if (!ec && json.is_object() && out.state->from_json(json.get_object())) {
        out.version = out.snapshot_version = (*doc)->position;
      } else {
        out.state = type_.make();  // unreadable snapshot: it is only a cache, replay instead
      }
    }
  }
  ReadStreamOptions read;
  read.from_version = out.version + 1;
  read.tenant = tenant;
  auto events = store_->read_stream({type_.name, id}, read);
  if (!events) {
    if (events.error().code == ErrorCode::not_found) return LoadedAggregate{type_.make(), 0, {}, 0};
    return events.error();
  }
  out.tenant = tenant.value_or("");
  for (auto& e : *events) {
    if (auto st = upcast(registry_, e); !st) return st.error();
    if (auto st = out.state->apply(e); !st)
      return Error{ErrorCode::corrupted, type_.name + "/" + id + " version " + std::to_string(e.version) +
                                              " cannot be applied: " + st.message()};
    out.version = e.version;
    out.tenant = e.tenant;
  }
  return out;
}

Status AggregateRepository::maybe_snapshot(const std::string& id, const LoadedAggregate& loaded) const {
  if (snapshot_every_ == 0 || loaded.version < loaded.snapshot_version + snapshot_every_) return {};
  StoredState doc{loaded.version, boost::json::serialize(loaded.state->to_json()), now_micros()};
  return store_->state_store()->save(snapshot_namespace(), id, doc);
}

Status AggregateRepository::delete_snapshots() const { return store_->state_store()->clear(snapshot_namespace()); }

}  // namespace roundhouse
