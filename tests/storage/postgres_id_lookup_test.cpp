// storage-postgres specific: the batched event-id lookup (WriteTransaction::find_events, one
// `event_id = ANY($1)` statement per 10000 ids) answers every id in the order asked, including
// ids that are missing, repeated, or beyond the first statement's chunk.
#include "pg_backend.hpp"
#include "postgres_test_support.hpp"

namespace rh_test {
namespace {

#if ROUNDHOUSE_CONFORMANCE_HAVE_POSTGRES

class PostgresIdLookup : public PostgresStoresTest {};

TEST_F(PostgresIdLookup, FindEventsAnswersEveryIdInOrderAcrossChunks) {
  auto store = open_store();
  ASSERT_TRUE(store);
  constexpr int kStored = 10003;  // more than one lookup statement's worth
  std::vector<rh::Uuid> ids;
  std::vector<rh::Position> positions;
  for (int first = 0; first < kStored; first += 5000) {
    rh::AppendRequest r;
    r.stream = {"vehicle", first == 0 ? "A" : "B"};
    r.expected = rh::ExpectedVersion::any();
    for (int i = first; i < std::min(kStored, first + 5000); ++i) {
      r.events.push_back(event("Tick"));
      ids.push_back(r.events.back().id);
    }
    auto appended = store->append(std::move(r));
    ASSERT_TRUE(appended.ok()) << appended.error().message;
    positions.insert(positions.end(), appended->positions.begin(), appended->positions.end());
  }

  // Asked: a missing id first, then every stored id backwards, one of them twice, another missing.
  std::vector<rh::Uuid> asked{rh::Uuid::generate_v7()};
  asked.insert(asked.end(), ids.rbegin(), ids.rend());
  asked.push_back(ids[7]);
  asked.push_back(rh::Uuid::generate_v7());

  auto parsed = rh::StoreUri::parse(uri_);
  ASSERT_TRUE(parsed.ok());
  auto backend = rh::postgres::open_backend(*parsed);
  ASSERT_TRUE(backend.ok()) << backend.error().message;
  auto txn = (*backend)->begin_write();
  ASSERT_TRUE(txn.ok()) << txn.error().message;
  auto found = (*txn)->find_events(asked);
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_EQ(found->size(), asked.size());
  EXPECT_FALSE(found->front().has_value());
  EXPECT_FALSE(found->back().has_value());
  std::size_t wrong = 0;
  for (int k = 0; k < kStored; ++k) {
    const auto& loc = (*found)[1 + (kStored - 1 - k)];
    if (!loc || loc->position != positions[k] || loc->stream.id != (k < 5000 ? "A" : "B") ||
        loc->version != static_cast<rh::Version>(k < 5000 ? k + 1 : k - 5000 + 1))
      ++wrong;
  }
  EXPECT_EQ(wrong, 0u) << "of " << kStored << " stored ids";
  ASSERT_TRUE((*found)[asked.size() - 2].has_value());
  EXPECT_EQ((*found)[asked.size() - 2]->position, positions[7]);

  auto one = (*txn)->find_event(ids[42]);  // the single lookup goes the same way
  ASSERT_TRUE(one.ok() && one->has_value());
  EXPECT_EQ((*one)->position, positions[42]);
}

#endif

}  // namespace
}  // namespace rh_test
