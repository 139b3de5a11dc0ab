#include "workload.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include <boost/json/serialize.hpp>

#include "roundhouse/plugin/registry.hpp"
#include "storage_memory.hpp"
#include "storage_sqlite.hpp"

namespace roundhouse::bench {
namespace json = boost::json;

namespace {

constexpr Sizes kFull{300, 5.0, 10000, 3, 20000};
constexpr Sizes kQuick{60, 1.5, 2000, 2, 5000};
bool g_quick = false;

const std::array<std::string, 4> kTypes{"MeasurementRecorded", "WorkOrderOpened", "PartReplaced",
                                        "InspectionPassed"};
const std::array<const char*, 6> kDepots{"HAMM-BW3", "KOELN-BBF", "MUENCHEN-S", "BERLIN-RUM", "LEIPZIG-W", "KASSEL-H"};
const std::array<const char*, 5> kComponents{"bogie-1/axle-1/wheel-L", "bogie-2/axle-2/wheel-R", "pantograph-A",
                                             "brake-unit-3", "door-actuator-7"};
const std::array<const char*, 4> kKinds{"flange_thickness", "pad_wear", "contact_strip", "closing_force"};

}  // namespace

const Sizes& sizes() { return g_quick ? kQuick : kFull; }
void set_quick(bool quick) { g_quick = quick; }
bool quick() { return g_quick; }

std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::string stream_id(std::size_t i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "ICE-%05zu", i % 100000);
  return buf;
}

StreamId stream(std::size_t i) { return StreamId{kStreamType, stream_id(i)}; }

const std::string& event_type(std::uint64_t n) { return kTypes[n % kTypes.size()]; }

json::value payload(std::uint64_t n, std::size_t stream_index) {
  const std::uint64_t r = mix(n);
  char work_order[24];
  std::snprintf(work_order, sizeof work_order, "WO-2024-%07llu", static_cast<unsigned long long>(r % 10000000));
  char technician[16];
  std::snprintf(technician, sizeof technician, "tech-%04llu", static_cast<unsigned long long>((r >> 24) % 10000));
  return json::object{
      {"vehicle", stream_id(stream_index)},
      {"depot", kDepots[(r >> 8) % kDepots.size()]},
      {"component", kComponents[(r >> 12) % kComponents.size()]},
      {"measurement",
       json::object{{"kind", kKinds[(r >> 16) % kKinds.size()]},
                    {"value", static_cast<double>((r >> 20) % 4000) / 100.0 + 10.0},
                    {"unit", "mm"},
                    {"limit", 22.0}}},
      {"odometer_km", static_cast<std::int64_t>((r >> 32) % 3000000)},
      {"work_order", work_order},
      {"technician", technician},
      {"result", (r & 7) == 0 ? "replace" : "within_limits"},
  };
}

EventMetadata metadata() {
  EventMetadata m;
  m.actor = "bench";
  m.tenant = kTenant;
  return m;
}

NewEvent new_event(std::uint64_t n, std::size_t stream_index) {
  NewEvent e;
  e.type = event_type(n);
  e.payload = payload(n, stream_index);
  e.metadata = metadata();
  return e;
}

std::size_t payload_bytes() {
  std::size_t total = 0;
  for (std::uint64_t n = 0; n < 100; ++n) total += json::serialize(payload(n, n)).size();
  return total / 100;
}

AppendRequest make_batch(std::uint64_t b, std::uint64_t& n, std::size_t events) {
  const std::size_t stream_index = mix(b ^ 0x5EEDULL) % kStreams;
  AppendRequest r;
  r.stream = stream(stream_index);
  r.expected = ExpectedVersion::any();
  r.tenant = kTenant;
  r.events.reserve(events);
  for (std::size_t i = 0; i < events; ++i) r.events.push_back(new_event(n++, stream_index));
  return r;
}

std::vector<AppendRequest> make_batches(std::size_t count, std::size_t events) {
  std::vector<AppendRequest> out;
  out.reserve(count);
  std::uint64_t n = 0;
  for (std::size_t b = 0; b < count; ++b) out.push_back(make_batch(b, n, events));
  return out;
}

AppendRequest single_event_request(std::uint64_t n) {
  const std::size_t s = mix(n) % kStreams;
  AppendRequest r;
  r.stream = stream(s);
  r.tenant = kTenant;
  r.events.push_back(new_event(n, s));
  return r;
}

TempDir::TempDir(const std::string& tag) {
  std::filesystem::path base = "/tmp";
  if (const char* d = std::getenv("ROUNDHOUSE_BENCH_DIR"); d && *d) base = d;
  else if (const char* t = std::getenv("TMPDIR"); t && *t) base = t;
  std::filesystem::create_directories(base);
  std::string pattern = (base / ("roundhouse-bench-" + tag + "-XXXXXX")).string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed under " + base.string());
  path_ = pattern;
}

TempDir::~TempDir() {
  if (const char* keep = std::getenv("ROUNDHOUSE_BENCH_KEEP"); keep && *keep && *keep != '0') {
    std::fprintf(stderr, "kept %s\n", path_.c_str());
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::shared_ptr<EventStore> open_store(const std::string& uri) {
  static Registry* registry = [] {
    auto* r = new Registry();
    if (auto st = plugins::register_storage_memory(*r); !st) throw std::runtime_error(st.message());
    if (auto st = plugins::register_storage_sqlite(*r); !st) throw std::runtime_error(st.message());
    return r;
  }();
  auto store = registry->open_store(uri);
  if (!store) throw std::runtime_error("cannot open " + uri + ": " + store.error().message);
  return std::move(store).value();
}

}  // namespace roundhouse::bench
