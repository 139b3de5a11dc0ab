#pragma once
// The one reader of NASA's C-MAPSS turbofan files, used by the importer (assets/cmapss.hpp) and
// the RUL protocol (rul/cmapss_protocol.hpp).
//
// train_FD00x.txt / test_FD00x.txt: one line per engine and cycle, whitespace separated, no
// header, 26 numbers: unit, cycle, three operating settings, 21 sensors; engines in blocks with
// cycles 1, 2, ... RUL_FD00x.txt: the true remaining life of each test engine, in unit order.

#include <array>
#include <filesystem>
#include <vector>

#include "roundhouse/core/status.hpp"

namespace roundhouse::ml::assets {

struct CmapssEngine {
  int unit = 0;
  std::vector<std::array<double, 26>> rows;  // unit, cycle, 3 settings, 21 sensors
};

// Parses one data file; invalid_argument names file:line and the problem (a field that is not a
// number, a line of other than 26 numbers, a unit in two blocks, cycles not 1, 2, ...).
Result<std::vector<CmapssEngine>> read_cmapss(const std::filesystem::path& file);

// One non-negative number per non-empty line; invalid_argument names file:line.
Result<std::vector<double>> read_cmapss_rul(const std::filesystem::path& file);

}  // namespace roundhouse::ml::assets
