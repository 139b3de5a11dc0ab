// StoreUri: "<scheme>:<rest>[?k=v&...]" selects a storage backend.
#include <gtest/gtest.h>

#include "roundhouse/storage/store_uri.hpp"

namespace rh = roundhouse;

TEST(StoreUri, SplitsSchemeAndPath) {
  auto u = rh::StoreUri::parse("sqlite:./data/roundhouse.db");
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(u->text, "sqlite:./data/roundhouse.db");
  EXPECT_EQ(u->scheme, "sqlite");
  EXPECT_EQ(u->rest, "./data/roundhouse.db");
  EXPECT_TRUE(u->params.empty());
}

TEST(StoreUri, AbsolutePath) {
  auto u = rh::StoreUri::parse("sqlite:/var/lib/roundhouse/fleet.db");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->rest, "/var/lib/roundhouse/fleet.db");
}

TEST(StoreUri, MemoryHasEmptyRest) {
  auto u = rh::StoreUri::parse("memory:");
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(u->scheme, "memory");
  EXPECT_EQ(u->rest, "");
}

TEST(StoreUri, KeepsAuthorityFormIntactInRest) {
  auto u = rh::StoreUri::parse("postgresql://fleet@db.example:5432/roundhouse");
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(u->scheme, "postgresql");
  EXPECT_EQ(u->rest, "//fleet@db.example:5432/roundhouse");
}

TEST(StoreUri, ParsesQueryParameters) {
  auto u = rh::StoreUri::parse("sqlite:fleet.db?synchronous=full&busy_timeout=5000");
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(u->rest, "fleet.db");
  EXPECT_EQ(u->text, "sqlite:fleet.db?synchronous=full&busy_timeout=5000");
  ASSERT_EQ(u->params.size(), 2u);
  EXPECT_EQ(u->params.at("synchronous"), "full");
  EXPECT_EQ(u->params.at("busy_timeout"), "5000");
}

TEST(StoreUri, SchemeMayContainDigitsPlusDashDot) {
  auto u = rh::StoreUri::parse("my-store+v2.1:x");
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(u->scheme, "my-store+v2.1");
  EXPECT_EQ(u->rest, "x");
}

TEST(StoreUri, RejectsMissingOrInvalidScheme) {
  for (const char* bad : {"", "no-colon-here", ":rest-without-scheme", "sq lite:x", "sqlite/x:y",
                          "?a=b:c"}) {
    auto u = rh::StoreUri::parse(bad);
    EXPECT_FALSE(u.ok()) << "accepted: '" << bad << "'";
    if (!u.ok()) {
      EXPECT_EQ(u.error().code, rh::ErrorCode::invalid_argument) << bad;
      EXPECT_FALSE(u.error().message.empty()) << bad;
    }
  }
}
