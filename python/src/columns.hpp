#pragma once
// Columnar reads: events are gathered into plain C++ vectors without the GIL, then handed to numpy
// without copying (each array owns its vector through a capsule). Low-cardinality text columns
// (stream type, event type, tenant, stream id) come as dictionary codes + categories, which is what
// pandas.Categorical wants; ids, payload and metadata text become str objects only when asked for.

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "roundhouse/events/event.hpp"

namespace roundhouse::py {

// Interns strings as dense int32 codes in first-seen order.
class Dictionary {
 public:
  std::int32_t code(std::string_view s);
  const std::vector<std::string>& names() const { return names_; }
  pybind11::list to_list(std::size_t first = 0) const;

 private:
  std::unordered_map<std::string, std::int32_t> index_;
  std::vector<std::string> names_;
};

// Many strings in one buffer (Arrow-style offsets), turned into a numpy object array of str at the end.
class TextColumn {
 public:
  void add(std::string_view s) {
    data_.append(s);
    ends_.push_back(data_.size());
  }
  std::size_t size() const { return ends_.size(); }
  std::string_view at(std::size_t i) const {
    const std::size_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(data_).substr(begin, ends_[i] - begin);
  }
  pybind11::array to_numpy() const;  // needs the GIL
  void clear() { data_.clear(); ends_.clear(); }

 private:
  std::string data_;
  std::vector<std::size_t> ends_;
};

struct ColumnOptions {
  bool event_id = true;
  bool payload = true;
  bool metadata = true;
  bool hash = false;
};

// The text columns of up to kChunkRows consecutive events. Text becomes Python str objects per
// chunk, so a reader thread can fill the next chunk while Python converts the previous one.
struct TextChunk {
  static constexpr std::size_t kChunkRows = 32768;
  TextColumn event_id, payload, metadata, hash;
  std::size_t size() const { return rows; }
  std::size_t rows = 0;
};

// Accumulates events as columns: numbers and dictionary codes in vectors, text in chunks.
// add() needs no GIL and may run on another thread than the rest (see scan_columns); finish() and
// convert_ready() need the GIL.
class ColumnBuilder {
 public:
  explicit ColumnBuilder(ColumnOptions options = {});
  void add(const RecordedEvent& e);
  std::size_t size() const { return position_.size(); }
  // Moves the chunks that are full into Python arrays; with `all`, the partial last chunk too.
  // Call with the GIL, not concurrently with add() when `all` is set.
  void convert_ready(bool all);
  // Blocks (call without the GIL) until a full chunk is ready (true) or close_input() was called
  // and none is (false).
  bool wait_ready();
  void close_input();  // no more add() calls
  // {"position": int64[], "version": int64[], "occurred_at"/"recorded_at": datetime64[us][],
  //  "stream_type"/"stream_id"/"type"/"tenant": (int32 codes[], [categories]),
  //  "event_id"/"payload"/"metadata"/"hash": object[] of str} — the text ones when asked for.
  pybind11::dict finish();

 private:
  ColumnOptions options_;
  std::vector<std::int64_t> position_, version_, occurred_, recorded_;
  std::vector<std::int32_t> stream_type_, stream_id_, type_, tenant_;
  Dictionary stream_types_, stream_ids_, types_, tenants_;
  std::unique_ptr<TextChunk> current_;
  std::mutex mu_;  // guards full_ between the reader and the converting thread
  std::condition_variable cv_;
  std::vector<std::unique_ptr<TextChunk>> full_;
  bool input_closed_ = false;
  std::vector<pybind11::array> ids_, payloads_, metadatas_, hashes_;  // converted chunks, in order
};

// A std::vector handed to numpy without copying.
template <class T>
pybind11::array_t<T> vector_to_numpy(std::vector<T>&& v) {
  auto* owned = new std::vector<T>(std::move(v));
  pybind11::capsule owner(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return pybind11::array_t<T>(static_cast<pybind11::ssize_t>(owned->size()), owned->data(), owner);
}
// int64 µs since the epoch viewed as numpy datetime64[us].
pybind11::array micros_to_datetime64(std::vector<std::int64_t>&& v);

}  // namespace roundhouse::py
