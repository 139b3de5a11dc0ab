// "sensor-window": rolling statistics over the last N sensor readings of each asset.
#include <cctype>

#include "features/builtin_extractor.hpp"
#include "features/columns.hpp"
#include "features/extractors.hpp"
#include "features/payload_scan.hpp"
#include "features/sweep.hpp"

namespace roundhouse::ml::features {
namespace {

constexpr std::size_t kStatsPerChannel = 6;  // last, mean, std, min, max, slope

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

struct Params {
  std::int64_t window = 30;
  std::optional<std::vector<std::string>> channels;
};

class Model {
 public:
  // column_of[c]: the schema position of decoded channel c (or npos when not asked for).
  Model(const Decoded& d, std::vector<std::size_t> column_of, std::size_t wanted, std::size_t window)
      : d_(d), folds_(d.assets.size()), column_of_(std::move(column_of)), wanted_(wanted), window_(window) {}
  void apply(const Event& e, std::uint32_t index) {
    folds_[e.entity].insert(d_.events, index);
    if (e.reading) ++readings_[e.entity];
  }
  void emit(std::uint32_t entity, Timestamp, double* row) {
    const auto& order = folds_[entity].order();
    // The last `window_` readings, oldest first.
    picked_.clear();
    for (auto it = order.rbegin(); it != order.rend() && picked_.size() < window_; ++it)
      if (d_.events[*it].reading) picked_.push_back(*it);
    std::reverse(picked_.begin(), picked_.end());
    row[0] = picked_.empty() ? kNaN : d_.events[picked_.back()].cycle;
    row[1] = static_cast<double>(readings_[entity]);
    row[2] = static_cast<double>(picked_.size());
    // Running sums per wanted channel: n, sum x, sum x^2 (x = reading index), sum y, sum y^2, sum xy.
    acc_.assign(wanted_, Acc{});
    for (std::size_t k = 0; k < picked_.size(); ++k) {
      const auto& e = d_.events[picked_[k]];
      for (auto i = e.begin; i < e.end; ++i) {
        const auto col = column_of_[d_.values[i].first];
        if (col == kSkip) continue;
        acc_[col].add(static_cast<double>(k), d_.values[i].second);
      }
    }
    for (std::size_t c = 0; c < wanted_; ++c) acc_[c].write(row + 3 + c * kStatsPerChannel);
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
    void write(double* out) const {
      out[0] = last;
      out[1] = n ? shift + sy / n : kNaN;
      const double var = n >= 2 ? std::max(0.0, (syy - sy * sy / n) / (n - 1)) : kNaN;
      out[2] = n >= 2 ? std::sqrt(var) : kNaN;
      out[3] = lo;
      out[4] = hi;
      const double dxx = sxx - sx * sx / n;
      out[5] = n >= 2 && dxx > 0 ? (sxy - sx * sy / n) / dxx : kNaN;
    }
  };
  const Decoded& d_;
  std::vector<EntityFold<Event, NoState>> folds_;
  std::unordered_map<std::uint32_t, std::size_t> readings_;
  std::vector<std::size_t> column_of_;
  std::size_t wanted_;
  std::size_t window_;
  std::vector<std::uint32_t> picked_;
  std::vector<Acc> acc_;
};

class SensorWindowExtractor final : public BuiltinExtractor<Params> {
 public:
  std::string name() const override { return "sensor-window"; }
  std::string description() const override {
    return "per asset: last / mean / std / min / max / slope of each channel over its last N sensor readings";
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
                            const Params& p) const override {
    Decoded d;
    const auto add = [&](const RecordedEvent& r) { d.add(r); };
    // Without named channels the columns are every channel read, so the whole log is read then.
    auto st = p.channels ? read_entity_streams_visible(store, spec, tenant, "asset", add)
                         : read_visible(store, spec, tenant, {"asset"}, add);
    if (!st) return st.error();
    Params resolved = p;
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
    Model model(d, std::move(column_of), channels.size(), static_cast<std::size_t>(p.window));
    return sweep(make_schema(resolved), d.assets, d.events, spec, model, "asset");
  }

  Result<Params> parse(const boost::json::object& parameters) const override {
    ParameterReader r("sensor-window", parameters);
    Params p;
    auto w = r.integer("window", 30, 1);
    if (!w) return w.error();
    p.window = *w;
    auto ch = r.strings("channels");
    if (!ch) return ch.error();
    p.channels = std::move(ch).value();
    if (auto st = r.finish(); !st) return st.error();
    return p;
  }

  // p.channels is set (resolved from the data when the caller did not name them).
  FeatureSchema make_schema(const Params& p) const override {
    using T = FeatureType;
    boost::json::array names;
    for (const auto& c : *p.channels) names.emplace_back(c);
    FeatureSchema s{"sensor-window", 1, {}, {{"window", p.window}, {"channels", std::move(names)}}};
    auto& c = s.columns;
    c.push_back(column("cycle", T::numeric, "cycle of the latest reading"));
    c.push_back(column("readings_to_date", T::count, "readings so far"));
    c.push_back(column("window_readings", T::count, "readings in the window (at most `window`)"));
    for (const auto& ch : *p.channels) {
      c.push_back(column(ch + "_last", T::numeric, "latest value of " + ch));
      c.push_back(column(ch + "_mean", T::numeric, "mean of " + ch + " over the window"));
      c.push_back(column(ch + "_std", T::numeric, "sample standard deviation (n - 1) over the window"));
      c.push_back(column(ch + "_min", T::numeric, "minimum over the window"));
      c.push_back(column(ch + "_max", T::numeric, "maximum over the window"));
      c.push_back(column(ch + "_slope", T::numeric, "least-squares slope per reading over the window"));
    }
    return s;
  }
};

}  // namespace

FeatureExtractorPtr sensor_window_extractor() { return std::make_shared<SensorWindowExtractor>(); }

std::vector<FeatureExtractorPtr> builtin_extractors() {
  return {vehicle_extractor(), work_order_extractor(), inventory_extractor(), sensor_window_extractor()};
}

}  // namespace roundhouse::ml::features
