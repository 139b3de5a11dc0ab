#include "builtin_kpis.hpp"

namespace roundhouse::analytics {

namespace {

constexpr Needs kVehicles{true, false, false, false};
constexpr Needs kVehiclesAndBookings{true, true, false, false};
constexpr Needs kBookings{false, true, false, false};
constexpr Needs kWorkOrders{false, false, true, false};
constexpr Needs kReliability{true, true, true, false};
constexpr Needs kInventory{false, false, false, true};

KpiOutcome availability(const WindowStats& s, const Settings&) {
  return {ratio(s.up_h, s.up_h + s.down_h), {{"uptime_hours", s.up_h}, {"downtime_hours", s.down_h},
                                             {"vehicles", s.active_vehicles}}};
}
KpiOutcome mtbf(const WindowStats& s, const Settings&) {
  return {ratio(s.in_service_h, s.failures), {{"operating_hours", s.in_service_h}, {"failures", s.failures}}};
}
KpiOutcome mdbf(const WindowStats& s, const Settings&) {
  return {ratio(s.km, s.sa_failures), {{"km", s.km}, {"service_affecting_failures", s.sa_failures}}};
}
KpiOutcome mttr(const WindowStats& s, const Settings&) {
  return {ratio(s.repair_h, s.repairs), {{"repair_hours", s.repair_h}, {"repairs", s.repairs}}};
}
KpiOutcome inherent_availability(const WindowStats& s, const Settings& settings) {
  const auto b = mtbf(s, settings).value;
  const auto r = mttr(s, settings).value;
  std::optional<double> v;
  if (b && r) v = ratio(*b, *b + *r);
  boost::json::object basis{{"mtbf_hours", b ? boost::json::value(*b) : nullptr},
                            {"mttr_hours", r ? boost::json::value(*r) : nullptr}};
  return {v, std::move(basis)};
}
KpiOutcome failures(const WindowStats& s, const Settings&) {
  return {static_cast<double>(s.failures), {{"failures", s.failures}, {"service_affecting_failures", s.sa_failures}}};
}
KpiOutcome schedule_compliance(const WindowStats& s, const Settings&) {
  return {ratio(s.scheduled_on_time, s.scheduled),
          {{"completed_as_scheduled", s.scheduled_on_time}, {"scheduled", s.scheduled}}};
}
KpiOutcome pm_compliance(const WindowStats& s, const Settings&) {
  return {ratio(s.pm_on_time, s.pm_due), {{"done_by_due_date", s.pm_on_time}, {"due", s.pm_due}}};
}
KpiOutcome backlog(const WindowStats& s, const Settings&) {
  boost::json::object basis{{"open_work_orders", s.backlog}, {"oldest_age_days", s.backlog_oldest_days}};
  const auto avg = ratio(s.backlog_age_days_sum, s.backlog);
  basis["average_age_days"] = avg ? boost::json::value(*avg) : nullptr;
  return {static_cast<double>(s.backlog), std::move(basis)};
}
KpiOutcome inventory_turnover(const WindowStats& s, const Settings&) {
  return {ratio(s.issued_value, s.average_stock_value),
          {{"value_issued", s.issued_value}, {"average_value_on_hand", s.average_stock_value}}};
}
KpiOutcome stockout_rate(const WindowStats& s, const Settings&) {
  return {ratio(s.issues_emptied, s.issues), {{"requests_hitting_zero", s.issues_emptied}, {"requests", s.issues}}};
}
KpiOutcome cost_per_km(const WindowStats& s, const Settings& settings) {
  const double cost = s.parts_cost + s.labour_h * settings.labour_rate;
  return {ratio(cost, s.km), {{"parts_cost", s.parts_cost}, {"labour_hours", s.labour_h},
                              {"labour_rate", settings.labour_rate}, {"cost", cost}, {"km", s.km}}};
}

constexpr BuiltinKpi kBuiltins[] = {
    {"availability", "Fleet availability", "ratio",
     "Operational availability: uptime / (uptime + downtime); up = in service or standby, down = under maintenance "
     "or out of service, over each vehicle's registered life within the window",
     true, kVehicles, &availability},
    {"inherent_availability", "Inherent availability", "ratio", "MTBF / (MTBF + MTTR)", true, kReliability,
     &inherent_availability},
    {"mtbf", "MTBF", "h", "Mean time between failures: in-service hours / failures reported in the window", true,
     kVehiclesAndBookings, &mtbf},
    {"mdbf", "MDBF", "km",
     "Mean distance between failures: km run (odometer, interpolated at the window edges) / service-affecting failures",
     true, kVehiclesAndBookings, &mdbf},
    {"mttr", "MTTR", "h",
     "Mean time to repair: start-to-completion hours of corrective work orders completed in the window / their number",
     false, kWorkOrders, &mttr},
    {"failures", "Failures", "count", "Failures reported in the window", false, kBookings, &failures},
    {"schedule_compliance", "Schedule compliance", "ratio",
     "Work orders completed by the end of their scheduled slot / scheduled slots ending in the window (SMRP; "
     "cancelled orders excluded)",
     true, kWorkOrders, &schedule_compliance},
    {"pm_compliance", "PM compliance", "ratio",
     "Preventive work orders completed by their due date / preventive orders due in the window (cancelled excluded)",
     true, kWorkOrders, &pm_compliance},
    {"backlog", "Backlog", "count",
     "Work orders open at the end of the window (created, not completed or cancelled), with average and oldest age",
     false, kWorkOrders, &backlog},
    {"inventory_turnover", "Inventory turnover", "ratio",
     "Value issued from stock in the window / time-weighted average value on hand (fleet scope only)", true,
     kInventory, &inventory_turnover},
    {"stockout_rate", "Stock-out rate", "ratio",
     "Stock issues that left the part with nothing on hand / stock issues in the window (fleet scope only)", false,
     kInventory, &stockout_rate},
    {"maintenance_cost_per_km", "Maintenance cost per km", "currency/km",
     "(parts consumed at cost + labour hours x labour rate) / km run in the window", false, kVehiclesAndBookings,
     &cost_per_km},
};

}  // namespace

std::optional<double> ratio(double numerator, double denominator) {
  if (denominator == 0) return std::nullopt;
  return numerator / denominator;
}

std::span<const BuiltinKpi> builtin_kpis() { return kBuiltins; }

const BuiltinKpi* find_builtin(std::string_view name) {
  for (const auto& k : kBuiltins)
    if (name == k.name) return &k;
  return nullptr;
}

}  // namespace roundhouse::analytics
