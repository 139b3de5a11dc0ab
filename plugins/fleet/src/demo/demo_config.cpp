#include "demo/demo_config.hpp"

namespace roundhouse::fleet::demo {

Result<DemoConfig> make_demo_config(std::string_view size, std::uint64_t seed, std::string_view start) {
  DemoConfig c;
  c.size = std::string(size);
  c.seed = seed;
  if (size == "tiny") {
    c.vehicles = 16, c.depots = 2, c.days = 180, c.technicians_per_depot = 3;
  } else if (size == "small") {
    c.vehicles = 150, c.depots = 4, c.days = 730, c.technicians_per_depot = 8;
  } else if (size == "1m") {
    c.vehicles = 1500, c.depots = 8, c.days = 1095, c.technicians_per_depot = 30;
  } else if (size == "10m") {
    c.vehicles = 9000, c.depots = 16, c.days = 1826, c.technicians_per_depot = 90;
  } else {
    return Error{ErrorCode::invalid_argument, "unknown demo size '" + std::string(size) + "' (use small, 1m or 10m)"};
  }
  const auto t = start.size() == 10 ? parse_timestamp(start) : std::nullopt;
  if (!t) return Error{ErrorCode::invalid_argument, "--start must be a date YYYY-MM-DD, not '" + std::string(start) + "'"};
  c.start = *t;
  return c;
}

}  // namespace roundhouse::fleet::demo
