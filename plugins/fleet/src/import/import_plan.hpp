#pragma once
// The import plan: CSV rows of vehicles, failures, work orders and parts turned into fleet commands
// (each dated by its own column), sorted into one chronological sequence. Only the CSV shape and
// the values' syntax are checked here (required columns, dates, numbers, date order within a row);
// the domain rules and schemas are checked by running the commands (importer.hpp).
//
// Order: by time; on equal times parts before vehicles before failures before work orders (what
// others refer to comes first), then file order, then the order of the steps within a row.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "roundhouse/core/status.hpp"
#include "roundhouse/core/time.hpp"

namespace roundhouse::fleet::import {

enum class Kind : int { parts = 0, vehicles = 1, failures = 2, work_orders = 3 };
const char* kind_name(Kind k);  // "parts", "vehicles", "failures", "work_orders"

struct ColumnSpec {
  const char* name;
  bool required;
  const char* meaning;
};
// The columns of each file, in the documented order (see import/README-import.md).
const std::vector<ColumnSpec>& columns_of(Kind kind);

struct ImportStep {
  std::string where;           // "file:line" of the row
  Timestamp at = 0;            // occurred_at of the command's events
  Kind kind = Kind::parts;
  std::size_t row = 0;         // index of the row in its file
  int step = 0;                // index of the step within its row
  std::string command;         // fleet command name, e.g. "register-vehicle"
  std::string id;              // target aggregate id
  boost::json::object body;    // command input, including "occurred_at"
};

struct ImportSources {
  std::map<Kind, std::string> files;  // kind -> CSV path
};

struct ImportPlan {
  std::vector<ImportStep> steps;         // chronological
  std::map<std::string, std::size_t> rows;  // kind name -> data rows read
};

// Reads every file and builds the plan; the first problem as "file:line: ..." (nothing is run).
Result<ImportPlan> plan_import(const ImportSources& sources);

}  // namespace roundhouse::fleet::import
