// "sensor-window": rolling statistics over the last N sensor readings of each asset.
#include <cctype>

#include "features/builtin_extractor.hpp"
#include "features/columns.hpp"
#include "features/extractors.hpp"
#include "features/payload_scan.hpp"
#include "features/sensor_window_params.hpp"
#include "features/sweep.hpp"

namespace roundhouse::ml::features {
namespace {

struct Event : EventBase {
  bool reading = false;
  double cycle = kNaN;
  std::uint32_t begin = 0, end = 0;  // its (channel, value) pairs in Decoder::values
};

struct NoState {  // the fold is only used for its occurred-order index
  void reset() {}
  void apply(const Event&) {}
};

// "s2" < "s10": digit runs compare as numbers.
bool natural_less(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
      std::size_t i2 = i, j2 = j;
      while (i2 < a.size() && std::isdigit(static_cast<unsigned char>(a[i2]))) ++i2;
      while (j2 < b.size() && std::isdigit(static_cast<unsigned char>(b[j2]))) ++j2;
      const auto na = std::stoull(a.substr(i, i2 - i)), nb = std::stoull(b.substr(j, j2 - j));
      if (na != nb) return na < nb;
      i = i2;
      j = j2;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

struct Decoded {
  EntityTable assets;
  std::vector<Event> events;
  std::vector<std::pair<std::uint32_t, double>> values;  // channel index (in `channels`), value
  std::vector<std::string> channels;
  std::unordered_map<std::string, std::uint32_t> channel_index;

  void add(const RecordedEvent& r) {
    Event e;
    e.occurred = r.occurred_at;
    e.recorded = r.recorded_at;
    e.position = r.position;
    e.entity = assets.intern(r.stream.id);
    if (r.type == "SensorReadingsRecorded") {
      e.reading = e.observation = true;
      e.begin = static_cast<std::uint32_t>(values.size());
      scan_object(r.payload, [&](std::string_view k, const JsonValueView& v) {
        if (k == "cycle") e.cycle = v.number().value_or(kNaN);
        else if (k == "channels" && v.kind == JsonValueView::Kind::object)
          scan_object(v.text, [&](std::string_view name, const JsonValueView& x) {
            auto n = x.number();
            if (!n) return true;
            auto [it, inserted] = channel_index.try_emplace(std::string(name), static_cast<std::uint32_t>(channels.size()));
            if (inserted) channels.emplace_back(name);
            values.emplace_back(it->second, *n);
            return true;
          });
        return true;
      });
      e.end = static_cast<std::uint32_t>(values.size());
    }
    events.push_back(e);
  }
};

class Model {
 public:
  // column_of[c]: the position among the wanted channels of decoded channel c (or kSkip).
  Model(const Decoded& d, std::vector<std::size_t> column_of, const SensorWindowParams& p)
      : d_(d), folds_(d.assets.size()), column_of_(std::move(column_of)), wanted_(p.channels->size()), p_(p),
        longest_(p.longest()) {}
  void apply(const Event& e, std::uint32_t index) {
    folds_[e.entity].insert(d_.events, index);
    if (e.reading) ++readings_[e.entity];
  }
  void emit(std::uint32_t entity, Timestamp, double* row) {
    const auto& order = folds_[entity].order();
    // The last `longest_` readings, oldest first; each window is a suffix of them.
    picked_.clear();
    for (auto it = order.rbegin(); it != order.rend() && picked_.size() < longest_; ++it)
      if (d_.events[*it].reading) picked_.push_back(*it);
    std::reverse(picked_.begin(), picked_.end());
    std::size_t col = 0;
    row[col++] = picked_.empty() ? kNaN : d_.events[picked_.back()].cycle;
    row[col++] = static_cast<double>(readings_[entity]);
    if (p_.has_window_readings()) row[col++] = static_cast<double>(picked_.size());
    if (p_.baseline) baseline_of(order);
    for (const auto& w : p_.windows) {
      const std::size_t n = std::min(w.readings, picked_.size());
      acc_.assign(wanted_, Acc{});
      for (std::size_t k = 0; k < n; ++k) add(acc_, d_.events[picked_[picked_.size() - n + k]], static_cast<double>(k));
      for (std::size_t c = 0; c < wanted_; ++c)
        for (auto stat : w.stats) row[col++] = stat == WindowStat::drift ? acc_[c].mean() - base_[c] : acc_[c].value(stat);
    }
  }
  static constexpr std::size_t kSkip = static_cast<std::size_t>(-1);

 private:
  struct Acc {
    // Sums of y - shift (shift = the first value): one pass, yet no catastrophic cancellation for
    // readings like 2388.06 that vary in the second decimal. Variance and slope ignore the shift.
    double n = 0, sx = 0, sxx = 0, sy = 0, syy = 0, sxy = 0, shift = 0, last = kNaN, lo = kNaN, hi = kNaN;
    void add(double x, double raw) {
      if (n == 0) shift = raw;
      const double y = raw - shift;
      n += 1;
      sx += x;
      sxx += x * x;
      sy += y;
      syy += y * y;
      sxy += x * y;
      last = raw;
      lo = n == 1 ? raw : std::min(lo, raw);
      hi = n == 1 ? raw : std::max(hi, raw);
    }
    double mean() const { return n ? shift + sy / n : kNaN; }
    double value(WindowStat s) const {
      switch (s) {
        case WindowStat::last: return last;
        case WindowStat::mean: return mean();
        case WindowStat::std: return n >= 2 ? std::sqrt(std::max(0.0, (syy - sy * sy / n) / (n - 1))) : kNaN;
        case WindowStat::min: return lo;
        case WindowStat::max: return hi;
        case WindowStat::slope: {
          const double dxx = sxx - sx * sx / n;
          return n >= 2 && dxx > 0 ? (sxy - sx * sy / n) / dxx : kNaN;
        }
        case WindowStat::drift: break;  // needs the baseline: Model::emit
      }
      return kNaN;
    }
  };
  // Adds a reading's wanted channels at window index x.
  void add(std::vector<Acc>& acc, const Event& e, double x) const {
    for (auto i = e.begin; i < e.end; ++i)
      if (const auto c = column_of_[d_.values[i].first]; c != kSkip) acc[c].add(x, d_.values[i].second);
  }
  // base_[c]: mean of channel c over the asset's first `baseline` visible readings in occurred
  // order (all of them while there are fewer); only past readings, so as-of correct.
  void baseline_of(const std::vector<std::uint32_t>& order) {
    base_acc_.assign(wanted_, Acc{});
    std::size_t seen = 0;
    for (auto it = order.begin(); it != order.end() && seen < static_cast<std::size_t>(*p_.baseline); ++it)
      if (d_.events[*it].reading) add(base_acc_, d_.events[*it], static_cast<double>(seen++));
    base_.resize(wanted_);
    for (std::size_t c = 0; c < wanted_; ++c) base_[c] = base_acc_[c].mean();
  }
  const Decoded& d_;
  std::vector<EntityFold<Event, NoState>> folds_;
  std::unordered_map<std::uint32_t, std::size_t> readings_;
  std::vector<std::size_t> column_of_;
  std::size_t wanted_;
  const SensorWindowParams& p_;
  std::size_t longest_;
  std::vector<std::uint32_t> picked_;
  std::vector<Acc> acc_, base_acc_;
  std::vector<double> base_;
};

class SensorWindowExtractor final : public BuiltinExtractor<SensorWindowParams> {
 public:
  std::string name() const override { return "sensor-window"; }
  std::string description() const override {
    return "per asset: last / mean / std / min / max / slope (and drift from the asset's first readings) of each "
           "channel over its last N sensor readings, for one or several N";
  }
  Result<FeatureSchema> schema(const boost::json::object& parameters) const override {
    auto p = parse(parameters);
    if (!p) return p.error();
    if (!p->channels)
      return Error{ErrorCode::invalid_argument,
                   "sensor-window features: the columns depend on the channels; name them in 'channels' "
                   "(extract() without it uses every channel it reads)"};
    return make_schema(*p);
  }

 private:
  Result<FeatureMatrix> run(EventStore& store, const RowSpec& spec, const std::optional<std::string>& tenant,
                            const SensorWindowParams& p) const override {
    Decoded d;
    const auto add = [&](const RecordedEvent& r) { d.add(r); };
    // Without named channels the columns are every channel read, so the whole log is read then.
    auto st = p.channels ? read_entity_streams_visible(store, spec, tenant, "asset", add)
                         : read_visible(store, spec, tenant, {"asset"}, add);
    if (!st) return st.error();
    SensorWindowParams resolved = p;
    if (!resolved.channels) {
      resolved.channels = d.channels;
      std::sort(resolved.channels->begin(), resolved.channels->end(), natural_less);
    }
    const auto& channels = *resolved.channels;
    std::vector<std::size_t> column_of(d.channels.size(), Model::kSkip);
    for (std::size_t c = 0; c < channels.size(); ++c) {
      auto it = d.channel_index.find(channels[c]);
      if (it != d.channel_index.end()) column_of[it->second] = c;
    }
    Model model(d, std::move(column_of), resolved);
    return sweep(make_schema(resolved), d.assets, d.events, spec, model, "asset");
  }

  Result<SensorWindowParams> parse(const boost::json::object& parameters) const override {
    return parse_sensor_window_params(parameters);
  }
  // p.channels is set (resolved from the data when the caller did not name them).
  FeatureSchema make_schema(const SensorWindowParams& p) const override { return sensor_window_schema(p); }
};

}  // namespace

FeatureExtractorPtr sensor_window_extractor() { return std::make_shared<SensorWindowExtractor>(); }

std::vector<FeatureExtractorPtr> builtin_extractors() {
  return {vehicle_extractor(), work_order_extractor(), inventory_extractor(), sensor_window_extractor()};
}

}  // namespace roundhouse::ml::features
