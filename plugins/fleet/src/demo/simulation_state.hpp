#pragma once
// Private to the demo generator: the simulation's state and task queue, shared by simulation.cpp
// (clock, fleet, meters, depots, stock) and work_order_flow.cpp (failures and work orders).

#include <cstdint>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/json/object.hpp>

#include "demo/catalogue.hpp"
#include "demo/inventory.hpp"
#include "demo/prng.hpp"
#include "demo/simulation.hpp"

namespace roundhouse::fleet::demo {

inline constexpr Timestamp kMinute = 60'000'000LL;
inline constexpr Timestamp kHour = 60 * kMinute;
inline constexpr Timestamp kDay = 24 * kHour;

enum class Task : std::uint8_t {
  daily_tick,        // a = day
  register_vehicle,  // a = vehicle
  meter_reading,     // a = vehicle
  failure,           // a = vehicle, b = system index
  create_order,      // a = order
  assign_order,      // a = order
  start_order,       // a = order
  retry_parts,       // a = order
  finish_order,      // a = order
  cancel_order,      // a = order
  plan_preventive,   // a = vehicle
  receive_stock,     // a = part, b = quantity (top bit: express order)
  count_stock,       // a = part
  end_standby,       // a = vehicle
  transfer,          // a = vehicle
  retire,            // a = vehicle
};

struct Scheduled {
  Timestamp at;
  std::uint64_t seq;  // FIFO among tasks at the same time
  Task task;
  std::uint32_t a, b;
  bool operator>(const Scheduled& o) const { return at != o.at ? at > o.at : seq > o.seq; }
};

struct Vehicle {
  std::string number;
  const VehicleTypeSpec* type = nullptr;
  const ModelSpec* model = nullptr;
  std::uint32_t depot = 0;
  std::vector<std::pair<std::uint32_t, double>> systems;  // system index, Weibull scale in days
  Timestamp registered_at = 0;
  std::string commissioned_on;
  double odometer = 0, engine_hours = 0, km_since_pm = 0;
  Timestamp last_pm = 0, pm_snooze_until = 0;
  bool registered = false, retired = false, retire_pending = false, pm_open = false, on_standby = false;
  int in_workshop = 0;   // started, unfinished work orders
  int awaiting = 0;      // service-affecting failures whose work has not started
  int open_orders = 0;   // work orders not completed or cancelled (retirement waits for none)
  const char* status = "in_service";
};

enum class Category : std::uint8_t { corrective, preventive, predictive };

struct Order {
  std::string id;
  std::uint32_t vehicle = 0;
  Category category = Category::corrective;
  int system = -1;
  std::string failure_id;  // corrective only
  bool service_affecting = false;
  const char* priority = "medium";
  std::string description;
  std::string technician;
  Timestamp scheduled_start = 0;  // preventive: the planned slot
  bool cancel = false;            // preventive: will be withdrawn before it starts
  double repair_hours = 1;
  std::vector<std::pair<std::uint32_t, std::int64_t>> needs;       // part, quantity still to issue
  std::vector<std::pair<std::uint32_t, std::int64_t>> reserved;    // part, quantity held for it
  std::vector<std::pair<std::uint32_t, std::int64_t>> consumed;    // part, quantity issued
  int parts_attempts = 0;
};

struct FleetSimulation::State {
  explicit State(const DemoConfig& config);

  // ---- clock, queue, output (simulation.cpp) ----
  void schedule(Timestamp at, Task task, std::uint32_t a = 0, std::uint32_t b = 0);
  void emit(const char* aggregate, const std::string& id, const char* type, boost::json::object payload,
            std::string actor, std::string correlation = {});
  Status run(const Sink& sink, const DayCallback& on_day);
  void dispatch(const Scheduled& s);

  // ---- fleet (simulation.cpp) ----
  void define_parts();
  void register_vehicle(std::uint32_t v);
  void daily_tick(std::uint32_t day);
  void meter_reading(std::uint32_t v);
  void refresh_status(Vehicle& v, const std::string& reason, const std::string& correlation);
  void end_standby(std::uint32_t v);
  void transfer(std::uint32_t v);
  void retire(std::uint32_t v);

  // ---- stock (simulation.cpp) ----
  void order_stock(std::uint32_t part, std::int64_t qty, bool express);
  void receive_stock(std::uint32_t part, std::uint32_t packed);
  void count_stock(std::uint32_t part);
  // Issues `qty` of `part` to the order (part and work-order events) if available; false otherwise.
  bool issue_to(Order& o, std::uint32_t key, std::uint32_t part, std::int64_t qty);

  // ---- failures and work orders (work_order_flow.cpp) ----
  void failure(std::uint32_t v, std::uint32_t system);
  void plan_preventive(std::uint32_t v);
  void create_order(std::uint32_t key);
  void assign_order(std::uint32_t key);
  void start_order(std::uint32_t key);
  void retry_parts(std::uint32_t key);
  void finish_order(std::uint32_t key);
  void cancel_order(std::uint32_t key);
  std::uint32_t new_order(std::uint32_t vehicle, Category category);
  std::vector<std::pair<std::uint32_t, std::int64_t>> draw_needs(const std::vector<PartNeed>& needs);
  std::string technician_for(const Vehicle& v);
  // Issues what it can of o.needs; returns true when nothing is missing (and orders what is).
  bool issue_needs(Order& o, std::uint32_t key);

  DemoConfig config;
  Rng rng;                       // every simulation draw, in event order
  EventFactory factory;
  std::vector<Vehicle> vehicles;
  Inventory inventory;
  std::unordered_map<std::uint32_t, Order> orders;
  std::uint32_t next_order_key = 1;
  std::uint64_t failures_reported = 0;
  std::priority_queue<Scheduled, std::vector<Scheduled>, std::greater<>> queue;
  std::uint64_t seq = 0;
  Timestamp now = 0;
  const Sink* sink = nullptr;
  Status sink_status;
};

// The fleet drawn from the config (numbers, types, depots, ages, systems) and its expected daily
// demand per part, which sizes reorder points.
std::vector<Vehicle> build_fleet(const DemoConfig& config, Rng& rng);
std::vector<double> expected_daily_demand(const std::vector<Vehicle>& fleet);
// What a preventive exam of this vehicle may use: its type's list plus filters (diesel) or carbon
// strips (electric).
std::vector<PartNeed> preventive_needs(const Vehicle& v);

std::string date_of(Timestamp t);                   // "YYYY-MM-DD"
double round_to(double value, double step);         // nearest multiple of step
std::string padded(const char* prefix, std::uint64_t n, int width);  // "WO-0000042"

}  // namespace roundhouse::fleet::demo
