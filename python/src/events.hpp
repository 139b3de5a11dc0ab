#pragma once
// Events as Python sees them: Event (one stored event, payload/metadata decoded on first access),
// EventList (an eager read, e.g. one stream) and EventScan (a lazy read of the whole log, paged with
// the GIL released). Both reads offer columns() and to_pandas().

#include <memory>
#include <vector>

#include <pybind11/pybind11.h>

#include "columns.hpp"
#include "roundhouse/events/event_store.hpp"

namespace roundhouse::py {

class PyEvent {
 public:
  explicit PyEvent(RecordedEvent e) : e_(std::move(e)) {}
  const RecordedEvent& event() const { return e_; }
  pybind11::object payload();
  pybind11::object metadata();

 private:
  RecordedEvent e_;
  pybind11::object payload_, metadata_;  // decoded on first access
};

struct EventList {
  std::vector<RecordedEvent> events;
};

// A read of the whole log, run when iterated or turned into columns.
struct EventScan {
  std::shared_ptr<EventStore> store;
  ReadAllOptions options;
  std::size_t page_size = 4096;
};

ColumnOptions column_options(bool event_id, bool payload, bool metadata, bool hash);
pybind11::object frame_from_columns(pybind11::dict columns, const pybind11::object& index);

void bind_events(pybind11::module_& m);

}  // namespace roundhouse::py
