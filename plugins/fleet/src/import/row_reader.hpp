#pragma once
// Typed access to one CSV row for the import mappers. An empty cell counts as absent. Every failure
// is a value whose message reads "file:line: column: problem".

#include <cstdint>
#include <optional>
#include <string>

#include "import/csv_reader.hpp"
#include "roundhouse/core/time.hpp"

namespace roundhouse::fleet::import {

class RowReader {
 public:
  RowReader(const CsvTable& table, const CsvRow& row) : table_(table), row_(row) {}

  std::string where() const { return table_.file + ":" + std::to_string(row_.line); }
  Error error(const std::string& column, const std::string& problem) const;

  std::optional<std::string> text(const char* column) const;           // nullopt when empty or absent
  Result<std::string> required(const char* column) const;
  // A date "YYYY-MM-DD" (midnight UTC) or an RFC 3339 timestamp.
  Result<std::optional<Timestamp>> time(const char* column) const;
  Result<Timestamp> required_time(const char* column) const;
  // A calendar date "YYYY-MM-DD" only (kept as text for the payload).
  Result<std::optional<std::string>> date(const char* column) const;
  Result<std::optional<double>> number(const char* column) const;      // decimal, '.' separator
  Result<std::optional<std::int64_t>> integer(const char* column) const;
  Result<std::optional<bool>> boolean(const char* column) const;       // true/false, yes/no, 1/0, y/n

 private:
  const CsvTable& table_;
  const CsvRow& row_;
};

}  // namespace roundhouse::fleet::import
