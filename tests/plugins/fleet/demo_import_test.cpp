// `roundhouse demo` and `roundhouse import`: the demo generator is deterministic, chronological,
// schema-valid and keeps every invariant the fleet commands enforce; the CSV import is all or
// nothing, names file:line on a bad row, writes nothing in a dry run and stores events in date order.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <boost/json/parse.hpp>

#include "demo/demo_runner.hpp"
#include "demo/simulation.hpp"
#include "fleet_fixture.hpp"
#include "import/csv_reader.hpp"
#include "json_access.hpp"
#include "roundhouse/domain/repository.hpp"

namespace demo = rh::fleet::demo;
namespace fs = std::filesystem;
using rh::fleet::boolean;
using rh::fleet::integer;
using rh::fleet::num;
using rh::fleet::str;

namespace {

const fs::path kSample = ROUNDHOUSE_IMPORT_SAMPLE_DIR;

demo::DemoConfig config(const char* size, std::uint64_t seed = 1) { return demo::make_demo_config(size, seed).value(); }

std::string fingerprint(const demo::DemoEvent& e) {
  return rh::to_string(e.stream) + "|" + e.event.id.to_string() + "|" + e.event.type + "|" +
         json::serialize(e.event.payload) + "|" + std::to_string(e.event.occurred_at) + "|" +
         json::serialize(e.event.metadata.to_json());
}

}  // namespace

class DemoImportTest : public FleetTest {
 protected:
  std::vector<rh::RecordedEvent> all_events() { return store_->read_all(rh::ReadAllOptions{}).value(); }
  json::object state(const std::string& aggregate, const std::string& id) {
    auto loaded = service_->load(aggregate, id, "acme");
    EXPECT_TRUE(loaded.ok() && loaded->version > 0) << aggregate << "/" << id;
    return loaded.ok() ? loaded->state->to_json() : json::object{};
  }
  fs::path temp_dir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    auto dir = fs::temp_directory_path() / ("rh-import-" + std::string(info->name()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (const char* f : {"parts.csv", "vehicles.csv", "failures.csv", "work_orders.csv"}) fs::copy_file(kSample / f, dir / f);
    return dir;
  }
  static void write(const fs::path& file, const std::string& text) { std::ofstream(file, std::ios::binary) << text; }
  static void append_line(const fs::path& file, const std::string& line) { std::ofstream(file, std::ios::app) << line << "\n"; }
};

// ---------------------------------------------------------------- demo

TEST_F(DemoImportTest, SameSeedGivesByteIdenticalEventsAnotherSeedDoesNot) {
  const auto a = demo::generate_demo_events(config("tiny", 7));
  const auto b = demo::generate_demo_events(config("tiny", 7));
  ASSERT_GT(a.size(), 1000u);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) ASSERT_EQ(fingerprint(a[i]), fingerprint(b[i])) << "event " << i;
  const auto c = demo::generate_demo_events(config("tiny", 8));
  bool differs = c.size() != a.size();
  for (std::size_t i = 0; !differs && i < a.size(); ++i) differs = fingerprint(a[i]) != fingerprint(c[i]);
  EXPECT_TRUE(differs);
}

TEST_F(DemoImportTest, DemoEventsAreChronologicalSchemaValidAndUnique) {
  const auto cfg = config("tiny", 3);
  const auto events = demo::generate_demo_events(cfg);
  std::set<std::string> ids;
  rh::Timestamp last = 0;
  for (const auto& e : events) {
    EXPECT_GE(e.event.occurred_at, last) << e.event.type << " on " << rh::to_string(e.stream);
    EXPECT_GE(e.event.occurred_at, cfg.start);
    EXPECT_LT(e.event.occurred_at, cfg.end());
    last = e.event.occurred_at;
    EXPECT_TRUE(ids.insert(e.event.id.to_string()).second) << "duplicate id";
    auto st = registry_.validate_payload(e.event.type, e.event.payload);
    ASSERT_TRUE(st.ok()) << e.event.type << ": " << st.message() << " " << json::serialize(e.event.payload);
    EXPECT_EQ(e.event.metadata.actor.rfind("demo:", 0), 0u) << e.event.metadata.actor;
  }
}

