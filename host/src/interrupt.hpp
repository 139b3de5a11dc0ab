#pragma once
// Ctrl-C (SIGINT) and SIGTERM for long CLI jobs that can stop cleanly between steps (migrate):
// while an InterruptFlag lives, the first such signal only raises the flag; the handler then
// resets itself, so a second signal ends the process the usual way. One at a time per process.

#include <csignal>

namespace roundhouse::host {

class InterruptFlag {
 public:
  InterruptFlag();
  ~InterruptFlag();  // restores the previous handlers
  InterruptFlag(const InterruptFlag&) = delete;
  InterruptFlag& operator=(const InterruptFlag&) = delete;
  bool raised() const;

 private:
  struct sigaction previous_int_{}, previous_term_{};
};

}  // namespace roundhouse::host
