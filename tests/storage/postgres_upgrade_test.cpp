// storage-postgres specific: a store written by an older schema version is upgraded when opened.
// Version 2 drops the foreign key from events to streams (the write path finds each event's
// stream row by key itself), version 3 the stream's version column (its events' last version is
// the version); a version-1 store keeps its events, streams and versions and takes appends
// afterwards, and an event can still not be stored without its stream's row.
#include "postgres_test_support.hpp"

namespace rh_test {
namespace {

#if ROUNDHOUSE_CONFORMANCE_HAVE_POSTGRES

using EV = rh::ExpectedVersion;

class PostgresUpgrade : public PostgresStoresTest {
 protected:
  std::string table(const char* name) const { return "\"" + schema_ + "\"." + name; }
  std::string scalar(AdminSession& admin, const std::string& sql) {
    auto v = admin.column(sql);
    EXPECT_TRUE(v && v->size() == 1) << sql << ": " << admin.error();
    return v && v->size() == 1 ? v->front() : "";
  }
};

TEST_F(PostgresUpgrade, VersionOneStoreIsUpgradedAndKeepsItsEvents) {
  {
    auto store = open_store();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->append({{"vehicle", "A"}, EV::any(), {event("Tick"), event("Tick")}, "depot"}).ok());
    store->close();
  }
  // Turn it back into what schema version 1 left: the foreign key, each stream's version in its
  // row, and no record of the later versions.
  AdminSession admin(base_uri_);
  ASSERT_TRUE(admin.ok()) << admin.error();
  ASSERT_TRUE(admin.column("ALTER TABLE " + table("events") + " ADD CONSTRAINT events_stream_pk_fkey "
                           "FOREIGN KEY (stream_pk) REFERENCES " + table("streams") + " (stream_pk)"));
  ASSERT_TRUE(admin.column("ALTER TABLE " + table("streams") + " ADD COLUMN version BIGINT NOT NULL DEFAULT 0"));
  ASSERT_TRUE(admin.column("UPDATE " + table("streams") + " s SET version = (SELECT max(version) FROM " +
                           table("events") + " e WHERE e.stream_pk = s.stream_pk)"));
  ASSERT_TRUE(admin.column("DELETE FROM " + table("schema_migrations") + " WHERE version >= 2"));
  const std::string version_column = "SELECT count(*) FROM information_schema.columns WHERE table_schema = '" +
                                     schema_ + "' AND table_name = 'streams' AND column_name = 'version'";
  ASSERT_EQ(scalar(admin, version_column), "1");
  const std::string fk_count = "SELECT count(*) FROM pg_constraint WHERE conrelid = '" + table("events") +
                               "'::regclass AND contype = 'f'";
  ASSERT_EQ(scalar(admin, fk_count), "1");

  auto store = open_store();
  ASSERT_TRUE(store);
  EXPECT_EQ(scalar(admin, fk_count), "0");
  EXPECT_EQ(scalar(admin, version_column), "0");
  EXPECT_EQ(scalar(admin, "SELECT max(version) FROM " + table("schema_migrations")), "3");
  auto head = store->read_stream(rh::StreamId{"vehicle", "A"}, rh::ReadStreamOptions{});
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->back().version, 2u);
  // The version comes from the events now: a wrong expectation is still refused.
  auto stale = store->append({{"vehicle", "A"}, EV::exact(1), {event("Tick")}, "depot"});
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, rh::ErrorCode::wrong_expected_version);
  auto more = store->append({{"vehicle", "A"}, EV::exact(2), {event("Tick")}, "depot"});
  ASSERT_TRUE(more.ok()) << more.error().message;
  EXPECT_EQ(more->positions, (std::vector<rh::Position>{3}));
  auto events = store->read_stream(rh::StreamId{"vehicle", "A"}, rh::ReadStreamOptions{});
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 3u);
  auto chain = store->verify_chain();
  ASSERT_TRUE(chain.ok());
  EXPECT_TRUE(chain->ok) << chain->reason;
  EXPECT_EQ(chain->events_checked, 3u);

  // Without the key, NOT NULL still refuses an event whose stream has no row.
  EXPECT_FALSE(admin.column("INSERT INTO " + table("events") +
                            " SELECT position + 100, (SELECT stream_pk FROM " + table("streams") +
                            " WHERE aggregate_id = 'nobody'), version, event_id || '\\x00'::bytea, event_type, tenant, "
                            "occurred_at, recorded_at, payload, metadata, hash FROM " + table("events") +
                            " WHERE position = 3"));
  EXPECT_EQ(scalar(admin, "SELECT count(*) FROM " + table("events")), "3");
}

#endif

}  // namespace
}  // namespace rh_test
