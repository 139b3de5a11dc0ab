#include "postgres/pg_fixture.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <atomic>
#include <cstdlib>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include <boost/json/serialize.hpp>
#include <unistd.h>

#include "roundhouse/plugin/registry.hpp"
#include "storage_postgres.hpp"

namespace roundhouse::bench {

namespace {

constexpr int kParamsPerRow = 9;
constexpr const char* kInsertName = "naive_insert";

// Owns a PGresult; ok() when the status is one of success.
struct PgResult {
  PGresult* r;
  ~PgResult() { PQclear(r); }
  bool ok() const {
    const auto st = PQresultStatus(r);
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
  }
};

}  // namespace

const std::string& postgres_uri() {
  static const std::string uri = [] {
    const char* u = std::getenv("ROUNDHOUSE_TEST_POSTGRES_URI");
    if (!u || !*u)
      throw std::runtime_error("ROUNDHOUSE_TEST_POSTGRES_URI is not set: run under tests/storage/with-postgres "
                               "(benchmarks/run does that)");
    return std::string(u);
  }();
  return uri;
}

PgConn::PgConn(const std::string& uri) : conn_(PQconnectdb(uri.c_str())) {
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn_);
    PQfinish(conn_);
    throw std::runtime_error("libpq connect: " + msg);
  }
  // Server NOTICEs (e.g. DROP SCHEMA ... CASCADE listing what it drops) would only clutter the output.
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
}

PgConn::~PgConn() { PQfinish(conn_); }

void PgConn::exec(const std::string& sql) {
  PgResult r{PQexec(conn_, sql.c_str())};
  if (!r.ok()) throw std::runtime_error("libpq: " + std::string(PQerrorMessage(conn_)) + " in: " + sql);
}

std::string PgConn::scalar(const std::string& sql) {
  PgResult r{PQexec(conn_, sql.c_str())};
  if (!r.ok() || PQntuples(r.r) < 1) throw std::runtime_error("libpq: " + std::string(PQerrorMessage(conn_)) + " in: " + sql);
  return PQgetvalue(r.r, 0, 0);
}

BenchSchema::BenchSchema(const std::string& tag) {
  static std::atomic<int> counter{0};
  name_ = "bench_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter.fetch_add(1));
}

