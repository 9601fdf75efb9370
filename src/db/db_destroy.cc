// DestroyDB (RepairDB is in repair.cc).
#include "db/options_check.h"
#include "lsmdb/db.h"
#include "version/filename.h"

namespace lsmdb {

Status DestroyDB(const std::string& path, const Options& raw_options) {
  Options options = SanitizeOptions(raw_options);
  FileSystem* fs = options.file_system.get();
  std::vector<std::string> names;
  if (!fs->GetChildren(path, &names).ok()) return Status::OK();  // nothing to destroy
  std::unique_ptr<FileLock> lock;
  Status s = fs->LockFile(LockFileName(path), &lock);
  if (!s.ok()) return s;
  for (const auto& name : names) {
    uint64_t number;
    FileType type;
    if (ParseFileName(name, &number, &type) && type != FileType::kLockFile) {
      Status r = fs->RemoveFile(path + "/" + name);
      if (s.ok() && !r.ok() && !r.IsNotFound()) s = r;
    }
  }
  lock.reset();
  fs->RemoveFile(LockFileName(path)).PermitUncheckedError();
  fs->RemoveDir(path).PermitUncheckedError();  // fails if foreign files remain: keep them
  return s;
}

}  // namespace lsmdb
