// InfoLog: the human-readable LOG file of a database (flushes, compactions, stalls,
// recovery). One line per event, prefixed with the UTC time and the thread id, and
// handed to the OS as soon as it is written. The previous LOG is kept as LOG.old.
//
// Thread-safety: Log() may be called from many threads.
#ifndef LSMDB_IO_INFO_LOG_H_
#define LSMDB_IO_INFO_LOG_H_

#include <memory>
#include <string>

#include "lsmdb/file_system.h"
#include "util/mutex.h"

namespace lsmdb {

class InfoLog {
 public:
  // Opens path for appending after moving an existing file to old_path. On failure the
  // returned log discards everything (logging never fails a database operation).
  static std::unique_ptr<InfoLog> Open(FileSystem* fs, const std::string& path,
                                       const std::string& old_path);
  // A log that discards everything and touches no file (a read-only open).
  static std::unique_ptr<InfoLog> Discarding();
  ~InfoLog();

  void Log(const char* format, ...) __attribute__((format(printf, 2, 3)));

 private:
  explicit InfoLog(std::unique_ptr<WritableFile> file) : file_(std::move(file)) {}

  Mutex mu_;
  std::unique_ptr<WritableFile> file_ GUARDED_BY(mu_);
};

}  // namespace lsmdb

#endif  // LSMDB_IO_INFO_LOG_H_