// The one run of size "small": written through the store, then replayed through the fleet's
// aggregates with every rule the commands enforce checked before each event is applied.
TEST_F(DemoImportTest, SmallFleetKeepsEveryInvariantOnReplay) {
  demo::DemoRunOptions options;
  options.config = config("small");
  options.tenant = "acme";
  auto summary = demo::run_demo(options, store_, &registry_);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(summary->written, summary->events);
  EXPECT_EQ(summary->aggregates.at("vehicle"), 150u);
  EXPECT_GT(summary->events, 40'000u);

  std::map<std::string, std::unique_ptr<rh::AggregateState>> states;
  std::map<std::string, std::uint64_t> counts;
  rh::Timestamp last = 0;
  std::uint64_t seen = 0;
  auto st = store_->read_all(rh::ReadAllOptions{}, [&](const rh::RecordedEvent& stored) {
    rh::RecordedEvent e = stored;
    ++seen;
    ++counts[e.type];
    EXPECT_GE(e.occurred_at, last) << "position " << e.position;
    last = e.occurred_at;
    EXPECT_TRUE(rh::upcast(registry_, e).ok());
    const auto payload = json::parse(e.payload).as_object();
    auto st = registry_.validate_payload(e.type, payload);
    EXPECT_TRUE(st.ok()) << e.type << ": " << st.message();
    auto& slot = states[rh::to_string(e.stream)];
    if (!slot) slot = registry_.aggregates.find(e.stream.type)->value.make();
    const auto before = slot->to_json();
    const auto where = rh::to_string(e.stream) + " v" + std::to_string(e.version) + " " + e.type;
    // The rules of commands.cpp, checked against the state before the event.
    if (e.stream.type == "vehicle" && e.type != "VehicleRegistered") {
      EXPECT_FALSE(boolean(before, "retired")) << where << ": event after retirement";
      if (e.type == "VehicleStatusChanged") {
        EXPECT_EQ(str(payload, "previous_status"), str(before, "status")) << where;
        EXPECT_NE(str(payload, "status"), str(before, "status")) << where;
      }
      if (e.type == "VehicleTransferred") EXPECT_EQ(str(payload, "from_depot"), str(before, "depot")) << where;
      if (e.type == "MeterReadingRecorded") {
        EXPECT_GE(num(payload, "odometer_km"), num(before, "odometer_km")) << where;
        EXPECT_GE(num(payload, "engine_hours", 0), payload.contains("engine_hours") ? num(before, "engine_hours") : 0) << where;
      }
    }
    if (e.stream.type == "workorder" && e.type != "WorkOrderCreated") {
      const std::string status = str(before, "status");
      EXPECT_TRUE(status != "completed" && status != "cancelled") << where << " on a " << status << " order";
      if (e.type == "WorkOrderStarted" || e.type == "WorkOrderScheduled") EXPECT_NE(status, "in_progress") << where;
      if (e.type == "WorkOrderPartsConsumed" || e.type == "WorkOrderLabourBooked" || e.type == "WorkOrderCompleted")
        EXPECT_EQ(status, "in_progress") << where;
    }
    if (e.stream.type == "failure" && e.type == "FailureClosed") EXPECT_NE(str(before, "status"), "closed") << where;
    if (e.stream.type == "part" && e.type == "StockReserved")
      EXPECT_LE(integer(payload, "quantity"), integer(before, "on_hand") - integer(before, "reserved")) << where;
    auto applied = slot->apply(e);
    EXPECT_TRUE(applied.ok()) << where << ": " << applied.message();
    if (e.stream.type == "part") {
      const auto after = slot->to_json();
      EXPECT_GE(integer(after, "on_hand"), 0) << where << ": stock went negative";
      EXPECT_GE(integer(after, "on_hand"), integer(after, "reserved")) << where;
      EXPECT_GE(integer(after, "reserved"), 0) << where;
    }
    return !::testing::Test::HasFailure();
  });
  ASSERT_TRUE(st.ok());
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(seen, summary->events);
  std::map<std::string, std::uint64_t> reported(summary->by_type.begin(), summary->by_type.end());
  EXPECT_EQ(counts, reported) << "the summary counts what was stored";
  for (const char* type : {"VehicleRegistered", "VehicleStatusChanged", "VehicleTransferred", "MeterReadingRecorded",
                           "VehicleRetired", "FailureReported", "FailureLinkedToWorkOrder", "FailureClosed",
                           "WorkOrderCreated", "WorkOrderScheduled", "WorkOrderAssigned", "WorkOrderStarted",
                           "WorkOrderPartsConsumed", "WorkOrderLabourBooked", "WorkOrderCompleted", "WorkOrderCancelled",
                           "PartDefined", "StockReceived", "StockReserved", "StockIssued", "StockReturned", "StockCounted"})
    EXPECT_GT(counts[type], 0u) << type << " never occurs";
  // Every work order's vehicle and every failure's vehicle exists: the references hold.
  for (const auto& [key, s] : states) {
    const auto j = s->to_json();
    if (key.rfind("workorder/", 0) == 0 || key.rfind("failure/", 0) == 0)
      EXPECT_TRUE(states.count("vehicle/" + str(j, "vehicle_id"))) << key;
  }
}

TEST_F(DemoImportTest, DemoRefusesAForeignStoreAndRepeatsItsOwnRunIdempotently) {
  demo::DemoRunOptions options;
  options.config = config("tiny", 5);
  options.tenant = "acme";
  auto first = demo::run_demo(options, store_, &registry_);
  ASSERT_TRUE(first.ok()) << first.error().message;
  const auto head = store_->head_position().value();
  EXPECT_EQ(head, first->events);

  auto again = demo::run_demo(options, store_, &registry_);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->written, 0u);
  EXPECT_EQ(again->already_stored, first->events);
  EXPECT_EQ(store_->head_position().value(), head);

  options.config = config("tiny", 6);
  auto other = demo::run_demo(options, store_, &registry_);
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().message.find("already holds"), std::string::npos) << other.error().message;
  EXPECT_EQ(store_->head_position().value(), head);
}

