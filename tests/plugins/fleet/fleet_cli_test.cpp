// `roundhouse fleet`: the same commands as the HTTP routes, from the command line.
#include <boost/json/parse.hpp>

#include "fleet_fixture.hpp"

namespace {

json::object parsed(const std::string& text) { return json::parse(text).as_object(); }

const std::string kVehicle =
    R"({"number":"EMU-7","vehicle_type":"emu_car","depot":"North","commissioned_on":"2019-04-01"})";

}  // namespace

class FleetCliTest : public FleetTest {};

TEST_F(FleetCliTest, RunsACommandAndShowsTheAggregateAsTheActor) {
  auto reg = cli("fleet", {"register-vehicle", "--data", kVehicle}, "j.smith");
  ASSERT_EQ(reg.code, 0) << reg.err;
  EXPECT_EQ(parsed(reg.out).at("id"), "EMU-7");

  auto status = cli("fleet", {"change-vehicle-status", "EMU-7", "--data", R"({"status":"standby"})"});
  ASSERT_EQ(status.code, 0) << status.err;

  auto show = cli("fleet", {"show", "vehicle", "EMU-7"});
  ASSERT_EQ(show.code, 0) << show.err;
  const auto doc = parsed(show.out);
  EXPECT_EQ(doc.at("version"), 2);
  EXPECT_EQ(doc.at("state").at("status"), "standby");

  auto events = store_->read_stream(rh::StreamId{"vehicle", "EMU-7"}, {}).value();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].metadata_parsed().actor, "j.smith");
  EXPECT_EQ(events[0].tenant, "acme");
}

TEST_F(FleetCliTest, BackDatesWithOccurredAt) {
  ASSERT_EQ(cli("fleet", {"register-vehicle", "--data", kVehicle, "--occurred-at", "2024-01-02T03:04:05Z"}).code, 0);
  auto events = store_->read_stream(rh::StreamId{"vehicle", "EMU-7"}, {}).value();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(rh::format_timestamp(events[0].occurred_at), "2024-01-02T03:04:05.000000Z");
  EXPECT_GT(events[0].recorded_at, events[0].occurred_at);
}

TEST_F(FleetCliTest, RefusedCommandsPrintOneLineAndWriteNothing) {
  ASSERT_EQ(cli("fleet", {"register-vehicle", "--data", kVehicle}).code, 0);
  const auto head = store_->head_position().value();

  struct Case {
    std::vector<std::string> args;
    int code;
    std::string says;
  };
  const Case cases[] = {
      {{"register-vehicle", "--data", kVehicle}, 1, "already"},                                  // rule
      {{"change-vehicle-status", "EMU-7", "--data", R"({"status":"banana"})"}, 1, "/status"},   // schema
      {{"change-vehicle-status", "EMU-7", "--data", "{oops"}, 2, "JSON object"},                // syntax
      {{"change-vehicle-status", "EMU-7", "--expected-version", "x"}, 2, "--expected-version"},  // usage
      {{"change-vehicle-status", "EMU-7", "--data", R"({"status":"standby"})", "--expected-version", "0"}, 1, ""},
      {{"launch-rocket"}, 2, "unknown command"},
      {{"show", "vehicle", "NOPE"}, 1, "does not exist"},
      {{"show", "spaceship", "EMU-7"}, 2, "show needs"},
      {{}, 2, "name a command"},
  };
  for (const auto& c : cases) {
    auto run = cli("fleet", c.args);
    SCOPED_TRACE(c.args.empty() ? "(none)" : c.args.front());
    EXPECT_EQ(run.code, c.code) << run.err;
    EXPECT_NE(run.err.find(c.says), std::string::npos) << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  }
  EXPECT_EQ(store_->head_position().value(), head);
}

TEST_F(FleetCliTest, ListsEveryCommand) {
  auto run = cli("fleet", {"commands"});
  ASSERT_EQ(run.code, 0);
  const auto rows = json::parse(run.out).as_array();
  EXPECT_EQ(rows.size(), rh::fleet::command_table().size());
}
