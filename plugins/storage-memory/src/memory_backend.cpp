#include "memory_backend.hpp"

#include <algorithm>
#include <map>
#include <shared_mutex>
#include <unordered_map>

namespace roundhouse::plugins {
namespace {

struct StreamRow {
  StreamHead head;
  std::vector<std::size_t> events;  // indexes into the log, by version - 1
};

struct MemoryLog {
  std::shared_mutex mu;       // guards everything below
  std::mutex writer;          // held by the open WriteTransaction
  std::vector<RecordedEvent> log;  // log[i].position == i + 1
  std::map<StreamId, StreamRow> streams;
  std::unordered_map<Uuid, std::size_t, UuidHash> by_id;
};

class MemoryWrite final : public WriteTransaction {
 public:
  explicit MemoryWrite(std::shared_ptr<MemoryLog> log) : log_(std::move(log)), writer_(log_->writer) {}

  Result<ChainTip> tip() override {
    std::shared_lock lock(log_->mu);
    if (log_->log.empty()) return ChainTip{};
    const auto& last = log_->log.back();
    return ChainTip{last.position, last.hash, last.recorded_at};
  }
  Result<StreamHead> stream_head(const StreamId& s) override {
    std::shared_lock lock(log_->mu);
    auto it = log_->streams.find(s);
    return it == log_->streams.end() ? StreamHead{} : it->second.head;
  }
  Result<std::optional<EventLocation>> find_event(const Uuid& id) override {
    std::shared_lock lock(log_->mu);
    auto it = log_->by_id.find(id);
    if (it == log_->by_id.end()) return std::optional<EventLocation>{};
    const auto& e = log_->log[it->second];
    return std::optional<EventLocation>{EventLocation{e.position, e.stream, e.version}};
  }
  Status insert(std::span<const RecordedEvent> events) override {
    staged_.insert(staged_.end(), events.begin(), events.end());
    return {};
  }
  Status commit() override {
    std::unique_lock lock(log_->mu);
    for (auto& e : staged_) {
      if (e.position != log_->log.size() + 1)
        return {ErrorCode::internal, "position " + std::to_string(e.position) + " out of sequence"};
      const std::size_t index = log_->log.size();
      auto& row = log_->streams[e.stream];
      row.head = StreamHead{e.version, e.tenant};
      row.events.push_back(index);
      log_->by_id.emplace(e.id, index);
      log_->log.push_back(std::move(e));
    }
    staged_.clear();
    return {};
  }

 private:
  std::shared_ptr<MemoryLog> log_;
  std::lock_guard<std::mutex> writer_;
  std::vector<RecordedEvent> staged_;
};

class MemoryBackend final : public LogBackend {
 public:
  explicit MemoryBackend(std::string uri) : uri_(std::move(uri)), log_(std::make_shared<MemoryLog>()) {}

  Result<std::unique_ptr<WriteTransaction>> begin_write() override {
    return std::unique_ptr<WriteTransaction>(std::make_unique<MemoryWrite>(log_));
  }
  Result<StreamHead> stream_head(const StreamId& s) override {
    std::shared_lock lock(log_->mu);
    auto it = log_->streams.find(s);
    return it == log_->streams.end() ? StreamHead{} : it->second.head;
  }
  Status read_stream(const StreamId& s, const ReadStreamOptions& o, const EventVisitor& visit) override {
    std::shared_lock lock(log_->mu);
    auto it = log_->streams.find(s);
    if (it == log_->streams.end()) return {};
    const auto& idx = it->second.events;
    std::size_t n = 0;
    if (o.direction == Direction::forward) {
      for (std::size_t v = std::max<Version>(o.from_version, 1); v <= idx.size() && n < o.max_count; ++v, ++n)
        if (!visit(log_->log[idx[v - 1]])) break;
    } else {
      Version v = o.from_version == 0 ? idx.size() : std::min<Version>(o.from_version, idx.size());
      for (; v >= 1 && n < o.max_count; --v, ++n)
        if (!visit(log_->log[idx[v - 1]])) break;
    }
    return {};
  }
  Status read_all(const ReadAllOptions& o, const EventVisitor& visit) override {
    std::shared_lock lock(log_->mu);
    std::size_t n = 0;
    for (std::size_t i = o.from_position == 0 ? 0 : o.from_position - 1; i < log_->log.size() && n < o.max_count; ++i) {
      const auto& e = log_->log[i];
      if (!o.filter.matches(e)) continue;
      ++n;
      if (!visit(e)) break;
    }
    return {};
  }
  Result<Position> head_position() override {
    std::shared_lock lock(log_->mu);
    return static_cast<Position>(log_->log.size());
  }
  bool shared_with_other_processes() const override { return false; }
  std::string uri() const override { return uri_; }

 private:
  std::string uri_;
  std::shared_ptr<MemoryLog> log_;
};

}  // namespace

std::shared_ptr<LogBackend> make_memory_backend(std::string uri) {
  return std::make_shared<MemoryBackend>(std::move(uri));
}

}  // namespace roundhouse::plugins
