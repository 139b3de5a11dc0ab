// PluginHost against real shared libraries: the build's storage plugins load, start and serve
// stores; incompatible plugins are refused with a one-line reason naming what differs, while the
// others still load; start follows dependencies and stop runs in reverse.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "roundhouse/plugin/build_id.hpp"
#include "roundhouse/plugin/plugin_host.hpp"

namespace rh = roundhouse;
namespace fs = std::filesystem;
using State = rh::PluginRecord::State;

namespace {

fs::path main_plugin_dir() {
  const char* env = std::getenv("ROUNDHOUSE_PLUGIN_DIR");
  return env ? fs::path(env) : fs::path();
}
const fs::path kTestPluginDir = ROUNDHOUSE_TEST_PLUGIN_DIR;

const rh::PluginRecord* find(const rh::PluginHost& host, const std::string& name) {
  for (const auto& r : host.records())
    if (r.name == name) return &r;
  return nullptr;
}

std::string describe(const rh::PluginHost& host) {
  std::string out;
  for (const auto& r : host.records())
    out += "\n  " + r.name + " [" + std::string(rh::to_string(r.state)) + "] " + r.reason;
  return out;
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "rh-loader-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

rh::AppendRequest one_event(const std::string& stream_id) {
  rh::AppendRequest r;
  r.stream = {"vehicle", stream_id};
  rh::NewEvent e;
  e.type = "VehicleRegistered";
  e.payload = boost::json::object{{"via", "plugin loaded with dlopen"}};
  r.events.push_back(std::move(e));
  return r;
}

// ---- the build's real plugins ----

class RealPlugins : public ::testing::Test {
 protected:
  void SetUp() override {
    if (main_plugin_dir().empty()) GTEST_SKIP() << "ROUNDHOUSE_PLUGIN_DIR not set (run through ctest)";
    ASSERT_TRUE(host_.load_directory(main_plugin_dir()).ok()) << main_plugin_dir();
    host_.start();
  }
  rh::Registry registry_;
  rh::PluginHost host_{registry_};
};

TEST_F(RealPlugins, EveryPluginInTheBuildsPluginDirectoryStarts) {
  ASSERT_FALSE(host_.records().empty()) << "no plugins in " << main_plugin_dir();
  for (const auto& r : host_.records()) {
    EXPECT_EQ(r.state, State::started) << r.name << ": " << r.reason;
    EXPECT_TRUE(r.reason.empty()) << r.name << ": " << r.reason;
    EXPECT_FALSE(r.version.empty()) << r.name;
    EXPECT_EQ(r.path.parent_path(), main_plugin_dir()) << r.name;
  }
  EXPECT_TRUE(host_.reported_errors().empty()) << host_.reported_errors().front();
}

#if ROUNDHOUSE_LOADER_HAVE_MEMORY
TEST_F(RealPlugins, StorageMemoryRegistersMemoryScheme) {
  const auto* rec = find(host_, "storage-memory");
  ASSERT_NE(rec, nullptr) << describe(host_);
  EXPECT_EQ(rec->state, State::started) << rec->reason;
  EXPECT_EQ(rec->kind, "storage");
  EXPECT_EQ(rec->path.filename(), "storage-memory.so");
  auto entry = registry_.storage.find("memory");
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->provider, "storage-memory");

  auto store = registry_.open_store("memory:");
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto r = (*store)->append(one_event("ICE-1"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto events = (*store)->read_stream({"vehicle", "ICE-1"}, {});
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), 1u);
  (*store)->close();
}
#endif

#if ROUNDHOUSE_LOADER_HAVE_SQLITE
TEST_F(RealPlugins, StorageSqliteRegistersSqliteScheme) {
  const auto* rec = find(host_, "storage-sqlite");
  ASSERT_NE(rec, nullptr) << describe(host_);
  EXPECT_EQ(rec->state, State::started) << rec->reason;
  EXPECT_EQ(rec->kind, "storage");
  auto entry = registry_.storage.find("sqlite");
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->provider, "storage-sqlite");

