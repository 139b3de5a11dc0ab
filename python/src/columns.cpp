#include "columns.hpp"

namespace roundhouse::py {
namespace pyb = pybind11;

std::int32_t Dictionary::code(std::string_view s) {
  if (!names_.empty() && names_.back() == s) return static_cast<std::int32_t>(names_.size() - 1);  // runs are common
  auto it = index_.find(std::string(s));
  if (it != index_.end()) return it->second;
  const auto c = static_cast<std::int32_t>(names_.size());
  names_.emplace_back(s);
  index_.emplace(names_.back(), c);
  return c;
}

pyb::list Dictionary::to_list(std::size_t first) const {
  pyb::list out;
  for (std::size_t i = first; i < names_.size(); ++i) out.append(pyb::str(names_[i]));
  return out;
}

pyb::array TextColumn::to_numpy() const {
  pyb::array out = pyb::module_::import("numpy").attr("empty")(size(), pyb::arg("dtype") = "object");
  auto** cells = static_cast<PyObject**>(out.mutable_data());
  for (std::size_t i = 0; i < size(); ++i) {
    auto s = at(i);
    PyObject* str = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
    if (!str) throw pyb::error_already_set();
    Py_XDECREF(cells[i]);
    cells[i] = str;
  }
  return out;
}

pyb::array micros_to_datetime64(std::vector<std::int64_t>&& v) {
  return vector_to_numpy(std::move(v)).attr("view")("datetime64[us]");
}

ColumnBuilder::ColumnBuilder(ColumnOptions options) : options_(options), current_(std::make_unique<TextChunk>()) {}

void ColumnBuilder::add(const RecordedEvent& e) {
  position_.push_back(static_cast<std::int64_t>(e.position));
  version_.push_back(static_cast<std::int64_t>(e.version));
  occurred_.push_back(e.occurred_at);
  recorded_.push_back(e.recorded_at);
  stream_type_.push_back(stream_types_.code(e.stream.type));
  stream_id_.push_back(stream_ids_.code(e.stream.id));
  type_.push_back(types_.code(e.type));
  tenant_.push_back(tenants_.code(e.tenant));
  auto& c = *current_;
  if (options_.event_id) c.event_id.add(e.id.to_string());
  if (options_.payload) c.payload.add(e.payload);
  if (options_.metadata) c.metadata.add(e.metadata);
  if (options_.hash) c.hash.add(hex(e.hash));
  if (++c.rows == TextChunk::kChunkRows) {
    std::lock_guard lock(mu_);
    full_.push_back(std::exchange(current_, std::make_unique<TextChunk>()));
    cv_.notify_all();
  }
}

bool ColumnBuilder::wait_ready() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !full_.empty() || input_closed_; });
  return !full_.empty();
}

void ColumnBuilder::close_input() {
  std::lock_guard lock(mu_);
  input_closed_ = true;
  cv_.notify_all();
}

void ColumnBuilder::convert_ready(bool all) {
  std::vector<std::unique_ptr<TextChunk>> chunks;
  {
    std::lock_guard lock(mu_);
    chunks.swap(full_);
  }
  if (all && current_->rows > 0) chunks.push_back(std::exchange(current_, std::make_unique<TextChunk>()));
  for (const auto& c : chunks) {
    if (options_.event_id) ids_.push_back(c->event_id.to_numpy());
    if (options_.payload) payloads_.push_back(c->payload.to_numpy());
    if (options_.metadata) metadatas_.push_back(c->metadata.to_numpy());
    if (options_.hash) hashes_.push_back(c->hash.to_numpy());
  }
}

namespace {
pyb::array concatenated(std::vector<pyb::array>& parts) {
  if (parts.size() == 1) return parts.front();
  if (parts.empty()) return pyb::module_::import("numpy").attr("empty")(0, pyb::arg("dtype") = "object");
  pyb::list list;
  for (auto& p : parts) list.append(p);
  parts.clear();
  return pyb::module_::import("numpy").attr("concatenate")(list);
}
}  // namespace

pyb::dict ColumnBuilder::finish() {
  convert_ready(true);
  pyb::dict out;
  out["position"] = vector_to_numpy(std::move(position_));
  auto coded = [&](const char* name, std::vector<std::int32_t>& codes, const Dictionary& dict) {
    out[name] = pyb::make_tuple(vector_to_numpy(std::move(codes)), dict.to_list());
  };
  coded("stream_type", stream_type_, stream_types_);
  coded("stream_id", stream_id_, stream_ids_);
  out["version"] = vector_to_numpy(std::move(version_));
  if (options_.event_id) out["event_id"] = concatenated(ids_);
  coded("type", type_, types_);
  out["occurred_at"] = micros_to_datetime64(std::move(occurred_));
  out["recorded_at"] = micros_to_datetime64(std::move(recorded_));
  coded("tenant", tenant_, tenants_);
  if (options_.payload) out["payload"] = concatenated(payloads_);
  if (options_.metadata) out["metadata"] = concatenated(metadatas_);
  if (options_.hash) out["hash"] = concatenated(hashes_);
  return out;
}

}  // namespace roundhouse::py
