#include "postgres_test_support.hpp"

#include <cstdlib>
#include <random>

#include "pg_backend.hpp"

namespace rh_test {

std::optional<std::string> test_postgres_uri() {
  const char* uri = std::getenv("ROUNDHOUSE_TEST_POSTGRES_URI");
  if (!uri) return std::nullopt;
  return std::string(uri);
}

bool postgres_ctl(const std::string& action) {
  const char* ctl = std::getenv("ROUNDHOUSE_TEST_POSTGRES_CTL");
  if (!ctl) return false;
  const std::string command = std::string("'") + ctl + "' " + action + " >/dev/null";
  return std::system(command.c_str()) == 0;
}

void PostgresStoresTest::SetUp() {
  auto base = test_postgres_uri();
  if (!base) GTEST_SKIP() << "needs a server: run under tests/storage/with-postgres";
  register_storage_plugins(registry_);
  base_uri_ = *base;
  std::random_device rd;
  schema_ = "hosts_" + std::to_string(rd() % 1000000000u);
  uri_ = base_uri_ + "?schema=" + schema_;
}

void PostgresStoresTest::TearDown() {
  for (auto& s : stores_) s->close();
}

std::shared_ptr<rh::EventStore> PostgresStoresTest::open_store() {
  auto opened = registry_.open_store(uri_);
  EXPECT_TRUE(opened.ok()) << opened.error().message;
  if (!opened.ok()) return nullptr;
  return stores_.emplace_back(std::move(opened).value());
}

std::shared_ptr<rh::EventStore> PostgresStoresTest::open_store(rh::LogStoreOptions options) {
  auto parsed = rh::StoreUri::parse(uri_);
  EXPECT_TRUE(parsed.ok()) << parsed.error().message;
  if (!parsed.ok()) return nullptr;
  auto backend = rh::postgres::open_backend(*parsed);
  EXPECT_TRUE(backend.ok()) << backend.error().message;
  if (!backend.ok()) return nullptr;
  return stores_.emplace_back(rh::make_log_store(std::move(backend).value(), options));
}

std::unique_ptr<rh::Subscription> watch_positions(rh::EventStore& store, std::shared_ptr<SeenPositions> seen,
                                                  std::string name) {
  rh::SubscribeOptions so;
  so.name = std::move(name);
  return store.subscribe(so, [seen](const rh::RecordedEvent& e) {
    std::lock_guard lock(seen->mu);
    seen->positions.push_back(e.position);
    return rh::Status{};
  });
}

AdminSession::AdminSession(const std::string& uri) : conn_(PQconnectdb(uri.c_str()), &PQfinish) {}

std::optional<std::vector<std::string>> AdminSession::column(const std::string& sql) {
  std::unique_ptr<PGresult, void (*)(PGresult*)> r(PQexec(conn_.get(), sql.c_str()), &PQclear);
  const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return std::nullopt;
  std::vector<std::string> out;
  for (int i = 0; i < PQntuples(r.get()); ++i)
    out.emplace_back(PQgetisnull(r.get(), i, 0) ? "" : PQgetvalue(r.get(), i, 0));
  return out;
}

}  // namespace rh_test