  TempDir tmp;
  const std::string uri = "sqlite:" + (tmp.path() / "fleet.db").string();
  auto store = registry_.open_store(uri);
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto r = (*store)->append(one_event("ICE-2"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  (*store)->close();
  store = registry_.open_store(uri);
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto events = (*store)->read_stream({"vehicle", "ICE-2"}, {});
  ASSERT_TRUE(events.ok()) << events.error().message;
  EXPECT_EQ(events->size(), 1u);
  (*store)->close();
}
#endif

#if ROUNDHOUSE_LOADER_HAVE_POSTGRES
TEST_F(RealPlugins, StoragePostgresRegistersPostgresqlSchemes) {
  const auto* rec = find(host_, "storage-postgres");
  ASSERT_NE(rec, nullptr) << describe(host_);
  EXPECT_EQ(rec->state, State::started) << rec->reason;
  EXPECT_EQ(rec->kind, "storage");
  for (const char* scheme : {"postgresql", "postgres"}) {
    auto entry = registry_.storage.find(scheme);
    ASSERT_TRUE(entry.has_value()) << scheme;
    EXPECT_EQ(entry->provider, "storage-postgres");
  }
  // Through the loaded .so, an unreachable server is an error value, not an exception.
  auto store = registry_.open_store("postgresql://rh@127.0.0.1:1/fleet?connect_timeout=3");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, rh::ErrorCode::unavailable) << store.error().message;
}
#endif

#if ROUNDHOUSE_LOADER_HAVE_MEMORY
TEST(PluginLifetime, StoresFromAPluginOutliveTheHost) {
  if (main_plugin_dir().empty()) GTEST_SKIP() << "ROUNDHOUSE_PLUGIN_DIR not set";
  rh::Registry registry;
  std::shared_ptr<rh::EventStore> store;
  {
    rh::PluginHost host(registry);
    ASSERT_TRUE(host.load_directory(main_plugin_dir()).ok());
    host.start();
    auto opened = registry.open_store("memory:");
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store = *opened;
  }  // host stopped and destroyed; the library must stay loaded
  auto r = store->append(one_event("ICE-3"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(store->read_stream({"vehicle", "ICE-3"}, {})->size(), 1u);
  store->close();
}
#endif

#if defined(ROUNDHOUSE_EXAMPLE_HELLO_PLUGIN) && ROUNDHOUSE_LOADER_HAVE_MEMORY
TEST(ExamplePlugin, HelloPluginStartsAfterItsDependencyAndRegistersHelloScheme) {
  if (main_plugin_dir().empty()) GTEST_SKIP() << "ROUNDHOUSE_PLUGIN_DIR not set";
  rh::Registry registry;
  rh::PluginHost host(registry);
  const auto& hello = host.load_file(ROUNDHOUSE_EXAMPLE_HELLO_PLUGIN);  // loaded before its dependency
  EXPECT_EQ(hello.name, "hello-plugin") << hello.reason;
  ASSERT_TRUE(host.load_directory(main_plugin_dir()).ok());
  host.start();
  ASSERT_EQ(find(host, "hello-plugin")->state, State::started) << describe(host);
  auto store = registry.open_store("hello:");
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_TRUE((*store)->append(one_event("ICE-5")).ok());
  (*store)->close();
}
#endif

// ---- incompatible and broken plugins ----

class BrokenPlugins : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::is_directory(kTestPluginDir)) << kTestPluginDir;
    host_.set_plugin_config("zz-order-base", {{"order_log", order_log_.string()}});
    host_.set_plugin_config("aa-order-dependent", {{"order_log", order_log_.string()}});
    ASSERT_TRUE(host_.load_directory(kTestPluginDir).ok());
    host_.start();
  }

  const rh::PluginRecord& record(const std::string& name) {
    const auto* r = find(host_, name);
    if (!r) {
      ADD_FAILURE() << "no record for " << name << describe(host_);
      static const rh::PluginRecord missing;
      return missing;
    }
    return *r;
  }

