#include "events.hpp"

#include <deque>
#include <thread>

#include "convert.hpp"
#include "errors.hpp"
#include "json_bridge.hpp"

namespace roundhouse::py {
namespace pyb = pybind11;
using namespace pybind11::literals;

pyb::object PyEvent::payload() {
  if (!payload_) payload_ = json_text_to_py(e_.payload);
  return payload_;
}
pyb::object PyEvent::metadata() {
  if (!metadata_) metadata_ = json_text_to_py(e_.metadata);
  return metadata_;
}

ColumnOptions column_options(bool event_id, bool payload, bool metadata, bool hash) {
  return ColumnOptions{event_id, payload, metadata, hash};
}

pyb::object frame_from_columns(pyb::dict columns, const pyb::object& index) {
  return pyb::module_::import("roundhouse._frames").attr("to_pandas")(columns, "index"_a = index);
}

namespace {

// Pages through read_all, one page at a time, without the GIL while the store reads.
class ScanIterator {
 public:
  explicit ScanIterator(EventScan scan) : scan_(std::move(scan)), next_(scan_.options.from_position),
                                          remaining_(scan_.options.max_count) {}
  PyEvent next() {
    if (buffer_.empty()) fill();
    if (buffer_.empty()) throw pyb::stop_iteration();
    PyEvent e(std::move(buffer_.front()));
    buffer_.pop_front();
    return e;
  }

 private:
  void fill() {
    if (done_ || remaining_ == 0) return;
    ReadAllOptions page = scan_.options;
    page.from_position = next_;
    page.max_count = std::min(remaining_, scan_.page_size);
    Status st;
    {
      pyb::gil_scoped_release nogil;
      st = scan_.store->read_all(page, [&](const RecordedEvent& e) {
        buffer_.push_back(e);
        return true;
      });
    }
    check(st);
    if (buffer_.size() < page.max_count) done_ = true;
    if (!buffer_.empty()) next_ = buffer_.back().position + 1;
    remaining_ -= buffer_.size();
    // A filtered page may be short only because the filter skipped events; the store scanned to the
    // end in that case too (read_all stops at max_count matches or at the head), so done_ holds.
  }

