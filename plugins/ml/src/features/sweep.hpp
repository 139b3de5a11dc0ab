#pragma once
// The engine behind every built-in extractor: one pass over the decoded events in the order they
// became visible, emitting each row when the sweep reaches its time.
//
// An event is visible to a row at (as_of T, known_at K) when occurred_at <= T and recorded_at <= K.
// With K fixed (FeatureRequest::known_at) events recorded after K are dropped and the rest are
// applied in occurred order; with K = T (the default) an event becomes visible at
// max(occurred_at, recorded_at), and the sweep applies events in that order. Either way the events
// applied when a row is emitted are exactly the ones it may see. Models keep their per-entity
// state insensitive to the apply order (EntityFold refolds when a back-dated event arrives).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "features/request.hpp"
#include "roundhouse/ml/features.hpp"

namespace roundhouse::ml::features {

constexpr std::uint32_t kNoEntity = std::numeric_limits<std::uint32_t>::max();

// What the sweep needs of every decoded event (extractors derive their event type from it).
struct EventBase {
  Timestamp occurred = 0;
  Timestamp recorded = 0;
  Position position = 0;
  std::uint32_t entity = kNoEntity;  // the row entity it belongs to, if any
  bool observation = false;          // gives a row in RowTimes::each_event mode
};

// Entity ids interned to dense indices.
class EntityTable {
 public:
  std::uint32_t intern(std::string_view id) {
    auto it = index_.find(id);
    if (it != index_.end()) return it->second;
    const auto i = static_cast<std::uint32_t>(names_.size());
    names_.emplace_back(id);
    index_.emplace(names_.back(), i);
    return i;
  }
  std::uint32_t find(const std::string& id) const {
    auto it = index_.find(id);
    return it == index_.end() ? kNoEntity : it->second;
  }
  const std::string& name(std::uint32_t i) const { return names_[i]; }
  std::size_t size() const { return names_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::string> names_;
  std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> index_;
};

// Per-entity events in occurred order, folded lazily into a State. A back-dated event inserted
// before the fold cursor resets the state, so the fold always equals one over occurred order.
// State needs reset() and apply(const Ev&).
template <class Ev, class State>
class EntityFold {
 public:
  void insert(const std::vector<Ev>& events, std::uint32_t index) {
    const auto before = [&](std::uint32_t a, std::uint32_t b) {
      return events[a].occurred != events[b].occurred ? events[a].occurred < events[b].occurred
                                                      : events[a].position < events[b].position;
    };
    if (order_.empty() || !before(index, order_.back())) {
      order_.push_back(index);
      return;
    }
    auto at = std::upper_bound(order_.begin(), order_.end(), index, before);
    if (static_cast<std::size_t>(at - order_.begin()) < cursor_) {
      state_.reset();
      cursor_ = 0;
    }
    order_.insert(at, index);
  }
  const State& current(const std::vector<Ev>& events) {
    for (; cursor_ < order_.size(); ++cursor_) state_.apply(events[order_[cursor_]]);
    return state_;
  }
  const std::vector<std::uint32_t>& order() const { return order_; }

