// GatedFileSystem: forwards to another FileSystem, except that creating a table file
// (<n>.sst) waits while the gate is held, and fails once the gate is released with
// fail_tables. A test holds flushes this way so that several logs stay needed, then
// makes the held flush fail and closes the database, leaving those logs live.
//
// Thread-safety: safe for concurrent use.
#ifndef LSMDB_TESTS_UTIL_GATED_FILE_SYSTEM_H_
#define LSMDB_TESTS_UTIL_GATED_FILE_SYSTEM_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "lsmdb/file_system.h"

namespace lsmdb::test {

class GatedFileSystem final : public FileSystem {
 public:
  explicit GatedFileSystem(std::shared_ptr<FileSystem> base) : base_(std::move(base)) {}

  // Table creation waits from now on.
  void Hold() {
    std::lock_guard<std::mutex> l(mu_);
    held_ = true;
  }
  // Lets waiting and later table creations go on, failing them with IOError if
  // fail_tables.
  void Release(bool fail_tables) {
    std::lock_guard<std::mutex> l(mu_);
    held_ = false;
    fail_tables_ = fail_tables;
    cv_.notify_all();
  }

  Status NewWritableFile(const std::string& p, std::unique_ptr<WritableFile>* r) override {
    if (p.ends_with(".sst")) {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [&] { return !held_; });
      if (fail_tables_) return Status::IOError(p, "table creation failed by the test");
    }
    return base_->NewWritableFile(p, r);
  }
  Status NewWalFile(const std::string& p, std::unique_ptr<WritableFile>* r) override {
    return base_->NewWalFile(p, r);
  }
  Status NewSequentialFile(const std::string& p, std::unique_ptr<SequentialFile>* r) override {
    return base_->NewSequentialFile(p, r);
  }
  Status NewRandomAccessFile(const std::string& p, std::unique_ptr<RandomAccessFile>* r) override {
    return base_->NewRandomAccessFile(p, r);
  }
  bool FileExists(const std::string& p) override { return base_->FileExists(p); }
  Status GetChildren(const std::string& d, std::vector<std::string>* n) override {
    return base_->GetChildren(d, n);
  }
  Status RemoveFile(const std::string& p) override { return base_->RemoveFile(p); }
  Status CreateDirIfMissing(const std::string& d) override { return base_->CreateDirIfMissing(d); }
  Status RemoveDir(const std::string& d) override { return base_->RemoveDir(d); }
  Status GetFileSize(const std::string& p, uint64_t* s) override {
    return base_->GetFileSize(p, s);
  }
  Status RenameFile(const std::string& s, const std::string& d) override {
    return base_->RenameFile(s, d);
  }
  Status SyncDir(const std::string& d) override { return base_->SyncDir(d); }
  Status LockFile(const std::string& p, std::unique_ptr<FileLock>* l) override {
    return base_->LockFile(p, l);
  }

 private:
  const std::shared_ptr<FileSystem> base_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool held_ = false;
  bool fail_tables_ = false;
};

}  // namespace lsmdb::test

#endif  // LSMDB_TESTS_UTIL_GATED_FILE_SYSTEM_H_
