// SyncEngine's fleet mirror: fleet domain events -> server writes of the sync state (fleet_mirror.hpp).
//
// The subscription's handler only gathers (it runs inside the store's read and must not append);
// catch_up() stores the gathered writes as server writes (parts of at most kMirrorWriteKeys fields)
// whose last event carries the position of the last fleet event they cover. A restart resumes after that position (or after the StateStore
// checkpoint of a stretch that changed nothing), so each fleet change is mirrored exactly once.
#include <chrono>

#include "engine_detail.hpp"
#include "fleet_mirror.hpp"
#include "sync_engine.hpp"

namespace roundhouse::sync {
namespace json = boost::json;

namespace {
constexpr std::string_view kCheckpointNs = "sync-mirror";
constexpr std::chrono::seconds kCatchUpWait{10};  // a pull answers with what is mirrored by then
constexpr std::size_t kMirrorWriteKeys = 4096;     // fields per server write (one sync-log event)
}  // namespace

SyncEngine::~SyncEngine() { stop_mirror(); }

Status SyncEngine::start_mirror(const Services& services) {
  SubscribeOptions opts;
  {
    std::lock_guard lock(mu_);
    std::lock_guard mlock(mirror_mu_);
    if (mirror_ || config_.mirror.empty() || !services.registry) return {};
    auto mirror = std::make_unique<FleetMirror>(store_, services.registry, config_.mirror);
    if (mirror->stream_types().empty()) return {};  // no fleet plugin: nothing to mirror
    if (auto saved = store_->state_store()->load(kCheckpointNs, tenant_); saved && *saved)
      mirrored_through_ = std::max(mirrored_through_, (*saved)->position);
    opts.name = "sync-mirror:" + tenant_;
    opts.after_position = mirrored_through_;
    opts.filter.aggregate_types = mirror->stream_types();
    opts.filter.tenant = tenant_;
    mirror_ = std::move(mirror);
    mirror_batch_ = {};
    mirror_batch_.through = mirrored_through_;
  }
  std::shared_ptr<Subscription> sub =
      store_->subscribe(std::move(opts), [this](const RecordedEvent& e) { return mirror_event(e); });
  std::lock_guard lock(mu_);
  mirror_sub_ = std::move(sub);
  return {};
}

void SyncEngine::stop_mirror() {
  std::shared_ptr<Subscription> sub;
  {
    std::lock_guard lock(mu_);
    sub = std::move(mirror_sub_);
  }
  if (sub) sub->stop();  // outside the lock: the handler may be waiting for it
}

Status SyncEngine::catch_up() {
  std::shared_ptr<Subscription> sub;
  {
    std::lock_guard lock(mu_);
    sub = mirror_sub_;
  }
  if (sub)
    if (auto head = store_->head_position()) sub->wait_for(*head, kCatchUpWait);
  std::lock_guard lock(mu_);
  if (auto st = follow(); !st) return st;  // another host may have mirrored these events already
  return flush_mirror();
}

json::object SyncEngine::mirror_status() const {
  std::lock_guard lock(mu_);
  json::array types;
  for (const auto& t : config_.mirror) types.push_back(json::string(t));
  json::object out{{"types", std::move(types)}, {"position", mirrored_through_}, {"state", "off"}};
  if (mirror_sub_) {
    out["state"] = std::string(to_string(mirror_sub_->state()));
    if (auto err = mirror_sub_->error()) out["error"] = err->message;
  }
  return out;
}

Status SyncEngine::mirror_event(const RecordedEvent& e) {
  std::lock_guard lock(mirror_mu_);
  auto& batch = mirror_batch_;
  if (!mirror_ || e.position <= batch.through) return {};
  auto changes = mirror_->changes(e);
  if (!changes) return changes.error();
  EventMetadata meta;
  try {
    meta = e.metadata_parsed();
  } catch (const std::exception&) {
    // unreadable metadata: mirrored as a change by nobody known
  }
  for (auto& [key, value] : *changes) {
    // A later change of the key replaces an earlier one.
    batch.writes[key] = {std::move(value), meta.device, e.position};
    batch.actors[key] = meta.actor;
  }
  batch.through = e.position;
  ++batch.events;
  return {};
}

bool SyncEngine::mirror_skips(const std::string& key, const Value& value, const std::string& device) const {
  const auto* reg = log_.state().get(key);
  if (!reg || reg->empty()) return std::holds_alternative<std::monostate>(value);  // never synced, gone
  ReplicaId from = 0;  // the device whose operation the fleet event carried out
  if (auto d = devices_.find(device); !device.empty() && d != devices_.end()) from = d->second.replica;
  bool same = true;
  for (const auto& [dot, fv] : *reg) {
    if (from && dot.replica == from) return true;  // the device's own value, echoed by its command
    same = same && fv.value == value;
  }
  return same;
}

Status SyncEngine::flush_mirror() {
  MirrorBatch batch;
  {
    std::lock_guard lock(mirror_mu_);
    if (mirror_batch_.events == 0) return {};
    batch = std::move(mirror_batch_);
    mirror_batch_ = {};
    mirror_batch_.through = batch.through;
  }
  // Stored in parts of at most kMirrorWriteKeys fields; only the last carries the checkpoint (a stop
  // in between re-gathers the rest after a restart, and the parts already stored then change nothing).
  std::vector<std::pair<std::map<std::string, std::optional<Value>>, json::object>> parts(1);
  for (const auto& [key, w] : batch.writes) {
    // Every host mirrors the same fleet events: what another host's server write already covers
    // (its fleet_position) is not written again, and an unchanged field is skipped anyway.
    if (w.at <= mirrored_through_ || mirror_skips(key, w.value, w.device)) continue;
    if (parts.back().first.size() == kMirrorWriteKeys) parts.emplace_back();
    parts.back().first.emplace(key, std::holds_alternative<std::monostate>(w.value) ? std::nullopt
                                                                                    : std::optional<Value>(w.value));
    parts.back().second[key] = batch.actors[key];
  }
  Status st;
  for (std::size_t i = 0; st && i < parts.size() && !parts[i].first.empty(); ++i) {
    json::object extra{{"actors", std::move(parts[i].second)}};
    if (i + 1 == parts.size()) extra["fleet_position"] = batch.through;
    st = write_server(parts[i].first, {}, "sync-mirror", std::move(extra), false);
  }
  // Nothing to write: the checkpoint goes to the StateStore instead (unless another host's is newer).
  if (parts.front().first.empty() && batch.through > mirrored_through_)
    (void)store_->state_store()->save(kCheckpointNs, tenant_, {batch.through, {}, now_micros()});
  if (!st) {
    // Not stored: put the batch back under what was gathered since (newer changes win).
    std::lock_guard lock(mirror_mu_);
    for (auto& [key, w] : batch.writes) mirror_batch_.writes.try_emplace(key, std::move(w));
    for (auto& [key, a] : batch.actors) mirror_batch_.actors.emplace(key, a);
    mirror_batch_.events += batch.events;
    return st;
  }
  mirrored_through_ = std::max(mirrored_through_, batch.through);
  return {};
}

void SyncEngine::note_server_write(const json::object& payload, const ChangeSet& delta) {
  if (const auto* p = payload.if_contains("fleet_position"); p && p->is_number())
    mirrored_through_ = std::max(mirrored_through_, p->to_number<Position>());
  const json::object* actors = nullptr;
  if (const auto* a = payload.if_contains("actors"); a && a->is_object()) actors = &a->get_object();
  for (const auto& [key, reg] : delta.entries()) {
    std::string actor;
    if (actors)
      if (const auto* x = actors->if_contains(key); x && x->is_string()) actor = std::string(x->get_string());
    for (const auto& [dot, _] : reg) {
      auto run = server_writer_.upper_bound(dot.counter);
      const bool same_run = run != server_writer_.begin() && std::prev(run)->second == actor;
      if (!same_run && !(server_writer_.empty() && actor.empty())) server_writer_[dot.counter] = actor;
    }
  }
}

}  // namespace roundhouse::sync