 private:
  std::vector<std::uint32_t> order_;
  std::size_t cursor_ = 0;
  State state_;
};

// Inserts `t` into an ascending vector (appends in the common in-order case).
inline void insert_sorted(std::vector<Timestamp>& v, Timestamp t) {
  if (v.empty() || v.back() <= t) v.push_back(t);
  else v.insert(std::upper_bound(v.begin(), v.end(), t), t);
}
// How many elements of an ascending vector lie in (from, to].
inline std::size_t count_in(const std::vector<Timestamp>& v, Timestamp from, Timestamp to) {
  return static_cast<std::size_t>(std::upper_bound(v.begin(), v.end(), to) -
                                  std::upper_bound(v.begin(), v.end(), from));
}
inline double days(Timestamp micros) { return static_cast<double>(micros) / static_cast<double>(kMicrosPerDay); }
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

inline std::string no_event_visible(const std::string& kind, const std::string& id, const RowSpec& spec) {
  return kind + " '" + id + "' has no event visible at the requested time" + (spec.as_of.size() > 1 ? "s" : "");
}

// Model: void apply(const Ev&, std::uint32_t index); void emit(std::uint32_t entity, Timestamp as_of, double* row).
// `kind` names the entity in errors ("vehicle").
template <class Ev, class Model>
Result<FeatureMatrix> sweep(FeatureSchema schema, const EntityTable& entities, const std::vector<Ev>& events,
                            const RowSpec& spec, Model& model, const std::string& kind) {
  struct Row {
    std::uint32_t entity;
    Timestamp time;  // when the sweep emits it
    Timestamp as_of;
    Timestamp known;
    Position seq;
  };
  // Visible order.
  std::vector<std::uint32_t> order;
  std::vector<Timestamp> key(events.size());
  order.reserve(events.size());
  const Timestamp horizon = spec.rows == RowTimes::given ? spec.as_of.back() : std::numeric_limits<Timestamp>::max();
  for (std::uint32_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    if (spec.known_at && e.recorded > *spec.known_at) continue;
    key[i] = spec.known_at ? e.occurred : std::max(e.occurred, e.recorded);
    if (key[i] <= horizon) order.push_back(i);
  }
  const auto by_key = [&](std::uint32_t a, std::uint32_t b) {
    return key[a] != key[b] ? key[a] < key[b] : events[a].position < events[b].position;
  };
  if (!std::is_sorted(order.begin(), order.end(), by_key)) std::stable_sort(order.begin(), order.end(), by_key);

  // Rows.
  std::vector<std::uint32_t> selected;
  for (const auto& id : spec.entity_ids) {
    const auto e = entities.find(id);
    // Unknown and not yet existing read the same: events after the last row time are not decoded.
    if (e == kNoEntity) return Error{ErrorCode::not_found, no_event_visible(kind, id, spec)};
    selected.push_back(e);
  }
  const bool explicit_ids = !selected.empty();
  std::vector<bool> wanted(entities.size(), !explicit_ids);
  for (auto e : selected) wanted[e] = true;
  std::vector<Row> rows;
  if (spec.rows == RowTimes::given) {
    for (std::uint32_t e = 0; e < entities.size(); ++e)
      if (wanted[e])
        for (auto t : spec.as_of) rows.push_back({e, t, t, spec.known_at.value_or(t), 0});
  } else {
    for (auto i : order) {
      const auto& ev = events[i];
      if (ev.observation && ev.entity != kNoEntity && wanted[ev.entity])
        rows.push_back({ev.entity, key[i], spec.known_at ? ev.occurred : key[i], spec.known_at.value_or(key[i]),
                        ev.position});
    }
  }
  // Output order: entity id, then as-of time, then event position.
  std::vector<std::uint32_t> out_order(rows.size());
  for (std::uint32_t i = 0; i < rows.size(); ++i) out_order[i] = i;
  std::sort(out_order.begin(), out_order.end(), [&](std::uint32_t a, std::uint32_t b) {
    const auto& ra = rows[a];
    const auto& rb = rows[b];
    if (ra.entity != rb.entity) return entities.name(ra.entity) < entities.name(rb.entity);
    return ra.as_of != rb.as_of ? ra.as_of < rb.as_of : ra.seq < rb.seq;
  });
  std::vector<std::uint32_t> slot(rows.size());
  for (std::uint32_t s = 0; s < out_order.size(); ++s) slot[out_order[s]] = s;
  std::vector<std::uint32_t> sweep_order(rows.size());
  for (std::uint32_t i = 0; i < rows.size(); ++i) sweep_order[i] = i;
  std::stable_sort(sweep_order.begin(), sweep_order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return rows[a].time < rows[b].time; });

