// storage-postgres specific: bad URIs, an unreachable server and wrong credentials give one-line
// errors a user can act on, never an exception or a hang; the log's lock key never changes. The checks that need a live server run
// under tests/storage/with-postgres (ROUNDHOUSE_TEST_POSTGRES_URI) and are skipped without one.
#include "conformance.hpp"

#include <cstdlib>

#if ROUNDHOUSE_CONFORMANCE_HAVE_POSTGRES
#include "pg_uri.hpp"
#endif

namespace rh_test {
namespace {

#if ROUNDHOUSE_CONFORMANCE_HAVE_POSTGRES

class PostgresBadInput : public ::testing::Test {
 protected:
  void SetUp() override { register_storage_plugins(registry_); }

  // Opening must fail up front with `code`, a message that mentions `must_mention`, on one line,
  // and without echoing a password.
  void expect_refused(const std::string& uri, rh::ErrorCode code, const std::string& must_mention) {
    auto opened = registry_.open_store(uri);
    ASSERT_FALSE(opened.ok()) << "open_store(" << uri << ") succeeded";
    const auto& e = opened.error();
    EXPECT_EQ(e.code, code) << rh::to_string(e.code) << ": " << e.message;
    EXPECT_NE(e.message.find(must_mention), std::string::npos) << e.message;
    EXPECT_EQ(e.message.find('\n'), std::string::npos) << "not one line: " << e.message;
    EXPECT_EQ(e.message.find("s3cret"), std::string::npos) << "leaks the password: " << e.message;
  }

  static std::string live_uri() {
    const char* uri = std::getenv("ROUNDHOUSE_TEST_POSTGRES_URI");
    return uri ? uri : "";
  }

  rh::Registry registry_;
};

TEST_F(PostgresBadInput, UriWithoutHostPartIsRefused) {
  expect_refused("postgresql:fleet", rh::ErrorCode::invalid_argument, "postgresql://");
}

TEST_F(PostgresBadInput, UnknownLibpqParameterIsRefused) {
  expect_refused("postgresql://rh@127.0.0.1:1/db?colour=blue", rh::ErrorCode::invalid_argument, "colour");
}

TEST_F(PostgresBadInput, BadSchemaNameIsRefused) {
  expect_refused("postgresql://rh@127.0.0.1/db?schema=a;drop", rh::ErrorCode::invalid_argument, "schema");
}

TEST_F(PostgresBadInput, BadReadersValueIsRefused) {
  expect_refused("postgresql://rh@127.0.0.1/db?readers=many", rh::ErrorCode::invalid_argument, "readers");
}

TEST_F(PostgresBadInput, UnreachableServerIsUnavailable) {
  // Port 1 on loopback: nothing listens, the connection is refused at once.
  expect_refused("postgresql://rh:s3cret@127.0.0.1:1/db?connect_timeout=3", rh::ErrorCode::unavailable, "127.0.0.1");
}

TEST_F(PostgresBadInput, PostgresSchemeIsAnAlias) {
  expect_refused("postgres://rh:s3cret@127.0.0.1:1/db?connect_timeout=3", rh::ErrorCode::unavailable, "127.0.0.1");
}

TEST_F(PostgresBadInput, WrongPasswordIsUnauthenticated) {
  std::string uri = live_uri();
  if (uri.empty()) GTEST_SKIP() << "needs a server: run under tests/storage/with-postgres";
  // postgresql://rh:PASSWORD@host...: swap the password.
  const auto colon = uri.find(':', uri.find("://") + 3);
  const auto at = uri.find('@');
  ASSERT_TRUE(colon != std::string::npos && at != std::string::npos && colon < at) << uri;
  uri = uri.substr(0, colon + 1) + "s3cret" + uri.substr(at);
  expect_refused(uri, rh::ErrorCode::unauthenticated, "password");
}

TEST_F(PostgresBadInput, MissingDatabaseIsAClearError) {
  std::string uri = live_uri();
  if (uri.empty()) GTEST_SKIP() << "needs a server: run under tests/storage/with-postgres";
  uri = uri.substr(0, uri.rfind('/')) + "/no_such_db";
  expect_refused(uri, rh::ErrorCode::unavailable, "no_such_db");
}

// Every host writing one log must take the same advisory lock, whatever version it runs: the keys
// derived from a schema name never change (values of the first version).
TEST(PostgresLockKey, IsTheSameForEveryVersionOfTheHost) {
  auto uri = rh::StoreUri::parse("postgresql://rh@db/fleet?schema=fleet");
  ASSERT_TRUE(uri.ok());
  auto pg = rh::postgres::parse_pg_uri(*uri);
  ASSERT_TRUE(pg.ok()) << pg.error().message;
  EXPECT_EQ(pg->log_lock_key, 4007810983688342557LL);
  EXPECT_EQ(pg->migration_lock_key, -912183156563943598LL);
}

#endif

}  // namespace
}  // namespace rh_test
