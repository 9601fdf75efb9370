#include "io/mem_file_system.h"

#include <algorithm>
#include <cstring>

namespace lsmdb {

struct MemFileSystem::Node {
  std::string data;
  size_t synced = 0;
};

namespace {

std::string Normalize(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

}  // namespace

// One class serves reading (sequential and random) and writing; each holds the node
// alive, so a removed or replaced file stays readable by those that opened it (POSIX
// semantics).
class MemFile final : public SequentialFile, public RandomAccessFile, public WritableFile {
 public:
  MemFile(MemFileSystem* fs, std::string path, std::shared_ptr<MemFileSystem::Node> node)
      : fs_(fs), path_(std::move(path)), node_(std::move(node)) {}

  Status Read(size_t n, std::string_view* result, char* scratch) override {
    Status s = Read(pos_, n, result, scratch);
    if (s.ok()) pos_ += result->size();
    return s;
  }
  Status Skip(uint64_t n) override {
    MutexLock l(&fs_->mu_);
    pos_ = std::min<uint64_t>(pos_ + n, node_->data.size());
    return Status::OK();
  }
  Status Read(uint64_t offset, size_t n, std::string_view* result, char* scratch) const override {
    MutexLock l(&fs_->mu_);
    std::optional<FaultKind> flip;
    Status s = fs_->Check(MemFileSystem::Op::kRead, path_, &flip);
    if (!s.ok()) return s;
    const std::string& d = node_->data;
    if (offset >= d.size()) {
      *result = {};
      return Status::OK();
    }
    size_t len = std::min<uint64_t>(n, d.size() - offset);
    std::memcpy(scratch, d.data() + offset, len);
    // A flipped bit damages the copy handed out, never the stored bytes.
    if (flip) fs_->faults_.FlipBit(scratch, len);
    *result = std::string_view(scratch, len);
    return Status::OK();
  }
  Status Append(std::string_view data) override {
    MutexLock l(&fs_->mu_);
    std::optional<FaultKind> short_write;
    Status s = fs_->Check(MemFileSystem::Op::kAppend, path_, &short_write);
    if (!s.ok()) return s;
    if (short_write) {
      node_->data.append(data.substr(0, data.size() / 2));
      return FaultInjector::ErrorFor(*short_write, MemFileSystem::Op::kAppend, path_);
    }
    node_->data.append(data);
    return Status::OK();
  }
  Status Flush() override { return Status::OK(); }
  Status Sync() override {
    MutexLock l(&fs_->mu_);
    Status s = fs_->Check(MemFileSystem::Op::kSync, path_);
    if (!s.ok()) return s;
    node_->synced = node_->data.size();
    return Status::OK();
  }
  Status Close() override { return Status::OK(); }
  uint64_t Size() const override {
    MutexLock l(&fs_->mu_);
    return node_->data.size();
  }

 private:
  MemFileSystem* const fs_;
  const std::string path_;
  std::shared_ptr<MemFileSystem::Node> node_;
  uint64_t pos_ = 0;
};

class MemLock final : public FileLock {
 public:
  MemLock(MemFileSystem* fs, std::string path) : fs_(fs), path_(std::move(path)) {}
  ~MemLock() override {
    MutexLock l(&fs_->mu_);
    fs_->locks_.erase(path_);
  }

