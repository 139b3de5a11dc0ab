#include <map>
#include <mutex>

#include "roundhouse/storage/state_store.hpp"

namespace roundhouse {

StateStore::~StateStore() = default;

namespace {

class MemoryStateStore final : public StateStore {
 public:
  Result<std::optional<StoredState>> load(std::string_view ns, std::string_view key) override {
    std::lock_guard lock(mu_);
    auto it = docs_.find({std::string(ns), std::string(key)});
    if (it == docs_.end()) return std::optional<StoredState>{};
    return std::optional<StoredState>{it->second};
  }
  Status save(std::string_view ns, std::string_view key, const StoredState& state) override {
    std::lock_guard lock(mu_);
    docs_[{std::string(ns), std::string(key)}] = state;
    return {};
  }
  Status remove(std::string_view ns, std::string_view key) override {
    std::lock_guard lock(mu_);
    docs_.erase({std::string(ns), std::string(key)});
    return {};
  }
  Status clear(std::string_view ns) override {
    std::lock_guard lock(mu_);
    std::erase_if(docs_, [&](const auto& kv) { return kv.first.first == ns; });
    return {};
  }
  Result<std::size_t> count(std::string_view ns) override {
    std::lock_guard lock(mu_);
    std::size_t n = 0;
    for (const auto& kv : docs_) n += kv.first.first == ns;
    return n;
  }

 private:
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, StoredState> docs_;
};

}  // namespace

std::shared_ptr<StateStore> make_memory_state_store() { return std::make_shared<MemoryStateStore>(); }

}  // namespace roundhouse
