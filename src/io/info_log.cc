#include "io/info_log.h"

#include <pthread.h>
#include <sys/time.h>

#include <cstdarg>
#include <cstdio>
#include <ctime>

namespace lsmdb {

std::unique_ptr<InfoLog> InfoLog::Open(FileSystem* fs, const std::string& path,
                                       const std::string& old_path) {
  if (fs->FileExists(path)) fs->RenameFile(path, old_path).PermitUncheckedError();
  std::unique_ptr<WritableFile> file;
  if (!fs->NewWritableFile(path, &file).ok()) file.reset();
  return std::unique_ptr<InfoLog>(new InfoLog(std::move(file)));
}

std::unique_ptr<InfoLog> InfoLog::Discarding() {
  return std::unique_ptr<InfoLog>(new InfoLog(nullptr));
}

InfoLog::~InfoLog() {
  MutexLock l(&mu_);
  if (file_) file_->Close().PermitUncheckedError();
}

void InfoLog::Log(const char* format, ...) {
  char buf[1024];
  struct timeval now;
  gettimeofday(&now, nullptr);
  struct tm t;
  gmtime_r(&now.tv_sec, &t);
  int n = std::snprintf(buf, sizeof(buf), "%04d/%02d/%02d-%02d:%02d:%02d.%06ld %lx ",
                        t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec,
                        static_cast<long>(now.tv_usec),
                        static_cast<unsigned long>(pthread_self()) & 0xffffff);
  va_list ap;
  va_start(ap, format);
  int m = std::vsnprintf(buf + n, sizeof(buf) - n - 1, format, ap);
  va_end(ap);
  size_t len = static_cast<size_t>(n) + std::min<size_t>(m < 0 ? 0 : m, sizeof(buf) - n - 2);
  buf[len++] = '\n';
  MutexLock l(&mu_);
  if (file_ && file_->Append(std::string_view(buf, len)).ok()) {
    file_->Flush().PermitUncheckedError();
  }
}

}  // namespace lsmdb
