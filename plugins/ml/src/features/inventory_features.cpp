// "inventory": one row per part and as-of time, from the part streams.
#include "features/builtin_extractor.hpp"
#include "features/columns.hpp"
#include "features/extractors.hpp"
#include "features/payload_scan.hpp"
#include "features/sweep.hpp"

namespace roundhouse::ml::features {
namespace {

enum class Kind : std::uint8_t { defined, received, reserved, issued, returned, counted, other };

struct Event : EventBase {
  Kind kind = Kind::other;
  double quantity = 0;
  double cost = kNaN;
  double reorder_point = kNaN;
  std::uint32_t order = kNoEntity;  // work order (interned) of a reservation or issue
};

struct State {
  bool defined = false;
  double unit_cost = kNaN, reorder_point = kNaN;
  double on_hand = 0, reserved = 0;
  std::unordered_map<std::uint32_t, std::pair<double, double>> orders;  // reserved, issued per work order
  std::vector<Timestamp> issue_times;                                  // occurred order
  std::vector<double> issue_sizes;
  bool any_receipt = false;
  Timestamp last_receipt = 0;
  bool pending = false;  // available at or below the reorder point, waiting for a receipt
  Timestamp pending_since = 0;
  double lead_sum_days = 0, lead_count = 0, stockouts = 0;

  void reset() { *this = State{}; }
  double available() const { return on_hand - reserved; }
  void set_order(std::uint32_t order, double add_reserved, double add_issued) {
    auto& [r, i] = orders[order];
    reserved -= std::max(0.0, r - i);
    r += add_reserved;
    i += add_issued;
    reserved += std::max(0.0, r - i);
  }
  void apply(const Event& e) {
    const double before = available();
    switch (e.kind) {
      case Kind::defined:
        defined = true;
        unit_cost = e.cost;
        reorder_point = e.reorder_point;
        break;
      case Kind::received:
        on_hand += e.quantity;
        if (!std::isnan(e.cost)) unit_cost = e.cost;
        if (pending) {
          lead_sum_days += days(e.occurred - pending_since);
          lead_count += 1;
          pending = false;
        }
        any_receipt = true;
        last_receipt = e.occurred;
        break;
      case Kind::reserved:
        if (e.order != kNoEntity) set_order(e.order, e.quantity, 0);
        break;
      case Kind::issued:
        on_hand -= e.quantity;
        if (e.order != kNoEntity) set_order(e.order, 0, e.quantity);
        issue_times.push_back(e.occurred);
        issue_sizes.push_back(e.quantity);
        break;
      case Kind::returned: on_hand += e.quantity; break;
      case Kind::counted: on_hand += e.quantity; break;
      case Kind::other: break;
    }
    // A wait starts when demand (an issue or a reservation) takes available stock to the reorder
    // point; the first stocking after the definition is not a replenishment.
    if (!pending && defined && (e.kind == Kind::issued || e.kind == Kind::reserved) && available() <= reorder_point) {
      pending = true;
      pending_since = e.occurred;
    }
    if (before > 0 && available() <= 0) stockouts += 1;
  }
};

struct Params {
  std::int64_t window_days = 90;
};

class Model {
 public:
  Model(const std::vector<Event>& events, std::size_t entities, const Params& p)
      : events_(events), folds_(entities), params_(p) {}
  void apply(const Event& e, std::uint32_t index) { folds_[e.entity].insert(events_, index); }
  void emit(std::uint32_t entity, Timestamp t, double* row) {
    const State& s = folds_[entity].current(events_);
    const Timestamp w = params_.window_days * kMicrosPerDay;
    const auto first = static_cast<std::size_t>(
        std::upper_bound(s.issue_times.begin(), s.issue_times.end(), t - w) - s.issue_times.begin());
    const auto last = static_cast<std::size_t>(
        std::upper_bound(s.issue_times.begin(), s.issue_times.end(), t) - s.issue_times.begin());
    const std::size_t n = last - first;
    double qty = 0, sq = 0;
    const std::size_t weeks = static_cast<std::size_t>(std::max<std::int64_t>(1, params_.window_days / 7));
    std::vector<double> weekly(weeks, 0.0);
    for (std::size_t i = first; i < last; ++i) {
      qty += s.issue_sizes[i];
      sq += s.issue_sizes[i] * s.issue_sizes[i];
      const auto k = static_cast<std::size_t>((t - s.issue_times[i]) / (7 * kMicrosPerDay));
      if (k < weeks) weekly[k] += s.issue_sizes[i];
    }
    const double rate = qty / static_cast<double>(params_.window_days);
    double weekly_std = kNaN;
    if (weeks >= 2) {
      double mean = 0, var = 0;
      for (double x : weekly) mean += x;
      mean /= static_cast<double>(weeks);
      for (double x : weekly) var += (x - mean) * (x - mean);
      weekly_std = std::sqrt(var / static_cast<double>(weeks - 1));
    }
    const double size_mean = n ? qty / static_cast<double>(n) : kNaN;
    std::size_t c = 0;
    row[c++] = s.on_hand;
    row[c++] = s.reserved;
    row[c++] = s.available();
    row[c++] = s.reorder_point;
    row[c++] = s.defined ? (s.available() <= s.reorder_point ? 1.0 : 0.0) : kNaN;
    row[c++] = s.unit_cost;
    row[c++] = s.on_hand * s.unit_cost;
    row[c++] = qty;
    row[c++] = static_cast<double>(n);
    row[c++] = rate;
    row[c++] = n >= 2 ? days(s.issue_times[last - 1] - s.issue_times[first]) / static_cast<double>(n - 1) : kNaN;
    row[c++] = n >= 2 ? (sq / static_cast<double>(n) - size_mean * size_mean) / (size_mean * size_mean) : kNaN;
    row[c++] = weekly_std;
    row[c++] = s.lead_count > 0 ? s.lead_sum_days / s.lead_count : kNaN;
    row[c++] = s.lead_count;
    row[c++] = rate > 0 ? s.available() / rate : kNaN;
    row[c++] = s.stockouts;
    row[c++] = s.any_receipt ? days(t - s.last_receipt) : kNaN;
  }

