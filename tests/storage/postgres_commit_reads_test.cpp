// storage-postgres specific: a group commit's reads and writes in few statements.
// WriteTransaction::read_for_commit answers the tip, every stream head (one statement per 10000
// streams, creating empty rows for streams that have none) and every event-id lookup in one
// pipeline; insert() sends one statement per 10000 events. These tests cross both boundaries
// with missing, new, repeated and existing streams, check that a rolled-back transaction leaves
// nothing behind, and race two stores (two hosts) on the same new streams.
#include <atomic>
#include <thread>

#include "pg_backend.hpp"
#include "postgres_test_support.hpp"
#include "roundhouse/events/chain_hash.hpp"

namespace rh_test {
namespace {

#if ROUNDHOUSE_CONFORMANCE_HAVE_POSTGRES

using EV = rh::ExpectedVersion;

class PostgresCommitReads : public PostgresStoresTest {
 protected:
  std::shared_ptr<rh::LogBackend> backend() {
    auto parsed = rh::StoreUri::parse(uri_);
    EXPECT_TRUE(parsed.ok());
    auto b = rh::postgres::open_backend(*parsed);
    EXPECT_TRUE(b.ok()) << b.error().message;
    return b.ok() ? *b : nullptr;
  }
  std::size_t stream_rows() {
    AdminSession admin(base_uri_);
    auto n = admin.column("SELECT count(*) FROM \"" + schema_ + "\".streams");
    return n && !n->empty() ? std::stoul(n->front()) : 0;
  }
};

TEST_F(PostgresCommitReads, HeadsAndIdsAcrossChunksInTheOrderAsked) {
  auto store = open_store();
  ASSERT_TRUE(store);
  rh::AppendRequest a{{"vehicle", "A"}, EV::any(), {}, "depot-north"};
  for (int i = 0; i < 3; ++i) a.events.push_back(event("Tick"));
  const rh::Uuid a_second = a.events[1].id;
  ASSERT_TRUE(store->append(std::move(a)).ok());
  rh::AppendRequest b{{"vehicle", "B"}, EV::any(), {event("Tick")}, ""};
  const rh::Uuid b_first = b.events[0].id;
  ASSERT_TRUE(store->append(std::move(b)).ok());
  auto last = store->read_all(rh::ReadAllOptions{.from_position = 4});
  ASSERT_TRUE(last.ok() && last->size() == 1);

  // 10000 missing streams fill the first head statement; A, B and another missing one are in the
  // second; A is asked twice.
  std::vector<rh::StreamId> streams;
  for (int k = 0; k < 10000; ++k) streams.push_back({"vehicle", "N-" + std::to_string(k)});
  for (const char* id : {"A", "X", "B", "A"}) streams.push_back({"vehicle", id});
  const std::vector<rh::Uuid> ids{b_first, rh::Uuid::generate_v7(), a_second};

  auto log = backend();
  ASSERT_TRUE(log);
  {
    auto txn = log->begin_write();
    ASSERT_TRUE(txn.ok()) << txn.error().message;
    auto view = (*txn)->read_for_commit(streams, ids);
    ASSERT_TRUE(view.ok()) << view.error().message;
    EXPECT_EQ(view->tip.position, 4u);
    EXPECT_EQ(view->tip.hash, last->front().hash);
    ASSERT_EQ(view->heads.size(), streams.size());
    std::size_t wrong = 0;
    for (int k = 0; k < 10000; ++k) wrong += view->heads[static_cast<std::size_t>(k)].version != 0;
    EXPECT_EQ(wrong, 0u) << "missing streams answer version 0";
    EXPECT_EQ(view->heads[10000].version, 3u);
    EXPECT_EQ(view->heads[10000].tenant, "depot-north");
    EXPECT_EQ(view->heads[10001].version, 0u);
    EXPECT_EQ(view->heads[10002].version, 1u);
    EXPECT_EQ(view->heads[10003].version, 3u);
    ASSERT_EQ(view->stored.size(), ids.size());
    ASSERT_TRUE(view->stored[0] && view->stored[2]);
    EXPECT_EQ(view->stored[0]->position, 4u);
    EXPECT_EQ(view->stored[0]->stream.id, "B");
    EXPECT_FALSE(view->stored[1]);
    EXPECT_EQ(view->stored[2]->position, 2u);
    EXPECT_EQ(view->stored[2]->version, 2u);

    auto one = (*txn)->stream_head({"vehicle", "A"});  // the single lookups go the same way
    ASSERT_TRUE(one.ok()) << one.error().message;
    EXPECT_EQ(one->version, 3u);
    auto tip = (*txn)->tip();
    ASSERT_TRUE(tip.ok() && tip->position == 4u);
  }  // rolled back: the rows made for the missing streams are gone
  EXPECT_EQ(stream_rows(), 2u);
  auto head = log->stream_head({"vehicle", "N-5"});
  ASSERT_TRUE(head.ok()) << head.error().message;
  EXPECT_EQ(head->version, 0u);
  log->close();
}

TEST_F(PostgresCommitReads, OneCommitOfNewStreamsAcrossInsertChunks) {
  // 10001 new streams with one event each, then two more events of the first: 10003 rows, more
  // than one INSERT statement, inserted without asking for the heads first (as a migration does).
  auto log = backend();
  ASSERT_TRUE(log);
  std::vector<rh::RecordedEvent> rows;
  rh::Hash previous{};
  auto add = [&](const std::string& id, rh::Version version, const std::string& tenant) {
    rh::RecordedEvent e;
    e.position = rows.size() + 1;
    e.stream = {"vehicle", id};
    e.version = version;
    e.id = rh::Uuid::generate_v7();
    e.type = "Tick";
    e.occurred_at = e.recorded_at = 1'700'000'000'000'000;
    e.tenant = tenant;
    e.payload = "{\"n\":" + std::to_string(rows.size()) + "}";
    e.metadata = "{}";
    e.hash = previous = rh::chain_hash(previous, e);
    rows.push_back(std::move(e));
  };
  for (int k = 0; k <= 10000; ++k) add("S-" + std::to_string(k), 1, k % 2 ? "depot-north" : "");
  add("S-0", 2, "");
  add("S-0", 3, "");
  {
    auto txn = log->begin_write();
    ASSERT_TRUE(txn.ok()) << txn.error().message;
    ASSERT_TRUE((*txn)->insert(rows).ok());
    auto st = (*txn)->commit();
    ASSERT_TRUE(st.ok()) << st.message();
  }
  log->close();

  auto store = open_store();
  ASSERT_TRUE(store);
  auto chain = store->verify_chain();
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  EXPECT_TRUE(chain->ok) << chain->reason;
  EXPECT_EQ(chain->events_checked, 10003u);
  auto s0 = store->read_stream({"vehicle", "S-0"}, {});
  ASSERT_TRUE(s0.ok()) << s0.error().message;
  EXPECT_EQ(versions_of(*s0), (std::vector<rh::Version>{1, 2, 3}));
  // The heads were advanced and the owners recorded: the store continues the streams.
  rh::AppendRequest next{{"vehicle", "S-10000"}, EV::exact(1), {event("Tick")}, ""};
  auto appended = store->append(std::move(next));
  ASSERT_TRUE(appended.ok()) << appended.error().message;
  EXPECT_EQ(appended->first_version, 2u);
  EXPECT_EQ(appended->positions.front(), 10004u);
  rh::AppendRequest foreign{{"vehicle", "S-9999"}, EV::any(), {event("Tick")}, "depot-south"};
  auto refused = store->append(std::move(foreign));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, rh::ErrorCode::forbidden);
  EXPECT_EQ(stream_rows(), 10001u);
}

TEST_F(PostgresCommitReads, TwoHostsRaceOnTheSameNewStreams) {
  auto a = open_store(), b = open_store();
  ASSERT_TRUE(a && b);
  constexpr int kStreams = 60;
  std::atomic<int> unexpected{0};
  std::vector<std::array<int, 2>> created(kStreams), appended(kStreams);
  std::vector<std::thread> hosts;
  for (int host = 0; host < 2; ++host)
    hosts.emplace_back([&, host] {
      auto& store = host == 0 ? a : b;
      for (int i = 0; i < kStreams; ++i) {
        // Only one host may create R-i; both may append to S-i whatever its state.
        rh::AppendRequest create{{"vehicle", "R-" + std::to_string(i)}, EV::no_stream(), {event("Created")}, ""};
        auto c = store->append(std::move(create));
        if (c.ok()) created[i][host] = 1;
        else if (c.error().code != rh::ErrorCode::wrong_expected_version) ++unexpected;
        rh::AppendRequest any{{"vehicle", "S-" + std::to_string(i)}, EV::any(), {event("Tick")}, ""};
        if (store->append(std::move(any)).ok()) appended[i][host] = 1;
        else ++unexpected;
      }
    });
  for (auto& h : hosts) h.join();
  EXPECT_EQ(unexpected.load(), 0);
  for (int i = 0; i < kStreams; ++i) {
    EXPECT_EQ(created[i][0] + created[i][1], 1) << "R-" << i << " created by exactly one host";
    auto r = b->read_stream({"vehicle", "R-" + std::to_string(i)}, {});
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(versions_of(*r), (std::vector<rh::Version>{1}));
    auto s = a->read_stream({"vehicle", "S-" + std::to_string(i)}, {});
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(versions_of(*s), (std::vector<rh::Version>{1, 2}));
  }
  auto chain = a->verify_chain();
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  EXPECT_TRUE(chain->ok) << chain->reason;
  EXPECT_EQ(chain->events_checked, static_cast<std::size_t>(3 * kStreams));
  EXPECT_EQ(stream_rows(), static_cast<std::size_t>(2 * kStreams));
}

#endif

}  // namespace
}  // namespace rh_test