BenchSchema::~BenchSchema() {
  if (const char* keep = std::getenv("ROUNDHOUSE_BENCH_KEEP"); keep && *keep && *keep != '0') return;
  try {
    PgConn(postgres_uri()).exec("DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "dropping schema %s: %s\n", name_.c_str(), ex.what());
  }
}

std::shared_ptr<EventStore> open_pg_store(const std::string& uri) {
  static Registry* registry = [] {
    auto* r = new Registry();
    if (auto st = plugins::register_storage_postgres(*r); !st) throw std::runtime_error(st.message());
    return r;
  }();
  auto store = registry->open_store(uri);
  if (!store) throw std::runtime_error("cannot open the postgresql store: " + store.error().message);
  return std::move(store).value();
}

std::uint64_t store_commits(const std::string& schema) {
  return std::stoull(PgConn(postgres_uri()).scalar("SELECT count(DISTINCT recorded_at) FROM " + schema + ".events"));
}

PgCalibration calibrate() {
  PgConn db(postgres_uri());
  auto median_of = [&](int n, const std::string& sql) {
    std::vector<double> t;
    for (int i = 0; i < n; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      db.exec(sql);
      t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
  };
  BenchSchema schema("calibrate");
  db.exec("CREATE SCHEMA " + schema.name() + "; CREATE TABLE " + schema.name() + ".t (x int)");
  PgCalibration c;
  c.round_trip_us = median_of(2000, "SELECT 1") * 1e6;
  c.commit_ms = median_of(200, "INSERT INTO " + schema.name() + ".t VALUES (1)") * 1e3;
  return c;
}

void create_naive_table(const BenchSchema& bench_schema) {
  const std::string& schema = bench_schema.name();
  PgConn(postgres_uri()).exec("CREATE SCHEMA IF NOT EXISTS " + schema + ";"
          "CREATE TABLE " + schema + ".events ("
          "  position    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
          "  stream_pk   BIGINT NOT NULL,"
          "  version     BIGINT NOT NULL,"
          "  event_id    BYTEA  NOT NULL,"
          "  event_type  TEXT   NOT NULL,"
          "  tenant      TEXT   NOT NULL,"
          "  occurred_at BIGINT NOT NULL,"
          "  recorded_at BIGINT NOT NULL,"
          "  payload     TEXT   NOT NULL,"
          "  metadata    TEXT   NOT NULL,"
          "  UNIQUE (stream_pk, version));"
          "CREATE UNIQUE INDEX ON " + schema + ".events (event_id);");
}

NaivePgWriter::NaivePgWriter(const std::string& schema, std::size_t rows) : db_(postgres_uri()), rows_(rows) {
  std::string sql = "INSERT INTO " + schema +
                    ".events (stream_pk, version, event_id, event_type, tenant, occurred_at, recorded_at, "
                    "payload, metadata) VALUES ";
  for (std::size_t i = 0; i < rows; ++i) {
    sql += i ? ",(" : "(";
    for (int c = 1; c <= kParamsPerRow; ++c) {
      sql += "$" + std::to_string(i * kParamsPerRow + c);
      sql += c < kParamsPerRow ? "," : ")";
    }
  }
  PgResult r{PQprepare(db_.get(), kInsertName, sql.c_str(), static_cast<int>(rows * kParamsPerRow), nullptr)};
  if (!r.ok()) throw std::runtime_error("libpq prepare: " + std::string(PQerrorMessage(db_.get())));
}

bool NaivePgWriter::insert(std::int64_t stream_pk, std::int64_t& version, std::span<const NewEvent> events) {
  if (events.size() != rows_) {
    error_ = "NaivePgWriter: wrong number of rows";
    return false;
  }
  // The per-event work the store does too; then one statement (= one transaction) for all rows.
  struct Row {
    std::string stream, version, type, tenant, occurred, recorded, payload, metadata;
    std::array<std::uint8_t, 16> id;
  };
  std::vector<Row> rows(events.size());
  std::vector<const char*> values(events.size() * kParamsPerRow);
  std::vector<int> lengths(values.size(), 0), formats(values.size(), 0);
  const std::string stream_text = std::to_string(stream_pk);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const NewEvent& e = events[i];
    Row& row = rows[i];
    const Timestamp now = now_micros();
    row = Row{stream_text, std::to_string(version + 1 + static_cast<std::int64_t>(i)), e.type,
              e.metadata.tenant, std::to_string(e.occurred_at ? e.occurred_at : now), std::to_string(now),
              boost::json::serialize(e.payload), boost::json::serialize(e.metadata.to_json()),
              Uuid::generate_v7().bytes()};
    const char** v = &values[i * kParamsPerRow];
    v[0] = row.stream.c_str();
    v[1] = row.version.c_str();
    v[2] = reinterpret_cast<const char*>(row.id.data());
    lengths[i * kParamsPerRow + 2] = 16;
    formats[i * kParamsPerRow + 2] = 1;
    v[3] = row.type.c_str();
    v[4] = row.tenant.c_str();
    v[5] = row.occurred.c_str();
    v[6] = row.recorded.c_str();
    v[7] = row.payload.c_str();
    v[8] = row.metadata.c_str();
  }
  PgResult r{PQexecPrepared(db_.get(), kInsertName, static_cast<int>(values.size()), values.data(), lengths.data(),
                            formats.data(), 0)};
  if (!r.ok()) {
    error_ = PQerrorMessage(db_.get());
    return false;
  }
  version += static_cast<std::int64_t>(events.size());
  return true;
}

}  // namespace roundhouse::bench