TEST_F(DemoImportTest, DemoCommandPrintsCountsAndDryRunWritesNothing) {
  auto dry = cli("demo", {"--size", "tiny", "--seed", "4", "--dry-run"});
  ASSERT_EQ(dry.code, 0) << dry.err;
  EXPECT_EQ(store_->head_position().value(), 0u);
  const auto summary = json::parse(dry.out).as_object();
  EXPECT_TRUE(summary.at("dry_run").as_bool());
  const auto events = summary.at("events").to_number<std::uint64_t>();
  std::uint64_t sum = 0;
  for (const auto& [type, n] : summary.at("events_by_type").as_object()) sum += n.to_number<std::uint64_t>();
  EXPECT_EQ(sum, events);

  auto real = cli("demo", {"--size=tiny", "--seed=4"});
  ASSERT_EQ(real.code, 0) << real.err;
  EXPECT_EQ(json::parse(real.out).at("written").to_number<std::uint64_t>(), events);
  EXPECT_EQ(store_->head_position().value(), events);

  EXPECT_EQ(cli("demo", {"--size", "huge"}).code, 2);
  EXPECT_EQ(cli("demo", {"--seed", "x"}).code, 2);
  EXPECT_EQ(cli("demo", {"--start", "2024-13-01"}).code, 2);
  EXPECT_EQ(cli("demo", {"--bogus"}).code, 2);
  EXPECT_EQ(cli("demo", {"--help"}).code, 0);
}

// ---------------------------------------------------------------- CSV