  EventScan scan_;
  Position next_;
  std::size_t remaining_;
  std::deque<RecordedEvent> buffer_;
  bool done_ = false;
};

// The whole scan, `visit` called per event without the GIL.
template <class F>
void scan_all(const EventScan& scan, F&& visit) {
  Status st;
  {
    pyb::gil_scoped_release nogil;
    st = scan.store->read_all(scan.options, [&](const RecordedEvent& e) {
      visit(e);
      return true;
    });
  }
  check(st);
}

// The store is scanned on a thread of its own while this one (holding the GIL between chunks)
// turns finished text chunks into str objects, so the two overlap.
pyb::dict scan_columns(const EventScan& scan, const ColumnOptions& options) {
  ColumnBuilder builder(options);
  Status st;
  std::thread reader([&] {
    st = scan.store->read_all(scan.options, [&](const RecordedEvent& e) {
      builder.add(e);
      return true;
    });
    builder.close_input();
  });
  try {
    while (true) {
      bool ready;
      {
        pyb::gil_scoped_release nogil;
        ready = builder.wait_ready();
      }
      if (!ready) break;
      builder.convert_ready(false);
    }
  } catch (...) {
    pyb::gil_scoped_release nogil;
    reader.join();
    throw;
  }
  {
    pyb::gil_scoped_release nogil;
    reader.join();
  }
  check(st);
  return builder.finish();
}

pyb::dict list_columns(const EventList& list, const ColumnOptions& options) {
  ColumnBuilder builder(options);
  for (const auto& e : list.events) builder.add(e);
  return builder.finish();
}

constexpr const char* kColumnsDoc =
    "The events as numpy columns: position, version (int64), occurred_at, recorded_at\n"
    "(datetime64[us], UTC), stream_type, stream_id, type, tenant as (int32 codes, categories),\n"
    "and event_id, payload, metadata (JSON text), hash (hex) as object arrays of str when asked for.";
constexpr const char* kToPandasDoc =
    "The events as a pandas.DataFrame indexed by position: categorical stream_type, stream_id,\n"
    "type and tenant; occurred_at/recorded_at as UTC datetimes; payload and metadata as JSON text\n"
    "(decode a column with .map(json.loads) or pandas.json_normalize when you need the fields).\n"
    "Pass payload=False / metadata=False / event_id=False to leave columns out (faster).";

// columns() and to_pandas() for a read type, given how it builds its columns.
template <class Read>
void def_columnar(pyb::class_<Read>& cls, pyb::dict (*columns_of)(const Read&, const ColumnOptions&)) {
  cls.def("columns", [columns_of](const Read& r, bool event_id, bool payload, bool metadata, bool hash) {
       return columns_of(r, column_options(event_id, payload, metadata, hash));
     }, kColumnsDoc, pyb::kw_only(), "event_id"_a = true, "payload"_a = true, "metadata"_a = true, "hash"_a = false)
     .def("to_pandas", [columns_of](const Read& r, bool event_id, bool payload, bool metadata, bool hash, pyb::object index) {
       return frame_from_columns(columns_of(r, column_options(event_id, payload, metadata, hash)), index);
     }, kToPandasDoc, pyb::kw_only(), "event_id"_a = true, "payload"_a = true, "metadata"_a = true, "hash"_a = false,
        "index"_a = "position");
}

}  // namespace

void bind_events(pyb::module_& m) {
  pyb::class_<PyEvent>(m, "Event", "One stored event. Payload and metadata are decoded into dicts on first access.")
      .def_property_readonly("position", [](const PyEvent& e) { return e.event().position; }, "Global log position (from 1).")
      .def_property_readonly("stream", [](const PyEvent& e) { return pyb::make_tuple(e.event().stream.type, e.event().stream.id); },
                             "(aggregate type, aggregate id).")
      .def_property_readonly("stream_type", [](const PyEvent& e) { return e.event().stream.type; })
      .def_property_readonly("stream_id", [](const PyEvent& e) { return e.event().stream.id; })
      .def_property_readonly("version", [](const PyEvent& e) { return e.event().version; }, "Version within the stream (from 1).")
      .def_property_readonly("id", [](const PyEvent& e) { return e.event().id.to_string(); }, "Event id (UUID text).")
      .def_property_readonly("type", [](const PyEvent& e) { return e.event().type; })
      .def_property_readonly("occurred_at", [](const PyEvent& e) { return to_datetime(e.event().occurred_at); },
                             "Business time (UTC datetime).")
      .def_property_readonly("recorded_at", [](const PyEvent& e) { return to_datetime(e.event().recorded_at); },
                             "Transaction time set by the store (UTC datetime).")
      .def_property_readonly("occurred_at_us", [](const PyEvent& e) { return e.event().occurred_at; })
      .def_property_readonly("recorded_at_us", [](const PyEvent& e) { return e.event().recorded_at; })
      .def_property_readonly("tenant", [](const PyEvent& e) { return e.event().tenant; })
      .def_property_readonly("payload", &PyEvent::payload, "The payload as a dict.")
      .def_property_readonly("metadata", &PyEvent::metadata, "The metadata as a dict (actor, tenant, correlation_id, ...).")
      .def_property_readonly("payload_json", [](const PyEvent& e) { return e.event().payload; }, "The payload as stored (JSON text).")
      .def_property_readonly("hash", [](const PyEvent& e) { return hex(e.event().hash); }, "Chain hash (hex).")
      .def("to_dict", [](PyEvent& e) {
             pyb::dict d;
             const auto& r = e.event();
             d["position"] = r.position;
             d["stream_type"] = r.stream.type;
             d["stream_id"] = r.stream.id;
             d["version"] = r.version;
             d["id"] = r.id.to_string();
             d["type"] = r.type;
             d["occurred_at"] = to_datetime(r.occurred_at);
             d["recorded_at"] = to_datetime(r.recorded_at);
             d["tenant"] = r.tenant;
             d["payload"] = e.payload();
             d["metadata"] = e.metadata();
             return d;
           }, "All fields as a plain dict.")
      .def("__repr__", [](const PyEvent& e) {
        const auto& r = e.event();
        return "<Event " + std::to_string(r.position) + " " + r.stream.type + "/" + r.stream.id + " v" +
               std::to_string(r.version) + " " + r.type + ">";
      });

  auto list = pyb::class_<EventList>(m, "EventList", "The events of an eager read (read_stream): a sequence of Event.")
      .def("__len__", [](const EventList& l) { return l.events.size(); })
      .def("__getitem__", [](const EventList& l, long long i) {
        const auto n = static_cast<long long>(l.events.size());
        if (i < 0) i += n;
        if (i < 0 || i >= n) throw pyb::index_error("event index out of range");
        return PyEvent(l.events[static_cast<std::size_t>(i)]);
      })
      .def("__iter__", [](const EventList& l) {
        pyb::list out;
        for (const auto& e : l.events) out.append(pyb::cast(PyEvent(e)));
        return pyb::iter(out);
      })
      .def("to_list", [](const EventList& l) {
        pyb::list out;
        for (const auto& e : l.events) out.append(pyb::cast(PyEvent(e)));
        return out;
      }, "The events as a list of Event.")
      .def("__repr__", [](const EventList& l) { return "<EventList of " + std::to_string(l.events.size()) + " events>"; });

  pyb::class_<ScanIterator>(m, "_ScanIterator")
      .def("__iter__", [](pyb::object self) { return self; })
      .def("__next__", &ScanIterator::next);

  auto scan = pyb::class_<EventScan>(m, "EventScan",
                         "A read of the log in position order (read_all). Nothing is read until you iterate it,\n"
                         "call to_list(), columns() or to_pandas(); each of those reads again from the store.")
      .def("__iter__", [](const EventScan& s) { return ScanIterator(s); })
      .def("to_list", [](const EventScan& s) {
        std::vector<RecordedEvent> events;
        scan_all(s, [&](const RecordedEvent& e) { events.push_back(e); });
        pyb::list out;
        for (auto& e : events) out.append(pyb::cast(PyEvent(std::move(e))));
        return out;
      }, "All matching events as a list of Event.")
      .def("count", [](const EventScan& s) {
        std::size_t n = 0;
        scan_all(s, [&](const RecordedEvent&) { ++n; });
        return n;
      }, "How many events match (reads them).")
      .def("__repr__", [](const EventScan& s) {
        return "<EventScan from position " + std::to_string(s.options.from_position) + ">";
      });
  def_columnar(list, &list_columns);
  def_columnar(scan, &scan_columns);
}

}  // namespace roundhouse::py
