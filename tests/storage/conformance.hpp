#pragma once
// The storage conformance fixture. Every test runs once per store URI template:
//   "memory:"                  always (when the storage-memory plugin is built)
//   "sqlite:{tmp}/store.db"    when the storage-sqlite plugin is built
//   each entry of ROUNDHOUSE_CONFORMANCE_EXTRA_URIS (comma-separated), e.g.
//     ROUNDHOUSE_CONFORMANCE_EXTRA_URIS="postgresql://localhost/rh_test?schema=t_{unique}"
//     taken from the CMake cache variable of that name (baked in at build time, so ctest's test
//     discovery sees it) plus the environment variable of that name (read when the binary runs;
//     for ctest it must also be set while building, since gtest_discover_tests lists tests then).
// In a template, {tmp} becomes a fresh, empty temporary directory and {unique} a token unique to
// the test, so every test starts from an empty log.
//
// The fixture builds its own Registry, registers the storage plugins through their static twins'
// register functions, and opens the store via Registry::open_store(uri) like the host does.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "roundhouse/events/event_store.hpp"
#include "roundhouse/plugin/registry.hpp"

namespace rh_test {

namespace rh = roundhouse;
namespace json = boost::json;

// The URI templates the suite runs against (see above).
std::vector<std::string> conformance_uri_templates();
// Registers every storage plugin compiled into this test binary.
void register_storage_plugins(rh::Registry& registry);
// A fresh temporary directory, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A new event with a fresh id chosen by the test (so retries can repeat it).
rh::NewEvent event(std::string type, json::object payload = {}, rh::Uuid id = rh::Uuid::generate_v7());

class EventStoreConformance : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;

  std::string scheme() const;  // "memory", "sqlite", ...
  // Closes the store and opens the same URI again (for persistent backends).
  void reopen();

  rh::Result<rh::AppendResult> append(const rh::StreamId& stream, rh::ExpectedVersion expected,
                                      std::vector<rh::NewEvent> events, std::string tenant = "");
  // Appends `n` events of type "Tick" (payload {"n": i}) with expected version any; asserts success.
  rh::AppendResult append_ticks(const rh::StreamId& stream, int n, std::string tenant = "");
  rh::Result<std::vector<rh::RecordedEvent>> read_stream(const rh::StreamId& stream,
                                                        rh::ReadStreamOptions options = {});
  std::vector<rh::RecordedEvent> read_all(rh::ReadAllOptions options = {});
  rh::Position head();

  rh::Registry registry_;
  std::unique_ptr<TempDir> tmp_;
  std::string uri_;
  std::shared_ptr<rh::EventStore> store_;
};

std::vector<rh::Version> versions_of(const std::vector<rh::RecordedEvent>& events);
std::vector<rh::Position> positions_of(const std::vector<rh::RecordedEvent>& events);
std::vector<rh::Position> range(rh::Position first, rh::Position last);  // [first, last]

}  // namespace rh_test