  const std::size_t cols = schema.columns.size();
  std::vector<double> values(rows.size() * cols, kNaN);
  std::vector<bool> present(rows.size(), false);
  std::vector<bool> seen(entities.size(), false);
  std::size_t p = 0;
  for (auto r : sweep_order) {
    const auto& row = rows[r];
    for (; p < order.size() && key[order[p]] <= row.time; ++p) {
      const auto& ev = events[order[p]];
      if (ev.entity != kNoEntity) seen[ev.entity] = true;
      model.apply(ev, order[p]);
    }
    if (!seen[row.entity]) continue;
    model.emit(row.entity, row.as_of, values.data() + static_cast<std::size_t>(slot[r]) * cols);
    present[slot[r]] = true;
  }
  std::vector<bool> had_row(entities.size(), false);
  for (std::size_t s = 0; s < rows.size(); ++s)
    if (present[s]) had_row[rows[out_order[s]].entity] = true;
  for (auto e : selected) {
    if (!had_row[e])
      return Error{ErrorCode::not_found, no_event_visible(kind, entities.name(e), spec)};
  }

  FeatureMatrix m;
  m.schema = std::move(schema);
  m.values.reserve(values.size());
  for (std::size_t s = 0; s < out_order.size(); ++s) {
    if (!present[s] && !explicit_ids) continue;  // "all entities": only those that exist at T
    const auto& row = rows[out_order[s]];
    m.entity_ids.push_back(entities.name(row.entity));
    m.as_of.push_back(row.as_of);
    m.known_at.push_back(row.known);
    m.values.insert(m.values.end(), values.begin() + static_cast<std::ptrdiff_t>(s * cols),
                    values.begin() + static_cast<std::ptrdiff_t>((s + 1) * cols));
  }
  return m;
}

// A capacity for the decoded events: the log's length bounds it, and reserving up front spares
// copying a vector of tens of megabytes as it grows (untouched capacity costs no memory).
inline std::size_t capacity_hint(EventStore& store) {
  auto head = store.head_position();
  return head ? static_cast<std::size_t>(*head) : 0;
}

// Reads the events of `aggregate_types` that any row could see and hands each to `decode`.
template <class Decode>
Status read_visible(EventStore& store, const RowSpec& spec, const std::optional<std::string>& tenant,
                    std::vector<std::string> aggregate_types, Decode&& decode) {
  ReadAllOptions options;
  options.filter.aggregate_types = std::move(aggregate_types);
  options.filter.tenant = tenant;
  const Timestamp max_occ = spec.max_occurred();
  const Timestamp max_rec = spec.max_recorded();
  return store.read_all(options, [&](const RecordedEvent& e) {
    if (e.occurred_at > max_occ || e.recorded_at > max_rec) return true;
    decode(e);
    return true;
  });
}

// The same for extractors whose entity id is its stream's id (`aggregate_type`/<entity>): when the
// request names its entities, reads just their streams rather than scanning the log, so one
// entity's features cost its own events (a prediction for one asset). A stream that does not exist
// is skipped; the sweep then reports that entity as not found.
template <class Decode>
Status read_entity_streams_visible(EventStore& store, const RowSpec& spec, const std::optional<std::string>& tenant,
                                   const std::string& aggregate_type, Decode&& decode) {
  if (spec.entity_ids.empty()) return read_visible(store, spec, tenant, {aggregate_type}, decode);
  ReadStreamOptions options;
  options.tenant = tenant;
  const Timestamp max_occ = spec.max_occurred();
  const Timestamp max_rec = spec.max_recorded();
  for (const auto& id : spec.entity_ids) {
    auto events = store.read_stream({aggregate_type, id}, options);
    if (!events) {
      if (events.error().code == ErrorCode::not_found) continue;
      return events.error();
    }
    for (const auto& e : *events)
      if (e.occurred_at <= max_occ && e.recorded_at <= max_rec) decode(e);
  }
  return {};
}

}  // namespace roundhouse::ml::features
