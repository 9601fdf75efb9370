// Running a store under a memory limit, as a machine with less memory than the database
// would (docs/PERFORMANCE.md, "Bigger than memory"): a memory cgroup that the process
// joins for one engine's benchmarks (its page cache, anonymous memory and kernel memory
// charged to it from then on), dropping the page cache before an engine starts, and the
// process's device reads.
//
// cgroup v1 (a "memory" hierarchy with memory.limit_in_bytes) and v2 (memory.max) are
// both handled; the child cgroup is created under the one the process is in. Needs write
// access to that cgroup (root, usually). Thread-safety: call from the main thread while no
// benchmark runs.
#ifndef LSMDB_TOOLS_BENCH_MEMORY_LIMIT_H_
#define LSMDB_TOOLS_BENCH_MEMORY_LIMIT_H_

#include <cstdint>
#include <string>

namespace lsmdb::bench {

class MemoryCgroup {
 public:
  // Creates a child memory cgroup named name limited to limit_bytes and moves this
  // process into it. On failure returns false with *error saying why (no controller, no
  // permission) and changes nothing.
  bool Enter(const std::string& name, uint64_t limit_bytes, std::string* error);
  // Moves the process back to its original cgroup and removes the child. No-op if not
  // entered.
  void Leave();
  ~MemoryCgroup() { Leave(); }

  // The most memory charged to the cgroup since Enter (v1 memory.max_usage_in_bytes, v2
  // memory.peak where the kernel has it); 0 if unknown.
  uint64_t PeakBytes() const;
  bool v2() const { return v2_; }

 private:
  std::string parent_;  // the cgroup directory the process came from
  std::string dir_;     // the child; empty when not entered
  bool v2_ = false;
};

// Writes back dirty pages and asks the kernel to drop the clean page cache
// (/proc/sys/vm/drop_caches, root only). Returns false with *error if not permitted.
bool DropPageCache(std::string* error);

// read_bytes or write_bytes of /proc/self/io (bytes this process caused to be read from
// or written to storage); 0 where unavailable. key is "read_bytes" or "write_bytes".
uint64_t ProcessIoBytes(const char* key);

}  // namespace lsmdb::bench

#endif  // LSMDB_TOOLS_BENCH_MEMORY_LIMIT_H_
