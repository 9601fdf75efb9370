// The POSIX FileSystem: tables read through a read-only memory mapping (pread when the
// mapping is refused), buffered appends with one write() per Flush, write-ahead logs
// through a writable memory mapping (posix_wal_file.h), fdatasync for Sync, flock for the
// database LOCK.
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "io/posix_wal_file.h"
#include "lsmdb/file_system.h"

namespace lsmdb {
namespace {

constexpr size_t kWritableBufferSize = 64 * 1024;

Status PosixError(const std::string& context, int err) {
  std::string msg = context + ": " + std::strerror(err);
  if (err == ENOSPC) return Status::NoSpace(msg);
  if (err == ENOENT) return Status::NotFound(msg);
  return Status::IOError(msg);
}

class PosixSequentialFile final : public SequentialFile {
 public:
  PosixSequentialFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixSequentialFile() override { ::close(fd_); }

  Status Read(size_t n, std::string_view* result, char* scratch) override {
    size_t got = 0;
    while (got < n) {
      ssize_t r = ::read(fd_, scratch + got, n - got);
      if (r < 0) {
        if (errno == EINTR) continue;
        return PosixError(path_, errno);
      }
      if (r == 0) break;
      got += static_cast<size_t>(r);
    }
    *result = std::string_view(scratch, got);
    return Status::OK();
  }

  Status Skip(uint64_t n) override {
    if (::lseek(fd_, static_cast<off_t>(n), SEEK_CUR) == static_cast<off_t>(-1)) {
      return PosixError(path_, errno);
    }
    return Status::OK();
  }

 private:
  const std::string path_;
  const int fd_;
};

class PosixRandomAccessFile final : public RandomAccessFile {
 public:
  PosixRandomAccessFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixRandomAccessFile() override { ::close(fd_); }

  Status Read(uint64_t offset, size_t n, std::string_view* result, char* scratch) const override {
    size_t got = 0;
    while (got < n) {
      ssize_t r = ::pread(fd_, scratch + got, n - got, static_cast<off_t>(offset + got));
      if (r < 0) {
        if (errno == EINTR) continue;
        return PosixError(path_ + " at offset " + std::to_string(offset + got), errno);
      }
      if (r == 0) break;
      got += static_cast<size_t>(r);
    }
    *result = std::string_view(scratch, got);
    return Status::OK();
  }

 private:
  const std::string path_;
  const int fd_;
};

// At most this many files are mapped at once (64-bit address space is plentiful; the
// limit keeps the count of mappings far below vm.max_map_count); beyond it, pread.
constexpr int kMaxMappedFiles = 4096;

uint64_t PageSize() {
  static const auto page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  return page;
}
// madvise and mincore want a page-aligned start.
uint64_t PageStart(uint64_t offset) { return offset & ~(PageSize() - 1); }
std::atomic<int> mapped_files{0};

// A file read through a read-only shared mapping of its whole length. Read() returns a
// view into the mapping: no system call and no copy into scratch. The engine maps only
// table files, which are immutable once written, so the mapping never shrinks under a
// reader (a file truncated by someone else would raise SIGBUS, as with any mapping).
class PosixMmapRandomAccessFile final : public RandomAccessFile {
 public:
  // Point reads fault in only the pages they touch (MADV_RANDOM): the kernel's
  // read-around would otherwise read up to read_ahead_kb around every fault, which for a
  // table bigger than memory evicts the pages the next reads need. Scans and compactions
  // ask for read-ahead explicitly (WillRead).
  PosixMmapRandomAccessFile(const char* base, size_t length) : base_(base), length_(length) {
    ::madvise(const_cast<char*>(base_), length_, MADV_RANDOM);  // best effort
  }
  ~PosixMmapRandomAccessFile() override {
    ::munmap(const_cast<char*>(base_), length_);
    mapped_files.fetch_sub(1, std::memory_order_relaxed);
  }

