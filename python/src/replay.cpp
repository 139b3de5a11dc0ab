#include "replay.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <boost/json/parser.hpp>

#include "columns.hpp"
#include "convert.hpp"
#include "errors.hpp"
#include "events.hpp"
#include "json_bridge.hpp"
#include "roundhouse/projections/projection.hpp"
#include "store.hpp"

namespace roundhouse::py {
namespace pyb = pybind11;
using namespace pybind11::literals;

namespace {

// Dictionaries shared by every batch of one replay, so codes mean the same thing in every batch.
struct SharedDicts {
  std::mutex mu;
  Dictionary types, streams;
};

// One batch of events as columns (batched mode) or as events (per-event mode).
struct Batch {
  std::vector<std::int64_t> position, version, occurred, recorded;
  std::vector<std::int32_t> type_code, stream_code;
  TextColumn payload;
  std::vector<RecordedEvent> events;
  std::shared_ptr<SharedDicts> dicts;
  std::size_t size() const { return position.empty() ? events.size() : position.size(); }
  // Python-side caches (built on first access).
  pyb::object payload_array;
};

template <class T>
pyb::array_t<T> view(const std::vector<T>& v, const pyb::handle& owner) {
  return pyb::array_t<T>(static_cast<pyb::ssize_t>(v.size()), v.data(), owner);
}

// Top-level numeric field of every payload, NaN where absent or not a number.
pyb::array_t<double> payload_field(const Batch& b, const std::string& field) {
  std::vector<double> out(b.payload.size(), std::numeric_limits<double>::quiet_NaN());
  {
    pyb::gil_scoped_release nogil;
    boost::json::parser parser;
    for (std::size_t i = 0; i < out.size(); ++i) {
      parser.reset();
      boost::system::error_code ec;
      auto text = b.payload.at(i);
      parser.write(text.data(), text.size(), ec);
      if (ec) continue;
      auto v = parser.release();
      const auto* o = v.if_object();
      const auto* f = o ? o->if_contains(field) : nullptr;
      if (!f) continue;
      if (f->is_double()) out[i] = f->get_double();
      else if (f->is_int64()) out[i] = static_cast<double>(f->get_int64());
      else if (f->is_uint64()) out[i] = static_cast<double>(f->get_uint64());
      else if (f->is_bool()) out[i] = f->get_bool() ? 1.0 : 0.0;
    }
  }
  return vector_to_numpy(std::move(out));
}

struct ReplayOptions {
  ReadAllOptions read;
  Position to_position = 0;  // 0: up to the head at the start
  std::size_t batch_size = 65536;
  bool columns = true;
};

// Reads on its own thread into a queue of at most two batches.
class Producer {
 public:
  Producer(std::shared_ptr<EventStore> store, ReplayOptions options, std::shared_ptr<SharedDicts> dicts)
      : store_(std::move(store)), options_(std::move(options)), dicts_(std::move(dicts)) {
    thread_ = std::thread([this] { run(); });
  }
  ~Producer() { stop(); }

