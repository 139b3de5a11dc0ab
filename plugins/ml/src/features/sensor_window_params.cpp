#include "features/sensor_window_params.hpp"

#include <algorithm>
#include <array>

#include "features/columns.hpp"
#include "features/request.hpp"
#include "roundhouse/core/json_text.hpp"

namespace roundhouse::ml::features {
namespace {

namespace json = boost::json;

constexpr std::array<const char*, 7> kStatNames{"last", "mean", "std", "min", "max", "slope", "drift"};
const std::vector<WindowStat> kDefaultStats{WindowStat::last, WindowStat::mean, WindowStat::std,
                                            WindowStat::min,  WindowStat::max,  WindowStat::slope};

const char* name_of(WindowStat s) { return kStatNames[static_cast<std::size_t>(s)]; }

std::string stat_list() {
  std::string out;
  for (const char* n : kStatNames) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

// A non-empty list of distinct statistic names; `where` names it in errors ("stats", "windows[0].stats").
Result<std::vector<WindowStat>> parse_stats(const ParameterReader& r, const std::string& where, const json::value& v) {
  if (!v.is_array() || v.get_array().empty()) return r.bad(where, "must be a non-empty list of " + stat_list());
  std::vector<WindowStat> out;
  for (const auto& e : v.get_array()) {
    const auto* it = e.is_string() ? std::find(kStatNames.begin(), kStatNames.end(), std::string_view(e.get_string()))
                                   : kStatNames.end();
    if (it == kStatNames.end()) return r.bad(where, "lists " + to_json_text(e) + "; statistics are " + stat_list());
    const auto stat = static_cast<WindowStat>(it - kStatNames.begin());
    if (std::find(out.begin(), out.end(), stat) != out.end()) return r.bad(where, "lists '" + std::string(*it) + "' twice");
    out.push_back(stat);
  }
  return out;
}

json::array stats_json(const std::vector<WindowStat>& stats) {
  json::array a;
  for (auto s : stats) a.emplace_back(name_of(s));
  return a;
}

Result<std::size_t> window_length(const ParameterReader& r, const std::string& where, const json::value& v) {
  if (!v.is_int64() || v.get_int64() < 1) return r.bad(where, "must be a whole number >= 1, got " + to_json_text(v));
  return static_cast<std::size_t>(v.get_int64());
}

// One element of "windows": a length (with the top-level stats) or {"readings": N, "stats": [...]}.
Result<SensorWindow> parse_window(const ParameterReader& r, std::size_t index, const json::value& v,
                                  const std::vector<WindowStat>& stats) {
  const std::string where = "windows[" + std::to_string(index) + "]";
  if (!v.is_object()) {
    auto n = window_length(r, where, v);
    if (!n) return n.error();
    return SensorWindow{*n, stats};
  }
  const json::object& o = v.get_object();
  for (const auto& [key, _] : o)
    if (key != "readings" && key != "stats") return r.bad(where, "has unknown member '" + std::string(key) + "' (readings, stats)");
  const auto* readings = o.if_contains("readings");
  if (!readings) return r.bad(where, "needs 'readings' (the window length)");
  auto n = window_length(r, where + ".readings", *readings);
  if (!n) return n.error();
  SensorWindow w{*n, stats};
  if (const auto* s = o.if_contains("stats")) {
    auto parsed = parse_stats(r, where + ".stats", *s);
    if (!parsed) return parsed.error();
    w.stats = std::move(*parsed);
  }
  return w;
}

std::string describe(WindowStat s, const std::string& ch) {
  switch (s) {
    case WindowStat::last: return "latest value of " + ch;
    case WindowStat::mean: return "mean of " + ch + " over the window";
    case WindowStat::std: return "sample standard deviation (n - 1) over the window";
    case WindowStat::min: return "minimum over the window";
    case WindowStat::max: return "maximum over the window";
    case WindowStat::slope: return "least-squares slope per reading over the window";
    case WindowStat::drift: return "window mean minus the mean of the asset's first `baseline` readings";
  }
  return {};
}

}  // namespace

std::size_t SensorWindowParams::longest() const {
  std::size_t n = 0;
  for (const auto& w : windows) n = std::max(n, w.readings);
  return n;
}

Result<SensorWindowParams> parse_sensor_window_params(const json::object& parameters) {
  ParameterReader r("sensor-window", parameters);
  SensorWindowParams p;
  auto window = r.integer("window", 30, 1);
  if (!window) return window.error();
  std::vector<WindowStat> stats = kDefaultStats;
  if (const auto* s = r.raw("stats")) {
    auto parsed = parse_stats(r, "stats", *s);
    if (!parsed) return parsed.error();
    stats = std::move(*parsed);
    if (stats != kDefaultStats) p.resolved["stats"] = stats_json(stats);
  }
  if (const auto* ws = r.raw("windows")) {
    if (parameters.contains("window")) return r.bad("windows", "and 'window' exclude each other; give one");
    if (!ws->is_array() || ws->get_array().empty())
      return r.bad("windows", "must be a non-empty list of lengths or {readings, stats} objects");
    json::array resolved;
    for (std::size_t i = 0; i < ws->get_array().size(); ++i) {
      auto w = parse_window(r, i, ws->get_array()[i], stats);
      if (!w) return w.error();
      for (const auto& seen : p.windows)
        if (seen.readings == w->readings) return r.bad("windows", "lists " + std::to_string(w->readings) + " readings twice");
      resolved.push_back(json::object{{"readings", w->readings}, {"stats", stats_json(w->stats)}});
      p.windows.push_back(std::move(*w));
    }
    p.suffixed = true;
    p.resolved.erase("stats");  // folded into each window
    p.resolved["windows"] = std::move(resolved);
  } else {
    p.windows.push_back({static_cast<std::size_t>(*window), stats});
    p.resolved["window"] = *window;
  }
  const bool drift = std::any_of(p.windows.begin(), p.windows.end(), [](const SensorWindow& w) {
    return std::find(w.stats.begin(), w.stats.end(), WindowStat::drift) != w.stats.end();
  });
  auto baseline = r.integer("baseline", 0, 1);
  if (!baseline) return baseline.error();
  if (parameters.contains("baseline")) {
    if (!drift) return r.bad("baseline", "is only used by the 'drift' statistic, which no window asks for");
    p.baseline = *baseline;
    p.resolved["baseline"] = *baseline;
  } else if (drift) {
    return r.bad("stats", "asks for 'drift', which needs 'baseline' (how many first readings of an asset define it)");
  }
  auto ch = r.strings("channels");
  if (!ch) return ch.error();
  p.channels = std::move(ch).value();
  if (auto st = r.finish(); !st) return st.error();
  return p;
}

FeatureSchema sensor_window_schema(const SensorWindowParams& p) {
  using T = FeatureType;
  json::object parameters = p.resolved;
  json::array names;
  for (const auto& c : *p.channels) names.emplace_back(c);
  parameters["channels"] = std::move(names);
  FeatureSchema s{"sensor-window", 1, {}, std::move(parameters)};
  auto& c = s.columns;
  c.push_back(column("cycle", T::numeric, "cycle of the latest reading"));
  c.push_back(column("readings_to_date", T::count, "readings so far"));
  if (p.has_window_readings()) c.push_back(column("window_readings", T::count, "readings in the window (at most `window`)"));
  for (const auto& w : p.windows) {
    const std::string suffix = p.suffixed ? std::to_string(w.readings) : "";
    for (const auto& ch : *p.channels)
      for (auto stat : w.stats)
        c.push_back(column(ch + "_" + name_of(stat) + suffix, T::numeric,
                           describe(stat, ch) + (p.suffixed ? " (last " + suffix + " readings)" : "")));
  }
  return s;
}

}  // namespace roundhouse::ml::features
