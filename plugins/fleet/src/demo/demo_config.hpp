#pragma once
// Sizes of the demo fleet: how many vehicles, depots and simulated days each --size stands for.
// Event counts follow from the simulation (about 230 events per vehicle-year; measured numbers in
// import/README-import.md): tiny ~ 4k (tests only, not in --help), small ~ 70k, 1m ~ 1M, 10m ~ 10M.

#include <cstdint>
#include <string>
#include <string_view>

#include "roundhouse/core/status.hpp"
#include "roundhouse/core/time.hpp"

namespace roundhouse::fleet::demo {

struct DemoConfig {
  std::string size = "small";  // the --size name
  int vehicles = 150;
  int depots = 4;
  int days = 730;              // simulated days from `start`
  int technicians_per_depot = 8;
  std::uint64_t seed = 1;
  Timestamp start = 0;         // midnight UTC of the first simulated day
  Timestamp end() const { return start + static_cast<Timestamp>(days) * 86'400'000'000LL; }
};

// The default first day: fixed (not "today"), so the same seed always gives the same history.
inline constexpr std::string_view kDefaultStart = "2024-01-01";

// The configuration for a size name; invalid_argument for an unknown size or a start that is not
// a YYYY-MM-DD date.
Result<DemoConfig> make_demo_config(std::string_view size, std::uint64_t seed = 1,
                                    std::string_view start = kDefaultStart);

}  // namespace roundhouse::fleet::demo
