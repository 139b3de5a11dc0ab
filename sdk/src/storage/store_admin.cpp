#include "roundhouse/storage/store_admin.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace roundhouse {
namespace {

struct Format {
  const char* name;
  std::string_view magic;
  const char* description;  // "a SQLite backup"
  const char* restores_to;  // the store scheme it restores into
};

constexpr Format kFormats[] = {
    {kSqliteBackup, std::string_view("SQLite format 3\0", 16), "a SQLite backup", "a sqlite: store"},
    {kPgDumpBackup, "PGDMP", "a PostgreSQL backup (pg_dump archive)", "a postgresql:// store"},
};

}  // namespace

Status expect_backup_format(const std::filesystem::path& file, std::string_view wanted) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec))
    return {ErrorCode::not_found, "backup file " + file.string() + " does not exist"};
  if (std::filesystem::is_directory(file, ec))
    return {ErrorCode::invalid_argument, "backup file " + file.string() + " is a directory"};
  std::ifstream in(file, std::ios::binary);
  char head[16] = {};
  if (in) in.read(head, sizeof head);
  if (!in && (in.bad() || !in.is_open()))
    return {ErrorCode::io_error, "cannot read backup file " + file.string() + ": " + std::strerror(errno)};
  const std::string_view bytes(head, static_cast<std::size_t>(in.gcount()));
  if (bytes.empty()) return {ErrorCode::invalid_argument, "backup file " + file.string() + " is empty"};
  for (const auto& f : kFormats) {
    if (!bytes.starts_with(f.magic)) continue;
    if (wanted == f.name) return {};
    return {ErrorCode::invalid_argument, file.string() + " is " + f.description + "; restore it to " + f.restores_to +
                                             " (then `roundhouse migrate` moves it to another backend)"};
  }
  return {ErrorCode::invalid_argument,
          file.string() + " is not a Roundhouse backup (neither a SQLite database nor a pg_dump archive)"};
}

}  // namespace roundhouse
