#include "import/csv_reader.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace roundhouse::fleet::import {
namespace {

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return std::string(s.substr(b, e - b));
}

Error at(const std::string& file, std::size_t line, const std::string& message) {
  return Error{ErrorCode::invalid_argument, file + ":" + std::to_string(line) + ": " + message};
}

}  // namespace

std::optional<std::size_t> CsvTable::column(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  return std::nullopt;
}

Result<CsvTable> parse_csv(std::string_view text, const std::string& file) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  CsvTable table;
  table.file = file;
  std::vector<CsvRow> records;
  std::size_t line = 1, i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    CsvRow row;
    row.line = line;
    bool blank = true;
    for (;;) {  // one field per iteration
      std::string field;
      if (i < n && text[i] == '"') {
        blank = false;
        const std::size_t opened = line;
        ++i;
        for (;;) {
          if (i >= n) return at(file, opened, "a quoted field is not closed");
          const char c = text[i++];
          if (c == '"') {
            if (i < n && text[i] == '"') {
              field += '"';
              ++i;
            } else {
              break;
            }
          } else {
            if (c == '\n') ++line;
            field += c;
          }
        }
        std::size_t j = i;
        while (j < n && (text[j] == ' ' || text[j] == '\t')) ++j;
        if (j < n && text[j] != ',' && text[j] != '\r' && text[j] != '\n')
          return at(file, line, "unexpected text after a closing quote");
        i = j;
      } else {
        const std::size_t begin = i;
        while (i < n && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
          if (text[i] == '"') return at(file, line, "a quote inside an unquoted field (quote the whole field)");
          ++i;
        }
        field = trim(text.substr(begin, i - begin));
        if (!field.empty() || (i < n && text[i] == ',')) blank = false;
      }
      row.fields.push_back(std::move(field));
      if (i < n && text[i] == ',') {
        ++i;
        continue;
      }
      break;
    }
    if (i < n && text[i] == '\r') ++i;
    if (i < n && text[i] == '\n') {
      ++i;
      ++line;
    }
    if (!blank) records.push_back(std::move(row));
  }
  if (records.empty()) return at(file, 1, "the file is empty; a header row is required");
  for (auto& h : records.front().fields) table.header.push_back(trim(h));
  for (std::size_t c = 0; c < table.header.size(); ++c) {
    if (table.header[c].empty()) return at(file, records.front().line, "header column " + std::to_string(c + 1) + " has no name");
    for (std::size_t d = 0; d < c; ++d)
      if (table.header[d] == table.header[c]) return at(file, records.front().line, "column '" + table.header[c] + "' appears twice");
  }
  for (std::size_t r = 1; r < records.size(); ++r) {
    if (records[r].fields.size() != table.header.size())
      return at(file, records[r].line, std::to_string(records[r].fields.size()) + " fields, but the header has " +
                                           std::to_string(table.header.size()));
    table.rows.push_back(std::move(records[r]));
  }
  return table;
}

Result<CsvTable> read_csv_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return Error{ErrorCode::not_found, path + ": no such file"};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{ErrorCode::io_error, path + ": cannot be read"};
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return parse_csv(buffer.str(), path);
}

}  // namespace roundhouse::fleet::import
