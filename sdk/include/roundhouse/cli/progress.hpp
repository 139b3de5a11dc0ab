#pragma once
// A terminal progress bar for long CLI jobs (import, demo, migrate). Writes to the given stream
// only when enabled; redraws at most ~10 times a second. Not thread-safe.

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>

#include "roundhouse/export.hpp"

namespace roundhouse {

class ROUNDHOUSE_API ProgressBar {
 public:
  ProgressBar(std::ostream& out, std::string label, std::uint64_t total, bool enabled);
  ~ProgressBar();  // finishes the line
  void set(std::uint64_t done);
  void add(std::uint64_t n) { set(done_ + n); }
  void finish();

 private:
  void draw(bool force);
  std::ostream& out_;
  std::string label_;
  std::uint64_t total_, done_ = 0;
  bool enabled_, finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_{};
};

}  // namespace roundhouse
