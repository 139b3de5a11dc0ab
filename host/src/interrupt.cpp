#include "interrupt.hpp"

#include <atomic>

namespace roundhouse::host {
namespace {

std::atomic<bool> g_raised{false};  // lock-free: safe to set from a signal handler

void on_signal(int) { g_raised.store(true); }

}  // namespace

InterruptFlag::InterruptFlag() {
  g_raised.store(false);
  struct sigaction sa {};
  sa.sa_handler = &on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;  // the second signal takes the default action
  sigaction(SIGINT, &sa, &previous_int_);
  sigaction(SIGTERM, &sa, &previous_term_);
}

InterruptFlag::~InterruptFlag() {
  sigaction(SIGINT, &previous_int_, nullptr);
  sigaction(SIGTERM, &previous_term_, nullptr);
}

bool InterruptFlag::raised() const { return g_raised.load(); }

}  // namespace roundhouse::host
