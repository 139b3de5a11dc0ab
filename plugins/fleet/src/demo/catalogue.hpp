#pragma once
// Reference data of the demo fleet: depots, vehicle types and models, the systems that fail (with
// Weibull parameters, severities and repair times) and the parts they use. Pure data; the numbers
// are plausible rather than sourced, tuned so that doors and HVAC fail often and bogies rarely.

#include <string>
#include <vector>

namespace roundhouse::fleet::demo {

struct PartSpec {
  const char* number;       // part number = stream id of the part
  const char* description;
  double unit_cost;         // EUR
  const char* unit;         // "pcs", "kg", "set"
  int lead_days;            // normal replenishment lead time
};

// A part a job may need: with `probability`, between qty_min and qty_max units.
struct PartNeed {
  const char* part;
  int qty_min, qty_max;
  double probability;
};

struct SystemSpec {
  const char* system;             // one of the FailureReported system enum values
  double shape;                   // Weibull shape k (> 1: wear-out)
  double scale_days;              // Weibull scale per vehicle, before the type's multiplier
  double p_minor, p_major;        // severity mix; the rest is critical
  double repair_hours;            // median hands-on repair time (log-normal)
  std::vector<PartNeed> parts;
  std::vector<const char*> symptoms;
};

// How a vehicle is powered: diesel adds the engine system, engine hours and oil/fuel filters at
// preventive exams; electric adds the pantograph and its carbon strips; hauled vehicles have neither.
enum class Power { diesel, electric, hauled };

struct ModelSpec {
  const char* name;
  Power power;
};

struct SystemUse {
  const char* system;
  double scale_factor;            // multiplies the system's Weibull scale (> 1: fails less often)
};

struct VehicleTypeSpec {
  const char* type;               // VehicleRegistered vehicle_type
  const char* prefix;             // vehicle numbers are <prefix>-<nnnn>
  double share;                   // fraction of the fleet
  double annual_km;
  int max_age_years;              // initial fleet age is uniform in [0, max]
  double pm_km;                   // preventive maintenance every pm_km ...
  int pm_days;                    // ... or every pm_days, whichever comes first
  double pm_hours;                // duration of a preventive exam
  std::vector<ModelSpec> models;
  std::vector<SystemUse> systems; // besides engine / pantograph, which follow the power
  std::vector<PartNeed> pm_parts;
};

const std::vector<const char*>& depot_names();  // at least 16
const std::vector<PartSpec>& part_catalogue();
const std::vector<SystemSpec>& system_catalogue();
const std::vector<VehicleTypeSpec>& vehicle_types();

// Index of a part / system in its catalogue; -1 when unknown.
int part_index(const std::string& number);
int system_index(const std::string& system);

}  // namespace roundhouse::fleet::demo
