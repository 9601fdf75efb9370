// MemFileSystem: a FileSystem held in memory that can simulate power loss and inject
// faults. Tests use it for speed and for crash points; NewMemFileSystem() returns one.
//
// Durability model: each file keeps the length that was last synced; each directory
// keeps the set of names that were last made durable by SyncDir. SimulatePowerLoss()
// rolls every file back to its synced length (optionally keeping a random part of the
// unsynced bytes) and every directory back to its durable names, as a machine that lost
// power would. A file created and synced but whose directory was never synced is lost.
//
// Thread-safety: safe for concurrent use (one internal mutex).
#ifndef LSMDB_IO_MEM_FILE_SYSTEM_H_
#define LSMDB_IO_MEM_FILE_SYSTEM_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "io/fault_injector.h"
#include "lsmdb/file_system.h"
#include "util/mutex.h"
#include "util/random.h"

namespace lsmdb {

class MemFileSystem final : public FileSystem {
 public:
  // Operations a fault hook sees (MemFileSystem::Op::kSync, ...).
  using Op = FileOp;
  // Called before each operation (before the injected faults); a non-OK return makes
  // the operation fail with it, doing nothing.
  using FaultHook = std::function<Status(Op op, const std::string& path)>;

  MemFileSystem();
  ~MemFileSystem() override;

  Status NewSequentialFile(const std::string& path,
                           std::unique_ptr<SequentialFile>* result) override;
  Status NewRandomAccessFile(const std::string& path,
                             std::unique_ptr<RandomAccessFile>* result) override;
  Status NewWritableFile(const std::string& path, std::unique_ptr<WritableFile>* result) override;
  bool FileExists(const std::string& path) override;
  Status GetChildren(const std::string& dir, std::vector<std::string>* names) override;
  Status RemoveFile(const std::string& path) override;
  Status CreateDirIfMissing(const std::string& dir) override;
  Status RemoveDir(const std::string& dir) override;
  Status GetFileSize(const std::string& path, uint64_t* size) override;
  // A directory's entries move with it, and the move counts as durable at once.
  Status RenameFile(const std::string& src, const std::string& dst) override;
  // dst shares src's bytes (a hard link); durable once its directory is synced.
  Status LinkFile(const std::string& src, const std::string& dst) override;
  Status SyncDir(const std::string& dir) override;
  Status LockFile(const std::string& path, std::unique_ptr<FileLock>* lock) override;

  // Loses what a power cut would lose (see above). With rnd, each file keeps a random
  // prefix of its unsynced bytes instead of none. After the call the file system is
  // "frozen": every operation fails with IOError, so that a DB still open behaves like
  // a dead process, until Thaw().
  void SimulatePowerLoss(Random* rnd = nullptr);
  void Thaw();

  void SetFaultHook(FaultHook hook);

  // Arms a fault (see fault_injector.h); several may be armed. InvalidArgument for a
  // combination that makes no sense (a short write on a read, ...).
  Status InjectFault(const Fault& fault);
  // Disarms every fault: later operations succeed (unless the hook or a power loss says
  // otherwise).
  void ClearFaults();
  // Faults injected so far (a test checks that its fault really fired).
  uint64_t FaultsInjected();

  // Test helpers: the whole contents of a file, and replacing it (for corruption tests).
  Status ReadFileToString(const std::string& path, std::string* data);
  Status WriteStringToFile(const std::string& path, std::string_view data);

  struct Node;  // a file's bytes and synced length

 private:
  // The error the operation fails with, if any. A short write or a bit flip to apply by
  // the caller is returned in *deferred (which only kAppend and kRead pass).
  Status Check(Op op, const std::string& path, std::optional<FaultKind>* deferred = nullptr)
      REQUIRES(mu_);
  Status OpenForRead(const std::string& path, std::shared_ptr<Node>* node) EXCLUDES(mu_);
  static std::string Parent(const std::string& path);
  Status RenameDir(const std::string& src, const std::string& dst) REQUIRES(mu_);

  Mutex mu_;
  std::map<std::string, std::shared_ptr<Node>> files_ GUARDED_BY(mu_);
  std::map<std::string, std::shared_ptr<Node>> durable_files_ GUARDED_BY(mu_);
  std::set<std::string> dirs_ GUARDED_BY(mu_);
  std::set<std::string> locks_ GUARDED_BY(mu_);
  bool frozen_ GUARDED_BY(mu_) = false;
  FaultHook hook_ GUARDED_BY(mu_);
  FaultInjector faults_ GUARDED_BY(mu_);

  friend class MemFile;
  friend class MemLock;
};

}  // namespace lsmdb

#endif  // LSMDB_IO_MEM_FILE_SYSTEM_H_