  // The next batch, or nullptr at the end. Call without the GIL.
  std::unique_ptr<Batch> next() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !queue_.empty() || done_; });
    if (queue_.empty()) return nullptr;
    auto b = std::move(queue_.front());
    queue_.pop_front();
    cv_.notify_all();
    return b;
  }
  void stop() {
    {
      std::lock_guard lock(mu_);
      cancelled_ = true;
      cv_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
  }
  const Status& status() const { return status_; }

 private:
  void run() {
    auto batch = fresh();
    const Position last = options_.to_position;
    Status st = store_->read_all(options_.read, [&](const RecordedEvent& e) {
      if (last && e.position > last) return false;
      if (options_.columns) {
        batch->position.push_back(static_cast<std::int64_t>(e.position));
        batch->version.push_back(static_cast<std::int64_t>(e.version));
        batch->occurred.push_back(e.occurred_at);
        batch->recorded.push_back(e.recorded_at);
        {
          std::lock_guard lock(dicts_->mu);
          batch->type_code.push_back(dicts_->types.code(e.type));
          std::string key;
          key.reserve(e.stream.type.size() + e.stream.id.size() + 1);
          key.append(e.stream.type).append("/").append(e.stream.id);
          batch->stream_code.push_back(dicts_->streams.code(key));
        }
        batch->payload.add(e.payload);
      } else {
        batch->events.push_back(e);
      }
      if (batch->size() >= options_.batch_size) {
        if (!push(std::move(batch))) return false;
        batch = fresh();
      }
      return true;
    });
    if (batch && batch->size() > 0) push(std::move(batch));  // null when a push was cancelled
    std::lock_guard lock(mu_);
    status_ = st;
    done_ = true;
    cv_.notify_all();
  }
  std::unique_ptr<Batch> fresh() {
    auto b = std::make_unique<Batch>();
    b->dicts = dicts_;
    const auto n = options_.batch_size < (1u << 20) ? options_.batch_size : (1u << 20);
    if (options_.columns) {
      b->position.reserve(n), b->version.reserve(n), b->occurred.reserve(n), b->recorded.reserve(n);
      b->type_code.reserve(n), b->stream_code.reserve(n);
    }
    return b;
  }
  bool push(std::unique_ptr<Batch> b) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return queue_.size() < 2 || cancelled_; });
    if (cancelled_) return false;
    queue_.push_back(std::move(b));
    cv_.notify_all();
    return true;
  }

  std::shared_ptr<EventStore> store_;
  ReplayOptions options_;
  std::shared_ptr<SharedDicts> dicts_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Batch>> queue_;
  bool done_ = false, cancelled_ = false;
  Status status_;
  std::thread thread_;
};

pyb::dict replay_python(PyStore& s, const pyb::object& projection, ReplayOptions options) {
  const bool batched = pyb::hasattr(projection, "handle_batch");
  if (!batched && !pyb::hasattr(projection, "handle"))
    raise(ErrorCode::invalid_argument, "a projection needs a handle(event) or handle_batch(batch) method");
  options.columns = batched;
  pyb::object handler = projection.attr(batched ? "handle_batch" : "handle");
  const auto started = std::chrono::steady_clock::now();
  auto store = s.store();
  if (!options.to_position) {
    pyb::gil_scoped_release nogil;
    options.to_position = unwrap(store->head_position());
  }
  auto dicts = std::make_shared<SharedDicts>();
  std::size_t events = 0, batches = 0;
  Position last = 0;
  Producer producer(store, options, dicts);
  while (true) {
    std::unique_ptr<Batch> b;
    {
      pyb::gil_scoped_release nogil;
      b = producer.next();
    }
    if (!b) break;
    const std::size_t n = b->size();
    try {
      if (batched) {
        last = static_cast<Position>(b->position.back());
        handler(pyb::cast(std::move(b)));
      } else {
        for (auto& e : b->events) {
          last = e.position;
          handler(PyEvent(std::move(e)));
        }
      }
    } catch (...) {
      pyb::gil_scoped_release nogil;
      producer.stop();
      throw;
    }
    events += n;
    ++batches;
  }
  {
    pyb::gil_scoped_release nogil;
    producer.stop();
  }
  check(producer.status());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return pyb::dict("events"_a = events, "batches"_a = batches, "last_position"_a = last, "seconds"_a = seconds);
}

// A built-in projection folded from the log on this side (no engine, no checkpoints).
struct BuiltinReplay {
  std::string name;
  std::unique_ptr<Projection> projection;
  std::size_t events = 0;
  Position last_position = 0;
};

