// The state of crashfs (tests/crashfs/README.md): a file system whose files and
// directories live in memory as a tree of nodes, with each regular file's live bytes in a
// backing file named by its inode number (BACKING/f<ino>), and with what a power loss
// would keep tracked beside them:
//   - per file, its durable size and the durable contents of every page changed since its
//     last fsync/fdatasync (pre-images), and the list of changes (writes, truncations,
//     fallocations) made since, in the order they arrived;
//   - per directory, its entries as of its last fsync and the entry changes made since
//     (a create, an unlink, each side of a rename), in order.
// PowerLoss() turns the live state into what survived and makes that the new durable
// state. Injected faults (InjectFault) fail chosen operations on chosen files.
//
// Every operation returns 0 (or a byte count) on success and -errno on failure, as FUSE
// wants. Paths are absolute inside the file system ("/", "/db/CURRENT").
//
// Thread-safety: none; the caller serializes every call.
#ifndef LSMDB_TESTS_CRASHFS_CRASH_MODEL_H_
#define LSMDB_TESTS_CRASHFS_CRASH_MODEL_H_

#include <sys/stat.h>

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace crashfs {

// What survives a power loss of the bytes and entries changed since their last sync.
enum class LossMode {
  kAll,     // nothing unsynced survives
  kPrefix,  // per file and per directory, a random prefix of the changes (the last write
            // kept may be torn at a random byte)
  kPages,   // per file, each changed page independently old or new, and the size old or
            // new; per directory, a random prefix of the entry changes
};

// An operation InjectFault can fail.
enum class FaultOp { kOpen, kRead, kWrite, kFsync, kRename, kFallocate, kTruncate, kUnlink };

struct LossReport {
  uint64_t files = 0;             // files with unsynced changes
  uint64_t changes = 0;           // their changes
  uint64_t changes_lost = 0;      // changes not kept whole (dropped or torn)
  uint64_t pages_lost = 0;        // pages reverted in kPages
  uint64_t dir_changes = 0;       // unsynced directory entry changes
  uint64_t dir_changes_lost = 0;  // of those, dropped
  uint64_t files_deleted = 0;     // files no surviving name reaches
};

class Model {
 public:
  // REQUIRES: backing is an existing directory the model may fill with f<ino> files.
  explicit Model(std::string backing);
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  int GetAttr(const std::string& path, struct stat* st);
  int GetAttrHandle(uint64_t handle, struct stat* st);
  int Mkdir(const std::string& path, mode_t mode);
  int Rmdir(const std::string& path);
  int Unlink(const std::string& path);
  // flags: 0 or RENAME_NOREPLACE.
  int Rename(const std::string& from, const std::string& to, unsigned flags);
  int ReadDir(const std::string& path, std::vector<std::string>* names);
  int ReadDirHandle(uint64_t handle, std::vector<std::string>* names);

  // Open a file (creating it with O_CREAT), or a directory (OpenDir); *handle names it
  // until Release.
  int Open(const std::string& path, int flags, mode_t mode, uint64_t* handle);
  int OpenDir(const std::string& path, uint64_t* handle);
  void Release(uint64_t handle);

  int Read(uint64_t handle, char* buf, size_t n, uint64_t offset);
  int Write(uint64_t handle, const char* buf, size_t n, uint64_t offset);
  int Truncate(const std::string& path, uint64_t size);
  int TruncateHandle(uint64_t handle, uint64_t size);
  int Fallocate(uint64_t handle, int mode, uint64_t offset, uint64_t length);
  int Fsync(uint64_t handle);
  int FsyncDir(uint64_t handle);

  // After power is cut every change fails with EIO (reads still work) until PowerLoss.
  void Freeze() { frozen_ = true; }
  bool frozen() const { return frozen_; }
  // What a clean unmount does: everything becomes durable.
  void SyncAll();
  // REQUIRES: no handle is open (the file system is unmounted).
  LossReport PowerLoss(LossMode mode, uint64_t seed);

  // Fails `count` operations op (0: every one from now on) on paths whose last component
  // contains name_part ("" for every path) with err, after letting `skip` of them pass.
  // A failed write, truncation or fallocation changes nothing; a failed fsync leaves the
  // changes unsynced (and a later fsync may succeed). ENOSPC faults never fail an open
  // that neither creates nor writes, as a full device still reads.
  void InjectFault(FaultOp op, std::string name_part, int err, uint64_t skip, uint64_t count);
  void ClearFaults() { faults_.clear(); }
  uint64_t faults_fired() const { return faults_fired_; }

  static constexpr uint64_t kPageSize = 4096;

  // The tree's nodes (crash_model_internal.h).
  struct Node;
  struct File;
  struct Dir;

 private:
  struct Fault {
    FaultOp op;
    std::string name_part;
    int err;
    uint64_t skip, count;
  };

  std::shared_ptr<Node> Lookup(const std::string& path, int* err) const;
  // The directory holding path's last component, and that component.
  std::shared_ptr<Dir> Parent(const std::string& path, std::string* name, int* err) const;
  std::shared_ptr<File> FileOf(uint64_t handle, int* err) const;
  // Rmdir (kDir: an empty directory) and Unlink (kNotDir: anything else).
  enum class EntryKind : uint8_t { kDir, kNotDir };
  int RemoveEntry(const std::string& path, EntryKind kind);
  void Fill(const Node& n, struct stat* st) const;
  // read_only: an operation that changes nothing (ENOSPC faults pass it by).
  int CheckFault(FaultOp op, const std::string& name, bool read_only = false);
  uint64_t NewHandle(std::shared_ptr<Node> n);
  // Records the pre-images of pages of [begin, end) that are durable and not yet saved.
  static void SavePreImages(File* f, uint64_t begin, uint64_t end);
  int DoTruncate(File* f, uint64_t size);
  static void Revert(File* f);
  void LoseFile(File* f, LossMode mode, std::mt19937_64* rnd, LossReport* r);

  const std::string backing_;
  std::shared_ptr<Dir> root_;
  uint64_t next_ino_ = 2;
  uint64_t next_handle_ = 1;
  std::map<uint64_t, std::shared_ptr<Node>> handles_;
  std::vector<Fault> faults_;
  uint64_t faults_fired_ = 0;
  bool frozen_ = false;
};

}  // namespace crashfs

#endif  // LSMDB_TESTS_CRASHFS_CRASH_MODEL_H_
