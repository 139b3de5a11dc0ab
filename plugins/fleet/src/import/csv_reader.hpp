#pragma once
// A strict RFC 4180 CSV reader for `roundhouse import`: comma separated, a header row, fields
// optionally in double quotes (a quoted field may hold commas, line breaks and "" for a quote),
// CRLF or LF line ends, an optional UTF-8 byte order mark. Unquoted fields are trimmed of
// surrounding spaces; blank lines are skipped. Every row remembers the line it starts on, so errors
// can name file:line. Failures are values whose message starts with "file:line: ".

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "roundhouse/core/status.hpp"

namespace roundhouse::fleet::import {

struct CsvRow {
  std::size_t line = 0;             // 1-based line on which the record starts
  std::vector<std::string> fields;  // as many as the header has
};

struct CsvTable {
  std::string file;                 // as given by the user; used in messages
  std::vector<std::string> header;
  std::vector<CsvRow> rows;
  // Index of a header column, or nullopt.
  std::optional<std::size_t> column(std::string_view name) const;
};

// Parses CSV text; `file` only labels messages.
Result<CsvTable> parse_csv(std::string_view text, const std::string& file);
// Reads and parses a file; not_found / io_error when it cannot be read.
Result<CsvTable> read_csv_file(const std::string& path);

}  // namespace roundhouse::fleet::import
