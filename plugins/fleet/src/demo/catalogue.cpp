#include "demo/catalogue.hpp"

namespace roundhouse::fleet::demo {

const std::vector<const char*>& depot_names() {
  static const std::vector<const char*> names = {
      "Northgate", "Riverside",   "Old Oak",      "Eastfield", "Crewe",      "Heaton",  "Longsight", "Toton",
      "Tyseley",   "Neville Hill", "Bounds Green", "Laira",     "Polmadie",   "Ashford", "Derby",     "Haymarket"};
  return names;
}

const std::vector<PartSpec>& part_catalogue() {
  static const std::vector<PartSpec> parts = {
      {"DOOR-SEAL", "Door seal kit", 38.50, "set", 7},
      {"DOOR-MOTOR", "Door drive motor", 612.00, "pcs", 21},
      {"DOOR-CTRL", "Door control unit", 1480.00, "pcs", 28},
      {"HVAC-FILTER", "HVAC air filter", 24.90, "pcs", 5},
      {"HVAC-COMP", "HVAC compressor", 3950.00, "pcs", 35},
      {"REFRIGERANT", "Refrigerant R134a", 18.00, "kg", 7},
      {"BRAKE-PAD", "Brake pad set", 145.00, "set", 10},
      {"BRAKE-VALVE", "Brake control valve", 870.00, "pcs", 21},
      {"BRAKE-DISC", "Brake disc", 690.00, "pcs", 28},
      {"TRAC-IGBT", "Traction converter IGBT module", 5200.00, "pcs", 42},
      {"TRAC-BEARING", "Traction motor bearing", 410.00, "pcs", 21},
      {"TRAC-FAN", "Traction motor cooling fan", 780.00, "pcs", 21},
      {"PANTO-STRIP", "Pantograph carbon strip", 96.00, "pcs", 7},
      {"PANTO-HEAD", "Pantograph head assembly", 2900.00, "pcs", 35},
      {"BOGIE-DAMPER", "Bogie yaw damper", 520.00, "pcs", 21},
      {"AXLE-BEARING", "Axle box bearing", 760.00, "pcs", 28},
      {"WHEELSET", "Wheelset", 14500.00, "pcs", 56},
      {"COUPLER-HEAD", "Coupler head", 3100.00, "pcs", 35},
      {"DRAFT-GEAR", "Draft gear", 1250.00, "pcs", 28},
      {"BATTERY", "Auxiliary battery", 1350.00, "pcs", 14},
      {"CONTACTOR", "Main contactor", 330.00, "pcs", 14},
      {"FUSE-KIT", "Fuse kit", 45.00, "set", 5},
      {"INJECTOR", "Fuel injector", 560.00, "pcs", 14},
      {"FUEL-FILTER", "Fuel filter", 32.00, "pcs", 5},
      {"OIL-FILTER", "Engine oil filter", 27.00, "pcs", 5},
      {"TURBO", "Turbocharger", 8800.00, "pcs", 49},
      {"ETCS-ANTENNA", "ETCS balise antenna", 2400.00, "pcs", 42},
      {"DMI-UNIT", "Driver machine interface", 3600.00, "pcs", 42},
      {"WINDSCREEN", "Cab windscreen", 2750.00, "pcs", 28},
      {"MIRROR", "Exterior mirror", 310.00, "pcs", 14},
      {"SEAT-COVER", "Seat cover", 62.00, "pcs", 10},
      {"GREASE", "Bearing grease", 14.50, "kg", 5},
  };
  return parts;
}

const std::vector<SystemSpec>& system_catalogue() {
  static const std::vector<SystemSpec> systems = {
      {"doors", 1.1, 150, 0.60, 0.35, 2.5,
       {{"DOOR-SEAL", 1, 2, 0.50}, {"DOOR-MOTOR", 1, 1, 0.25}, {"DOOR-CTRL", 1, 1, 0.12}},
       {"door fails to close", "door obstruction alarm", "passenger door stuck open", "door interlock fault"}},
      {"hvac", 1.3, 180, 0.55, 0.40, 4.0,
       {{"HVAC-FILTER", 2, 4, 0.60}, {"HVAC-COMP", 1, 1, 0.12}, {"REFRIGERANT", 2, 6, 0.30}},
       {"saloon too warm", "HVAC unit tripped", "no cooling in cab", "unusual noise from HVAC unit"}},
      {"brakes", 1.8, 420, 0.40, 0.45, 5.0,
       {{"BRAKE-PAD", 1, 4, 0.60}, {"BRAKE-VALVE", 1, 1, 0.20}, {"BRAKE-DISC", 1, 2, 0.15}},
       {"brake not releasing", "wheel slide protection fault", "brake pressure low", "dragging brake reported"}},
      {"traction", 1.6, 600, 0.30, 0.45, 14.0,
       {{"TRAC-IGBT", 1, 1, 0.30}, {"TRAC-BEARING", 1, 2, 0.30}, {"TRAC-FAN", 1, 1, 0.20}},
       {"loss of traction", "traction converter fault", "motor overtemperature", "reduced power"}},
      {"pantograph", 1.4, 540, 0.40, 0.45, 6.0,
       {{"PANTO-STRIP", 1, 2, 0.70}, {"PANTO-HEAD", 1, 1, 0.10}},
       {"pantograph fails to raise", "carbon strip worn", "arcing at pantograph"}},
      {"bogie", 2.8, 1600, 0.20, 0.50, 30.0,
       {{"BOGIE-DAMPER", 1, 2, 0.50}, {"AXLE-BEARING", 1, 2, 0.30}, {"WHEELSET", 1, 1, 0.15}},
       {"hot axle box alarm", "ride quality complaint", "wheel flat detected", "damper leaking"}},
      {"couplers", 1.5, 900, 0.50, 0.40, 5.0,
       {{"COUPLER-HEAD", 1, 1, 0.30}, {"DRAFT-GEAR", 1, 1, 0.20}},
       {"coupling failure", "coupler will not uncouple", "damaged coupler head"}},
      {"electrical", 1.2, 365, 0.55, 0.35, 3.0,
       {{"BATTERY", 1, 1, 0.20}, {"CONTACTOR", 1, 2, 0.40}, {"FUSE-KIT", 1, 1, 0.40}},
       {"battery undervoltage", "lighting failure", "auxiliary converter trip", "earth fault"}},
      {"engine", 1.7, 420, 0.35, 0.45, 10.0,
       {{"INJECTOR", 1, 6, 0.40}, {"FUEL-FILTER", 1, 2, 0.50}, {"TURBO", 1, 1, 0.08}},
       {"engine shut down", "low oil pressure", "black smoke", "engine will not start"}},
      {"signalling", 1.1, 700, 0.50, 0.35, 4.0,
       {{"ETCS-ANTENNA", 1, 1, 0.20}, {"DMI-UNIT", 1, 1, 0.15}},
       {"ETCS onboard fault", "AWS/TPWS fault", "radio failure"}},
      {"body", 1.0, 450, 0.80, 0.18, 3.0,
       {{"WINDSCREEN", 1, 1, 0.10}, {"MIRROR", 1, 1, 0.20}, {"SEAT-COVER", 1, 4, 0.30}},
       {"graffiti", "cracked windscreen", "damaged seat", "broken window blind"}},
  };
  return systems;
}

const std::vector<VehicleTypeSpec>& vehicle_types() {
  static const std::vector<VehicleTypeSpec> types = {
      {"locomotive", "LOC", 0.15, 120000, 30, 25000, 120, 10.0,
       {{"Class 66", Power::diesel}, {"Class 90", Power::electric}, {"Vectron AC", Power::electric}},
       {{"brakes", 1.0}, {"traction", 0.8}, {"bogie", 1.0}, {"couplers", 0.8}, {"electrical", 1.0},
        {"signalling", 0.8}, {"hvac", 2.0}, {"body", 1.2}},
       {{"BRAKE-PAD", 2, 4, 0.8}, {"GREASE", 1, 3, 1.0}}},
      {"emu_car", "EMU", 0.45, 160000, 15, 20000, 90, 6.0,
       {{"Desiro City", Power::electric}, {"Aventra", Power::electric}, {"FLIRT", Power::electric}},
       {{"doors", 1.0}, {"hvac", 1.0}, {"brakes", 1.0}, {"traction", 1.0}, {"electrical", 1.0},
        {"signalling", 1.5}, {"bogie", 1.0}, {"body", 1.0}},
       {{"HVAC-FILTER", 2, 4, 1.0}, {"BRAKE-PAD", 1, 2, 0.6}}},
      {"coach", "COA", 0.20, 140000, 35, 30000, 120, 5.0,
       {{"Mk3", Power::hauled}, {"Mk4", Power::hauled}, {"Mk5", Power::hauled}},
       {{"doors", 1.2}, {"hvac", 1.0}, {"brakes", 1.0}, {"bogie", 1.0}, {"couplers", 1.0}, {"electrical", 1.2},
        {"body", 1.0}},
       {{"HVAC-FILTER", 2, 4, 1.0}, {"BRAKE-PAD", 1, 2, 0.6}, {"GREASE", 1, 2, 0.5}}},
      {"wagon", "WAG", 0.20, 60000, 40, 40000, 180, 4.0,
       {{"HTA hopper", Power::hauled}, {"FEA flat", Power::hauled}, {"JNA box", Power::hauled}},
       {{"brakes", 1.3}, {"bogie", 1.0}, {"couplers", 1.0}, {"body", 1.5}},
       {{"BRAKE-PAD", 1, 2, 0.7}, {"GREASE", 1, 2, 1.0}}},
  };
  return types;
}

int part_index(const std::string& number) {
  const auto& parts = part_catalogue();
  for (std::size_t i = 0; i < parts.size(); ++i)
    if (number == parts[i].number) return static_cast<int>(i);
  return -1;
}

int system_index(const std::string& system) {
  const auto& systems = system_catalogue();
  for (std::size_t i = 0; i < systems.size(); ++i)
    if (system == systems[i].system) return static_cast<int>(i);
  return -1;
}

}  // namespace roundhouse::fleet::demo
