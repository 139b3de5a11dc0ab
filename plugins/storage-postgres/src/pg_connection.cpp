#include "pg_connection.hpp"

#include <endian.h>

#include <cstring>

#include <soci/postgresql/soci-postgresql.h>

namespace roundhouse::postgres {

std::string one_line(std::string text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

void Params::add(std::int64_t v) {
  ints_.push_back(htobe64(static_cast<std::uint64_t>(v)));
  values_.push_back(reinterpret_cast<const char*>(&ints_.back()));
  lengths_.push_back(8);
  formats_.push_back(1);
}

void Params::add_bytes(const void* p, std::size_t n) {
  static const char empty = 0;
  values_.push_back(n ? static_cast<const char*>(p) : &empty);
  lengths_.push_back(static_cast<int>(n));
  formats_.push_back(1);
}

void Params::add_owned(std::string bytes) {
  owned_.push_back(std::move(bytes));
  add_bytes(owned_.back().data(), owned_.back().size());
}

std::int64_t Rows::int64(int row, int col) const {
  if (PQgetisnull(r_.get(), row, col) || PQgetlength(r_.get(), row, col) != 8) return 0;
  std::uint64_t v = 0;
  std::memcpy(&v, PQgetvalue(r_.get(), row, col), 8);
  return static_cast<std::int64_t>(be64toh(v));
}

void Rows::text(int row, int col, std::string& out) const {
  out.assign(PQgetvalue(r_.get(), row, col), static_cast<std::size_t>(PQgetlength(r_.get(), row, col)));
}

bool Rows::bytes(int row, int col, void* out, std::size_t n) const {
  if (static_cast<std::size_t>(PQgetlength(r_.get(), row, col)) != n) return false;
  std::memcpy(out, PQgetvalue(r_.get(), row, col), n);
  return true;
}

namespace {
ErrorCode code_for(const std::string& sqlstate, const std::string& message) {
  if (sqlstate.rfind("28", 0) == 0 || message.find("password authentication failed") != std::string::npos ||
      message.find("no password supplied") != std::string::npos)
    return ErrorCode::unauthenticated;
  if (sqlstate.empty() || sqlstate.rfind("08", 0) == 0 || sqlstate.rfind("57P", 0) == 0 || sqlstate == "40001" ||
      sqlstate == "40P01" || sqlstate == "53300")
    return ErrorCode::unavailable;
  return ErrorCode::io_error;
}
}  // namespace

Result<std::unique_ptr<Connection>> Connection::open(const PgUri& uri) {
  std::unique_ptr<Connection> c(new Connection());
  c->where_ = uri.redacted;
  try {
    c->session_.open(soci::postgresql, uri.conninfo);  // the linked backend, no dlopen
  } catch (const std::exception& ex) {
    std::string msg = one_line(ex.what());
    // SOCI prefixes libpq's reason with a generic sentence; the reason is what a user acts on.
    const std::string generic = "Cannot establish connection to the database.";
    if (msg.rfind(generic, 0) == 0) msg = one_line(msg.substr(generic.size()));
    // libpq repeats the conninfo in some messages; never echo a password.
    const bool bad_uri = msg.find("invalid URI") != std::string::npos ||
                         msg.find("invalid connection option") != std::string::npos ||
                         msg.find("invalid integer value") != std::string::npos ||
                         msg.find("invalid sslmode value") != std::string::npos;
    return Error{bad_uri ? ErrorCode::invalid_argument : code_for("", msg), "cannot open PostgreSQL store " + uri.redacted + ": " + msg};
  }
  auto* backend = static_cast<soci::postgresql_session_backend*>(c->session_.get_backend());
  c->conn_ = backend->conn_;
  // libpq prints notices to stderr, including the "terminating connection" a restarting server
  // sends its idle sessions; a library must not write to the host's stderr, and what matters
  // reaches the caller as an error value.
  PQsetNoticeProcessor(c->conn_, [](void*, const char*) {}, nullptr);
  std::string setup = "SET client_min_messages = warning";
  if (!uri.schema.empty()) setup += "; SET search_path TO \"" + uri.schema + "\"";
  if (auto st = c->configure(setup); !st) return st.error();
  return c;
}

Error Connection::error(const std::string& what, const PGresult* result) const {
  std::string sqlstate;
  std::string message;
  if (result) {
    if (const char* s = PQresultErrorField(result, PG_DIAG_SQLSTATE)) sqlstate = s;
    if (const char* m = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)) message = m;
  }
  if (message.empty()) message = PQerrorMessage(conn_);
  if (message.empty()) message = "no answer from the server";
  message = one_line(message);
  if (!sqlstate.empty()) message += " (SQLSTATE " + sqlstate + ")";
  if (broken()) sqlstate = "08000";
  return Error{code_for(sqlstate, message), "PostgreSQL store " + where_ + ": " + what + " failed: " + message};
}

namespace {
bool succeeded(const Rows& r) {
  const auto status = r.get() ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}
std::string abbreviated(const std::string& sql) { return sql.size() > 60 ? sql.substr(0, 57) + "..." : sql; }
}  // namespace

template <class Send>
Result<Rows> Connection::run(const std::string& what, Send send) {
  // Only a connection that was healthy and idle may be reset and asked again: inside a
  // transaction a reset would silently drop the transaction (and its advisory lock).
  const bool idle = PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
  Rows r = send();
  if (succeeded(r)) return r;
  if (!idle || !broken()) return error(what, r.get());
  Error lost = error(what, r.get());
  if (auto st = reset(); !st) return Error{lost.code, lost.message + "; reconnecting failed: " + st.message()};
  r = send();
  if (succeeded(r)) return r;
  return error(what, r.get());
}

Status Connection::reset() {
  PQreset(conn_);  // same PGconn object (SOCI keeps pointing at it), same parameters
  prepared_.clear();
  if (broken()) return Error{ErrorCode::unavailable, one_line(PQerrorMessage(conn_))};
  for (const auto& sql : setup_) {
    Rows r(PQexec(conn_, sql.c_str()));
    if (!succeeded(r)) return error(abbreviated(sql), r.get());
  }
  return {};
}

Status Connection::exec(const std::string& sql) {
  return run(abbreviated(sql), [&] { return Rows(PQexec(conn_, sql.c_str())); }).status();
}

Status Connection::configure(const std::string& sql) {
  if (auto st = exec(sql); !st) return st;
  setup_.push_back(sql);
  return {};
}

Rows Connection::send_query(const std::string& sql, const Params& p, bool cache) {
  if (!cache) return Rows(PQexecParams(conn_, sql.c_str(), p.size(), nullptr, p.values(), p.lengths(), p.formats(), 1));
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    const std::string name = next_statement_name();
    Rows prep(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr));
    if (!succeeded(prep)) return prep;
    it = prepared_.emplace(sql, name).first;
  }
  return Rows(PQexecPrepared(conn_, it->second.c_str(), p.size(), p.values(), p.lengths(), p.formats(), 1));
}

