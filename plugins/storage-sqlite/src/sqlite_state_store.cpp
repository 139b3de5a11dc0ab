#include "sqlite_state_store.hpp"

#include <mutex>

namespace roundhouse::sqlite {
namespace {

class SqliteStateStore final : public StateStore {
 public:
  SqliteStateStore(std::filesystem::path file, ConnectionOptions options) : file_(std::move(file)), options_(options) {}

  Result<std::optional<StoredState>> load(std::string_view ns, std::string_view key) override {
    std::lock_guard lock(mu_);
    auto c = connection();
    if (!c) return c.error();
    auto stmt = (*c)->prepare("SELECT position, data, saved_at FROM state_documents WHERE ns = ?1 AND key = ?2");
    if (!stmt) return stmt.error();
    const std::string n(ns), k(key);
    (*stmt)->bind(1, n);
    (*stmt)->bind(2, k);
    sqlite3_stmt* s = (*stmt)->get();
    std::optional<StoredState> out;
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
      StoredState st;
      st.position = static_cast<Position>(sqlite3_column_int64(s, 0));
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
      st.data.assign(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(s, 1)));
      st.saved_at = sqlite3_column_int64(s, 2);
      out = std::move(st);
    } else if (rc != SQLITE_DONE) {
      Error err = (*c)->error("loading state " + n + "/" + k);
      (*stmt)->reset();
      return err;
    }
    (*stmt)->reset();
    return out;
  }

  Status save(std::string_view ns, std::string_view key, const StoredState& state) override {
    return run("INSERT INTO state_documents (ns, key, position, data, saved_at) VALUES (?1, ?2, ?3, ?4, ?5) "
               "ON CONFLICT (ns, key) DO UPDATE SET position = excluded.position, data = excluded.data, "
               "saved_at = excluded.saved_at",
               ns, key, &state);
  }
  Status remove(std::string_view ns, std::string_view key) override {
    return run("DELETE FROM state_documents WHERE ns = ?1 AND key = ?2", ns, key, nullptr);
  }
  Status clear(std::string_view ns) override {
    return run("DELETE FROM state_documents WHERE ns = ?1 AND ?2 IS NOT NULL", ns, "", nullptr);
  }
  Result<std::size_t> count(std::string_view ns) override {
    std::lock_guard lock(mu_);
    auto c = connection();
    if (!c) return c.error();
    auto stmt = (*c)->prepare("SELECT COUNT(*) FROM state_documents WHERE ns = ?1");
    if (!stmt) return stmt.error();
    const std::string n(ns);
    (*stmt)->bind(1, n);
    if (sqlite3_step((*stmt)->get()) != SQLITE_ROW) {
      Error err = (*c)->error("counting state documents");
      (*stmt)->reset();
      return err;
    }
    const auto count = static_cast<std::size_t>(sqlite3_column_int64((*stmt)->get(), 0));
    (*stmt)->reset();
    return count;
  }

 private:
  Result<Connection*> connection() {
    if (!conn_) {
      auto c = Connection::open(file_, options_);
      if (!c) return c.error();
      conn_ = std::move(c).value();
    }
    return conn_.get();
  }

  Status run(const char* sql, std::string_view ns, std::string_view key, const StoredState* state) {
    std::lock_guard lock(mu_);
    auto c = connection();
    if (!c) return c.error();
    auto stmt = (*c)->prepare(sql);
    if (!stmt) return stmt.error();
    const std::string n(ns), k(key);
    (*stmt)->bind(1, n);
    (*stmt)->bind(2, k);
    if (state) {
      (*stmt)->bind(3, static_cast<std::int64_t>(state->position));
      (*stmt)->bind(4, state->data);
      (*stmt)->bind(5, state->saved_at);
    }
    const int rc = sqlite3_step((*stmt)->get());
    (*stmt)->reset();
    if (rc != SQLITE_DONE) return (*c)->error("writing state " + n + "/" + k);
    return {};
  }

  std::mutex mu_;
  std::filesystem::path file_;
  ConnectionOptions options_;
  std::unique_ptr<Connection> conn_;
};

}  // namespace

std::shared_ptr<StateStore> make_sqlite_state_store(const std::filesystem::path& file, const ConnectionOptions& options) {
  return std::make_shared<SqliteStateStore>(file, options);
}

}  // namespace roundhouse::sqlite
