#pragma once
// NASA C-MAPSS turbofan run-to-failure data as asset streams.
//
// A file (train_FD001.txt, test_FD001.txt) holds one line per engine and cycle: unit, cycle,
// three operating settings, 21 sensors, whitespace separated, engines in blocks with cycles
// 1, 2, ... Each engine becomes the stream asset/<dataset>-<split>-<unit, 3 digits>:
// AssetRegistered, one SensorReadingsRecorded per cycle (channels s1..s21, settings
// setting1..setting3) and, for training engines (run to failure), AssetFailed at the last cycle.
// Test engines stop before failure, so they get no AssetFailed.
// Cycle c occurs at start + c x cycle_length (registration at start).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "assets/cmapss_file.hpp"
#include "roundhouse/events/event_store.hpp"

namespace roundhouse {
class Registry;
}

namespace roundhouse::ml::assets {

struct CmapssOptions {
  std::filesystem::path train, test;  // either may be empty, not both
  std::string dataset;                // default: "FD001" from the file name, else "cmapss"
  Timestamp start = 946'684'800'000'000LL;  // 2000-01-01T00:00:00Z
  Timestamp cycle_length = 3'600'000'000LL; // one hour
  std::string actor = "cli";
  std::string tenant;
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;  // engines written
};

struct CmapssSummary {
  std::string dataset;
  std::uint64_t train_engines = 0, train_cycles = 0, test_engines = 0, test_cycles = 0;
  std::uint64_t events_written = 0;
  boost::json::object to_json() const;
};

std::string cmapss_asset_id(const std::string& dataset, const std::string& split, int unit);

// The 14 sensor channels that vary on FD001 ("s2", "s3", ...); s1, s5, s6, s10, s16, s18 and s19
// are constant or two-valued there. For the sensor-window extractor's `channels` parameter.
boost::json::array cmapss_fd001_varying_channels();

// Reads both files completely first (nothing is written when either is malformed), refuses when
// any of the engines' streams exists already (rule_violation), then appends one batch per engine.
// `registry` (optional) validates the first event of each type against the registered schemas.
Result<CmapssSummary> import_cmapss(EventStore& store, const Registry* registry, const CmapssOptions& options);

}  // namespace roundhouse::ml::assets
