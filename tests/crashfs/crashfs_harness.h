// The test side of crashfs (tests/crashfs/README.md): starts the daemon on a fresh
// mount point, cuts power, remounts, injects faults, and always unmounts and stops it.
//
// Thread-safety: one thread at a time.
#ifndef LSMDB_TESTS_CRASHFS_CRASHFS_HARNESS_H_
#define LSMDB_TESTS_CRASHFS_CRASHFS_HARNESS_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

namespace crashfs {

class CrashFs {
 public:
  // Mounts crashfs at a fresh directory under $TMPDIR. Null, with *why saying what is
  // missing, when this machine cannot: crashfs not built (no fuse3), no /dev/fuse, no
  // fusermount3, or the mount refused (permission). The caller skips the test then.
  // The daemon is the one built with the test, or $LSMDB_CRASHFS_DAEMON.
  static std::unique_ptr<CrashFs> Start(std::string* why);
  // Unmounts, stops the daemon (by its PID if it does not stop), removes the directories.
  ~CrashFs();
  CrashFs(const CrashFs&) = delete;
  CrashFs& operator=(const CrashFs&) = delete;

  // The mount point.
  const std::string& root() const { return mount_; }

  // Power is cut now: from here on every change fails with EIO. mode: "all", "prefix" or
  // "pages" (crash_model.h's LossMode); seed picks what survives.
  bool Cut(const std::string& mode, uint64_t seed, std::string* error);
  // Unmounts (REQUIRES: no process has a file of the mount open or mapped) and waits for
  // the daemon to mount again; after a Cut, what survived is served then, and *report is
  // the daemon's account of what was lost ("clean" after no cut).
  bool Remount(std::string* report, std::string* error);
  // Sends a daemon command (crashfs_main.cc: "fault ...", "clear") and returns its answer.
  bool Command(const std::string& line, std::string* answer, std::string* error);

 private:
  CrashFs() = default;
  bool ReadLine(std::string* line, int timeout_ms, std::string* error);
  bool Unmount(bool lazy, std::string* error);

  std::string dir_, backing_, mount_;
  pid_t pid_ = -1;
  int to_daemon_ = -1, from_daemon_ = -1;
  std::string buffered_;  // read from the daemon past the last line
  bool mounted_ = false;
};

}  // namespace crashfs

#endif  // LSMDB_TESTS_CRASHFS_CRASHFS_HARNESS_H_
