#include "rul/cmapss_file.hpp"

#include <charconv>
#include <fstream>

namespace roundhouse::ml {
namespace {

Error bad_line(const std::filesystem::path& path, std::size_t line_no, const std::string& what) {
  return Error{ErrorCode::invalid_argument,
               path.filename().string() + " line " + std::to_string(line_no) + ": " + what};
}

// Every non-empty line of the file as `width` numbers, appended row after row to `flat`.
Status read_rows(const std::filesystem::path& path, std::size_t width, std::vector<double>& flat) {
  std::ifstream in(path);
  if (!in) return Error{ErrorCode::io_error, "cannot open " + path.string()};
  std::vector<double> fields;
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (split_cmapss_numbers(line, fields)) return bad_line(path, line_no, "a field is not a number");
    if (fields.empty()) continue;
    if (fields.size() != width)
      return bad_line(path, line_no, "expected " + std::to_string(width) + " numbers, got " + std::to_string(fields.size()));
    flat.insert(flat.end(), fields.begin(), fields.end());
  }
  return {};
}

}  // namespace

std::optional<std::size_t> split_cmapss_numbers(std::string_view line, std::vector<double>& out) {
  out.clear();
  const char* p = line.data();
  const char* end = p + line.size();
  auto separator = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (p < end) {
    while (p < end && separator(*p)) ++p;
    if (p == end) break;
    double v = 0;
    auto [next, ec] = std::from_chars(p, end, v);
    if (ec != std::errc{} || (next < end && !separator(*next))) return static_cast<std::size_t>(p - line.data());
    out.push_back(v);
    p = next;
  }
  return std::nullopt;
}

const std::array<std::string, CmapssTable::kChannels>& CmapssTable::channel_names() {
  static const std::array<std::string, kChannels> names = [] {
    std::array<std::string, kChannels> n;
    for (int i = 0; i < 3; ++i) n[i] = "os" + std::to_string(i + 1);
    for (int i = 0; i < 21; ++i) n[3 + i] = "s" + std::to_string(i + 1);
    return n;
  }();
  return names;
}

Result<CmapssTable> read_cmapss(const std::filesystem::path& path) {
  constexpr std::size_t width = 2 + CmapssTable::kChannels;
  std::vector<double> flat;
  if (Status st = read_rows(path, width, flat); !st) return st.error();
  const auto n = static_cast<Eigen::Index>(flat.size() / width);
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, width, Eigen::RowMajor>> rows(flat.data(), n, width);
  CmapssTable table;
  table.unit.assign(rows.col(0).begin(), rows.col(0).end());
  table.cycle.assign(rows.col(1).begin(), rows.col(1).end());
  table.channels = rows.rightCols<CmapssTable::kChannels>();
  return table;
}

Result<Eigen::VectorXd> read_cmapss_rul(const std::filesystem::path& path) {
  std::vector<double> values;
  if (Status st = read_rows(path, 1, values); !st) return st.error();
  return Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size())));
}

}  // namespace roundhouse::ml