 private:
  const std::vector<Event>& events_;
  std::vector<EntityFold<Event, State>> folds_;
  const Params& params_;
};

class InventoryExtractor final : public BuiltinExtractor<Params> {
 public:
  std::string name() const override { return "inventory"; }
  std::string description() const override {
    return "per part: stock, reservations, demand rate and variability, replenishment lead time, stock cover";
  }

 private:
  Result<FeatureMatrix> run(EventStore& store, const RowSpec& spec, const std::optional<std::string>& tenant,
                            const Params& p) const override {
    EntityTable parts;
    IdIndex orders;
    std::vector<Event> events;
    auto st = read_visible(store, spec, tenant, {"part"},
                           [&](const RecordedEvent& r) { events.push_back(decode(r, parts, orders)); });
    if (!st) return st.error();
    Model model(events, parts.size(), p);
    return sweep(make_schema(p), parts, events, spec, model, "part");
  }

  Result<Params> parse(const boost::json::object& parameters) const override {
    ParameterReader r("inventory", parameters);
    auto w = r.integer("demand_window_days", 90, 1);
    if (!w) return w.error();
    if (auto st = r.finish(); !st) return st.error();
    return Params{*w};
  }

  FeatureSchema make_schema(const Params& p) const override {
    using T = FeatureType;
    const std::string w = std::to_string(p.window_days);
    FeatureSchema s{"inventory", 1, {}, {{"demand_window_days", p.window_days}}};
    auto& c = s.columns;
    c.push_back(column("on_hand", T::numeric, "received - issued + returned + count adjustments"));
    c.push_back(column("reserved", T::numeric, "reserved for work orders and not yet issued to them"));
    c.push_back(column("available", T::numeric, "on_hand - reserved"));
    c.push_back(column("reorder_point", T::numeric, "from PartDefined"));
    c.push_back(column("below_reorder_point", T::boolean, "available <= reorder_point"));
    c.push_back(column("unit_cost", T::numeric, "latest unit cost (definition or receipt)"));
    c.push_back(column("stock_value", T::numeric, "on_hand x unit_cost"));
    c.push_back(column("demand_qty_" + w + "d", T::numeric, "units issued in the window up to T"));
    c.push_back(column("demand_events_" + w + "d", T::count, "issue events in the window"));
    c.push_back(column("demand_rate_per_day", T::numeric, "units issued in the window / window days"));
    c.push_back(column("demand_adi_days", T::numeric, "average days between issue events in the window"));
    c.push_back(column("demand_size_cv2", T::numeric, "squared coefficient of variation of issue sizes in the window"));
    c.push_back(column("weekly_demand_std", T::numeric, "sample std of units issued per 7-day bucket back from T"));
    c.push_back(column("lead_time_days", T::numeric,
                       "mean days from an issue or reservation taking available stock to the reorder point to the next receipt"));
    c.push_back(column("replenishments", T::count, "receipts that ended such a wait"));
    c.push_back(column("stock_cover_days", T::numeric, "available / demand_rate_per_day"));
    c.push_back(column("stockouts_to_date", T::count, "times available stock fell to zero or below"));
    c.push_back(column("days_since_last_receipt", T::numeric, "days since the latest StockReceived"));
    return s;
  }

  static Event decode(const RecordedEvent& r, EntityTable& parts, IdIndex& orders) {
    Event e;
    e.occurred = r.occurred_at;
    e.recorded = r.recorded_at;
    e.position = r.position;
    e.entity = parts.intern(r.stream.id);
    e.observation = true;
    const std::string_view type = r.type;
    if (type == "PartDefined") e.kind = Kind::defined;
    else if (type == "StockReceived") e.kind = Kind::received;
    else if (type == "StockReserved") e.kind = Kind::reserved;
    else if (type == "StockIssued") e.kind = Kind::issued;
    else if (type == "StockReturned") e.kind = Kind::returned;
    else if (type == "StockCounted") e.kind = Kind::counted;
    else return e;
    scan_object(r.payload, [&](std::string_view k, const JsonValueView& v) {
      if (k == "quantity" || (k == "adjustment" && e.kind == Kind::counted)) e.quantity = v.number().value_or(0);
      else if (k == "unit_cost") e.cost = v.number().value_or(kNaN);
      else if (k == "reorder_point") e.reorder_point = v.number().value_or(kNaN);
      else if (k == "work_order_id") e.order = orders.intern(v.string());
      return true;
    });
    return e;
  }
};

}  // namespace

FeatureExtractorPtr inventory_extractor() { return std::make_shared<InventoryExtractor>(); }

}  // namespace roundhouse::ml::features
