#include "live_projection.hpp"

#include <mutex>

#include "convert.hpp"
#include "json_bridge.hpp"
#include "nogil.hpp"
#include "roundhouse/plugin/registry.hpp"
#include "store.hpp"

namespace roundhouse::py {
namespace pyb = pybind11;
using namespace pybind11::literals;

namespace {

class LiveProjection {
 public:
  LiveProjection(std::shared_ptr<PyStore> owner, std::string name, std::string tenant)
      : owner_(std::move(owner)), name_(std::move(name)), tenant_(std::move(tenant)) {
    if (!owner_->registry().projections.find(name_)) {
      std::string known;
      for (const auto& e : owner_->registry().projections.list()) known += (known.empty() ? "" : ", ") + e.name;
      raise(ErrorCode::not_found, "no projection '" + name_ + "' (registered: " + (known.empty() ? "none" : known) + ")");
    }
  }

  // Folds what was committed since the last call. Call without the GIL.
  Result<Position> refresh() {
    std::lock_guard lock(mu_);
    return refresh_locked();
  }

  Result<boost::json::value> query(const boost::json::object& params) {
    std::lock_guard lock(mu_);
    if (auto r = refresh_locked(); !r) return r.error();
    return projection_->query(params);
  }

  const std::string& name() const { return name_; }
  const std::string& tenant() const { return tenant_; }
  Position position() const {
    std::lock_guard lock(mu_);
    return position_;
  }
  std::size_t events() const {
    std::lock_guard lock(mu_);
    return events_;
  }

 private:
  Result<Position> refresh_locked() {
    const Registry& registry = owner_->registry();
    const std::size_t kpis = registry.kpis.list().size();
    if (!projection_ || kpis != kpi_count_) {  // new KPIs join only a fresh analytics model
      auto factory = registry.projections.find(name_);
      projection_ = factory->value();
      if (!projection_) return Error{ErrorCode::internal, "projection factory '" + name_ + "' returned nothing"};
      kpi_count_ = kpis;
      position_ = 0;
      events_ = 0;
    }
    std::shared_ptr<EventStore> store;
    try {
      store = owner_->store();
    } catch (const NativeError& e) {
      return e.error();
    }
    auto head = store->head_position();
    if (!head) return head.error();
    if (*head <= position_) return position_;
    ReadAllOptions o;
    o.from_position = position_ + 1;
    o.filter = projection_->filter();
    o.filter.tenant = tenant_;
    Status failure;
    auto st = store->read_all(o, [&](const RecordedEvent& e) {
      if (e.position > *head) return false;
      if (auto a = projection_->apply(e); !a) {
        failure = Status{a.code(), "projection " + name_ + " refused the event at position " + std::to_string(e.position) +
                                       ": " + a.message()};
        return false;
      }
      ++events_;
      return true;
    });
    if (!st || !failure) {
      projection_.reset();  // a half-applied model is not trusted: the next call folds afresh
      return !st ? st.error() : failure.error();
    }
    position_ = *head;
    return position_;
  }

  std::shared_ptr<PyStore> owner_;
  std::string name_, tenant_;
  mutable std::mutex mu_;
  std::unique_ptr<Projection> projection_;
  std::size_t kpi_count_ = 0;
  Position position_ = 0;
  std::size_t events_ = 0;
};

boost::json::object string_params(const pyb::dict& params) {
  boost::json::object p;
  for (auto item : params) {
    if (item.second.is_none()) continue;
    p[pyb::str(item.first).cast<std::string>()] = pyb::str(item.second).cast<std::string>();
  }
  return p;
}

}  // namespace

void bind_live_projection(pyb::module_& m, pyb::class_<PyStore, std::shared_ptr<PyStore>>& store) {
  pyb::class_<LiveProjection, std::shared_ptr<LiveProjection>>(m, "LiveProjection",
      "A built-in projection kept in this process and brought up to the store's head before each query\n"
      "(only new events are folded). Nothing is written to the store.")
      .def_property_readonly("name", &LiveProjection::name)
      .def_property_readonly("tenant", &LiveProjection::tenant)
      .def_property_readonly("position", &LiveProjection::position, "The last log position folded in.")
      .def_property_readonly("events", &LiveProjection::events, "Events applied to the current instance.")
      .def("refresh", [](LiveProjection& p) { return nogil([&] { return p.refresh(); }); },
           "Folds the events committed since the last call; returns the position reached.")
      .def("query", [](LiveProjection& p, const pyb::kwargs& params) {
             auto q = string_params(params);
             return json_to_py(nogil([&] { return p.query(q); }));
           },
           "Refreshes, then asks the read model (values are sent as text, None values left out), like\n"
           "GET /api/v1/projections/{name}/state?params. Analytics: op='kpis'|'kpi'|'timeseries'|'dashboard'|...")
      .def("__repr__", [](const LiveProjection& p) {
        return "<LiveProjection " + p.name() + " (tenant " + p.tenant() + ") at position " + std::to_string(p.position()) + ">";
      });

  store.def("live_projection", [](std::shared_ptr<PyStore> s, const std::string& name, const pyb::object& tenant) {
         std::string t = tenant.is_none() ? s->tenant() : tenant.cast<std::string>();
         return std::make_shared<LiveProjection>(std::move(s), name, std::move(t));
       },
       "A built-in projection (see projection_names()) folded over `tenant`'s events (default: the store's\n"
       "tenant) and kept current: each query() first folds what was committed since the last one.",
       "name"_a, pyb::kw_only(), "tenant"_a = pyb::none());
}

}  // namespace roundhouse::py