TEST(CsvReaderTest, QuotesEscapesLineBreaksAndLineNumbers) {
  auto t = rh::fleet::import::parse_csv(
      "\xEF\xBB\xBF" "a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n\r\n2,\"two\nlines\", z \n3,,\n", "f.csv");
  ASSERT_TRUE(t.ok()) << t.error().message;
  ASSERT_EQ(t->header, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(t->rows.size(), 3u);
  EXPECT_EQ(t->rows[0].fields[1], "x, y");
  EXPECT_EQ(t->rows[0].fields[2], "say \"hi\"");
  EXPECT_EQ(t->rows[1].line, 4u);
  EXPECT_EQ(t->rows[1].fields[1], "two\nlines");
  EXPECT_EQ(t->rows[1].fields[2], "z");
  EXPECT_EQ(t->rows[2].line, 6u);
  EXPECT_EQ(t->rows[2].fields[2], "");

  auto short_row = rh::fleet::import::parse_csv("a,b\n1,2\n3\n", "f.csv");
  ASSERT_FALSE(short_row.ok());
  EXPECT_EQ(short_row.error().message, "f.csv:3: 1 fields, but the header has 2");
  auto open_quote = rh::fleet::import::parse_csv("a\n\"never closed\n", "f.csv");
  ASSERT_FALSE(open_quote.ok());
  EXPECT_EQ(open_quote.error().message.rfind("f.csv:2:", 0), 0u) << open_quote.error().message;
  auto stray = rh::fleet::import::parse_csv("a,b\nx\"y,2\n", "f.csv");
  ASSERT_FALSE(stray.ok());
  EXPECT_EQ(stray.error().message.rfind("f.csv:2:", 0), 0u);
  EXPECT_FALSE(rh::fleet::import::parse_csv("", "f.csv").ok());
}

// ---------------------------------------------------------------- import

TEST_F(DemoImportTest, ImportsTheSampleInChronologicalOrder) {
  auto run = cli("import", {"--dir", kSample.string()});
  ASSERT_EQ(run.code, 0) << run.err;
  const auto summary = json::parse(run.out).as_object();
  EXPECT_FALSE(summary.at("dry_run").as_bool());
  EXPECT_EQ(summary.at("rows").at("vehicles").to_number<int>(), 6);
  EXPECT_EQ(summary.at("rows").at("work_orders").to_number<int>(), 7);
  const auto events = all_events();
  EXPECT_EQ(summary.at("events_written").to_number<std::size_t>(), events.size());
  rh::Timestamp last = 0;
  for (const auto& e : events) {
    EXPECT_GE(e.occurred_at, last) << e.type << " at position " << e.position;
    last = e.occurred_at;
    EXPECT_EQ(e.metadata_parsed().actor, "importer");
    EXPECT_EQ(e.tenant, "acme");
  }
  // Rows out of file order are stored by date: EMU-0003 (2023) after EMU-0002 (2019).
  auto pos = [&](const std::string& stream_id, const std::string& type) {
    for (const auto& e : events)
      if (e.stream.id == stream_id && e.type == type) return e.position;
    return rh::Position{0};
  };
  EXPECT_LT(pos("EMU-0002", "VehicleRegistered"), pos("EMU-0003", "VehicleRegistered"));
  EXPECT_LT(pos("F-1003", "FailureReported"), pos("F-1004", "FailureReported"));

  EXPECT_DOUBLE_EQ(num(state("vehicle", "EMU-0001"), "odometer_km"), 412350.5);
  EXPECT_TRUE(boolean(state("vehicle", "COA-0001"), "retired"));
  EXPECT_EQ(str(state("vehicle", "COA-0001"), "status"), "standby");
  auto wo1 = state("workorder", "WO-2001");
  EXPECT_EQ(str(wo1, "status"), "completed");
  EXPECT_DOUBLE_EQ(num(wo1, "labour_hours"), 4.5);
  EXPECT_EQ(str(wo1, "notes"), "Replaced door motor,\ntested 10 cycles");
  EXPECT_EQ(str(wo1, "completed_at"), "2023-01-10T15:50:00.000000Z");
  EXPECT_DOUBLE_EQ(num(state("workorder", "WO-2002"), "labour_hours"), 26.0) << "split into bookings of at most 24 h";
  EXPECT_EQ(str(state("workorder", "WO-2003"), "status"), "assigned");
  EXPECT_EQ(str(state("workorder", "WO-2004"), "status"), "in_progress");
  EXPECT_EQ(str(state("workorder", "WO-2005"), "status"), "cancelled");
  EXPECT_EQ(str(state("workorder", "WO-2007"), "status"), "created");
  auto f1 = state("failure", "F-1001");
  EXPECT_EQ(str(f1, "status"), "closed");
  EXPECT_EQ(str(f1, "description"), "Door 3 fails to close, \"obstruction\" alarm");
  EXPECT_EQ(f1.at("work_order_ids").as_array().size(), 1u);
  EXPECT_EQ(str(state("failure", "F-1003"), "status"), "open");
  EXPECT_EQ(integer(state("part", "HVAC-FILTER"), "on_hand"), 60);
  EXPECT_EQ(integer(state("part", "OIL-FILTER"), "on_hand"), 0);
  EXPECT_EQ(str(state("part", "BRAKE-VALVE"), "description"), "Brake control valve, type KE");

  // Importing the same records again is refused at the first row, and writes nothing more.
  const auto head = store_->head_position().value();
  auto again = cli("import", {"--dir", kSample.string()});
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
  EXPECT_EQ(store_->head_position().value(), head);
}

TEST_F(DemoImportTest, DryRunValidatesEverythingAndWritesNothing) {
  auto dry = cli("import", {"--vehicles", (kSample / "vehicles.csv").string(), "--failures",
                            (kSample / "failures.csv").string(), "--work-orders", (kSample / "work_orders.csv").string(),
                            "--parts", (kSample / "parts.csv").string(), "--dry-run"});
  ASSERT_EQ(dry.code, 0) << dry.err;
  EXPECT_EQ(store_->head_position().value(), 0u);
  const auto summary = json::parse(dry.out).as_object();
  EXPECT_TRUE(summary.at("dry_run").as_bool());
  const auto would = summary.at("events_to_write").to_number<std::size_t>();
  auto real = cli("import", {"--dir", kSample.string()});
  ASSERT_EQ(real.code, 0) << real.err;
  EXPECT_EQ(store_->head_position().value(), would) << "a dry run reports exactly what a real run writes";
  EXPECT_EQ(json::parse(real.out).at("events_by_type"), summary.at("events_by_type"));
}

// Rows may refer to records already in the store: a second import of work orders links the failures
// imported before (appending to their existing streams at the right version).
TEST_F(DemoImportTest, ImportBuildsOnWhatTheStoreAlreadyHolds) {
  auto first = cli("import", {"--vehicles", (kSample / "vehicles.csv").string(), "--failures",
                              (kSample / "failures.csv").string(), "--parts", (kSample / "parts.csv").string()});
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_EQ(state("failure", "F-1001").at("work_order_ids").as_array().size(), 0u);
  // Rules are checked against the store as it is now: COA-0001 is retired by the first import, so
  // its (earlier) work order would be refused now.
  const auto dir = temp_dir();
  auto refused = cli("import", {"--work-orders", (dir / "work_orders.csv").string()});
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("work_orders.csv:8: vehicle 'COA-0001' is retired"), std::string::npos) << refused.err;
  std::ifstream in(dir / "work_orders.csv");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()), kept;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("WO-2006,", 0) != 0) kept += line + "\n";
  write(dir / "work_orders.csv", kept);
  auto dry = cli("import", {"--work-orders", (dir / "work_orders.csv").string(), "--dry-run"});
  ASSERT_EQ(dry.code, 0) << dry.err;
  auto second = cli("import", {"--work-orders", (dir / "work_orders.csv").string()});
  ASSERT_EQ(second.code, 0) << second.err;
  EXPECT_EQ(json::parse(second.out).at("events_written"), json::parse(dry.out).at("events_to_write"));
  const auto links = state("failure", "F-1001").at("work_order_ids").as_array();
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].as_string(), "WO-2001");
  EXPECT_EQ(str(state("failure", "F-1001"), "status"), "closed");
  EXPECT_EQ(str(state("workorder", "WO-2001"), "status"), "completed");
}