  std::vector<std::string> order_lines() const {
    std::vector<std::string> lines;
    std::ifstream in(order_log_);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  TempDir tmp_;
  fs::path order_log_ = tmp_.path() / "order.log";
  rh::Registry registry_;
  rh::PluginHost host_{registry_};
};

void expect_mentions(const std::string& reason, std::initializer_list<const char*> parts) {
  for (const char* p : parts) EXPECT_NE(reason.find(p), std::string::npos) << "'" << p << "' not in: " << reason;
}

TEST_F(BrokenPlugins, OtherAbiMajorIsRefusedNamingBothMajors) {
  const auto& r = record("test-abi-major");
  EXPECT_EQ(r.state, State::refused);
  expect_mentions(r.reason, {"ABI major 2", "1"});
  EXPECT_NE(r.reason.find("ABI major 1"), std::string::npos) << "should name the host's major: " << r.reason;
}

TEST_F(BrokenPlugins, NewerAbiMinorIsRefused) {
  const auto& r = record("test-abi-minor");
  EXPECT_EQ(r.state, State::refused);
  expect_mentions(r.reason, {"ABI minor", std::to_string(ROUNDHOUSE_ABI_MINOR + 1).c_str()});
}

TEST_F(BrokenPlugins, OtherBuildIdIsRefusedNamingTheBuildIds) {
  const auto& r = record("test-build-id");
  EXPECT_EQ(r.state, State::refused);
  expect_mentions(r.reason, {"build id", "gcc-4.8.5", rh::host_build_id()});
}

TEST_F(BrokenPlugins, TooSmallDescriptorIsRefused) {
  // The descriptor cannot be trusted, so the record is named after the file.
  const auto& r = record("test-small-struct");
  EXPECT_EQ(r.state, State::refused);
  expect_mentions(r.reason, {"struct_size", "8"});
}

TEST_F(BrokenPlugins, LibraryWithoutEntryPointIsRefused) {
  const auto& r = record("test-not-a-plugin");
  EXPECT_EQ(r.state, State::refused);
  expect_mentions(r.reason, {"roundhouse_plugin_entry"});
}

TEST_F(BrokenPlugins, FileThatIsNotALibraryIsRefused) {
  const auto& r = record("test-garbage");
  EXPECT_EQ(r.state, State::refused);
  EXPECT_FALSE(r.reason.empty());
}

TEST_F(BrokenPlugins, ThrowingStartFailsWithTheExceptionMessage) {
  const auto& r = record("test-start-throws");
  EXPECT_EQ(r.state, State::failed);
  expect_mentions(r.reason, {"boiler exploded"});
  const auto errors = host_.reported_errors();
  EXPECT_TRUE(std::any_of(errors.begin(), errors.end(), [](const std::string& e) {
    return e.find("test-start-throws") != std::string::npos && e.find("boiler exploded") != std::string::npos;
  })) << "the exception reaches the host's error callback";
}

TEST_F(BrokenPlugins, StartReturningAnErrorFailsWithItsMessage) {
  const auto& r = record("test-start-fails");
  EXPECT_EQ(r.state, State::failed);
  expect_mentions(r.reason, {"turntable is jammed"});
}

TEST_F(BrokenPlugins, MissingDependencyIsNamed) {
  const auto& r = record("test-missing-dependency");
  EXPECT_NE(r.state, State::started);
  expect_mentions(r.reason, {"test-no-such-plugin"});
  EXPECT_EQ(r.dependencies, (std::vector<std::string>{"test-no-such-plugin"}));
}

TEST_F(BrokenPlugins, DependencyThatFailedToStartBlocksItsDependents) {
  const auto& r = record("test-needs-failed");
  EXPECT_NE(r.state, State::started);
  expect_mentions(r.reason, {"test-start-throws"});
}

TEST_F(BrokenPlugins, SecondPluginWithTheSameNameIsRefused) {
  std::vector<const rh::PluginRecord*> copies;
  for (const auto& r : host_.records())
    if (r.name == "test-duplicate") copies.push_back(&r);
  ASSERT_EQ(copies.size(), 2u) << describe(host_);
  EXPECT_EQ(copies[0]->state, State::started) << copies[0]->reason;
  EXPECT_EQ(copies[0]->path.filename(), "test-duplicate-a.so");
  EXPECT_EQ(copies[1]->state, State::refused);
  expect_mentions(copies[1]->reason, {"test-duplicate"});
}

TEST_F(BrokenPlugins, EveryReasonIsOneLine) {
  for (const auto& r : host_.records()) {
    if (r.state == State::started) continue;
    EXPECT_FALSE(r.reason.empty()) << r.name;
    EXPECT_EQ(r.reason.find('\n'), std::string::npos) << r.name << ": " << r.reason;
  }
}

TEST_F(BrokenPlugins, GoodPluginsInTheSameDirectoryStillStart) {
  EXPECT_EQ(record("zz-order-base").state, State::started) << record("zz-order-base").reason;
  EXPECT_EQ(record("aa-order-dependent").state, State::started) << record("aa-order-dependent").reason;
  EXPECT_TRUE(registry_.storage.find("order-base").has_value());
  EXPECT_EQ(record("aa-order-dependent").kind, "domain");
  EXPECT_EQ(record("aa-order-dependent").version, "2.0.0");
}

TEST_F(BrokenPlugins, DependenciesStartFirstAndStopLast) {
  // aa-order-dependent sorts first by file name but depends on zz-order-base.
  EXPECT_EQ(order_lines(), (std::vector<std::string>{"start zz-order-base", "start aa-order-dependent"}));
  host_.stop();
  EXPECT_EQ(order_lines(), (std::vector<std::string>{"start zz-order-base", "start aa-order-dependent",
                                                     "stop aa-order-dependent", "stop zz-order-base"}));
  EXPECT_EQ(record("zz-order-base").state, State::stopped);
  host_.stop();  // idempotent: nothing is stopped twice
  EXPECT_EQ(order_lines().size(), 4u);
}

TEST_F(BrokenPlugins, HostKeepsWorkingAfterRefusals) {
  if (main_plugin_dir().empty()) GTEST_SKIP() << "ROUNDHOUSE_PLUGIN_DIR not set";
  ASSERT_TRUE(host_.load_directory(main_plugin_dir()).ok());
  host_.start();  // starts only the newly discovered plugins
  for (const auto& r : host_.records())
    if (r.path.parent_path() == main_plugin_dir()) EXPECT_EQ(r.state, State::started) << r.name << ": " << r.reason;
#if ROUNDHOUSE_LOADER_HAVE_MEMORY
  auto store = registry_.open_store("memory:");
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_TRUE((*store)->append(one_event("ICE-4")).ok());
  (*store)->close();
#endif
}

// ---- host API edge cases ----

TEST(PluginHostApi, MissingDirectoryIsAnErrorNotACrash) {
  rh::Registry registry;
  rh::PluginHost host(registry);
  const rh::Status st = host.load_directory("/nonexistent/roundhouse/plugins");
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("/nonexistent/roundhouse/plugins"), std::string::npos) << st.message();
  EXPECT_TRUE(host.records().empty());
}

