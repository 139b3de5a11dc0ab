#pragma once
// ScriptHost: the embedded Python interpreter of the scripting plugin. Started once by the plugin;
// loads every *.py of the configured folder through roundhouse.reports.load_folder (a script that
// fails to load is recorded with its traceback, the others still load) and runs reports on request.
//
// Thread-safety: run() and listing() may be called from any host thread; each takes the GIL for
// the call. The interpreter lives until the process ends (never finalized: a report may still hold
// Python objects when the host stops).

#include <filesystem>
#include <memory>
#include <string>

#include <boost/json/object.hpp>

#include "roundhouse/core/status.hpp"
#include "roundhouse/http/route.hpp"
#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::scripting {

class ScriptHost {
 public:
  // Starts the interpreter and loads `folder`; KPIs the scripts define (@rh.kpi) are added to
  // `registry.kpis` and model types (@rh.model_type) to `registry.models` under `provider`, so the
  // analytics and ml plugins serve them. Inside a process that
  // already runs Python (the roundhouse package loads every plugin) there is nothing to host:
  // returns nullptr.
  static Result<std::shared_ptr<ScriptHost>> start(const std::filesystem::path& folder,
                                                   const std::filesystem::path& plugin_file, Registry& registry,
                                                   const std::string& provider);

  // {"reports": [{name, summary, script}], "scripts": [{script, ok, error}]}
  Result<boost::json::value> listing() const;
  // Runs report `name` with the host's store for `principal`'s tenant; the report's JSON, or
  // not_found, or internal with the Python traceback in the message.
  Result<boost::json::value> run(const std::string& name, const boost::json::object& params, const Services& services,
                                 const Principal& principal) const;

  // {"models": [{name, class, summary, extractor, feature_params, columns, script}]}
  Result<boost::json::value> models() const;
  // Predictions of the rh.Model registered as `name` for a JSON request body ({"rows": [[...]]} or
  // {"entities", "as_of", "known_at"}); not_found, invalid_argument, or internal with the traceback.
  Result<boost::json::value> predict(const std::string& name, const std::string& body, const Services& services,
                                     const Principal& principal) const;

 private:
  std::string scripts_json_;  // load_folder's result as JSON text
};

}  // namespace roundhouse::scripting
