#include "roundhouse/projections/projection_engine.hpp"

#include <atomic>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace roundhouse {

Projection::~Projection() = default;

namespace {

using Clock = std::chrono::steady_clock;

// One read model per tenant: a projection only ever sees its own tenant's events, so no query can
// leak another tenant's data whatever the projection does. Partitions are created on a tenant's
// first event; a tenant without events is answered by an empty instance.
class TenantPartitions {
 public:
  explicit TenantPartitions(ProjectionFactory factory) : factory_(std::move(factory)), empty_(factory_ ? factory_() : nullptr) {}
  bool valid() const { return empty_ != nullptr; }
  std::string name() const { return empty_->name(); }
  EventFilter filter() const { return empty_->filter(); }

  Status apply(const RecordedEvent& e) {
    auto& model = by_tenant_[e.tenant];
    if (!model) model = factory_();
    return model->apply(e);
  }
  // {"tenants": {"<tenant>": <that partition's save_state()>}}
  boost::json::value save_state() const {
    boost::json::object tenants;
    for (const auto& [tenant, model] : by_tenant_) tenants[tenant] = model->save_state();
    return boost::json::object{{"tenants", std::move(tenants)}};
  }
  Status restore_state(const boost::json::value& doc) {
    const auto* o = doc.if_object();
    const auto* tenants = o ? o->if_contains("tenants") : nullptr;
    if (!tenants || !tenants->is_object()) return {ErrorCode::corrupted, "saved projection state has no tenants"};
    for (const auto& [tenant, state] : tenants->get_object()) {
      auto model = factory_();
      if (auto st = model->restore_state(state); !st) return st;
      by_tenant_[std::string(tenant)] = std::move(model);
    }
    return {};
  }
  Result<boost::json::value> query(const std::string& tenant, const boost::json::object& params) const {
    auto it = by_tenant_.find(tenant);
    return (it == by_tenant_.end() ? *empty_ : *it->second).query(params);
  }

 private:
  ProjectionFactory factory_;
  std::unique_ptr<Projection> empty_;
  std::map<std::string, std::unique_ptr<Projection>> by_tenant_;
};

// One projection instance and the subscription feeding it.
struct Instance {
  std::unique_ptr<TenantPartitions> model;
  mutable std::shared_mutex mu;  // apply() exclusive; query()/save_state() shared
  std::unique_ptr<Subscription> sub;
  Position applied = 0;
  std::atomic<bool> checkpointing{false};  // only the serving instance saves checkpoints
  std::size_t since_save = 0;
  Clock::time_point last_save = Clock::now();
  Clock::duration last_save_cost{};  // how long the last checkpoint took to write
  std::optional<Position> failed_at;
  std::string error;
};

}  // namespace

struct ProjectionEngine::Impl {
  std::shared_ptr<EventStore> store;
  ProjectionEngineOptions options;
  std::shared_ptr<StateStore> states;

  struct Slot {
    std::string name;
    ProjectionFactory factory;
    std::shared_ptr<Instance> serving;
    std::shared_ptr<Instance> building;
    std::thread rebuild_thread;
    std::atomic<bool> cancel_rebuild{false};
    std::string rebuild_error;
  };
  mutable std::mutex mu;  // guards slots and the serving/building pointers
  std::map<std::string, std::unique_ptr<Slot>> slots;
  bool stopped = false;

  // Writes the instance's checkpoint and state in one document. Caller holds inst.mu (any mode).
  Status save_locked(const std::string& name, Instance& inst) {
    const auto started = Clock::now();
    StoredState doc{inst.applied, boost::json::serialize(inst.model->save_state()), now_micros()};
    Status st = states->save(options.state_namespace, name, doc);
    inst.since_save = 0;
    inst.last_save = Clock::now();
    inst.last_save_cost = inst.last_save - started;
    return st;
  }

