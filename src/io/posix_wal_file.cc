#include "io/posix_wal_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace lsmdb {
namespace {

constexpr size_t kFirstWindow = 64 * 1024;
constexpr size_t kMaxWindow = 1024 * 1024;
// Pages made writable ahead of the appends at a time (a multiple of the page size).
constexpr size_t kPopulateChunk = 64 * 1024;

Status WalError(const std::string& context, int err) {
  std::string msg = context + ": " + std::strerror(err);
  if (err == ENOSPC) return Status::NoSpace(msg);
  return Status::IOError(msg);
}

// Allocates [offset, offset + size) of fd (extending the file) and maps it into *base.
// NotSupported if the file system cannot do either.
Status MapRegion(const std::string& path, int fd, uint64_t offset, size_t size, char** base) {
  if (::fallocate(fd, 0, static_cast<off_t>(offset), static_cast<off_t>(size)) != 0) {
    const int err = errno;
    if (err == EOPNOTSUPP || err == ENOSYS) return Status::NotSupported(path, "fallocate");
    return WalError(path + ": fallocate", err);
  }
  void* p =
      ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, static_cast<off_t>(offset));
  if (p == MAP_FAILED) {
    const int err = errno;
    if (err == ENODEV || err == EACCES) return Status::NotSupported(path, "mmap");
    return WalError(path + ": mmap", err);
  }
  *base = static_cast<char*>(p);
  return Status::OK();
}

class PosixWalFile final : public WritableFile {
 public:
  // Takes over fd and its mapped first window of `size` bytes at base.
  PosixWalFile(std::string path, int fd, char* base, size_t size)
      : path_(std::move(path)), fd_(fd), base_(base), window_size_(size) {}
  ~PosixWalFile() override { Close().PermitUncheckedError(); }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return Status::IOError(path_, "append after close");
    if (!error_.ok()) return error_;
    while (!data.empty()) {
      if (used_ == window_size_) {
        Status s = NextWindow();
        if (!s.ok()) {
          error_ = s;
          return s;
        }
      }
      const size_t n = std::min(data.size(), window_size_ - used_);
      if (used_ + n > populated_) Populate(used_ + n);
      std::memcpy(base_ + used_, data.data(), n);
      used_ += n;
      size_ += n;
      data.remove_prefix(n);
    }
    return Status::OK();
  }

  // Appended bytes are in the page cache already.
  Status Flush() override {
    if (fd_ < 0) return Status::IOError(path_, "flush after close");
    return error_;
  }

  Status Sync() override {
    if (fd_ < 0) return Status::IOError(path_, "sync after close");
    if (!error_.ok()) return error_;
    if (::fdatasync(fd_) != 0) return WalError(path_ + ": fdatasync", errno);
    return Status::OK();
  }

  Status Close() override {
    if (fd_ < 0) return Status::OK();
    Status s;
    if (base_ != nullptr && ::munmap(base_, window_size_) != 0) {
      s = WalError(path_ + ": munmap", errno);
    }
    base_ = nullptr;
    // Drop the zeros after the data (only a crash before this leaves them).
    if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0 && s.ok()) {
      s = WalError(path_ + ": ftruncate", errno);
    }
    if (::close(fd_) != 0 && s.ok()) s = WalError(path_ + ": close", errno);
    fd_ = -1;
    return s;
  }

  uint64_t Size() const override { return size_; }

 private:
  // Maps the pages up to at least window offset `end` writable, kPopulateChunk at a time:
  // one system call instead of a page fault per page, which is dearer (in a VM above
  // all). Best effort: where the kernel cannot, the copy faults the pages in.
  void Populate(size_t end) {
    const size_t to = std::min(window_size_, std::max(end, populated_ + kPopulateChunk));
#ifdef MADV_POPULATE_WRITE
    if (populate_ok_ && ::madvise(base_ + populated_, to - populated_, MADV_POPULATE_WRITE) != 0) {
      populate_ok_ = false;
    }
#endif
    populated_ = to;
  }

  Status NextWindow() {
    if (::munmap(base_, window_size_) != 0) return WalError(path_ + ": munmap", errno);
    base_ = nullptr;
    // No writeback is started here: most logs are deleted (their memtable flushed) before
    // the kernel would write them, and their pages never reach the disk, unless a synced
    // write needs them there.
    const uint64_t offset = window_offset_ + window_size_;
    const size_t size = std::min(window_size_ * 2, kMaxWindow);
    Status s = MapRegion(path_, fd_, offset, size, &base_);
    if (s.IsNotSupported()) return Status::IOError(s.message());
    if (!s.ok()) return s;
    window_offset_ = offset;
    window_size_ = size;
    used_ = 0;
    populated_ = 0;
    return Status::OK();
  }

  const std::string path_;
  int fd_;
  char* base_ = nullptr;        // the mapped window, or null
  uint64_t window_offset_ = 0;  // file offset of base_[0]
  size_t window_size_ = 0;
  size_t used_ = 0;          // bytes of the window appended
  size_t populated_ = 0;     // bytes of the window whose pages are mapped writable
  bool populate_ok_ = true;  // MADV_POPULATE_WRITE works here
  uint64_t size_ = 0;
  Status error_;  // a failed window: the file takes no more appends
};

}  // namespace

Status NewPosixWalFile(const std::string& path, int fd, std::unique_ptr<WritableFile>* result) {
  char* base = nullptr;
  Status s = MapRegion(path, fd, 0, kFirstWindow, &base);
  if (s.IsNotSupported()) {
    (void)::ftruncate(fd, 0);  // fd stays with the caller, empty again
    return s;
  }
  if (!s.ok()) {
    ::close(fd);
    return s;
  }
  *result = std::make_unique<PosixWalFile>(path, fd, base, kFirstWindow);
  return Status::OK();
}

}  // namespace lsmdb