 private:
  MemFileSystem* const fs_;
  const std::string path_;
};

MemFileSystem::MemFileSystem() {
  MutexLock l(&mu_);
  dirs_.insert("/");
}
MemFileSystem::~MemFileSystem() = default;

std::string MemFileSystem::Parent(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status MemFileSystem::Check(Op op, const std::string& path, std::optional<FaultKind>* deferred) {
  if (frozen_) return Status::IOError(path, "file system frozen after a simulated power loss");
  if (hook_) {
    Status s = hook_(op, path);
    if (!s.ok()) return s;
  }
  std::optional<FaultKind> fault = faults_.Next(op, path);
  if (!fault) return Status::OK();
  if (*fault == FaultKind::kShortWrite || *fault == FaultKind::kBitFlip) {
    // Add() allows these only on kAppend and kRead, whose callers pass deferred.
    if (deferred != nullptr) {
      *deferred = fault;
      return Status::OK();
    }
  }
  return FaultInjector::ErrorFor(*fault, op, path);
}

// The node of an existing file, for opening it to read.
Status MemFileSystem::OpenForRead(const std::string& path, std::shared_ptr<Node>* node) {
  MutexLock l(&mu_);
  Status s = Check(Op::kOpen, path);
  if (!s.ok()) return s;
  auto it = files_.find(path);
  if (it == files_.end()) return Status::NotFound(path, "no such file");
  *node = it->second;
  return Status::OK();
}

Status MemFileSystem::NewSequentialFile(const std::string& p,
                                        std::unique_ptr<SequentialFile>* result) {
  std::string path = Normalize(p);
  std::shared_ptr<Node> node;
  Status s = OpenForRead(path, &node);
  if (s.ok()) *result = std::make_unique<MemFile>(this, path, std::move(node));
  return s;
}

Status MemFileSystem::NewRandomAccessFile(const std::string& p,
                                          std::unique_ptr<RandomAccessFile>* result) {
  std::string path = Normalize(p);
  std::shared_ptr<Node> node;
  Status s = OpenForRead(path, &node);
  if (s.ok()) *result = std::make_unique<MemFile>(this, path, std::move(node));
  return s;
}

Status MemFileSystem::NewWritableFile(const std::string& p, std::unique_ptr<WritableFile>* result) {
  std::string path = Normalize(p);
  MutexLock l(&mu_);
  Status s = Check(Op::kCreate, path);
  if (!s.ok()) return s;
  if (dirs_.count(Parent(path)) == 0) return Status::NotFound(path, "no such directory");
  // A new inode: readers of the old file keep the old bytes.
  auto node = std::make_shared<Node>();
  files_[path] = node;
  *result = std::make_unique<MemFile>(this, path, node);
  return Status::OK();
}

bool MemFileSystem::FileExists(const std::string& p) {
  std::string path = Normalize(p);
  MutexLock l(&mu_);
  return files_.count(path) > 0 || dirs_.count(path) > 0;
}

Status MemFileSystem::GetChildren(const std::string& d, std::vector<std::string>* names) {
  std::string dir = Normalize(d);
  MutexLock l(&mu_);
  names->clear();
  if (dirs_.count(dir) == 0) return Status::NotFound(dir, "no such directory");
  for (const auto& [path, node] : files_) {
    if (Parent(path) == dir) names->push_back(path.substr(path.rfind('/') + 1));
  }
  for (const auto& sub : dirs_) {
    if (sub != dir && Parent(sub) == dir) names->push_back(sub.substr(sub.rfind('/') + 1));
  }
  return Status::OK();
}

Status MemFileSystem::RemoveFile(const std::string& p) {
  std::string path = Normalize(p);
  MutexLock l(&mu_);
  Status s = Check(Op::kRemove, path);
  if (!s.ok()) return s;
  if (files_.erase(path) == 0) return Status::NotFound(path, "no such file");
  return Status::OK();
}

Status MemFileSystem::CreateDirIfMissing(const std::string& d) {
  std::string dir = Normalize(d);
  MutexLock l(&mu_);
  Status s = Check(Op::kCreate, dir);
  if (!s.ok()) return s;
  if (files_.count(dir) > 0) return Status::IOError(dir, "exists and is not a directory");
  if (dirs_.count(Parent(dir)) == 0 && Parent(dir) != ".") {
    return Status::NotFound(dir, "no such parent directory");
  }
  dirs_.insert(dir);
  return Status::OK();
}

Status MemFileSystem::RemoveDir(const std::string& d) {
  std::string dir = Normalize(d);
  MutexLock l(&mu_);
  Status s = Check(Op::kRemove, dir);
  if (!s.ok()) return s;
  for (const auto& [path, node] : files_) {
    if (Parent(path) == dir) return Status::IOError(dir, "directory not empty");
  }
  if (dirs_.erase(dir) == 0) return Status::NotFound(dir, "no such directory");
  return Status::OK();
}

Status MemFileSystem::GetFileSize(const std::string& p, uint64_t* size) {
  std::string path = Normalize(p);
  MutexLock l(&mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return Status::NotFound(path, "no such file");
  *size = it->second->data.size();
  return Status::OK();
}

Status MemFileSystem::RenameFile(const std::string& s1, const std::string& d1) {
  std::string src = Normalize(s1), dst = Normalize(d1);
  MutexLock l(&mu_);
  Status s = Check(Op::kRename, src);
  if (!s.ok()) return s;
  if (dirs_.count(src) > 0) return RenameDir(src, dst);
  auto it = files_.find(src);
  if (it == files_.end()) return Status::NotFound(src, "no such file");
  auto node = it->second;
  files_.erase(it);
  files_[dst] = std::move(node);
  return Status::OK();
}

Status MemFileSystem::RenameDir(const std::string& src, const std::string& dst) {
  if (files_.count(dst) > 0) return Status::IOError(dst, "exists and is not a directory");
  if (dirs_.count(Parent(dst)) == 0 && Parent(dst) != ".") {
    return Status::NotFound(dst, "no such parent directory");
  }
  if (dst.starts_with(src + "/")) return Status::InvalidArgument(dst, "is inside " + src);
  const std::string from = src + "/", to = dst + "/";
  auto under = [&](const std::string& path) { return path.starts_with(to); };
  if (std::any_of(files_.begin(), files_.end(), [&](const auto& f) { return under(f.first); }) ||
      std::any_of(dirs_.begin(), dirs_.end(), under)) {
    return Status::IOError(dst, "directory not empty");
  }
  auto move = [&](auto* map) {
    for (auto it = map->begin(); it != map->end();) {
      if (!it->first.starts_with(from)) {
        ++it;
        continue;
      }
      auto node = it->second;
      const std::string path = to + it->first.substr(from.size());
      it = map->erase(it);
      (*map)[path] = std::move(node);
    }
  };
  move(&files_);
  move(&durable_files_);
  std::set<std::string> dirs;
  for (const auto& d : dirs_) {
    if (d == src) {
      dirs.insert(dst);
    } else if (d.starts_with(from)) {
      dirs.insert(to + d.substr(from.size()));
    } else {
      dirs.insert(d);
    }
  }
  dirs_ = std::move(dirs);
  return Status::OK();
}

Status MemFileSystem::LinkFile(const std::string& s1, const std::string& d1) {
  std::string src = Normalize(s1), dst = Normalize(d1);
  MutexLock l(&mu_);
  Status s = Check(Op::kCreate, dst);
  if (!s.ok()) return s;
  auto it = files_.find(src);
  if (it == files_.end()) return Status::NotFound(src, "no such file");
  if (files_.count(dst) > 0 || dirs_.count(dst) > 0) return Status::IOError(dst, "exists");
  if (dirs_.count(Parent(dst)) == 0) return Status::NotFound(dst, "no such directory");
  files_[dst] = it->second;
  return Status::OK();
}

Status MemFileSystem::SyncDir(const std::string& d) {
  std::string dir = Normalize(d);
  MutexLock l(&mu_);
  Status s = Check(Op::kSyncDir, dir);
  if (!s.ok()) return s;
  for (auto it = durable_files_.begin(); it != durable_files_.end();) {
    it = Parent(it->first) == dir ? durable_files_.erase(it) : std::next(it);
  }
  for (const auto& [path, node] : files_) {
    if (Parent(path) == dir) durable_files_[path] = node;
  }
  return Status::OK();
}

Status MemFileSystem::LockFile(const std::string& p, std::unique_ptr<FileLock>* lock) {
  std::string path = Normalize(p);
  MutexLock l(&mu_);
  if (locks_.count(path) > 0) {
    return Status::IOError(path, "the database is locked: another DB handle has it open");
  }
  if (files_.count(path) == 0) files_[path] = std::make_shared<Node>();
  locks_.insert(path);
  *lock = std::make_unique<MemLock>(this, path);
  return Status::OK();
}

void MemFileSystem::SimulatePowerLoss(Random* rnd) {
  MutexLock l(&mu_);
  // Directories themselves are treated as durable once created (the tests create the
  // database directory before any crash point).
  files_ = durable_files_;
  for (auto& [path, node] : files_) {
    size_t keep = node->synced;
    if (rnd != nullptr && node->data.size() > node->synced) {
      keep += rnd->Uniform(node->data.size() - node->synced + 1);
    }
    // Replace the node so that writers still holding the old one cannot change it.
    auto fresh = std::make_shared<Node>();
    fresh->data = node->data.substr(0, keep);
    fresh->synced = fresh->data.size();
    node = fresh;
  }
  durable_files_ = files_;
  locks_.clear();
  frozen_ = true;
}

void MemFileSystem::Thaw() {
  MutexLock l(&mu_);
  frozen_ = false;
}

void MemFileSystem::SetFaultHook(FaultHook hook) {
  MutexLock l(&mu_);
  hook_ = std::move(hook);
}

Status MemFileSystem::InjectFault(const Fault& fault) {
  MutexLock l(&mu_);
  return faults_.Add(fault);
}

void MemFileSystem::ClearFaults() {
  MutexLock l(&mu_);
  faults_.Clear();
}

uint64_t MemFileSystem::FaultsInjected() {
  MutexLock l(&mu_);
  return faults_.injected();
}

Status MemFileSystem::ReadFileToString(const std::string& p, std::string* data) {
  std::string path = Normalize(p);
  MutexLock l(&mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return Status::NotFound(path, "no such file");
  *data = it->second->data;
  return Status::OK();
}

Status MemFileSystem::WriteStringToFile(const std::string& p, std::string_view data) {
  std::string path = Normalize(p);
  MutexLock l(&mu_);
  auto node = std::make_shared<Node>();
  node->data.assign(data);
  node->synced = node->data.size();
  files_[path] = node;
  durable_files_[path] = node;
  return Status::OK();
}

std::shared_ptr<FileSystem> NewMemFileSystem() { return std::make_shared<MemFileSystem>(); }

}  // namespace lsmdb