  std::unique_ptr<Subscription> subscribe(const std::string& name, const std::shared_ptr<Instance>& inst) {
    SubscribeOptions so;
    so.name = "projection:" + name;
    so.after_position = inst->applied;
    so.filter = inst->model->filter();
    Instance* raw = inst.get();
    return store->subscribe(std::move(so), [this, raw, name](const RecordedEvent& e) -> Status {
      std::unique_lock lock(raw->mu);
      Status st = raw->model->apply(e);
      if (!st) {
        raw->failed_at = e.position;
        raw->error = st.message();
        return st;
      }
      raw->applied = e.position;
      // A checkpoint writes the whole model, so its cost grows with the model: the gap since the
      // last one must be at least 9x what that one took, which keeps checkpointing under ~10% of
      // a catch-up or rebuild instead of growing quadratically with the log.
      const auto since = Clock::now() - raw->last_save;
      if (raw->checkpointing &&
          (++raw->since_save >= options.checkpoint_every_events || since >= options.checkpoint_interval) &&
          since >= 9 * raw->last_save_cost) {
        Status saved = save_locked(name, *raw);
        if (!saved) return saved;  // a checkpoint we cannot write stops the projection visibly
      }
      return {};
    });
  }

  std::shared_ptr<Instance> fresh(const ProjectionFactory& factory) {
    auto inst = std::make_shared<Instance>();
    inst->model = std::make_unique<TenantPartitions>(factory);
    return inst;
  }

  void rebuild_loop(Slot* slot) {
    std::shared_ptr<Instance> building;
    {
      std::lock_guard lock(mu);
      building = slot->building;
    }
    for (;;) {
      if (slot->cancel_rebuild) return;
      auto head = store->head_position();
      if (!head) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
      building->sub->wait_for(*head, std::chrono::milliseconds(100));
      const auto state = building->sub->state();
      if (state == Subscription::State::failed || state == Subscription::State::stopped) {
        std::lock_guard lock(mu);
        slot->rebuild_error = building->error.empty() ? "rebuild stopped" : building->error;
        slot->building.reset();
        return;
      }
      if (state == Subscription::State::live && building->sub->position() >= *head) break;
    }
    std::shared_ptr<Instance> old;
    {
      std::unique_lock inst_lock(building->mu);
      building->checkpointing = true;
      (void)save_locked(slot->name, *building);
    }
    {
      std::lock_guard lock(mu);
      old = std::move(slot->serving);
      slot->serving = std::move(building);
      slot->building.reset();
      slot->rebuild_error.clear();
    }
    // The old instance keeps serving queries until here; its subscription is no longer needed.
    old->sub->stop();
  }

  ProjectionStatus status_of(const Slot& slot, Position head) const {
    ProjectionStatus s;
    s.name = slot.name;
    s.head = head;
    const auto& inst = *slot.serving;
    s.position = inst.sub->position();
    s.lag = head > s.position ? head - s.position : 0;
    s.state = std::string(to_string(inst.sub->state()));
    {
      std::shared_lock lock(inst.mu);
      s.failed_at = inst.failed_at;
      s.error = inst.error;
    }
    if (slot.building) {
      s.rebuilding = true;
      s.rebuild_position = slot.building->sub->position();
    } else if (!slot.rebuild_error.empty() && s.error.empty()) {
      s.error = "last rebuild failed: " + slot.rebuild_error;
    }
    return s;
  }
};

ProjectionEngine::ProjectionEngine(std::shared_ptr<EventStore> store, ProjectionEngineOptions options)
    : impl_(std::make_shared<Impl>()) {
  impl_->store = std::move(store);
  impl_->options = std::move(options);
  impl_->states = impl_->store->state_store();
}

ProjectionEngine::~ProjectionEngine() { stop(); }

Status ProjectionEngine::add(const ProjectionFactory& factory) {
  auto inst = impl_->fresh(factory);
  if (!inst->model->valid()) return {ErrorCode::invalid_argument, "projection factory returned nothing"};
  const std::string name = inst->model->name();
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopped) return {ErrorCode::unavailable, "projection engine is stopped"};
    if (impl_->slots.count(name)) return {ErrorCode::invalid_argument, "projection '" + name + "' already exists"};
  }
  // Resume from the saved state when it is readable; otherwise start from zero (it is only a cache).
  auto saved = impl_->states->load(impl_->options.state_namespace, name);
  if (saved && *saved) {
    boost::system::error_code ec;
    auto doc = boost::json::parse((*saved)->data, ec);
    if (!ec && inst->model->restore_state(doc)) {
      inst->applied = (*saved)->position;
    } else {
      inst = impl_->fresh(factory);
    }
  }
  inst->checkpointing = true;
  inst->sub = impl_->subscribe(name, inst);
  auto slot = std::make_unique<Impl::Slot>();
  slot->name = name;
  slot->factory = factory;
  slot->serving = inst;
  {
    std::lock_guard lock(impl_->mu);
    // Checked again: another add() of the same name may have won while the state was loading.
    if (!impl_->stopped && impl_->slots.emplace(name, std::move(slot)).second) return {};
  }
  inst->sub->stop();
  return impl_->stopped ? Status{ErrorCode::unavailable, "projection engine is stopped"}
                        : Status{ErrorCode::invalid_argument, "projection '" + name + "' already exists"};
}