  Status Read(uint64_t offset, size_t n, std::string_view* result,
              char* /*scratch*/) const override {
    if (offset >= length_) {
      *result = std::string_view();
    } else {
      *result = std::string_view(base_ + offset, std::min<uint64_t>(n, length_ - offset));
    }
    return Status::OK();
  }
  std::string_view MappedContents() const override { return {base_, length_}; }
  void WillRead(uint64_t offset, size_t n) const override {
    if (offset >= length_) return;
    const uint64_t start = PageStart(offset);
    const uint64_t end = std::min<uint64_t>(offset + n, length_);
    char* const addr = const_cast<char*>(base_) + start;
    // Best effort. MADV_WILLNEED starts reading the missing pages in large requests
    // (MADV_RANDOM has turned off fault read-around); MADV_POPULATE_READ then maps them
    // in one call. An old kernel (EINVAL) only means the scan takes the page faults.
    ::madvise(addr, end - start, MADV_WILLNEED);
#ifdef MADV_POPULATE_READ
    ::madvise(addr, end - start, MADV_POPULATE_READ);
#endif
  }
  bool InMemory(uint64_t offset, size_t n) const override {
    if (offset >= length_) return true;
    const uint64_t start = PageStart(offset);
    const uint64_t end = std::min<uint64_t>(offset + n, length_);
    const uint64_t page = PageSize();
    std::vector<unsigned char> resident((end - start + page - 1) / page);
    if (::mincore(const_cast<char*>(base_) + start, end - start, resident.data()) != 0) {
      return false;
    }
    return std::all_of(resident.begin(), resident.end(), [](unsigned char c) { return c & 1; });
  }

 private:
  const char* const base_;
  const size_t length_;
};

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {
    buf_.reserve(kWritableBufferSize);
  }
  ~PosixWritableFile() override {
    if (fd_ >= 0) Close().PermitUncheckedError();
  }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return Status::IOError(path_, "append after close");
    size_ += data.size();
    if (buf_.size() + data.size() <= kWritableBufferSize) {
      buf_.append(data);
      return Status::OK();
    }
    Status s = Flush();
    if (!s.ok()) return s;
    if (data.size() <= kWritableBufferSize) {
      buf_.append(data);
      return Status::OK();
    }
    return WriteAll(data);
  }

  Status Flush() override {
    if (buf_.empty()) return Status::OK();
    Status s = WriteAll(buf_);
    buf_.clear();
    return s;
  }

  Status Sync() override {
    Status s = Flush();
    if (!s.ok()) return s;
    if (::fdatasync(fd_) != 0) return PosixError(path_ + ": fdatasync", errno);
    return Status::OK();
  }

  Status Close() override {
    if (fd_ < 0) return Status::OK();
    Status s = Flush();
    if (::close(fd_) != 0 && s.ok()) s = PosixError(path_ + ": close", errno);
    fd_ = -1;
    return s;
  }

  uint64_t Size() const override { return size_; }

 private:
  Status WriteAll(std::string_view data) {
    while (!data.empty()) {
      ssize_t r = ::write(fd_, data.data(), data.size());
      if (r < 0) {
        if (errno == EINTR) continue;
        return PosixError(path_ + ": write", errno);
      }
      data.remove_prefix(static_cast<size_t>(r));
    }
    return Status::OK();
  }

  const std::string path_;
  int fd_;
  std::string buf_;
  uint64_t size_ = 0;
};

// An exclusive flock on the lock file and on the directory holding it. The directory's
// lock still keeps a second holder out after the lock file was deleted (a new file of
// the same name would be a different inode, free to lock); the file's lock keeps out
// older versions, which lock only the file.
class PosixFileLock final : public FileLock {
 public:
  PosixFileLock(int dir_fd, int fd) : dir_fd_(dir_fd), fd_(fd) {}
  ~PosixFileLock() override {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
    ::flock(dir_fd_, LOCK_UN);
    ::close(dir_fd_);
  }

 private:
  const int dir_fd_;
  const int fd_;
};

// Takes an exclusive, non-blocking flock on fd (of path); closes fd on failure.
Status ExclusiveFlock(int fd, const std::string& path) {
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return Status::OK();
  const int err = errno;
  ::close(fd);
  if (err == EWOULDBLOCK) {
    return Status::IOError(path,
                           "the database is locked: another process or DB handle has it open");
  }
  return PosixError(path + ": flock", err);
}

