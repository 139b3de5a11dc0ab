// roundhouse._sync: the sync plugin's device client library for Python (use `roundhouse.sync`).
// A Device is one durable device store file (plugins/sync/src/client/device_store.hpp); sync() runs
// the same push-then-pull with retries as `roundhouse-sync-client sync`, without the GIL.

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <string>

#include "client/sync_client.hpp"
#include "engine/value_json.hpp"
#include "error_translation.hpp"
#include "errors.hpp"
#include "roundhouse/core/time.hpp"

namespace pyb = pybind11;
using namespace pybind11::literals;
using namespace roundhouse;
using namespace roundhouse::sync;

namespace {

Value to_value(const pyb::handle& o) {
  if (o.is_none()) return Value{};
  if (pyb::isinstance<pyb::bool_>(o)) return Value{o.cast<bool>()};
  if (pyb::isinstance<pyb::int_>(o)) {
    try {
      return Value{o.cast<std::int64_t>()};
    } catch (const pyb::cast_error&) {
      py::raise(ErrorCode::invalid_argument, "integer out of range (64-bit signed)");
    }
  }
  if (pyb::isinstance<pyb::float_>(o)) {
    const double d = o.cast<double>();
    if (d != d) py::raise(ErrorCode::invalid_argument, "NaN is not a value");
    return Value{d};
  }
  if (pyb::isinstance<pyb::str>(o)) return Value{o.cast<std::string>()};
  py::raise(ErrorCode::invalid_argument, "a field value must be None, bool, int, float or str, not " +
                                             std::string(pyb::str(pyb::type::of(o).attr("__name__"))));
}

pyb::object to_py(const Value& v) {
  switch (v.index()) {
    case 0: return pyb::none();
    case 1: return pyb::bool_(std::get<bool>(v));
    case 2: return pyb::int_(std::get<std::int64_t>(v));
    case 3: return pyb::float_(std::get<double>(v));
    default: return pyb::str(std::get<std::string>(v));
  }
}

pyb::dict dead_letter(const client::DeadLetter& d) {
  return pyb::dict("op_seq"_a = d.op_seq, "key"_a = d.key, "value"_a = to_py(d.value), "code"_a = d.code,
                   "status"_a = d.status, "reason"_a = d.reason);
}

std::int64_t now_ms() { return now_micros() / 1000; }

// The transport of one call; `timeout` seconds bound connecting and each wait for the server.
client::HttpTransport transport(const std::string& server, const std::string& api_key, double timeout) {
  if (!(timeout > 0 && timeout <= 86400)) py::raise(ErrorCode::invalid_argument, "timeout must be > 0 and <= 86400 seconds");
  const auto ms = std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(timeout * 1000)));
  return py::unwrap(client::HttpTransport::create(server, api_key, ms));
}

// One open device store. Not thread-safe (like the store it wraps): one Device per file and thread.
class Device {
 public:
  explicit Device(std::unique_ptr<client::DeviceStore> s) : store_(std::move(s)) {}

  static std::shared_ptr<Device> open(const std::string& path) {
    return std::make_shared<Device>(py::unwrap(client::DeviceStore::open(path)));
  }
  static std::shared_ptr<Device> register_(const std::string& path, const std::string& server,
                                           const std::string& api_key, const std::string& device_id,
                                           const std::string& name, const std::string& depot, const std::string& role,
                                           double timeout) {
    auto t = transport(server, api_key, timeout);
    std::unique_ptr<client::DeviceStore> store;
    {
      pyb::gil_scoped_release nogil;  // registers, creates the store, pulls the device's scope once
      auto r = client::SyncClient::enrol(t, path, device_id, name, depot, role);
      if (!r) throw py::NativeError(r.error());
      store = std::move(r->store);
    }
    return std::make_shared<Device>(std::move(store));
  }

  client::DeviceStore& store() {
    if (!store_) py::raise(ErrorCode::unavailable, "the device store is closed");
    return *store_;
  }
  std::uint64_t write(const std::string& key, const pyb::object& value) {
    return py::unwrap(store().write(key, to_value(value), now_ms())).counter;
  }
  std::uint64_t add(const std::string& key, const pyb::object& amount) {
    if (pyb::isinstance<pyb::bool_>(amount) || !(pyb::isinstance<pyb::int_>(amount) || pyb::isinstance<pyb::float_>(amount)))
      py::raise(ErrorCode::invalid_argument, "add() takes an int or float amount");
    return py::unwrap(store().add(key, to_value(amount), now_ms())).counter;
  }
  std::uint64_t erase(const std::string& key) { return py::unwrap(store().erase(key)).counter; }

