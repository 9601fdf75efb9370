#include "interrupt.h"

#include <signal.h>

#include <csignal>

namespace lsmdb::cli {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

void OnInterrupt(int /*signo*/) { g_interrupted = 1; }

}  // namespace

void CatchInterrupts() {
  struct sigaction sa = {};
  sa.sa_handler = &OnInterrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a read waiting for a key returns EINTR
  sigaction(SIGINT, &sa, nullptr);
}

bool Interrupted() { return g_interrupted != 0; }

void ClearInterrupt() { g_interrupted = 0; }

}  // namespace lsmdb::cli
