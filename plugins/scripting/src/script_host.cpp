#include "script_host.hpp"

#include <dlfcn.h>

#include <boost/json/parse.hpp>
#include <pybind11/embed.h>

namespace roundhouse::scripting {
namespace py = pybind11;
namespace fs = std::filesystem;

namespace {

// The host opens plugins with RTLD_LOCAL, which would hide libpython's symbols from extension
// modules (numpy, roundhouse._native) imported by scripts; make them global.
void promote_libpython() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<const void*>(&Py_Initialize), &info) != 0 && info.dli_fname)
    dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL);
}

fs::path package_dir(const fs::path& plugin_file) {
  std::error_code ec;
  const fs::path build = ROUNDHOUSE_SCRIPTING_BUILD_PACKAGE;
  if (fs::is_directory(build / "roundhouse", ec)) return build;
  return (plugin_file.parent_path() / ROUNDHOUSE_SCRIPTING_INSTALLED_PACKAGE).lexically_normal();
}

Result<boost::json::value> parse(const std::string& text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec) return Error{ErrorCode::internal, "report produced unreadable JSON: " + ec.message()};
  return v;
}

}  // namespace

Result<std::shared_ptr<ScriptHost>> ScriptHost::start(const fs::path& folder, const fs::path& plugin_file,
                                                      Registry& registry, const std::string& provider) {
  if (Py_IsInitialized()) return std::shared_ptr<ScriptHost>();
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return Error{ErrorCode::invalid_argument, "scripts_dir " + folder.string() + " is not a folder"};
  promote_libpython();
  py::initialize_interpreter(false);  // no signal handlers: SIGINT/SIGTERM stay the host's
  auto host = std::make_shared<ScriptHost>();
  try {
    py::module_::import("sys").attr("path").attr("insert")(0, package_dir(plugin_file).string());
    auto reports = py::module_::import("roundhouse.reports");
    auto loaded = reports.attr("load_folder")(folder.string());
    host->scripts_json_ = py::module_::import("json").attr("dumps")(loaded).cast<std::string>();
    // Before the host starts its projections, so the analytics model picks them up; model types
    // (rh.model_type) join the ml plugin's, which looks them up when a request names one.
    for (const char* module : {"roundhouse.kpis", "roundhouse.models"})
      py::module_::import(module).attr("install")(py::capsule(static_cast<void*>(&registry), "roundhouse.Registry.writable"),
                                                  py::arg("provider") = provider, py::arg("strict") = false);
  } catch (py::error_already_set& e) {
    std::string what = e.what();
    PyEval_SaveThread();
    return Error{ErrorCode::incompatible, "the roundhouse package cannot be imported: " + what};
  }
  PyEval_SaveThread();  // host threads take the GIL per call
  return host;
}

Result<boost::json::value> ScriptHost::listing() const {
  py::gil_scoped_acquire gil;
  try {
    auto scripts = py::module_::import("json").attr("loads")(scripts_json_);
    return parse(py::module_::import("roundhouse.reports").attr("listing")(scripts).cast<std::string>());
  } catch (py::error_already_set& e) {
    return Error{ErrorCode::internal, std::string("listing reports failed: ") + e.what()};
  }
}

namespace {

// The host's store for `principal`'s tenant as a roundhouse.Store (GIL held).
py::object wrap_store(const Services& services, const Principal& principal) {
  auto* store = const_cast<std::shared_ptr<EventStore>*>(&services.store);
  return py::module_::import("roundhouse").attr("Store")(
      py::capsule(static_cast<void*>(store), "roundhouse.EventStore"),
      py::capsule(const_cast<void*>(static_cast<const void*>(services.registry)), "roundhouse.Registry"),
      py::arg("tenant") = principal.tenant, py::arg("actor") = principal.subject);
}

// Turns a Python (kind, text) outcome into the answer: JSON, or an error with the traceback.
Result<boost::json::value> outcome(const std::string& what, const std::string& kind, const std::string& text) {
  if (kind == "not_found") return Error{ErrorCode::not_found, text};
  if (kind == "invalid") return Error{ErrorCode::invalid_argument, text};
  if (kind == "error") return Error{ErrorCode::internal, what + " failed:\n" + text};
  return parse(text);
}

}  // namespace

Result<boost::json::value> ScriptHost::run(const std::string& name, const boost::json::object& params,
                                           const Services& services, const Principal& principal) const {
  py::gil_scoped_acquire gil;
  std::pair<std::string, std::string> result;
  try {
    py::dict args;
    for (const auto& [k, v] : params) args[py::str(std::string(k))] = py::str(v.is_string() ? std::string(v.get_string()) : "");
    result = py::module_::import("roundhouse.reports").attr("run")(name, wrap_store(services, principal), args)
                 .cast<std::pair<std::string, std::string>>();
  } catch (py::error_already_set& e) {
    return Error{ErrorCode::internal, "report '" + name + "' could not run: " + e.what()};
  }
  return outcome("report '" + name + "'", result.first, result.second);
}

Result<boost::json::value> ScriptHost::models() const {
  py::gil_scoped_acquire gil;
  try {
    return parse(py::module_::import("roundhouse.models").attr("listing")().cast<std::string>());
  } catch (py::error_already_set& e) {
    return Error{ErrorCode::internal, std::string("listing models failed: ") + e.what()};
  }
}

Result<boost::json::value> ScriptHost::predict(const std::string& name, const std::string& body, const Services& services,
                                               const Principal& principal) const {
  py::gil_scoped_acquire gil;
  std::pair<std::string, std::string> result;
  try {
    result = py::module_::import("roundhouse.models").attr("run_predict")(name, wrap_store(services, principal), body)
                 .cast<std::pair<std::string, std::string>>();
  } catch (py::error_already_set& e) {
    return Error{ErrorCode::internal, "model '" + name + "' could not run: " + e.what()};
  }
  return outcome("model '" + name + "'", result.first, result.second);
}

}  // namespace roundhouse::scripting
