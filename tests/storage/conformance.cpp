#include "conformance.hpp"

#include <cstdlib>
#include <sstream>
#include <unistd.h>

#if ROUNDHOUSE_CONFORMANCE_HAVE_MEMORY
#include "storage_memory.hpp"
#endif
#if ROUNDHOUSE_CONFORMANCE_HAVE_SQLITE
#include "storage_sqlite.hpp"
#endif
#if ROUNDHOUSE_CONFORMANCE_HAVE_POSTGRES
#include "storage_postgres.hpp"
#endif

#ifndef ROUNDHOUSE_CONFORMANCE_CONFIGURED_EXTRA_URIS
#define ROUNDHOUSE_CONFORMANCE_CONFIGURED_EXTRA_URIS ""
#endif

namespace rh_test {

namespace fs = std::filesystem;

namespace {
std::vector<std::string> builtin_uri_templates() {
  std::vector<std::string> uris;
#if ROUNDHOUSE_CONFORMANCE_HAVE_MEMORY
  uris.push_back("memory:");
#endif
#if ROUNDHOUSE_CONFORMANCE_HAVE_SQLITE
  uris.push_back("sqlite:{tmp}/store.db");
#endif
  return uris;
}
}  // namespace

std::vector<std::string> conformance_uri_templates() {
  std::vector<std::string> uris = builtin_uri_templates();
  std::string extra = ROUNDHOUSE_CONFORMANCE_CONFIGURED_EXTRA_URIS;
  if (const char* env = std::getenv("ROUNDHOUSE_CONFORMANCE_EXTRA_URIS")) extra += std::string(",") + env;
  {
    std::stringstream in(extra);
    std::string item;
    while (std::getline(in, item, ',')) {
      const auto b = item.find_first_not_of(" \t");
      const auto e = item.find_last_not_of(" \t");
      if (b != std::string::npos) uris.push_back(item.substr(b, e - b + 1));
    }
  }
  return uris;
}

void register_storage_plugins(rh::Registry& registry) {
#if ROUNDHOUSE_CONFORMANCE_HAVE_MEMORY
  ASSERT_TRUE(rh::plugins::register_storage_memory(registry).ok());
#endif
#if ROUNDHOUSE_CONFORMANCE_HAVE_SQLITE
  ASSERT_TRUE(rh::plugins::register_storage_sqlite(registry, "storage-sqlite").ok());
#endif
#if ROUNDHOUSE_CONFORMANCE_HAVE_POSTGRES
  ASSERT_TRUE(rh::plugins::register_storage_postgres(registry, "storage-postgres").ok());
#endif
  (void)registry;
}

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "rh-conformance-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

rh::NewEvent event(std::string type, json::object payload, rh::Uuid id) {
  rh::NewEvent e;
  e.id = id;
  e.type = std::move(type);
  e.payload = std::move(payload);
  return e;
}

namespace {
void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (auto p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
}
}  // namespace

void EventStoreConformance::SetUp() {
  tmp_ = std::make_unique<TempDir>();
  register_storage_plugins(registry_);
  uri_ = GetParam();
  replace_all(uri_, "{tmp}", tmp_->path().string());
  std::string unique = tmp_->path().filename().string();  // rh-conformance-XXXXXX
  unique = unique.substr(unique.rfind('-') + 1);
  for (auto& c : unique) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  replace_all(uri_, "{unique}", unique);
  auto opened = registry_.open_store(uri_);
  ASSERT_TRUE(opened.ok()) << uri_ << ": " << opened.error().message;
  store_ = std::move(opened).value();
}

void EventStoreConformance::TearDown() {
  if (store_) store_->close();
  store_.reset();
  tmp_.reset();
}

std::string EventStoreConformance::scheme() const { return uri_.substr(0, uri_.find(':')); }

void EventStoreConformance::reopen() {
  if (store_) store_->close();
  store_.reset();
  auto opened = registry_.open_store(uri_);
  ASSERT_TRUE(opened.ok()) << uri_ << ": " << opened.error().message;
  store_ = std::move(opened).value();
}

rh::Result<rh::AppendResult> EventStoreConformance::append(const rh::StreamId& stream,
                                                           rh::ExpectedVersion expected,
                                                           std::vector<rh::NewEvent> events,
                                                           std::string tenant) {
  rh::AppendRequest request;
  request.stream = stream;
  request.expected = expected;
  request.events = std::move(events);
  request.tenant = std::move(tenant);
  return store_->append(std::move(request));
}

rh::AppendResult EventStoreConformance::append_ticks(const rh::StreamId& stream, int n, std::string tenant) {
  std::vector<rh::NewEvent> events;
  for (int i = 0; i < n; ++i) events.push_back(event("Tick", {{"n", i}}));
  auto r = append(stream, rh::ExpectedVersion::any(), std::move(events), std::move(tenant));
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? r.value() : rh::AppendResult{};
}

rh::Result<std::vector<rh::RecordedEvent>> EventStoreConformance::read_stream(const rh::StreamId& stream,
                                                                              rh::ReadStreamOptions options) {
  return store_->read_stream(stream, options);
}

std::vector<rh::RecordedEvent> EventStoreConformance::read_all(rh::ReadAllOptions options) {
  auto r = store_->read_all(options);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? r.value() : std::vector<rh::RecordedEvent>{};
}

rh::Position EventStoreConformance::head() {
  auto r = store_->head_position();
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? *r : 0;
}

std::vector<rh::Version> versions_of(const std::vector<rh::RecordedEvent>& events) {
  std::vector<rh::Version> out;
  for (const auto& e : events) out.push_back(e.version);
  return out;
}

std::vector<rh::Position> positions_of(const std::vector<rh::RecordedEvent>& events) {
  std::vector<rh::Position> out;
  for (const auto& e : events) out.push_back(e.position);
  return out;
}

std::vector<rh::Position> range(rh::Position first, rh::Position last) {
  std::vector<rh::Position> out;
  for (auto p = first; p <= last; ++p) out.push_back(p);
  return out;
}

namespace {
std::string param_name(const ::testing::TestParamInfo<std::string>& info) {
  const std::string& uri = info.param;
  std::string scheme = uri.substr(0, uri.find(':'));
  std::string name;
  for (char c : scheme) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (info.index >= builtin_uri_templates().size()) name += "_extra" + std::to_string(info.index);
  return name;
}
}  // namespace

INSTANTIATE_TEST_SUITE_P(Backends, EventStoreConformance,
                         ::testing::ValuesIn(conformance_uri_templates()), param_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(EventStoreConformance);

}  // namespace rh_test
