// storage-sqlite specific: bad locations and bad files give a clear error, never a crash.
#include "conformance.hpp"

#include <fstream>

namespace rh_test {
namespace {

#if ROUNDHOUSE_CONFORMANCE_HAVE_SQLITE

class SqliteBadInput : public ::testing::Test {
 protected:
  void SetUp() override { register_storage_plugins(registry_); }
  rh::Registry registry_;
  TempDir tmp_;
};

// Opening may fail at once (preferred) or the first operation may fail; either way with a
// message a user can act on, and never a crash.
void expect_clear_failure(rh::Registry& registry, const std::string& uri, const std::string& must_mention) {
  auto opened = registry.open_store(uri);
  if (!opened.ok()) {
    EXPECT_NE(opened.error().code, rh::ErrorCode::internal) << opened.error().message;
    EXPECT_NE(opened.error().message.find(must_mention), std::string::npos)
        << "the error should name the file: " << opened.error().message;
    return;
  }
  auto store = opened.value();
  rh::AppendRequest request;
  request.stream = {"vehicle", "1"};
  request.events.push_back(event("VehicleRegistered"));
  auto r = store->append(std::move(request));
  ADD_FAILURE() << "open_store(" << uri << ") succeeded; it should fail up front (append: "
                << (r.ok() ? "ok" : r.error().message) << ")";
  store->close();
}

TEST_F(SqliteBadInput, PathInsideANonDirectoryIsAClearError) {
  // A regular file where a directory should be: no one can create the database there, not even root.
  const auto blocker = tmp_.path() / "not-a-dir";
  std::ofstream(blocker) << "x";
  const std::string path = (blocker / "sub" / "store.db").string();
  expect_clear_failure(registry_, "sqlite:" + path, "not-a-dir");
}

TEST_F(SqliteBadInput, UnwritableSystemLocationIsAClearError) {
  expect_clear_failure(registry_, "sqlite:/proc/roundhouse-test/store.db", "/proc/roundhouse-test");
}

TEST_F(SqliteBadInput, FileThatIsNotADatabaseIsAClearError) {
  const auto path = tmp_.path() / "notes.db";
  {
    std::ofstream out(path);
    for (int i = 0; i < 200; ++i) out << "this is a maintenance log written by hand, not an SQLite database\n";
  }
  expect_clear_failure(registry_, "sqlite:" + path.string(), "notes.db");
  std::ifstream in(path);
  std::string first_line;
  std::getline(in, first_line);
  EXPECT_EQ(first_line, "this is a maintenance log written by hand, not an SQLite database")
      << "the foreign file must be left untouched";
}

TEST_F(SqliteBadInput, DirectoryInsteadOfAFileIsAClearError) {
  const auto dir = tmp_.path() / "folder.db";
  std::filesystem::create_directory(dir);
  expect_clear_failure(registry_, "sqlite:" + dir.string(), "folder.db");
}

TEST_F(SqliteBadInput, MissingParentDirectoriesOfAWritablePathAreNotAnError) {
  // The default store is sqlite:./data/roundhouse.db on a fresh machine, where ./data does not exist.
  const auto path = tmp_.path() / "data" / "roundhouse.db";
  auto opened = registry_.open_store("sqlite:" + path.string());
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  (*opened)->close();
  EXPECT_TRUE(std::filesystem::exists(path));
}

#endif

}  // namespace
}  // namespace rh_test
