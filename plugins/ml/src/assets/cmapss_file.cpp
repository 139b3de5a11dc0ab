#include "assets/cmapss_file.hpp"

#include <charconv>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

namespace roundhouse::ml::assets {
namespace {

constexpr std::size_t kColumns = 26;

Error bad_line(const std::filesystem::path& file, std::size_t line, const std::string& what) {
  return {ErrorCode::invalid_argument, file.filename().string() + ":" + std::to_string(line) + ": " + what};
}

// Splits on spaces, tabs and CR into `out`; the offset of the first field that is not a number,
// or nullopt when every field is one.
std::optional<std::size_t> split_numbers(std::string_view line, std::vector<double>& out) {
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

}  // namespace

Result<std::vector<CmapssEngine>> read_cmapss(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return Error{ErrorCode::invalid_argument, file.string() + ": cannot open"};
  std::vector<CmapssEngine> engines;
  std::string text;
  std::vector<double> fields;
  std::size_t line = 0;
  while (std::getline(in, text)) {
    ++line;
    if (auto bad = split_numbers(text, fields))
      return bad_line(file, line, "'" + text.substr(*bad, 12) + "' is not a number");
    const std::size_t n = fields.size();
    if (n == 0) continue;  // blank line
    if (n != kColumns)
      return bad_line(file, line, "expected 26 numbers (unit, cycle, 3 settings, 21 sensors), got " + std::to_string(n));
    std::array<double, kColumns> row{};
    std::copy(fields.begin(), fields.end(), row.begin());
    const int unit = static_cast<int>(row[0]);
    const double cycle = row[1];
    if (row[0] != unit || unit < 1) return bad_line(file, line, "unit must be a whole number >= 1");
    if (engines.empty() || engines.back().unit != unit) {
      for (const auto& e : engines)
        if (e.unit == unit) return bad_line(file, line, "unit " + std::to_string(unit) + " appears in two blocks");
      if (cycle != 1) return bad_line(file, line, "unit " + std::to_string(unit) + " starts at cycle " + std::to_string(static_cast<long long>(cycle)) + ", not 1");
      engines.push_back({unit, {}});
    } else if (cycle != static_cast<double>(engines.back().rows.size() + 1)) {
      return bad_line(file, line, "unit " + std::to_string(unit) + ": cycle " +
                                      std::to_string(static_cast<long long>(cycle)) + " follows cycle " +
                                      std::to_string(engines.back().rows.size()));
    }
    engines.back().rows.push_back(row);
  }
  if (engines.empty()) return Error{ErrorCode::invalid_argument, file.string() + ": no data"};
  return engines;
}

Result<std::vector<double>> read_cmapss_rul(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return Error{ErrorCode::invalid_argument, file.string() + ": cannot open"};
  std::vector<double> values, fields;
  std::string text;
  std::size_t line = 0;
  while (std::getline(in, text)) {
    ++line;
    if (auto bad = split_numbers(text, fields)) return bad_line(file, line, "'" + text.substr(*bad, 12) + "' is not a number");
    if (fields.empty()) continue;
    if (fields.size() != 1 || fields[0] < 0)
      return bad_line(file, line, "expected one remaining life >= 0, got " + std::to_string(fields.size()) + " number(s)");
    values.push_back(fields[0]);
  }
  if (values.empty()) return Error{ErrorCode::invalid_argument, file.string() + ": no data"};
  return values;
}

}  // namespace roundhouse::ml::assets
