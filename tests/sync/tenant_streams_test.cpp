// Tenants on one store: stream ids are global and owned by one tenant, so every tenant's sync
// streams carry "<tenant>#" before their id. Two tenants register the same device ids and sync
// apart; a store whose tenant wrote the unqualified streams before SDK 0.4 keeps using those.
#include "engine/base64.hpp"
#include "engine_fixture.hpp"

using namespace sync_test;

namespace {

class TenantStreamsTest : public SyncEngineTest {
 protected:
  rs::PushOutcome push_as(rs::SyncEngine& e, const std::string& tenant, Tablet& t) {
    auto out = e.push(t.id, t.replica.first_pending(), rs::wire::encode(t.replica.batch()),
                      rh::Principal{"j.smith", tenant, {"writer"}}, &services_);
    EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().message);
    if (out.ok()) t.replica.on_acked(out->acked);
    return out.ok() ? *out : rs::PushOutcome{};
  }
  std::vector<std::string> pulled(rs::SyncEngine& e, Tablet& t) {
    auto p = e.pull(t.id, 0, "j.smith", &services_);
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
    if (!p.ok()) return {};
    auto cs = rs::wire::decode_change_set(p->changes);
    t.replica.on_pulled(*cs, p->from, p->cursor, t.clock_ms);
    return values(t, "checklist/C-1/done");
  }
  std::size_t stream_length(const std::string& tenant, const std::string& type, const std::string& id) {
    rh::ReadStreamOptions o;
    o.tenant = tenant;
    auto r = store_->read_stream({type, id}, o);
    return r.ok() ? r->size() : 0;
  }
  void append_as_before(const std::string& type, const std::string& id, const std::string& event, json::object payload,
                        const std::string& tenant = "acme") {
    rh::NewEvent ev;
    ev.type = event;
    ev.payload = std::move(payload);
    ev.metadata.actor = "admin";
    rh::AppendRequest req{{type, id}, rh::ExpectedVersion::any(), {}, tenant};
    req.events.push_back(std::move(ev));
    ASSERT_TRUE(store_->append(std::move(req)).ok());
  }
  // An empty server write in the unqualified log, as a host before SDK 0.4 wrote it for `tenant`.
  void log_as_before(const std::string& tenant) {
    append_as_before("sync-log", "changes", "SyncChangesAccepted",
                     {{"device_id", "server"}, {"replica_id", 1}, {"acked", 0},
                      {"changes", rs::base64_encode(rs::wire::encode(rs::ChangeSet{}))}},
                     tenant);
  }
};

}  // namespace

TEST_F(TenantStreamsTest, TwoTenantsRegisterTheSameDeviceIdsAndSyncApart) {
  rs::SyncEngine globex(store_, "globex", rs::SyncConfig{});
  ASSERT_TRUE(globex.load().ok());
  auto a = engine_->register_device("tab-1", "acme's", "", "admin");
  auto g = globex.register_device("tab-1", "globex's", "", "admin");
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(a->replica, 2u);
  EXPECT_EQ(g->replica, 2u);  // replica ids are per tenant

  Tablet at{"tab-1", rs::protocol::DeviceReplica(a->replica)};
  Tablet gt{"tab-1", rs::protocol::DeviceReplica(g->replica)};
  at.write("checklist/C-1/done", true);
  gt.write("checklist/C-1/done", false);
  EXPECT_EQ(push_as(*engine_, "acme", at).acked, 1u);
  EXPECT_EQ(push_as(globex, "globex", gt).acked, 1u);
  EXPECT_EQ(pulled(*engine_, at), std::vector<std::string>{"true"});
  EXPECT_EQ(pulled(globex, gt), std::vector<std::string>{"false"});

  EXPECT_EQ(stream_length("acme", "sync-log", "acme#changes"), 1u);
  EXPECT_EQ(stream_length("globex", "sync-log", "globex#changes"), 1u);
  EXPECT_EQ(stream_length("acme", "sync-device", "acme#tab-1"), 1u);
  EXPECT_EQ(stream_length("globex", "sync-device", "globex#tab-1"), 1u);

  ASSERT_TRUE(globex.revoke_device("tab-1", "admin").ok());
  EXPECT_EQ(globex.devices().front().revoked, true);
  EXPECT_EQ(engine_->devices().front().revoked, false);  // acme's tab-1 is another device
  at.write("checklist/C-1/done", false);
  EXPECT_EQ(push_as(*engine_, "acme", at).acked, 2u);

  // Each tenant's engine, loaded afresh, sees only its own devices and log.
  rs::SyncEngine acme_again(store_, "acme", rs::SyncConfig{});
  ASSERT_TRUE(acme_again.load().ok());
  ASSERT_EQ(acme_again.devices().size(), 1u);
  EXPECT_EQ(acme_again.devices().front().name, "acme's");
  EXPECT_FALSE(acme_again.devices().front().revoked);
  Tablet fresh{"tab-1", rs::protocol::DeviceReplica(a->replica)};
  EXPECT_EQ(pulled(acme_again, fresh), std::vector<std::string>{"false"});
}

