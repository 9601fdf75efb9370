// FaultInjector: chooses which file-system operations of a test fail, and how.
//
// A Fault names an operation (append, sync, read, ...), the kinds of database files it
// applies to (by file name: WAL, table, MANIFEST, CURRENT, other), what goes wrong (EIO,
// ENOSPC, a short write, a flipped bit on read), how many matching operations succeed
// first, and whether it fires once or on every later match. MemFileSystem consults its
// injector before each operation (MemFileSystem::InjectFault).
//
// Thread-safety: none; the owner serializes calls (MemFileSystem holds its mutex).
#ifndef LSMDB_IO_FAULT_INJECTOR_H_
#define LSMDB_IO_FAULT_INJECTOR_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "lsmdb/status.h"

namespace lsmdb {

// File-system operations a fault (or a MemFileSystem fault hook) can target.
enum class FileOp : uint8_t { kOpen, kRead, kAppend, kSync, kRename, kRemove, kSyncDir, kCreate };

// Kinds of files, classified by name; a Fault's `files` is a mask of these bits.
inline constexpr uint32_t kLogFiles = 1;       // <n>.log
inline constexpr uint32_t kTableFiles = 2;     // <n>.sst (and LevelDB's <n>.ldb)
inline constexpr uint32_t kManifestFiles = 4;  // MANIFEST-<n>
inline constexpr uint32_t kCurrentFiles = 8;   // CURRENT and its temporary <n>.dbtmp
inline constexpr uint32_t kOtherFiles = 16;    // LOG, LOCK, directories, anything else
inline constexpr uint32_t kAnyFile = 31;

// The kind bit of the file at path (judged by its last path component).
uint32_t FileKindOf(std::string_view path);

enum class FaultKind : uint8_t {
  kIOError,     // the operation does nothing and fails with IOError (as EIO)
  kNoSpace,     // the operation does nothing and fails with Status::NoSpace (as ENOSPC)
  kShortWrite,  // kAppend only: the first half of the data is written, then IOError
  kBitFlip,     // kRead only: succeeds, but one bit of the bytes returned is flipped;
                // the stored bytes are unchanged
};

struct Fault {
  FileOp op = FileOp::kAppend;
  uint32_t files = kAnyFile;  // mask of k...Files bits
  FaultKind kind = FaultKind::kIOError;
  // Matching operations that succeed before the fault first fires.
  uint64_t after = 0;
  // Fire on one operation only; otherwise on every matching operation from then on.
  bool once = false;
};

class FaultInjector {
 public:
  // Adds a fault; several may be active, and the first added that fires on an operation
  // applies. InvalidArgument for kShortWrite on another op than kAppend, kBitFlip on
  // another op than kRead, or an empty file mask.
  Status Add(const Fault& fault);
  // Removes every fault (the count of injected faults is kept).
  void Clear();
  bool empty() const { return faults_.empty(); }

  // Called once per operation: the kind of fault to inject into it, if any.
  std::optional<FaultKind> Next(FileOp op, std::string_view path);
  // The error an injected kIOError / kNoSpace / kShortWrite returns.
  static Status ErrorFor(FaultKind kind, FileOp op, std::string_view path);
  // Flips one bit of data (chosen from the count of faults injected so far).
  void FlipBit(char* data, size_t n) const;

  // Faults injected so far, of every kind.
  uint64_t injected() const { return injected_; }

 private:
  struct Armed {
    Fault fault;
    uint64_t seen = 0;   // matching operations so far
    uint64_t fired = 0;  // faults injected by this entry
  };
  std::vector<Armed> faults_;
  uint64_t injected_ = 0;
};

}  // namespace lsmdb

#endif  // LSMDB_IO_FAULT_INJECTOR_H_