Result<Rows> Connection::query(const std::string& sql, const Params& p, bool cache) {
  return run("statement", [&] { return send_query(sql, p, cache); });
}

Result<std::vector<Rows>> Connection::pipeline(const std::vector<Statement>& statements,
                                               std::vector<Rows>* completed) {
  std::vector<Rows> out;
  auto last = run("pipeline of " + std::to_string(statements.size()) + " statements, from \"" +
                      abbreviated(statements.empty() ? "" : statements.front().sql) + "\"",
                  [&] { return send_pipeline(statements, out); });
  if (!last) {
    if (completed) *completed = std::move(out);
    return last.error();
  }
  return out;
}

// Queues every statement (a Parse first for SQL not yet prepared on this connection), then one
// Sync, and collects the results in order. Nonblocking while queueing, so a large pipeline cannot
// deadlock with the server writing results back (PQgetResult flushes what is left while it
// reads). Answers the first failed result, else the last one; on failure `out` keeps the rows
// of the statements before it.
Rows Connection::send_pipeline(const std::vector<Statement>& statements, std::vector<Rows>& out) {
  out.clear();
  if (PQenterPipelineMode(conn_) != 1) return Rows();
  PQsetnonblocking(conn_, 1);
  struct Expected {
    int statement;         // index into statements
    std::string prepares;  // non-empty: this result answers the Parse creating that name
  };
  std::vector<Expected> expected;
  bool queued = true;
  for (int i = 0; queued && i < static_cast<int>(statements.size()); ++i) {
    const Statement& st = statements[static_cast<std::size_t>(i)];
    std::string name;
    if (auto it = prepared_.find(st.sql); it != prepared_.end()) {
      name = it->second;
    } else {
      name = next_statement_name();
      queued = PQsendPrepare(conn_, name.c_str(), st.sql.c_str(), 0, nullptr) == 1;
      if (queued) expected.push_back({i, name});
    }
    const Params& p = st.params;
    queued = queued && PQsendQueryPrepared(conn_, name.c_str(), p.size(), p.values(), p.lengths(), p.formats(), 1) == 1;
    if (queued) expected.push_back({i, ""});
  }
  const bool synced = PQpipelineSync(conn_) == 1;
  Rows failure;  // the first failed result
  bool failed = !queued || !synced;
  std::size_t next = 0;
  bool previous_was_end = false;
  while (synced) {
    PGresult* res = PQgetResult(conn_);
    if (!res) {  // ends one statement's results; two in a row: the connection is gone
      if (previous_was_end || broken()) break;
      previous_was_end = true;
      continue;
    }
    previous_was_end = false;
    Rows r(res);
    if (PQresultStatus(res) == PGRES_PIPELINE_SYNC) break;
    if (next >= expected.size()) continue;  // not ours (cannot happen)
    const Expected& e = expected[next++];
    if (!succeeded(r)) {
      if (!failed) failure = std::move(r);
      failed = true;
    } else if (!e.prepares.empty()) {
      prepared_.emplace(statements[static_cast<std::size_t>(e.statement)].sql, e.prepares);
    } else {
      out.push_back(std::move(r));
    }
  }
  PQsetnonblocking(conn_, 0);
  // Still in pipeline mode only when results were left behind on a live connection (libpq
  // itself failed): start afresh rather than leave the connection unusable.
  if (PQexitPipelineMode(conn_) != 1 && !broken()) (void)reset();
  if (failed || out.size() != statements.size()) {
    return failure;  // null when libpq itself failed: error() reports PQerrorMessage
  }
  return Rows(PQmakeEmptyPGresult(conn_, PGRES_COMMAND_OK));
}

Status Connection::commit(const std::string& before) {
  Rows r(PQexec(conn_, (before + "COMMIT").c_str()));
  if (!succeeded(r)) {
    Error e = error("commit", r.get());
    if (broken()) e.message += " (the connection was lost during COMMIT, so the outcome is unknown)";
    return e;
  }
  // After an error inside the transaction the server answers COMMIT with ROLLBACK.
  if (std::strcmp(PQcmdStatus(r.get()), "COMMIT") != 0)
    return Error{ErrorCode::io_error, "PostgreSQL store " + where_ + ": the transaction was rolled back"};
  return {};
}

}  // namespace roundhouse::postgres