TEST_F(TenantStreamsTest, AStoreWrittenBeforeTenantStreamsKeepsItsUnqualifiedStreams) {
  // What a host before SDK 0.4 wrote for tenant acme: a replica allocation and a device. acme keeps
  // the allocations stream and the old device's stream; what did not exist yet is qualified.
  append_as_before("sync-replica", "allocations", "SyncReplicaAllocated", {{"device_id", "old-1"}, {"replica_id", 2}});
  append_as_before("sync-device", "old-1", "SyncDeviceRegistered",
                   {{"replica_id", 2}, {"name", "old"}, {"depot", ""}, {"role", "technician"}});
  rs::SyncEngine acme(store_, "acme", rs::SyncConfig{});
  ASSERT_TRUE(acme.load().ok());
  auto d = acme.register_device("new-1", "new", "", "admin");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->replica, 3u);
  EXPECT_EQ(stream_length("acme", "sync-replica", "allocations"), 2u);  // the stream it owns
  EXPECT_EQ(stream_length("acme", "sync-device", "acme#new-1"), 1u);    // a new device's stream is qualified

  Tablet old{"old-1", rs::protocol::DeviceReplica(2)};
  old.write("checklist/C-1/done", true);
  EXPECT_EQ(push_as(acme, "acme", old).acked, 1u);
  EXPECT_EQ(stream_length("acme", "sync-log", "acme#changes"), 1u);  // no log was written before
  ASSERT_TRUE(acme.revoke_device("old-1", "admin").ok());
  EXPECT_EQ(stream_length("acme", "sync-device", "old-1"), 2u);  // an old device keeps its stream
  rs::SyncEngine again(store_, "acme", rs::SyncConfig{});
  ASSERT_TRUE(again.load().ok());
  EXPECT_EQ(again.devices().size(), 2u);
  Tablet fresh{"new-1", rs::protocol::DeviceReplica(3)};
  EXPECT_EQ(pulled(again, fresh), std::vector<std::string>{"true"});

  // Another tenant on the same store gets its own streams beside them.
  rs::SyncEngine globex(store_, "globex", rs::SyncConfig{});
  ASSERT_TRUE(globex.load().ok());
  ASSERT_TRUE(globex.register_device("old-1", "globex's", "", "admin").ok());
  EXPECT_EQ(stream_length("globex", "sync-device", "globex#old-1"), 1u);
}

TEST_F(TenantStreamsTest, BeforeSdk04TheLogAndTheAllocationsMayBelongToDifferentTenants) {
  // acme synced first (it owns the unqualified log); globex registered its devices once replica
  // allocation existed (it owns the unqualified allocations). Each keeps what it owns and takes
  // qualified streams for the rest, so both work.
  log_as_before("acme");
  append_as_before("sync-replica", "allocations", "SyncReplicaAllocated", {{"device_id", "g-old"}, {"replica_id", 2}},
                   "globex");
  append_as_before("sync-device", "g-old", "SyncDeviceRegistered",
                   {{"replica_id", 2}, {"name", "old"}, {"depot", ""}, {"role", "technician"}}, "globex");

  rs::SyncEngine acme(store_, "acme", rs::SyncConfig{});
  ASSERT_TRUE(acme.load().ok());
  auto a = acme.register_device("a-new", "new", "", "admin");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(stream_length("acme", "sync-replica", "acme#allocations"), 1u);
  Tablet at{"a-new", rs::protocol::DeviceReplica(a->replica)};
  at.write("checklist/C-1/done", true);
  EXPECT_EQ(push_as(acme, "acme", at).acked, 1u);
  EXPECT_EQ(stream_length("acme", "sync-log", "changes"), 2u);

  rs::SyncEngine globex(store_, "globex", rs::SyncConfig{});
  ASSERT_TRUE(globex.load().ok());
  auto g = globex.register_device("g-new", "new", "", "admin");
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(g->replica, 3u);
  EXPECT_EQ(stream_length("globex", "sync-replica", "allocations"), 2u);
  Tablet gt{"g-old", rs::protocol::DeviceReplica(2)};
  gt.write("checklist/C-1/done", false);
  EXPECT_EQ(push_as(globex, "globex", gt).acked, 1u);
  EXPECT_EQ(stream_length("globex", "sync-log", "globex#changes"), 1u);
  EXPECT_EQ(pulled(acme, at), std::vector<std::string>{"true"});
}

TEST_F(TenantStreamsTest, WhetherATenantHasSyncedDecidesItsStartUpLoad) {
  EXPECT_FALSE(rs::SyncEngine::has_synced(*store_, "acme").value());
  ASSERT_TRUE(engine_->register_device("tab-1", "tab-1", "", "admin").ok());
  EXPECT_TRUE(rs::SyncEngine::has_synced(*store_, "acme").value());
  EXPECT_FALSE(rs::SyncEngine::has_synced(*store_, "globex").value());
  log_as_before("globex");  // a store from before replica allocation: only the log
  EXPECT_TRUE(rs::SyncEngine::has_synced(*store_, "globex").value());
}

TEST_F(TenantStreamsTest, ATenantNameThatCannotBeInAStreamIdIsHashed) {
  const std::string tenant = "north/east depot";
  EXPECT_EQ(rs::SyncEngine::tenant_prefix("acme"), "acme#");
  const std::string prefix = rs::SyncEngine::tenant_prefix(tenant);
  EXPECT_EQ(prefix.size(), 18u);
  EXPECT_EQ(prefix.front(), '~');
  EXPECT_EQ(prefix, rs::SyncEngine::tenant_prefix(tenant)) << "stable";
  EXPECT_NE(prefix, rs::SyncEngine::tenant_prefix("north/west depot"));
  EXPECT_EQ(rs::SyncEngine::tenant_prefix(std::string(65, 'x')).front(), '~');

  rs::SyncEngine odd(store_, tenant, rs::SyncConfig{});
  ASSERT_TRUE(odd.load().ok());
  auto d = odd.register_device("tab-1", "tab-1", "", "admin");
  ASSERT_TRUE(d.ok()) << d.error().message;
  Tablet t{"tab-1", rs::protocol::DeviceReplica(d->replica)};
  t.write("checklist/C-1/done", true);
  EXPECT_EQ(push_as(odd, tenant, t).acked, 1u);
  EXPECT_EQ(stream_length(tenant, "sync-log", prefix + "changes"), 1u);
}
