#include "pg_backup.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <sstream>
#include <string_view>

#include "pg_tool.hpp"

namespace roundhouse::postgres {
namespace fs = std::filesystem;
namespace {

using ConnPtr = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

std::string first_line(std::string text) {
  text = text.substr(0, text.find('\n'));
  while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

// libpq's view of the URI's connection parameters: keyword -> value, for the ones given. With
// `env`, each one that has an environment variable (PGHOST, PGPASSWORD, ...) goes there and the
// rest (keepalives, tcp_user_timeout, ...) into `extra`, which can travel on a command line:
// only a secret without an environment variable (sslpassword) is refused.
Result<std::map<std::string, std::string>> given_params(const PgUri& uri, std::map<std::string, std::string>* env,
                                                        std::map<std::string, std::string>* extra = nullptr) {
  char* message = nullptr;
  PQconninfoOption* options = PQconninfoParse(uri.conninfo.c_str(), &message);
  if (!options) {
    std::string text = message ? message : "out of memory";
    PQfreemem(message);
    return Error{ErrorCode::invalid_argument, "postgresql: " + uri.redacted + ": " + first_line(text)};
  }
  std::map<std::string, std::string> out;
  std::string unsupported;
  for (auto* o = options; o->keyword; ++o) {
    if (!o->val) continue;
    out[o->keyword] = o->val;
    if (!env) continue;
    if (o->envvar) (*env)[o->envvar] = o->val;
    else if (extra && std::string_view(o->dispchar) != "*") (*extra)[o->keyword] = o->val;
    else unsupported = o->keyword;
  }
  PQconninfoFree(options);
  if (!unsupported.empty())
    return Error{ErrorCode::invalid_argument, "postgresql: the connection parameter '" + unsupported +
                                                  "' has no environment variable to hand it to pg_dump/pg_restore"};
  return out;
}

// A libpq keyword=value connection string (values quoted, so spaces and quotes survive).
std::string conninfo_string(const std::map<std::string, std::string>& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out += ' ';
    out += key + "='";
    for (char ch : value) {
      if (ch == '\\' || ch == '\'') out += '\\';
      out += ch;
    }
    out += '\'';
  }
  return out;
}

// A live connection to the store's database (nothing is created).
Result<ConnPtr> connect(const PgUri& uri) {
  ConnPtr conn(PQconnectdb(uri.conninfo.c_str()), &PQfinish);
  if (!conn) return Error{ErrorCode::unavailable, "postgresql store " + uri.redacted + ": out of memory"};
  if (PQstatus(conn.get()) != CONNECTION_OK)
    return Error{ErrorCode::unavailable,
                 "postgresql store " + uri.redacted + ": " + first_line(PQerrorMessage(conn.get()))};
  PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);  // no NOTICE lines on stderr
  return conn;
}

// The only value of a one-row query with text parameters (nullopt for SQL NULL or no row).
Result<std::optional<std::string>> scalar(PGconn* c, const PgUri& uri, const std::string& sql,
                                          const std::vector<std::string>& params = {}) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  ResultPtr r(PQexecParams(c, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0),
              &PQclear);
  const auto status = PQresultStatus(r.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
    return Error{ErrorCode::io_error, "postgresql store " + uri.redacted + ": " + first_line(PQerrorMessage(c))};
  if (PQntuples(r.get()) == 0 || PQgetisnull(r.get(), 0, 0)) return std::optional<std::string>{};
  return std::optional<std::string>{PQgetvalue(r.get(), 0, 0)};
}

std::string quoted(PGconn* c, const std::string& identifier) {
  char* q = PQescapeIdentifier(c, identifier.c_str(), identifier.size());
  std::string out = q ? q : "\"\"";
  PQfreemem(q);
  return out;
}

// The schema holding the store's tables: the URI's, or the first of the search_path.
Result<std::string> store_schema(PGconn* c, const PgUri& uri) {
  if (!uri.schema.empty()) return uri.schema;
  auto current = scalar(c, uri, "SELECT current_schema()");
  if (!current) return current.error();
  if (!*current)
    return Error{ErrorCode::invalid_argument, "postgresql store " + uri.redacted +
                                                  ": no schema on the search_path exists (give ?schema=NAME)"};
  return **current;
}

// Events stored in `schema` (nullopt when it holds no event log).
Result<std::optional<std::int64_t>> events_in(PGconn* c, const PgUri& uri, const std::string& schema) {
  auto exists = scalar(c, uri, "SELECT to_regclass(quote_ident($1) || '.events')::text", {schema});
  if (!exists) return exists.error();
  if (!*exists) return std::optional<std::int64_t>{};
  auto n = scalar(c, uri, "SELECT count(*) FROM " + quoted(c, schema) + ".events");
  if (!n) return n.error();
  return std::optional<std::int64_t>{std::stoll(n->value_or("0"))};
}

// A connection to the store's database, the store's schema and what it holds.
struct StoreConnection {
  ConnPtr conn{nullptr, &PQfinish};
  std::string schema;
  std::optional<std::int64_t> events;  // nullopt: the schema holds no event log
};

Result<StoreConnection> connect_store(const PgUri& uri) {
  StoreConnection out;
  auto conn = connect(uri);
  if (!conn) return conn.error();
  out.conn = std::move(conn).value();
  auto schema = store_schema(out.conn.get(), uri);
  if (!schema) return schema.error();
  out.schema = *schema;
  auto events = events_in(out.conn.get(), uri, out.schema);
  if (!events) return events.error();
  out.events = *events;
  return out;
}

Error no_store(const PgUri& uri, const std::string& schema) {
  return Error{ErrorCode::not_found, "no Roundhouse store in schema " + schema + " of " + uri.redacted};
}

// Everything a tool run needs: the program, its environment and the database to name.
struct ToolContext {
  fs::path program;
  std::map<std::string, std::string> env;
  std::string database;
};

Result<ToolContext> tool_context(const std::string& program, const PgUri& uri, PGconn* c) {
  ToolContext t;
  auto found = find_pg_program(program);
  if (!found) return found.error();
  t.program = *found;
  // --dbname takes a connection string: the database and the parameters without environment
  // variables; everything else (the password above all) stays in the environment.
  std::map<std::string, std::string> extra;
  auto params = given_params(uri, &t.env, &extra);
  if (!params) return params.error();
  extra["dbname"] = PQdb(c);
  t.database = conninfo_string(extra);
  return t;
}

// The archive's table-of-contents lines, and the schema of its `events` table.
struct ArchiveToc {
  std::vector<std::string> lines;
  std::string schema;
};

Result<ArchiveToc> read_toc(const fs::path& file, const ToolContext& t) {
  auto run = run_tool(t.program, {"--list", file.string()}, t.env);
  if (!run) return run.error();
  if (run->exit_code != 0) return tool_failure("pg_restore --list", *run);
  ArchiveToc toc;
  static const std::regex kEvents(R"(^\d+; \d+ \d+ TABLE (\S+) events )");
  std::stringstream in(run->out);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, kEvents)) toc.schema = m[1];
    toc.lines.push_back(line);
  }
  if (toc.schema.empty())
    return Error{ErrorCode::invalid_argument, file.string() + " is a pg_dump archive but holds no Roundhouse store"};
  return toc;
}