class PosixFileSystem final : public FileSystem {
 public:
  Status NewSequentialFile(const std::string& path,
                           std::unique_ptr<SequentialFile>* result) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return PosixError(path, errno);
    *result = std::make_unique<PosixSequentialFile>(path, fd);
    return Status::OK();
  }

  Status NewRandomAccessFile(const std::string& path,
                             std::unique_ptr<RandomAccessFile>* result) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return PosixError(path, errno);
    // Map the file when a mapping slot is free and the file is not empty; the mapping
    // outlives the descriptor, so the file then holds no descriptor at all.
    struct stat st;
    if (::fstat(fd, &st) == 0 && st.st_size > 0) {
      if (mapped_files.fetch_add(1, std::memory_order_relaxed) < kMaxMappedFiles) {
        const auto length = static_cast<size_t>(st.st_size);
        void* base = ::mmap(nullptr, length, PROT_READ, MAP_SHARED, fd, 0);
        if (base != MAP_FAILED) {
          ::close(fd);
          *result =
              std::make_unique<PosixMmapRandomAccessFile>(static_cast<const char*>(base), length);
          return Status::OK();
        }
      }
      mapped_files.fetch_sub(1, std::memory_order_relaxed);
    }
    // Unmapped: pread, with the same advice as a mapping (no read-ahead for point reads).
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
    *result = std::make_unique<PosixRandomAccessFile>(path, fd);
    return Status::OK();
  }

  Status NewWritableFile(const std::string& path, std::unique_ptr<WritableFile>* result) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return PosixError(path, errno);
    *result = std::make_unique<PosixWritableFile>(path, fd);
    return Status::OK();
  }

  // A memory-mapped file (posix_wal_file.h), or a buffered one where the file system
  // cannot preallocate or map.
  Status NewWalFile(const std::string& path, std::unique_ptr<WritableFile>* result) override {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return PosixError(path, errno);
    Status s = NewPosixWalFile(path, fd, result);
    if (!s.IsNotSupported()) return s;
    *result = std::make_unique<PosixWritableFile>(path, fd);
    return Status::OK();
  }

  bool FileExists(const std::string& path) override { return ::access(path.c_str(), F_OK) == 0; }

  Status GetChildren(const std::string& dir, std::vector<std::string>* names) override {
    names->clear();
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return PosixError(dir, errno);
    while (struct dirent* e = ::readdir(d)) {
      if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
      names->emplace_back(e->d_name);
    }
    ::closedir(d);
    return Status::OK();
  }

  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return PosixError(path + ": unlink", errno);
    return Status::OK();
  }

  Status CreateDirIfMissing(const std::string& dir) override {
    if (::mkdir(dir.c_str(), 0755) == 0) return Status::OK();
    int err = errno;
    struct stat st;
    if (err == EEXIST && ::stat(dir.c_str(), &st) == 0) {
      if (S_ISDIR(st.st_mode)) return Status::OK();
      return Status::IOError(dir, "exists and is not a directory");
    }
    return PosixError(dir + ": mkdir", err);
  }

  Status RemoveDir(const std::string& dir) override {
    if (::rmdir(dir.c_str()) != 0) return PosixError(dir + ": rmdir", errno);
    return Status::OK();
  }

  Status GetFileSize(const std::string& path, uint64_t* size) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return PosixError(path, errno);
    *size = static_cast<uint64_t>(st.st_size);
    return Status::OK();
  }

  Status RenameFile(const std::string& src, const std::string& dst) override {
    if (::rename(src.c_str(), dst.c_str()) != 0) {
      return PosixError("rename " + src + " to " + dst, errno);
    }
    return Status::OK();
  }

  Status LinkFile(const std::string& src, const std::string& dst) override {
    if (::link(src.c_str(), dst.c_str()) == 0) return Status::OK();
    const int err = errno;
    // Another file system, one without hard links, too many links to src, or
    // fs.protected_hardlinks refusing a file this user does not own: copy instead.
    if (err == EXDEV || err == EPERM || err == EOPNOTSUPP || err == EMLINK) {
      return Status::NotSupported("link " + src + " to " + dst, std::strerror(err));
    }
    return PosixError("link " + src + " to " + dst, err);
  }

  Status SyncDir(const std::string& dir) override {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return PosixError(dir, errno);
    Status s;
    if (::fsync(fd) != 0) s = PosixError(dir + ": fsync", errno);
    ::close(fd);
    return s;
  }

  Status LockFile(const std::string& path, std::unique_ptr<FileLock>* lock) override {
    const size_t slash = path.rfind('/');
    const std::string dir =
        slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0) return PosixError(dir, errno);
    Status s = ExclusiveFlock(dir_fd, path);
    if (!s.ok()) return s;
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      s = PosixError(path, errno);
      ::close(dir_fd);
      return s;
    }
    s = ExclusiveFlock(fd, path);
    if (!s.ok()) {
      ::close(dir_fd);
      return s;
    }
    *lock = std::make_unique<PosixFileLock>(dir_fd, fd);
    return Status::OK();
  }
};

}  // namespace

std::shared_ptr<FileSystem> FileSystem::Default() {
  static const std::shared_ptr<FileSystem> kDefault = std::make_shared<PosixFileSystem>();
  return kDefault;
}

}  // namespace lsmdb
