#include "import/scratch_store.hpp"

#include <boost/json/serialize.hpp>

namespace roundhouse::fleet::import {

ScratchStore::ScratchStore(std::shared_ptr<EventStore> base)
    : base_(std::move(base)), state_(make_memory_state_store()) {
  if (base_)
    if (auto head = base_->head_position()) base_head_ = *head;
}

std::string ScratchStore::uri() const { return "scratch+" + (base_ ? base_->uri() : std::string("empty")); }

Result<ScratchStore::StreamInfo*> ScratchStore::touch(const StreamId& stream) {
  auto it = streams_.find(stream);
  if (it != streams_.end()) return &it->second;
  StreamInfo info;
  if (base_) {
    ReadStreamOptions last;
    last.direction = Direction::backward;
    last.max_count = 1;
    auto head = base_->read_stream(stream, last);
    if (head && !head->empty()) {
      info.base_version = head->front().version;
      info.tenant = head->front().tenant;
    } else if (!head && head.error().code != ErrorCode::not_found) {
      return head.error();
    }
  }
  return &streams_.emplace(stream, std::move(info)).first->second;
}

void ScratchStore::append_async(AppendRequest request, std::function<void(Result<AppendResult>)> done) {
  Result<AppendResult> outcome = [&]() -> Result<AppendResult> {
    std::lock_guard lock(mu_);
    if (request.events.empty()) return Error{ErrorCode::invalid_argument, "an append needs at least one event"};
    auto info = touch(request.stream);
    if (!info) return info.error();
    StreamInfo& s = **info;
    const Version current = s.base_version + s.staged.size();
    if (current > 0 && s.tenant != request.tenant)
      return Error{ErrorCode::forbidden, "stream " + to_string(request.stream) + " belongs to another tenant"};
    if (!request.expected.matches(current))
      return Error{ErrorCode::wrong_expected_version, "stream " + to_string(request.stream) + " is at version " +
                                                          std::to_string(current) + "; expected " +
                                                          request.expected.describe()};
    for (const auto& e : request.events)
      if (!e.payload.is_object()) return Error{ErrorCode::invalid_argument, "payload must be a JSON object"};
    s.tenant = request.tenant;
    AppendResult result;
    result.first_version = current + 1;
    const Timestamp now = now_micros();
    for (auto& e : request.events) {
      if (e.id.is_nil()) e.id = Uuid::generate_v7();
      e.metadata.tenant = request.tenant;
      RecordedEvent r;
      r.position = base_head_ + recorded_.size() + 1;
      r.stream = request.stream;
      r.version = s.base_version + s.staged.size() + 1;
      r.id = e.id;
      r.type = e.type;
      r.occurred_at = e.occurred_at ? e.occurred_at : now;
      r.recorded_at = now;
      r.tenant = request.tenant;
      r.payload = boost::json::serialize(e.payload);
      r.metadata = boost::json::serialize(e.metadata.to_json());
      s.staged.push_back(recorded_.size());
      result.positions.push_back(r.position);
      recorded_.push_back(std::move(r));
      proposed_.push_back(Staged{request.stream, e});
    }
    result.last_version = s.base_version + s.staged.size();
    return result;
  }();
  done(std::move(outcome));
}

Result<std::vector<RecordedEvent>> ScratchStore::read_stream(const StreamId& stream, const ReadStreamOptions& options) {
  std::vector<RecordedEvent> all;
  std::string owner;
  {
    std::lock_guard lock(mu_);
    auto it = streams_.find(stream);
    if (it == streams_.end() || it->second.staged.empty()) {
      if (!base_) return Error{ErrorCode::not_found, "stream " + to_string(stream) + " does not exist"};
      return base_->read_stream(stream, options);
    }
    owner = it->second.tenant;
    if (it->second.base_version > 0) {
      auto base = base_->read_stream(stream, ReadStreamOptions{});
      if (!base) return base.error();
      all = std::move(base).value();
    }
    for (auto i : it->second.staged) all.push_back(recorded_[i]);
  }
  if (options.tenant && *options.tenant != owner)
    return Error{ErrorCode::not_found, "stream " + to_string(stream) + " does not exist"};
  std::vector<RecordedEvent> out;
  const auto last = static_cast<Version>(all.size());
  if (options.direction == Direction::forward) {
    for (Version v = std::max<Version>(options.from_version, 1); v <= last && out.size() < options.max_count; ++v)
      out.push_back(std::move(all[v - 1]));
  } else {
    for (Version v = options.from_version == 0 ? last : std::min(options.from_version, last);
         v >= 1 && out.size() < options.max_count; --v)
      out.push_back(std::move(all[v - 1]));
  }
  return out;
}

Status ScratchStore::read_all(const ReadAllOptions& options, const EventVisitor& visit) {
  std::size_t n = 0;
  bool stopped = false;
  if (base_ && options.from_position <= base_head_) {
    ReadAllOptions base_options = options;
    auto st = base_->read_all(base_options, [&](const RecordedEvent& e) {
      if (e.position > base_head_) return false;  // written to the base after the scratch was made
      ++n;
      if (!visit(e)) stopped = true;
      return !stopped && n < options.max_count;
    });
    if (!st) return st;
  }
  if (stopped || n >= options.max_count) return {};
  std::lock_guard lock(mu_);
  for (const auto& e : recorded_) {
    if (e.position < options.from_position || !options.filter.matches(e)) continue;
    if (n++ >= options.max_count || !visit(e)) break;
  }
  return {};
}

Result<Position> ScratchStore::head_position() {
  std::lock_guard lock(mu_);
  return base_head_ + recorded_.size();
}

std::unique_ptr<Subscription> ScratchStore::subscribe(SubscribeOptions, EventHandler) { return nullptr; }

Result<ChainReport> ScratchStore::verify_chain() {
  return Error{ErrorCode::invalid_argument, "a scratch store has no hash chain of its own"};
}

std::vector<ScratchStore::Staged> ScratchStore::staged() const {
  std::lock_guard lock(mu_);
  return proposed_;
}

Version ScratchStore::base_version(const StreamId& stream) const {
  std::lock_guard lock(mu_);
  auto it = streams_.find(stream);
  return it == streams_.end() ? 0 : it->second.base_version;
}

}  // namespace roundhouse::fleet::import