// The TOC without CREATE SCHEMA entries, written to a private temporary file (removed on scope exit).
class TocFile {
 public:
  static Result<std::unique_ptr<TocFile>> write(const ArchiveToc& toc) {
    std::string name = (fs::temp_directory_path() / "roundhouse-restore-XXXXXX").string();
    const int fd = ::mkstemp(name.data());
    if (fd < 0) return Error{ErrorCode::io_error, "cannot create a temporary file for pg_restore's list"};
    ::close(fd);
    auto out = std::unique_ptr<TocFile>(new TocFile(name));
    std::ofstream f(name);
    static const std::regex kSchema(R"(^\d+; \d+ \d+ SCHEMA )");
    for (const auto& line : toc.lines)
      if (!std::regex_search(line, kSchema)) f << line << '\n';
    if (!f.flush()) return Error{ErrorCode::io_error, "cannot write " + name};
    return out;
  }
  ~TocFile() {
    std::error_code ec;
    fs::remove(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  explicit TocFile(fs::path p) : path_(std::move(p)) {}
  fs::path path_;
};

}  // namespace

std::string location(const StoreUri& store) {
  auto uri = parse_pg_uri(store);
  if (!uri) return store.text;
  auto given = given_params(*uri, nullptr);
  if (!given) return uri->redacted;
  std::map<std::string, std::string> defaults;
  if (PQconninfoOption* d = PQconndefaults()) {
    for (auto* o = d; o->keyword; ++o)
      if (o->val) defaults[o->keyword] = o->val;
    PQconninfoFree(d);
  }
  auto value = [&](const char* key) {
    if (auto it = given->find(key); it != given->end()) return it->second;
    if (auto it = defaults.find(key); it != defaults.end()) return it->second;
    return std::string();
  };
  const std::string user = value("user");
  return "postgresql://" + user + "@" + value("host") + ":" + value("port") + "/" +
         (given->contains("dbname") ? value("dbname") : user) + "?schema=" + uri->schema;
}

Status expect_existing_store(const StoreUri& store) {
  auto uri = parse_pg_uri(store);
  if (!uri) return uri.error();
  auto target = connect_store(*uri);
  if (!target) return target.error();
  if (!target->events) return no_store(*uri, target->schema);
  return {};
}

Status backup(const StoreUri& store, const fs::path& file, const TransferProgress& progress) {
  auto uri = parse_pg_uri(store);
  if (!uri) return uri.error();
  std::error_code ec;
  if (fs::exists(file, ec))
    return {ErrorCode::invalid_argument, "backup file " + file.string() + " already exists (choose a new name)"};
  auto source = connect_store(*uri);
  if (!source) return source.error();
  if (!source->events) return no_store(*uri, source->schema);
  const std::string schema = source->schema;
  auto tool = tool_context("pg_dump", *uri, source->conn.get());
  if (!tool) return tool.error();
  source->conn.reset();

  const fs::path partial = file.string() + ".partial";
  fs::remove(partial, ec);
  // A quoted pattern matches the schema name exactly (unquoted ones are folded to lower case).
  auto run = run_tool(tool->program,
                      {"--format=custom", "--schema=\"" + schema + "\"", "--file=" + partial.string(),
                       "--dbname=" + tool->database},
                      tool->env, [&] {
                        std::error_code size_ec;
                        const auto size = fs::file_size(partial, size_ec);
                        if (progress && !size_ec) progress(size, 0);
                      });
  if (!run || run->exit_code != 0) {
    fs::remove(partial, ec);
    return run ? Status{tool_failure("pg_dump", *run)} : run.status();
  }
  fs::rename(partial, file, ec);
  if (ec) {
    fs::remove(partial, ec);
    return {ErrorCode::io_error, "cannot rename " + partial.string() + " to " + file.string() + ": " + ec.message()};
  }
  if (progress) progress(fs::file_size(file, ec), fs::file_size(file, ec));
  return {};
}

Result<RestoreReport> restore(const fs::path& file, const StoreUri& store, const RestoreOptions& options,
                              const TransferProgress& progress) {
  if (auto st = expect_backup_format(file, kPgDumpBackup); !st) return st.error();
  auto uri = parse_pg_uri(store);
  if (!uri) return uri.error();
  auto target = connect_store(*uri);
  if (!target) return target.error();
  PGconn* c = target->conn.get();
  const std::string& schema = target->schema;
  auto tool = tool_context("pg_restore", *uri, c);
  if (!tool) return tool.error();
  auto toc = read_toc(file, *tool);
  if (!toc) return toc.error();
  if (toc->schema != schema)
    return Error{ErrorCode::invalid_argument, "the backup holds the store of schema " + toc->schema +
                                                  ", the target is schema " + schema + " (pg_restore cannot rename " +
                                                  "schemas: restore to a URI with ?schema=" + toc->schema + ")"};
  const std::int64_t existing = target->events.value_or(0);
  if (existing > 0 && !options.force)
    return Error{ErrorCode::invalid_argument, "store " + uri->redacted + " (schema " + schema + ") is not empty (" +
                                                  std::to_string(existing) +
                                                  " events); restoring over it needs force (roundhouse restore --force)"};
  if (auto r = scalar(c, *uri, "CREATE SCHEMA IF NOT EXISTS " + quoted(c, schema)); !r) return r.error();
  target->conn.reset();

  auto list = TocFile::write(*toc);
  if (!list) return list.error();
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (progress) progress(0, size);
  auto run = run_tool(tool->program,
                      {"--single-transaction", "--exit-on-error", "--clean", "--if-exists", "--no-owner",
                       "--no-privileges", "--use-list=" + (*list)->path().string(), "--dbname=" + tool->database,
                       file.string()},
                      tool->env);
  if (!run) return run.error();
  if (run->exit_code != 0) return tool_failure("pg_restore", *run);
  if (progress) progress(size, size);
  return RestoreReport{static_cast<std::uint64_t>(existing)};
}

}  // namespace roundhouse::postgres