  pyb::dict sync(const std::string& server, const std::string& api_key, int max_attempts, double timeout) {
    if (max_attempts < 1) py::raise(ErrorCode::invalid_argument, "max_attempts must be >= 1");
    auto t = transport(server, api_key, timeout);
    client::RetryPolicy retry;
    retry.max_attempts = max_attempts;
    Result<client::SyncReport> rep = Error{};
    auto& s = store();
    {
      pyb::gil_scoped_release nogil;
      client::SyncClient c(s, t, retry);
      rep = c.sync();
    }
    auto r = py::unwrap(std::move(rep));
    pyb::list refused;
    for (const auto& d : r.refused) refused.append(dead_letter(d));
    return pyb::dict("pushed_ops"_a = r.pushed_ops, "pulled_ops"_a = r.pulled_ops, "acked"_a = r.acked,
                     "cursor"_a = r.cursor, "attempts"_a = r.attempts, "conflicts"_a = r.conflicts,
                     "refused"_a = refused);
  }

  pyb::dict fields() {
    pyb::dict out;
    for (const auto& [key, reg] : store().replica().state().entries()) {
      pyb::list values;
      for (const auto& [_, fv] : reg) values.append(to_py(fv.value));
      out[pyb::str(key)] = values;
    }
    return out;
  }
  pyb::list dead_letters() {
    pyb::list out;
    for (const auto& [_, d] : store().dead_letters()) out.append(dead_letter(d));
    return out;
  }
  std::uint64_t retry(std::uint64_t op_seq) { return py::unwrap(store().retry(op_seq, now_ms())).counter; }
  void discard(std::uint64_t op_seq) { py::check(store().discard(op_seq)); }
  void close() { store_.reset(); }

 private:
  std::unique_ptr<client::DeviceStore> store_;
};

}  // namespace

PYBIND11_MODULE(_sync, m) {
  m.doc() = "Native sync device client of the roundhouse package (use `roundhouse.sync`).";
  pyb::register_local_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const py::NativeError& e) {
      py::set_python_error(e);
    }
  });
  pyb::class_<Device, std::shared_ptr<Device>>(m, "Device",
      "One device store file: write/erase/add return the operation number; sync(server, api_key) pushes the "
      "queue and pulls (dict: pushed_ops, pulled_ops, acked, cursor, attempts, conflicts, refused); fields(); "
      "dead_letters(), retry(op_seq), discard(op_seq); device_id, replica_id, pending, acked, cursor; close(). "
      "`timeout` (seconds, default 30) bounds connecting and each wait for the server in register() and sync().")
      .def_static("open", &Device::open, "path"_a)
      .def_static("register", &Device::register_, "path"_a, pyb::kw_only(), "server"_a, "api_key"_a, "device_id"_a,
                  "name"_a = "", "depot"_a = "", "role"_a = "", "timeout"_a = 30.0)
      .def("write", &Device::write, "key"_a, "value"_a)
      .def("add", &Device::add, "key"_a, "amount"_a)
      .def("erase", &Device::erase, "key"_a)
      .def("sync", &Device::sync, "server"_a, "api_key"_a, pyb::kw_only(), "max_attempts"_a = 6, "timeout"_a = 30.0)
      .def("fields", &Device::fields)
      .def("dead_letters", &Device::dead_letters)
      .def("retry", &Device::retry, "op_seq"_a)
      .def("discard", &Device::discard, "op_seq"_a)
      .def("close", &Device::close)
      .def_property_readonly("device_id", [](Device& d) { return d.store().device_id(); })
      .def_property_readonly("replica_id", [](Device& d) { return d.store().replica().id(); })
      .def_property_readonly("pending", [](Device& d) { return d.store().replica().pending(); })
      .def_property_readonly("acked", [](Device& d) { return d.store().replica().acked(); })
      .def_property_readonly("cursor", [](Device& d) { return d.store().replica().cursor(); })
      .def("__repr__", [](Device& d) {
        return "<roundhouse.sync.Device " + d.store().device_id() + " pending=" +
               std::to_string(d.store().replica().pending()) + ">";
      });
}
