#include "domain/domain_fixtures.hpp"

#include <sqlite3.h>

#include <array>
#include <map>
#include <optional>
#include <stdexcept>

#include "aggregates.hpp"
#include "demo/demo_config.hpp"
#include "demo/demo_event.hpp"
#include "demo/demo_runner.hpp"
#include "fleet_plugin.hpp"
#include "roundhouse/domain/repository.hpp"
#include "storage_memory.hpp"
#include "storage_sqlite.hpp"
#include "store/append_window.hpp"
#include "store/workload.hpp"

namespace roundhouse::bench {
namespace json = boost::json;

namespace {

constexpr const char* kDomainTenant = "bench";

struct DemoSlot {
  std::unique_ptr<TempDir> dir;
  DemoFixture fixture;
};
struct AggregateSlot {
  std::unique_ptr<TempDir> dir;
  AggregateFixture fixture;
};
std::map<std::string, DemoSlot>& demo_slots() {
  static std::map<std::string, DemoSlot> s;
  return s;
}
std::map<std::string, AggregateSlot>& aggregate_slots() {
  static std::map<std::string, AggregateSlot> s;
  return s;
}

// The demo's vehicle event mix (63% meter readings, 36% status changes, the odd transfer), one
// vehicle at a time: what an aggregate with a long life accumulates.
class VehicleHistory {
 public:
  VehicleHistory(std::string number, Timestamp start, Timestamp step, std::uint64_t seed)
      : number_(std::move(number)), at_(start), step_(step), factory_(seed) {}

  NewEvent next() {
    ++n_;
    at_ += step_;
    const std::uint64_t r = mix(n_ * 0x9E37 + seed_salt());
    if (n_ == 1)
      return make("VehicleRegistered", {{"number", number_}, {"vehicle_type", "emu_car"}, {"depot", depot_},
                                        {"commissioned_on", "2019-04-01"}, {"model", "ET 425"},
                                        {"status", "in_service"}},
                  "demo:fleet-manager");
    const std::uint64_t slot = n_ % 16;
    if (slot < 10) {
      odometer_ += 50.0 + static_cast<double>(r % 4000) / 10.0;
      return make("MeterReadingRecorded", {{"odometer_km", odometer_}, {"engine_hours", nullptr}}, "demo:telemetry");
    }
    if (slot < 15) {
      static constexpr std::array<const char*, 4> kStatus{"in_service", "standby", "under_maintenance", "out_of_service"};
      std::string want = kStatus[(r >> 8) % kStatus.size()];
      if (want == status_) want = status_ == kStatus[0] ? kStatus[2] : kStatus[0];
      json::object p{{"status", want}, {"previous_status", status_}, {"reason", "bench status change"}};
      status_ = want;
      return make("VehicleStatusChanged", std::move(p), "demo:controller");
    }
    static constexpr std::array<const char*, 4> kDepots{"Hamm", "Koeln", "Dortmund", "Leipzig"};
    std::string to = kDepots[(r >> 16) % kDepots.size()];
    if (to == depot_) to = depot_ == kDepots[0] ? kDepots[1] : kDepots[0];
    json::object p{{"from_depot", depot_}, {"to_depot", to}};
    depot_ = to;
    return make("VehicleTransferred", std::move(p), "demo:fleet-manager");
  }
  std::uint64_t count() const { return n_; }
  Timestamp last_occurred() const { return at_; }

