#include "analytics/export_facts.hpp"

#include <cstdio>
#include <filesystem>
#include <stdexcept>

namespace roundhouse::bench {

namespace {

const char* status_name(analytics::VehicleStatus s) {
  switch (s) {
    case analytics::VehicleStatus::in_service: return "in_service";
    case analytics::VehicleStatus::standby: return "standby";
    case analytics::VehicleStatus::under_maintenance: return "under_maintenance";
    case analytics::VehicleStatus::out_of_service: return "out_of_service";
  }
  return "in_service";
}

struct File {
  explicit File(const std::string& path) : f(std::fopen(path.c_str(), "w")) {
    if (!f) throw std::runtime_error("cannot write " + path);
  }
  ~File() { std::fclose(f); }
  std::FILE* f;
};

void opt(std::FILE* f, const std::optional<Timestamp>& t) {
  if (t) std::fprintf(f, "%lld", static_cast<long long>(*t));
}

}  // namespace

void export_facts(const analytics::FactStore& facts, const std::string& dir) {
  std::filesystem::create_directories(dir);
  const auto& vs = facts.vehicles();
  {
    File v(dir + "/vehicles.csv"), s(dir + "/statuses.csv"), m(dir + "/meters.csv");
    std::fputs("id,type,depot,registered,retired\n", v.f);
    std::fputs("vehicle,at,status\n", s.f);
    std::fputs("vehicle,at,km\n", m.f);
    for (const auto& x : vs) {
      std::fprintf(v.f, "%s,%s,%s,%lld,", x.id.c_str(), x.type.c_str(), x.depot.c_str(), static_cast<long long>(x.registered));
      opt(v.f, x.retired);
      std::fputc('\n', v.f);
      for (const auto& c : x.statuses) std::fprintf(s.f, "%s,%lld,%s\n", x.id.c_str(), static_cast<long long>(c.at), status_name(c.status));
      for (const auto& r : x.readings) std::fprintf(m.f, "%s,%lld,%.17g\n", x.id.c_str(), static_cast<long long>(r.at), r.odometer_km);
    }
  }
  {
    File f(dir + "/failures.csv");
    std::fputs("vehicle,at,system,sa\n", f.f);
    for (const auto& x : facts.failures())
      std::fprintf(f.f, "%s,%lld,%s,%d\n", vs[x.vehicle].id.c_str(), static_cast<long long>(x.at), analytics::kSystems[x.system],
                   x.service_affecting ? 1 : 0);
  }
  {
    File f(dir + "/work_orders.csv");
    std::fputs("id,vehicle,category,created,due,started,completed,cancelled,sched_end\n", f.f);
    std::size_t i = 0;
    for (const auto& w : facts.work_orders()) {
      std::fprintf(f.f, "%zu,%s,%s,%lld,%lld,", i++, vs[w.vehicle].id.c_str(), analytics::kCategories[w.category],
                   static_cast<long long>(w.created), static_cast<long long>(w.due));
      opt(f.f, w.started);
      std::fputc(',', f.f);
      opt(f.f, w.completed);
      std::fputc(',', f.f);
      opt(f.f, w.cancelled);
      std::fputc(',', f.f);
      opt(f.f, w.scheduled_end);
      std::fputc('\n', f.f);
    }
  }
  {
    File c(dir + "/costs.csv"), s(dir + "/stock.csv"), i(dir + "/issues.csv");
    std::fputs("vehicle,at,parts,labour\n", c.f);
    for (const auto& x : facts.costs())
      std::fprintf(c.f, "%s,%lld,%.17g,%.17g\n", vs[x.vehicle].id.c_str(), static_cast<long long>(x.at), x.parts, x.labour_hours);
    std::fputs("at,value\n", s.f);
    for (const auto& x : facts.stock_value()) std::fprintf(s.f, "%lld,%.17g\n", static_cast<long long>(x.at), x.value);
    std::fputs("at,value,emptied\n", i.f);
    for (const auto& x : facts.issues()) std::fprintf(i.f, "%lld,%.17g,%d\n", static_cast<long long>(x.at), x.value, x.emptied ? 1 : 0);
  }
}

}  // namespace roundhouse::bench