std::vector<ProjectionStatus> ProjectionEngine::status() const {
  const auto h = impl_->store->head_position();
  const Position head = h ? *h : 0;
  std::vector<ProjectionStatus> out;
  std::lock_guard lock(impl_->mu);
  for (const auto& [_, slot] : impl_->slots) out.push_back(impl_->status_of(*slot, head));
  return out;
}

Result<ProjectionStatus> ProjectionEngine::status(const std::string& name) const {
  const auto h = impl_->store->head_position();
  const Position head = h ? *h : 0;
  std::lock_guard lock(impl_->mu);
  auto it = impl_->slots.find(name);
  if (it == impl_->slots.end()) return Error{ErrorCode::not_found, "no projection named '" + name + "'"};
  return impl_->status_of(*it->second, head);
}

Result<boost::json::value> ProjectionEngine::query(const std::string& name, const std::string& tenant,
                                                   const boost::json::object& params) const {
  std::shared_ptr<Instance> inst;
  {
    std::lock_guard lock(impl_->mu);
    auto it = impl_->slots.find(name);
    if (it == impl_->slots.end()) return Error{ErrorCode::not_found, "no projection named '" + name + "'"};
    inst = it->second->serving;
  }
  std::shared_lock lock(inst->mu);
  return inst->model->query(tenant, params);
}

Status ProjectionEngine::rebuild(const std::string& name) {
  std::lock_guard lock(impl_->mu);
  if (impl_->stopped) return {ErrorCode::unavailable, "projection engine is stopped"};
  auto it = impl_->slots.find(name);
  if (it == impl_->slots.end()) return {ErrorCode::not_found, "no projection named '" + name + "'"};
  auto& slot = *it->second;
  if (slot.building) return {};
  if (slot.rebuild_thread.joinable()) slot.rebuild_thread.join();  // a finished earlier rebuild
  slot.cancel_rebuild = false;
  slot.building = impl_->fresh(slot.factory);
  slot.building->sub = impl_->subscribe(name, slot.building);
  slot.rebuild_thread = std::thread([impl = impl_, s = &slot] { impl->rebuild_loop(s); });
  return {};
}

bool ProjectionEngine::wait_until(Position position, std::chrono::milliseconds timeout) const {
  const auto deadline = Clock::now() + timeout;
  std::vector<std::shared_ptr<Instance>> serving;
  {
    std::lock_guard lock(impl_->mu);
    for (const auto& [_, slot] : impl_->slots) serving.push_back(slot->serving);
  }
  bool all = true;
  for (const auto& inst : serving) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    all = inst->sub->wait_for(position, std::max(left, std::chrono::milliseconds(0))) && all;
  }
  // A subscription reaches the position event by event and reports itself live only after the
  // page that held it, so a caller that lists the statuses next could still see "catching_up".
  for (const auto& inst : serving)
    while (inst->sub->state() == Subscription::State::catching_up && Clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return all;
}

void ProjectionEngine::stop() {
  std::vector<Impl::Slot*> slots;
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopped) return;
    impl_->stopped = true;
    for (auto& [_, slot] : impl_->slots) slots.push_back(slot.get());
  }
  for (auto* slot : slots) {
    slot->cancel_rebuild = true;
    if (slot->rebuild_thread.joinable()) slot->rebuild_thread.join();
    std::shared_ptr<Instance> serving, building;
    {
      std::lock_guard lock(impl_->mu);
      serving = slot->serving;
      building = slot->building;
    }
    if (building) building->sub->stop();
    serving->sub->stop();
    std::unique_lock inst_lock(serving->mu);
    if (!serving->failed_at) (void)impl_->save_locked(slot->name, *serving);
  }
}

}  // namespace roundhouse
