#include "pg_state_store.hpp"

#include <mutex>

#include "pg_connection.hpp"

namespace roundhouse::postgres {
namespace {

class PgStateStore final : public StateStore {
 public:
  explicit PgStateStore(PgUri uri) : uri_(std::move(uri)) {}

  Result<std::optional<StoredState>> load(std::string_view ns, std::string_view key) override {
    const std::string n(ns), k(key);
    Params p;
    p.add(n);
    p.add(k);
    std::lock_guard lock(mu_);
    auto rows = run("SELECT position, data, saved_at FROM state_documents WHERE ns = $1::text AND key = $2::text", p);
    if (!rows) return rows.error();
    std::optional<StoredState> out;
    if (rows->count() > 0) {
      StoredState st;
      st.position = static_cast<Position>(rows->int64(0, 0));
      rows->text(0, 1, st.data);
      st.saved_at = rows->int64(0, 2);
      out = std::move(st);
    }
    return out;
  }

  Status save(std::string_view ns, std::string_view key, const StoredState& state) override {
    const std::string n(ns), k(key);
    Params p;
    p.add(n);
    p.add(k);
    p.add(static_cast<std::int64_t>(state.position));
    p.add(state.data);
    p.add(state.saved_at);
    std::lock_guard lock(mu_);
    return run("INSERT INTO state_documents (ns, key, position, data, saved_at) VALUES ($1::text, $2::text, "
               "$3::bigint, $4::text, $5::bigint) ON CONFLICT (ns, key) DO UPDATE SET position = excluded.position, "
               "data = excluded.data, saved_at = excluded.saved_at",
               p)
        .status();
  }
  Status remove(std::string_view ns, std::string_view key) override {
    const std::string n(ns), k(key);
    Params p;
    p.add(n);
    p.add(k);
    std::lock_guard lock(mu_);
    return run("DELETE FROM state_documents WHERE ns = $1::text AND key = $2::text", p).status();
  }
  Status clear(std::string_view ns) override {
    const std::string n(ns);
    Params p;
    p.add(n);
    std::lock_guard lock(mu_);
    return run("DELETE FROM state_documents WHERE ns = $1::text", p).status();
  }
  Result<std::size_t> count(std::string_view ns) override {
    const std::string n(ns);
    Params p;
    p.add(n);
    std::lock_guard lock(mu_);
    auto rows = run("SELECT COUNT(*)::bigint FROM state_documents WHERE ns = $1::text", p);
    if (!rows) return rows.error();
    return static_cast<std::size_t>(rows->int64(0, 0));
  }

 private:
  // Runs one statement on the (re)connected connection. Caller holds mu_.
  Result<Rows> run(const char* sql, const Params& p) {
    if (conn_ && conn_->broken()) conn_.reset();
    if (!conn_) {
      auto c = Connection::open(uri_);
      if (!c) return c.error();
      conn_ = std::move(c).value();
    }
    return conn_->query(sql, p);
  }

  std::mutex mu_;
  PgUri uri_;
  std::unique_ptr<Connection> conn_;
};

}  // namespace

std::shared_ptr<StateStore> make_pg_state_store(const PgUri& uri) { return std::make_shared<PgStateStore>(uri); }

}  // namespace roundhouse::postgres
