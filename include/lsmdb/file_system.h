// FileSystem: the one seam through which lsmdb touches files, directories and locks.
//
// Every byte the engine reads or writes goes through the FileSystem in Options. The
// default is the POSIX file system; NewMemFileSystem() gives one held in memory (tests,
// ephemeral stores). A FileSystem never syncs a directory on its own: the engine calls
// SyncDir() after it creates, renames or removes files whose names must survive a crash.
//
// Thread-safety: a FileSystem is safe to use from many threads at once. A RandomAccessFile
// is safe for concurrent Read(). A SequentialFile and a WritableFile are used by one
// thread at a time.
#ifndef LSMDB_FILE_SYSTEM_H_
#define LSMDB_FILE_SYSTEM_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lsmdb/export.h"
#include "lsmdb/status.h"

namespace lsmdb {

// A file read from start to end.
class LSMDB_EXPORT SequentialFile {
 public:
  virtual ~SequentialFile();
  // Reads up to n bytes. *result points into scratch (which must hold n bytes) or into
  // memory the file owns that stays valid until the next call. A short read (fewer than n
  // bytes, possibly zero) means end of file.
  virtual Status Read(size_t n, std::string_view* result, char* scratch) = 0;
  // Skips n bytes; skipping past the end stops at the end.
  virtual Status Skip(uint64_t n) = 0;
};

// A file read at arbitrary offsets.
class LSMDB_EXPORT RandomAccessFile {
 public:
  virtual ~RandomAccessFile();
  // Reads up to n bytes at offset. *result points into scratch (which must hold n bytes)
  // or into memory the file owns that lives as long as the file. Reading past the end is
  // a short read, not an error.
  virtual Status Read(uint64_t offset, size_t n, std::string_view* result, char* scratch) const = 0;
  // The whole file, when its bytes stay at one address for as long as the file object
  // lives (a read-only memory mapping); empty otherwise, which is the default. Bytes read
  // through it must be those Read() returns. Table readers then use uncompressed blocks
  // in place, with no copy and no block cache entry.
  virtual std::string_view MappedContents() const { return {}; }
  // A hint that [offset, offset + n) will be read soon, in order. The POSIX mapped file
  // maps those pages in one call (instead of a page fault per few pages as a scan
  // touches them); the default does nothing. Never changes what Read() returns.
  virtual void WillRead(uint64_t /*offset*/, size_t /*n*/) const {}
  // Whether every byte of [offset, offset + n) is in memory now, so that reading it takes
  // no device I/O (the POSIX mapped file asks the page cache, mincore). A hint that may be
  // stale at once; used to warm a table only when warming evicts nothing. Default: true.
  virtual bool InMemory(uint64_t /*offset*/, size_t /*n*/) const { return true; }
};

// A file written by appending. Data may be buffered: Flush() hands buffered bytes to the
// operating system (they then survive a process crash), Sync() makes them durable (they
// then survive a power loss).
class LSMDB_EXPORT WritableFile {
 public:
  virtual ~WritableFile();
  virtual Status Append(std::string_view data) = 0;
  virtual Status Flush() = 0;
  virtual Status Sync() = 0;   // Flush() and then fdatasync()
  virtual Status Close() = 0;  // Flush() and close; further calls are errors
  // Bytes appended so far, buffered or not.
  virtual uint64_t Size() const = 0;
};

// An exclusive lock on a file, held until the object is destroyed.
class LSMDB_EXPORT FileLock {
 public:
  virtual ~FileLock();
};

class LSMDB_EXPORT FileSystem {
 public:
  virtual ~FileSystem();

  // The POSIX file system. The object is shared and lives until the last user drops it.
  static std::shared_ptr<FileSystem> Default();

  virtual Status NewSequentialFile(const std::string& path,
                                   std::unique_ptr<SequentialFile>* result) = 0;
  virtual Status NewRandomAccessFile(const std::string& path,
                                     std::unique_ptr<RandomAccessFile>* result) = 0;
  // Creates path, or truncates it if it exists.
  virtual Status NewWritableFile(const std::string& path,
                                 std::unique_ptr<WritableFile>* result) = 0;
  // Creates path (or truncates it) for a write-ahead log. Like NewWritableFile, but the
  // file may hand every Append to the operating system at once, without a system call
  // (the POSIX file system writes into a shared memory mapping of the file), and may
  // leave zeros after the appended bytes if the process dies before Close(); log readers
  // take zeros running to the end of a file as its end. Default: NewWritableFile.
  virtual Status NewWalFile(const std::string& path, std::unique_ptr<WritableFile>* result) {
    return NewWritableFile(path, result);
  }

  virtual bool FileExists(const std::string& path) = 0;
  // The names (not paths) of the entries of dir, without "." and "..".
  virtual Status GetChildren(const std::string& dir, std::vector<std::string>* names) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Creates dir; OK if it already exists as a directory.
  virtual Status CreateDirIfMissing(const std::string& dir) = 0;
  virtual Status RemoveDir(const std::string& dir) = 0;
  virtual Status GetFileSize(const std::string& path, uint64_t* size) = 0;
  // Atomically replaces dst with src. src may be a directory; dst must then not exist
  // (or be an empty directory), and the entries move with it.
  virtual Status RenameFile(const std::string& src, const std::string& dst) = 0;
  // Makes dst a second name of the existing file src (a hard link): both names then
  // refer to the same bytes, and removing one leaves the other. dst must not exist.
  // NotSupported when the file system cannot link these two names (the default; the
  // POSIX one across file systems, or where the file system or its permissions refuse
  // hard links); callers then copy the file instead. The new name is durable once the
  // directory holding dst is synced.
  virtual Status LinkFile(const std::string& src, const std::string& dst) {
    return Status::NotSupported("LinkFile " + src + " to " + dst,
                                "this file system has no hard links");
  }
  // Makes the directory's entries (created, renamed, removed files) durable.
  virtual Status SyncDir(const std::string& dir) = 0;
  // Takes an exclusive lock on path (created if missing). Fails with IOError if another
  // holder, in this process or another, has it. The default file system also locks the
  // directory holding path, so that deleting the lock file does not free the lock.
  virtual Status LockFile(const std::string& path, std::unique_ptr<FileLock>* lock) = 0;
};

// A FileSystem held in memory, empty when created. Useful for tests and for stores that
// need not outlive the process.
LSMDB_EXPORT std::shared_ptr<FileSystem> NewMemFileSystem();

}  // namespace lsmdb

#endif  // LSMDB_FILE_SYSTEM_H_
