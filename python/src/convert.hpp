#pragma once
// Python argument conventions shared by every binding: streams, timestamps, expected versions,
// string lists. Bad input is a ValidationError (invalid_argument) naming the argument.

#include <optional>
#include <string>
#include <vector>

#include <pybind11/pybind11.h>

#include "roundhouse/core/time.hpp"
#include "roundhouse/events/event_store.hpp"

namespace roundhouse::py {

// ("vehicle", "EMU-1") or "vehicle/EMU-1".
StreamId to_stream(const pybind11::handle& obj);
// int (µs since the epoch, UTC), str (RFC 3339 or a date), datetime/date, numpy.datetime64 or
// pandas.Timestamp (naive values are UTC). None -> nullopt.
std::optional<Timestamp> to_timestamp(const pybind11::handle& obj, const char* what);
// A timezone-aware datetime in UTC.
pybind11::object to_datetime(Timestamp micros);
// "any" | "no_stream" | "stream_exists" | int >= 0 (0 = no stream) | None (= any).
ExpectedVersion to_expected(const pybind11::handle& obj);
// None -> empty; a str -> [str]; an iterable of str.
std::vector<std::string> to_strings(const pybind11::handle& obj, const char* what);
// None -> unlimited; int >= 0.
std::size_t to_count(const pybind11::handle& obj, const char* what);

}  // namespace roundhouse::py