std::shared_ptr<BuiltinReplay> replay_builtin(PyStore& s, const std::string& name, ReplayOptions options,
                                              const std::optional<std::string>& tenant) {
  auto entry = s.registry().projections.find(name);
  if (!entry) {
    std::string known;
    for (const auto& e : s.registry().projections.list()) known += (known.empty() ? "" : ", ") + e.name;
    raise(ErrorCode::not_found, "no projection '" + name + "' (registered: " + (known.empty() ? "none" : known) + ")");
  }
  auto out = std::make_shared<BuiltinReplay>();
  out->name = name;
  out->projection = entry->value();
  EventFilter f = out->projection->filter();
  if (!options.read.filter.aggregate_types.empty()) f.aggregate_types = options.read.filter.aggregate_types;
  if (!options.read.filter.event_types.empty()) f.event_types = options.read.filter.event_types;
  f.tenant = tenant;
  options.read.filter = f;
  auto store = s.store();
  Status failure, st;
  {
    pyb::gil_scoped_release nogil;
    st = store->read_all(options.read, [&](const RecordedEvent& e) {
      if (options.to_position && e.position > options.to_position) return false;
      if (auto a = out->projection->apply(e); !a) {
        failure = Status{a.code(), "projection " + name + " refused the event at position " + std::to_string(e.position) +
                                       ": " + a.message()};
        return false;
      }
      ++out->events;
      out->last_position = e.position;
      return true;
    });
  }
  check(st);
  check(failure);
  return out;
}

ReplayOptions replay_options(const pyb::object& from_position, const pyb::object& to_position, const pyb::object& aggregate_types,
                             const pyb::object& event_types, const pyb::object& tenant, std::size_t batch_size) {
  ReplayOptions o;
  o.read.from_position = std::max<std::size_t>(from_position.is_none() ? 1 : to_count(from_position, "from_position"), 1);
  o.to_position = to_position.is_none() ? 0 : to_count(to_position, "to_position");
  o.read.filter.aggregate_types = to_strings(aggregate_types, "aggregate_types");
  o.read.filter.event_types = to_strings(event_types, "event_types");
  if (!tenant.is_none()) o.read.filter.tenant = tenant.cast<std::string>();
  if (batch_size == 0) raise(ErrorCode::invalid_argument, "batch_size must be >= 1");
  o.batch_size = batch_size;
  return o;
}

pyb::object attr_or(const pyb::object& obj, const char* name, const pyb::object& fallback) {
  if (!fallback.is_none() || !pyb::hasattr(obj, name)) return fallback;
  return obj.attr(name);
}

}  // namespace

