#pragma once
// Reader for NASA's C-MAPSS turbofan files (train_FD00x.txt / test_FD00x.txt: whitespace-separated,
// no header, 26 columns: unit, cycle, 3 operating settings, 21 sensors; RUL_FD00x.txt: one true
// RUL per test unit in unit order). Rows come back in file order, which is unit then cycle.

#include <array>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "roundhouse/core/status.hpp"

namespace roundhouse::ml {

struct CmapssTable {
  static constexpr int kChannels = 24;  // os1..os3, s1..s21
  std::vector<int> unit;
  std::vector<int> cycle;
  Eigen::MatrixXd channels;  // rows x kChannels, same row order as unit/cycle

  static const std::array<std::string, kChannels>& channel_names();
};

// The one tokenizer of C-MAPSS lines (this reader and the asset importer, assets/cmapss.cpp):
// splits on spaces, tabs and CR into `out`. Returns the offset in `line` of the first field that
// is not a number, or nullopt when every field is one.
std::optional<std::size_t> split_cmapss_numbers(std::string_view line, std::vector<double>& out);

// Errors: unreadable file (io_error), a line with other than 26 numbers or a non-numeric field
// (invalid_argument, naming the line).
Result<CmapssTable> read_cmapss(const std::filesystem::path& path);
Result<Eigen::VectorXd> read_cmapss_rul(const std::filesystem::path& path);

}  // namespace roundhouse::ml