TEST(PluginHostApi, LoadFileOfAMissingFileIsRefused) {
  rh::Registry registry;
  rh::PluginHost host(registry);
  const auto& r = host.load_file("/nonexistent/ghost.so");
  EXPECT_EQ(r.state, State::refused);
  EXPECT_FALSE(r.reason.empty());
}

int builtin_init(const rh_host_api* api) {
  auto* registry = static_cast<rh::Registry*>(api->registry);
  return registry->storage
                 .add("builtin", "builtin-test",
                      [](const rh::StoreUri&, const rh::StoreOptions&) -> rh::Result<std::shared_ptr<rh::EventStore>> {
                        return rh::Error{rh::ErrorCode::unavailable, "nothing here"};
                      })
                 .ok()
             ? 0
             : 1;
}

rh_plugin_descriptor builtin_descriptor(const char* name) {
  rh_plugin_descriptor d{};
  d.struct_size = sizeof d;
  d.abi_major = ROUNDHOUSE_ABI_MAJOR;
  d.abi_minor = ROUNDHOUSE_ABI_MINOR;
  d.build_id = ROUNDHOUSE_BUILD_ID;
  d.name = name;
  d.version = "1.0.0";
  d.kind = RH_PLUGIN_STORAGE;
  d.init = &builtin_init;
  return d;
}

TEST(PluginHostApi, BuiltinPluginsFollowTheSameRules) {
  static const rh_plugin_descriptor good = builtin_descriptor("builtin-test");
  static const rh_plugin_descriptor future = [] {
    auto d = builtin_descriptor("builtin-future");
    d.abi_major = 7;
    return d;
  }();
  rh::Registry registry;
  rh::PluginHost host(registry);
  EXPECT_EQ(host.add_builtin(&good).state, State::discovered);
  const auto& refused = host.add_builtin(&future);
  EXPECT_EQ(refused.state, State::refused);
  EXPECT_NE(refused.reason.find("ABI major 7"), std::string::npos) << refused.reason;
  host.start();
  EXPECT_EQ(find(host, "builtin-test")->state, State::started);
  EXPECT_EQ(find(host, "builtin-test")->kind, "storage");
  EXPECT_TRUE(registry.storage.find("builtin").has_value());
}

}  // namespace