 private:
  std::uint64_t seed_salt() const { return number_.size() * 1315423911ULL; }
  NewEvent make(const char* type, json::object payload, std::string actor) {
    return factory_.make(fleet::kVehicle, number_, type, std::move(payload), at_, std::move(actor), "").event;
  }
  std::string number_;
  Timestamp at_;
  Timestamp step_;
  fleet::demo::EventFactory factory_;
  std::uint64_t n_ = 0;
  double odometer_ = 120000.0;
  std::string status_ = "in_service";
  std::string depot_ = "Hamm";
};

AppendRequest request(const char* id, VehicleHistory& h, std::size_t n) {
  AppendRequest r;
  r.stream = StreamId{fleet::kVehicle, id};
  r.tenant = kDomainTenant;
  for (std::size_t i = 0; i < n; ++i) r.events.push_back(h.next());
  return r;
}

void build_aggregate_fixture(AggregateFixture& f) {
  constexpr std::uint64_t kBigChunk = 100, kSmallChunk = 10;
  const Timestamp start = parse_timestamp("2020-01-01T00:00:00Z").value();
  VehicleHistory big(kBigVehicle, start, 10LL * 60 * 1'000'000, 11);          // one event per 10 minutes
  VehicleHistory small(kTimeTravelVehicle, start, 3600LL * 1'000'000, 12);   // one event per hour
  const std::uint64_t before_snapshot = kBigVehicleEvents - kSnapshotTail;
  {
    AppendWindow pipe(*f.store, 64);  // FIFO: positions follow submit() order
    while (big.count() < before_snapshot || small.count() < kTimeTravelEvents) {
      if (big.count() < before_snapshot)
        pipe.submit(request(kBigVehicle, big, std::min(kBigChunk, before_snapshot - big.count())));
      if (small.count() < kTimeTravelEvents)
        pipe.submit(request(kTimeTravelVehicle, small, std::min(kSmallChunk, kTimeTravelEvents - small.count())));
    }
    if (auto e = pipe.drain()) throw std::runtime_error("writing the aggregate fixture: " + e->message);
  }
  // The state_at bound: the occurred_at of BENCH-10K's middle event, so half the stream is folded.
  ReadStreamOptions at_middle;
  at_middle.from_version = kTimeTravelEvents / 2;
  at_middle.max_count = 1;
  auto middle = f.store->read_stream({fleet::kVehicle, kTimeTravelVehicle}, at_middle);
  if (!middle || middle->size() != 1) throw std::runtime_error("aggregate fixture: cannot read " + std::string(kTimeTravelVehicle));
  f.middle_occurred = middle->front().occurred_at;
  f.events_at_middle = kTimeTravelEvents / 2;
  // The command path snapshots after a command once the aggregate is snapshot_every past the last
  // snapshot; here: one snapshot at the current version, then the tail.
  AggregateRepository repo(f.store, domain_registry(), fleet::vehicle_type(), kSnapshotEvery);
  auto loaded = repo.load_without_snapshot(kBigVehicle);
  if (!loaded || loaded->version != before_snapshot) throw std::runtime_error("aggregate fixture: cannot load " + std::string(kBigVehicle));
  if (auto st = repo.maybe_snapshot(kBigVehicle, *loaded); !st) throw std::runtime_error("aggregate fixture: snapshot: " + st.message());
  f.snapshot_version = loaded->version;
  {
    AppendWindow pipe(*f.store, 64);  // FIFO: positions follow submit() order
    pipe.submit(request(kBigVehicle, big, kSnapshotTail));
    if (auto e = pipe.drain()) throw std::runtime_error("writing the aggregate fixture: " + e->message);
  }
  f.events = f.store->head_position().value();
}

}  // namespace

Registry& domain_registry() {
  static Registry* registry = [] {
    auto* r = new Registry();
    if (auto st = plugins::register_storage_memory(*r); !st) throw std::runtime_error(st.message());
    if (auto st = plugins::register_storage_sqlite(*r); !st) throw std::runtime_error(st.message());
    if (auto st = plugins::register_fleet(*r); !st) throw std::runtime_error(st.message());
    return r;
  }();
  return *registry;
}

std::shared_ptr<EventStore> open_domain_store(const std::string& uri) {
  auto store = domain_registry().open_store(uri);
  if (!store) throw std::runtime_error("cannot open " + uri + ": " + store.error().message);
  return std::move(store).value();
}

std::uint64_t write_demo(const std::shared_ptr<EventStore>& store, const std::string& size) {
  auto config = fleet::demo::make_demo_config(size);
  if (!config) throw std::runtime_error(config.error().message);
  fleet::demo::DemoRunOptions options;
  options.config = *config;
  options.tenant = kDomainTenant;
  auto summary = fleet::demo::run_demo(options, store, &domain_registry());
  if (!summary) throw std::runtime_error("demo --size " + size + ": " + summary.error().message);
  return summary->written + summary->already_stored;
}

void checkpoint_sqlite(const std::string& file) {
  sqlite3* db = nullptr;
  if (sqlite3_open(file.c_str(), &db) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + file);
  }
  char* err = nullptr;
  const int rc = sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  if (rc != SQLITE_OK) throw std::runtime_error("checkpoint of " + file + " failed: " + msg);
}

DemoFixture& demo_fixture(const std::string& scheme) {
  auto& slot = demo_slots()[scheme];
  if (!slot.fixture.store) {
    slot.dir = std::make_unique<TempDir>("domain-demo-" + scheme);
    if (scheme == "sqlite") slot.fixture.file = slot.dir->file("demo-small.db");
    slot.fixture.store = open_domain_store(scheme == "sqlite" ? "sqlite:" + slot.fixture.file : "memory:");
    write_demo(slot.fixture.store, "small");
    slot.fixture.events = slot.fixture.store->head_position().value();
    if (!slot.fixture.file.empty()) checkpoint_sqlite(slot.fixture.file);
  }
  return slot.fixture;
}

AggregateFixture& aggregate_fixture(const std::string& scheme) {
  auto& slot = aggregate_slots()[scheme];
  if (!slot.fixture.store) {
    slot.dir = std::make_unique<TempDir>("domain-aggregates-" + scheme);
    if (scheme == "sqlite") slot.fixture.file = slot.dir->file("aggregates.db");
    slot.fixture.store = open_domain_store(scheme == "sqlite" ? "sqlite:" + slot.fixture.file : "memory:");
    build_aggregate_fixture(slot.fixture);
    if (!slot.fixture.file.empty()) checkpoint_sqlite(slot.fixture.file);
  }
  return slot.fixture;
}

void release_domain_fixtures() {
  for (auto& [_, s] : demo_slots())
    if (s.fixture.store) s.fixture.store->close();
  for (auto& [_, s] : aggregate_slots())
    if (s.fixture.store) s.fixture.store->close();
  demo_slots().clear();
  aggregate_slots().clear();
}

}  // namespace roundhouse::bench