void bind_replay(pyb::module_& m, pyb::class_<PyStore, std::shared_ptr<PyStore>>& store) {
  pyb::class_<Batch>(m, "Batch",
      "A batch of events as numpy columns (no copies): position, version (int64), occurred_at,\n"
      "recorded_at (datetime64[us], UTC), type_code / stream_code (int32 codes into `types` / `streams`,\n"
      "the same codes in every batch of one replay); payload (object array of JSON str) and\n"
      "payload_field(name) (float64, NaN where missing) are built on access. batch['position'] works too.")
      .def("__len__", &Batch::size)
      .def_property_readonly("position", [](pyb::object self) { return view(self.cast<Batch&>().position, self); })
      .def_property_readonly("version", [](pyb::object self) { return view(self.cast<Batch&>().version, self); })
      .def_property_readonly("occurred_at", [](pyb::object self) { return view(self.cast<Batch&>().occurred, self).attr("view")("datetime64[us]"); })
      .def_property_readonly("recorded_at", [](pyb::object self) { return view(self.cast<Batch&>().recorded, self).attr("view")("datetime64[us]"); })
      .def_property_readonly("type_code", [](pyb::object self) { return view(self.cast<Batch&>().type_code, self); })
      .def_property_readonly("stream_code", [](pyb::object self) { return view(self.cast<Batch&>().stream_code, self); })
      .def_property_readonly("types", [](const Batch& b) { std::lock_guard l(b.dicts->mu); return b.dicts->types.to_list(); },
                             "Event type names; type_code indexes this list.")
      .def_property_readonly("streams", [](const Batch& b) { std::lock_guard l(b.dicts->mu); return b.dicts->streams.to_list(); },
                             "\"type/id\" of every stream seen so far; stream_code indexes this list.")
      .def("type_code_of", [](const Batch& b, const std::string& type) -> int {
        std::lock_guard l(b.dicts->mu);
        const auto& names = b.dicts->types.names();
        for (std::size_t i = 0; i < names.size(); ++i)
          if (names[i] == type) return static_cast<int>(i);
        return -1;
      }, "The code of an event type, or -1 when no event of that type was seen yet.", "type"_a)
      .def_property_readonly("payload", [](Batch& b) {
        if (!b.payload_array) b.payload_array = b.payload.to_numpy();
        return b.payload_array;
      }, "Payload JSON text per event (object array of str).")
      .def("payload_field", &payload_field, "A top-level numeric payload field as float64 (NaN where absent).", "name"_a)
      .def("__getitem__", [](pyb::object self, const std::string& key) {
        static const char* const kColumns[] = {"position", "version", "occurred_at", "recorded_at", "type_code", "stream_code", "payload"};
        for (const char* c : kColumns)
          if (key == c) return self.attr(c);
        throw pyb::key_error(key);
      })
      .def("__repr__", [](const Batch& b) { return "<Batch of " + std::to_string(b.size()) + " events>"; });

  pyb::class_<BuiltinReplay, std::shared_ptr<BuiltinReplay>>(m, "ProjectionReplay",
      "A built-in projection folded from the log (a fresh instance; no engine, no checkpoints).")
      .def_readonly("name", &BuiltinReplay::name)
      .def_readonly("events", &BuiltinReplay::events, "Events applied.")
      .def_readonly("last_position", &BuiltinReplay::last_position)
      .def("query", [](const BuiltinReplay& r, const pyb::kwargs& params) {
        boost::json::object p;
        for (auto item : params) p[pyb::str(item.first).cast<std::string>()] = pyb::str(item.second).cast<std::string>();
        return json_to_py(unwrap(r.projection->query(p)));
      }, "Asks the read model, like GET /api/v1/projections/{name}/state?params (values are sent as text).")
      .def("state", [](const BuiltinReplay& r) { return json_to_py(r.projection->save_state()); },
           "The whole read model as saved with a checkpoint.")
      .def("__repr__", [](const BuiltinReplay& r) {
        return "<ProjectionReplay " + r.name + ": " + std::to_string(r.events) + " events>";
      });

  store.def("replay", [](PyStore& s, const pyb::object& projection, const pyb::object& from_position,
                         const pyb::object& to_position, const pyb::object& aggregate_types, const pyb::object& event_types,
                         const pyb::object& tenant, std::size_t batch_size) -> pyb::object {
         if (pyb::isinstance<pyb::str>(projection)) {
           auto o = replay_options(from_position, to_position, aggregate_types, event_types, pyb::none(), batch_size);
           std::optional<std::string> t = tenant.is_none() ? std::optional<std::string>(s.tenant()) : tenant.cast<std::string>();
           return pyb::cast(replay_builtin(s, projection.cast<std::string>(), std::move(o), t));
         }
         auto o = replay_options(from_position, to_position, attr_or(projection, "aggregate_types", aggregate_types),
                                 attr_or(projection, "event_types", event_types), tenant, batch_size);
         return replay_python(s, projection, std::move(o));
       },
       "Replays the log (position order, from_position..to_position, default up to the head at the start).\n\n"
       "projection: an object with handle_batch(batch) (a Batch of numpy columns, batch_size events at a\n"
       "time) or handle(event); class attributes aggregate_types / event_types narrow what it receives.\n"
       "Returns {'events', 'batches', 'last_position', 'seconds'}. An exception from the handler stops\n"
       "the replay and propagates.\n"
       "projection may also be the name of a built-in projection (see projection_names()): returns a\n"
       "ProjectionReplay to query(), folded over the events of `tenant` (default: the store's tenant).",
       "projection"_a, pyb::kw_only(), "from_position"_a = 1, "to_position"_a = pyb::none(), "aggregate_types"_a = pyb::none(),
       "event_types"_a = pyb::none(), "tenant"_a = pyb::none(), "batch_size"_a = 65536);
}

}  // namespace roundhouse::py