TEST_F(DemoImportTest, ABadRowNamesFileAndLineAndNothingIsWritten) {
  const auto dir = temp_dir();
  // Line 6: a failure against a vehicle nobody registered (a domain rule, found by running commands
  // after every earlier row succeeded).
  append_line(dir / "failures.csv", "F-9,GHOST-1,2023-04-01,doors,minor,false,,,");
  auto r = cli("import", {"--dir", dir.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find((dir / "failures.csv").string() + ":6: vehicle 'GHOST-1' does not exist"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was written"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line";
  EXPECT_EQ(store_->head_position().value(), 0u);

  // A schema violation names the field; a syntax problem the column.
  fs::remove(dir / "work_orders.csv");  // its orders refer to the sample failures replaced below
  write(dir / "failures.csv", "failure_id,vehicle_id,reported_at,system,severity,service_affecting\n"
                              "F-1,EMU-0001,2023-04-01,doors,catastrophic,true\n");
  r = cli("import", {"--dir", dir.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("failures.csv:2: /severity"), std::string::npos) << r.err;
  write(dir / "failures.csv", "failure_id,vehicle_id,reported_at,system,severity,service_affecting\n"
                              "F-1,EMU-0001,yesterday,doors,minor,true\n");
  r = cli("import", {"--dir", dir.string()});
  EXPECT_NE(r.err.find("failures.csv:2: reported_at: 'yesterday' is not a date"), std::string::npos) << r.err;
  write(dir / "failures.csv", "failure_id,vehicle_id,reported_at,system,severity,service_affecting,colour\nF-1,E,2023-01-01,doors,minor,true,red\n");
  r = cli("import", {"--dir", dir.string()});
  EXPECT_NE(r.err.find("failures.csv:1: unknown column 'colour'"), std::string::npos) << r.err;
  EXPECT_EQ(store_->head_position().value(), 0u);

  // Dates within a row must be in order.
  fs::remove(dir / "failures.csv");
  write(dir / "work_orders.csv",
        "work_order_id,vehicle_id,category,priority,status,created_at,due_date,started_at,completed_at\n"
        "WO-1,EMU-0001,corrective,low,completed,2023-05-01,2023-05-10,2023-04-30,2023-05-02\n");
  r = cli("import", {"--dir", dir.string()});
  EXPECT_NE(r.err.find("work_orders.csv:2: started_at: is before created_at"), std::string::npos) << r.err;
  EXPECT_EQ(store_->head_position().value(), 0u);

  EXPECT_EQ(cli("import", {}).code, 2);
  EXPECT_EQ(cli("import", {"--vehicles", (dir / "missing.csv").string()}).code, 1);
}
