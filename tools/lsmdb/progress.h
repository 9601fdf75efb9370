// Progress: a one-line progress report on stderr for long work (load, export).
//
// Only drawn when stderr is a terminal; otherwise every method does nothing, so scripts
// and logs never see it. With a known total (bytes of an input file) it shows a bar, the
// percentage, the rate and the time left; without one, the amount done and the rate. The
// line is redrawn at most ten times a second and erased by Finish().
//
// Thread-safety: not synchronised; one thread uses a Progress.
#ifndef LSMDB_TOOLS_LSMDB_PROGRESS_H_
#define LSMDB_TOOLS_LSMDB_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <string>

namespace lsmdb::cli {

class Progress {
 public:
  // label names the work ("load"); total_bytes is the size of the work, 0 if unknown.
  Progress(std::string label, uint64_t total_bytes);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Reports bytes processed and records done so far (both cumulative). Cheap enough to
  // call for every record.
  void Update(uint64_t bytes, uint64_t records);
  // The same for work reported in a few large steps (one call per file): every call may
  // redraw, at most ten times a second.
  void UpdateCoarse(uint64_t bytes, uint64_t records);
  // Erases the line. Called by the destructor if not before.
  void Finish();

  // The line for the given state, without "\r" or colour: exposed for tests.
  static std::string Format(const std::string& label, uint64_t total_bytes, uint64_t bytes,
                            uint64_t records, double seconds);

 private:
  using Clock = std::chrono::steady_clock;

  const std::string label_;
  const uint64_t total_bytes_;
  const bool enabled_;
  bool drawn_ = false;
  uint32_t calls_ = 0;
  Clock::time_point start_;
  Clock::time_point last_draw_;
};

}  // namespace lsmdb::cli

#endif  // LSMDB_TOOLS_LSMDB_PROGRESS_H_
