#include "roundhouse/cli/progress.hpp"

#include <cstdio>
#include <ostream>

namespace roundhouse {

ProgressBar::ProgressBar(std::ostream& out, std::string label, std::uint64_t total, bool enabled)
    : out_(out), label_(std::move(label)), total_(total), enabled_(enabled), start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::set(std::uint64_t done) {
  done_ = done;
  draw(false);
}

void ProgressBar::finish() {
  if (finished_) return;
  finished_ = true;
  if (!enabled_) return;
  draw(true);
  out_ << '\n' << std::flush;
}

void ProgressBar::draw(bool force) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const double fraction = total_ ? std::min(1.0, static_cast<double>(done_) / static_cast<double>(total_)) : 0.0;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(fraction * kWidth);
  char line[200];
  std::snprintf(line, sizeof line, "\r%-10s [%.*s%*s] %5.1f%% %llu/%llu %.0f/s", label_.c_str(), filled,
                "##############################", kWidth - filled, "", fraction * 100.0,
                static_cast<unsigned long long>(done_), static_cast<unsigned long long>(total_),
                seconds > 0 ? static_cast<double>(done_) / seconds : 0.0);
  out_ << line << std::flush;
}

}  // namespace roundhouse
