#pragma once
// One PostgreSQL connection, opened through SOCI's PostgreSQL backend, with its native libpq handle
// used for the hot paths: statements prepared once per connection (cached by SQL text), parameters
// and results in binary format (no text parsing of integers and hashes). Not thread-safe: one user
// at a time.

#include <libpq-fe.h>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <soci/soci.h>

#include "pg_uri.hpp"
#include "roundhouse/core/status.hpp"

namespace roundhouse::postgres {

// Parameters for one statement, all in binary format. Text and byte parameters are not copied:
// they must outlive the call that uses them. The SQL casts every parameter ($1::bigint, $2::text,
// $3::bytea) so the server knows the binary layout to expect.
class Params {
 public:
  Params() = default;
  Params(Params&&) = default;  // the values point into this object's own storage: never copied
  Params& operator=(Params&&) = default;
  void add(std::int64_t v);
  void add(const std::string& v) { add_bytes(v.data(), v.size()); }
  void add_bytes(const void* p, std::size_t n);
  // A parameter whose bytes the Params keep (e.g. an encoded array).
  void add_owned(std::string bytes);
  int size() const { return static_cast<int>(values_.size()); }
  const char* const* values() const { return values_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  std::deque<std::uint64_t> ints_;  // stable addresses for the big-endian integers
  std::deque<std::string> owned_;
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

// One statement of a pipeline (Connection::pipeline): SQL text, prepared once per connection, and
// its parameters.
struct Statement {
  std::string sql;
  Params params;
};

// An owned PGresult with binary-format accessors.
class Rows {
 public:
  Rows() = default;
  explicit Rows(PGresult* r) : r_(r, &PQclear) {}
  int count() const { return r_ ? PQntuples(r_.get()) : 0; }
  bool null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  std::int64_t int64(int row, int col) const;
  void text(int row, int col, std::string& out) const;
  std::string text(int row, int col) const {
    std::string s;
    text(row, col, s);
    return s;
  }
  // Copies a binary column of exactly `n` bytes into `out`; false (and nothing copied) otherwise.
  bool bytes(int row, int col, void* out, std::size_t n) const;
  PGresult* get() const { return r_.get(); }

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> r_{nullptr, &PQclear};
};

// Reconnection: a connection can lose its server while idle (restart, failover, idle timeout,
// pg_terminate_backend) and only learns it when it next sends something. A statement sent
// *outside* a transaction that fails because the connection is gone is therefore sent once more
// on a reset connection (same parameters, session settings replayed, statements re-prepared), so
// the first use after a server restart succeeds. Only callers whose statements outside a
// transaction are safe to repeat may use this class that way (reads, BEGIN, idempotent upserts:
// everything in this plugin). Inside a transaction nothing is retried: the transaction is lost and
// the error goes to the caller.
class Connection {
 public:
  // Connects (through SOCI), sets the search_path to the URI's schema when it has one.
  static Result<std::unique_ptr<Connection>> open(const PgUri& uri);

  // Runs SQL without parameters (may hold several statements); errors name the store.
  Status exec(const std::string& sql);
  // Runs `sql` now and again after every reset (session settings such as read-only mode).
  Status configure(const std::string& sql);
  // Runs one statement with binary parameters and binary results; prepared once per connection
  // when `cache` is true, else sent unnamed (for SQL text that varies, e.g. multi-row inserts).
  Result<Rows> query(const std::string& sql, const Params& params, bool cache = true);
  // Sends the statements in one round trip (libpq pipeline mode: each is executed in order as its
  // own statement, with its own snapshot) and answers each one's rows, in order. The first
  // failure is the error; the server skips the statements after it. Retried on a reset
  // connection like query() when the connection was idle and healthy before. On failure,
  // `completed` (when given) receives the rows of the statements that succeeded before it.
  Result<std::vector<Rows>> pipeline(const std::vector<Statement>& statements,
                                     std::vector<Rows>* completed = nullptr);
  // COMMIT, checking that the server really committed (a failed transaction answers ROLLBACK).
  // `before` (statements ending in ';') goes in the same round trip. If the connection drops
  // while COMMIT is in flight the outcome is unknown; the error says so.
  Status commit(const std::string& before = "");
  // True once the server connection is gone and could not be reset; the owner then replaces it.
  bool broken() const { return PQstatus(conn_) != CONNECTION_OK; }
  PGconn* native() const { return conn_; }
  const std::string& where() const { return where_; }  // the redacted URI, for messages

 private:
  Connection() = default;
  Error error(const std::string& what, const PGresult* result) const;
  // Sends the statement; if it failed on a lost connection while no transaction was open,
  // resets the connection and sends it once more.
  template <class Send>
  Result<Rows> run(const std::string& what, Send send);
  Rows send_query(const std::string& sql, const Params& params, bool cache);
  Rows send_pipeline(const std::vector<Statement>& statements, std::vector<Rows>& out);
  std::string next_statement_name() { return "rh" + std::to_string(++statements_named_); }
  Status reset();

  soci::session session_;
  PGconn* conn_ = nullptr;
  std::string where_;  // the redacted URI, for messages
  std::vector<std::string> setup_;  // replayed after a reset
  std::map<std::string, std::string> prepared_;  // SQL text -> statement name
  std::uint64_t statements_named_ = 0;
};

// One line out of a (possibly multi-line) libpq/SOCI message.
std::string one_line(std::string text);

}  // namespace roundhouse::postgres
