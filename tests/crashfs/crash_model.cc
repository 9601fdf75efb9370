#include "tests/crashfs/crash_model.h"

#include <fcntl.h>
#include <linux/falloc.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <set>
#include <utility>

#include "tests/crashfs/crash_model_internal.h"

namespace crashfs {

Model::Model(std::string backing) : backing_(std::move(backing)) {
  root_ = std::make_shared<Dir>(1, 0755, "");
}
Model::~Model() = default;

std::shared_ptr<Model::Node> Model::Lookup(const std::string& path, int* err) const {
  std::shared_ptr<Node> cur = root_;
  size_t pos = 0;
  while (pos < path.size()) {
    while (pos < path.size() && path[pos] == '/') pos++;
    if (pos == path.size()) break;
    size_t end = path.find('/', pos);
    if (end == std::string::npos) end = path.size();
    if (!cur->is_dir) {
      *err = -ENOTDIR;
      return nullptr;
    }
    auto& d = static_cast<Dir&>(*cur);
    auto it = d.live.find(path.substr(pos, end - pos));
    if (it == d.live.end()) {
      *err = -ENOENT;
      return nullptr;
    }
    cur = it->second;
    pos = end;
  }
  return cur;
}

std::shared_ptr<Model::Dir> Model::Parent(const std::string& path, std::string* name,
                                          int* err) const {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos || slash + 1 == path.size()) {
    *err = -EINVAL;
    return nullptr;
  }
  *name = path.substr(slash + 1);
  auto p = Lookup(path.substr(0, slash), err);
  if (p == nullptr) return nullptr;
  if (!p->is_dir) {
    *err = -ENOTDIR;
    return nullptr;
  }
  return std::static_pointer_cast<Dir>(p);
}

std::shared_ptr<Model::File> Model::FileOf(uint64_t handle, int* err) const {
  auto it = handles_.find(handle);
  if (it == handles_.end() || it->second->is_dir) {
    *err = -EBADF;
    return nullptr;
  }
  return std::static_pointer_cast<File>(it->second);
}

void Model::Fill(const Node& n, struct stat* st) const {
  *st = {};
  st->st_ino = n.ino;
  st->st_mtim = st->st_ctim = st->st_atim = n.mtime;
  if (n.is_dir) {
    st->st_mode = S_IFDIR | n.mode;
    st->st_nlink = 2;
    return;
  }
  const auto& f = static_cast<const File&>(n);
  st->st_mode = S_IFREG | n.mode;
  st->st_nlink = 1;
  st->st_size = static_cast<off_t>(f.Size());
  st->st_blocks = (st->st_size + 511) / 512;
  st->st_blksize = kPageSize;
}

int Model::CheckFault(FaultOp op, const std::string& name, bool read_only) {
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (it->op != op || name.find(it->name_part) == std::string::npos) continue;
    if (read_only && it->err == ENOSPC) continue;  // a full device still reads
    if (it->skip > 0) {
      it->skip--;
      continue;
    }
    const int err = it->err;
    if (it->count > 0 && --it->count == 0) faults_.erase(it);
    faults_fired_++;
    return -err;
  }
  return 0;
}

void Model::InjectFault(FaultOp op, std::string name_part, int err, uint64_t skip, uint64_t count) {
  faults_.push_back({op, std::move(name_part), err, skip, count});
}

uint64_t Model::NewHandle(std::shared_ptr<Node> n) {
  handles_[next_handle_] = std::move(n);
  return next_handle_++;
}

int Model::GetAttr(const std::string& path, struct stat* st) {
  int err = 0;
  auto n = Lookup(path, &err);
  if (n == nullptr) return err;
  Fill(*n, st);
  return 0;
}

int Model::GetAttrHandle(uint64_t handle, struct stat* st) {
  auto it = handles_.find(handle);
  if (it == handles_.end()) return -EBADF;
  Fill(*it->second, st);
  return 0;
}

int Model::Mkdir(const std::string& path, mode_t mode) {
  if (frozen_) return -EIO;
  int err = 0;
  std::string name;
  auto parent = Parent(path, &name, &err);
  if (parent == nullptr) return err;
  if (parent->live.count(name)) return -EEXIST;
  parent->Record({{name, std::make_shared<Dir>(next_ino_++, mode & 07777, name)}});
  return 0;
}

int Model::Rmdir(const std::string& path) { return RemoveEntry(path, EntryKind::kDir); }

int Model::Unlink(const std::string& path) { return RemoveEntry(path, EntryKind::kNotDir); }

int Model::RemoveEntry(const std::string& path, EntryKind kind) {
  if (frozen_) return -EIO;
  int err = 0;
  std::string name;
  auto parent = Parent(path, &name, &err);
  if (parent == nullptr) return err;
  auto it = parent->live.find(name);
  if (it == parent->live.end()) return -ENOENT;
  if (kind == EntryKind::kDir) {
    if (!it->second->is_dir) return -ENOTDIR;
    if (!static_cast<Dir&>(*it->second).live.empty()) return -ENOTEMPTY;
  } else {
    if (it->second->is_dir) return -EISDIR;
    if (int e = CheckFault(FaultOp::kUnlink, name); e != 0) return e;
  }
  parent->Record({{name, nullptr}});
  return 0;
}

int Model::Rename(const std::string& from, const std::string& to, unsigned flags) {
  if (frozen_) return -EIO;
  if (flags & ~1u) return -EINVAL;  // only RENAME_NOREPLACE
  int err = 0;
  std::string from_name, to_name;
  auto from_dir = Parent(from, &from_name, &err);
  if (from_dir == nullptr) return err;
  auto to_dir = Parent(to, &to_name, &err);
  if (to_dir == nullptr) return err;
  auto it = from_dir->live.find(from_name);
  if (it == from_dir->live.end()) return -ENOENT;
  std::shared_ptr<Node> node = it->second;
  auto old = to_dir->live.find(to_name);
  if (old != to_dir->live.end()) {
    if (old->second == node) return 0;
    if (flags & 1u) return -EEXIST;
    if (old->second->is_dir != node->is_dir) return node->is_dir ? -ENOTDIR : -EISDIR;
    if (old->second->is_dir && !static_cast<Dir&>(*old->second).live.empty()) {
      return -ENOTEMPTY;
    }
  }
  if (int e = CheckFault(FaultOp::kRename, from_name); e != 0) return e;
  if (int e = CheckFault(FaultOp::kRename, to_name); e != 0) return e;
  node->name = to_name;
  if (from_dir == to_dir) {
    from_dir->Record({{from_name, nullptr}, {to_name, node}});
  } else {
    from_dir->Record({{from_name, nullptr}});
    to_dir->Record({{to_name, node}});
  }
  return 0;
}

int Model::ReadDir(const std::string& path, std::vector<std::string>* names) {
  int err = 0;
  auto n = Lookup(path, &err);
  if (n == nullptr) return err;
  if (!n->is_dir) return -ENOTDIR;
  for (const auto& [name, node] : static_cast<Dir&>(*n).live) names->push_back(name);
  return 0;
}

int Model::ReadDirHandle(uint64_t handle, std::vector<std::string>* names) {
  auto it = handles_.find(handle);
  if (it == handles_.end() || !it->second->is_dir) return -EBADF;
  for (const auto& [name, node] : static_cast<Dir&>(*it->second).live) names->push_back(name);
  return 0;
}

int Model::Open(const std::string& path, int flags, mode_t mode, uint64_t* handle) {
  int err = 0;
  std::string name;
  auto parent = Parent(path, &name, &err);
  if (parent == nullptr) return path == "/" ? -EISDIR : err;
  auto it = parent->live.find(name);
  if (it != parent->live.end() && it->second->is_dir) return -EISDIR;
  const bool writes = (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
  if (frozen_ && (writes || it == parent->live.end())) return -EIO;
  const bool creates = it == parent->live.end();
  if (int e = CheckFault(FaultOp::kOpen, name, !writes && !creates); e != 0) return e;
  std::shared_ptr<File> f;
  if (it == parent->live.end()) {
    if (!(flags & O_CREAT)) return -ENOENT;
    const uint64_t ino = next_ino_++;
    std::string backing = backing_ + "/f" + std::to_string(ino);
    const int fd = ::open(backing.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return -errno;
    f = std::make_shared<File>(ino, mode & 07777, name, std::move(backing), fd);
    parent->Record({{name, f}});
  } else {
    if ((flags & O_CREAT) && (flags & O_EXCL)) return -EEXIST;
    f = std::static_pointer_cast<File>(it->second);
    if (flags & O_TRUNC) {
      if (int e = DoTruncate(f.get(), 0); e != 0) return e;
    }
  }
  *handle = NewHandle(f);
  return 0;
}

int Model::OpenDir(const std::string& path, uint64_t* handle) {
  int err = 0;
  auto n = Lookup(path, &err);
  if (n == nullptr) return err;
  if (!n->is_dir) return -ENOTDIR;
  *handle = NewHandle(n);
  return 0;
}

void Model::Release(uint64_t handle) { handles_.erase(handle); }

int Model::Read(uint64_t handle, char* buf, size_t n, uint64_t offset) {
  int err = 0;
  auto f = FileOf(handle, &err);
  if (f == nullptr) return err;
  if (int e = CheckFault(FaultOp::kRead, f->name, /*read_only=*/true); e != 0) return e;
  const ssize_t r = ::pread(f->fd, buf, n, static_cast<off_t>(offset));
  return r < 0 ? -errno : static_cast<int>(r);
}

void Model::SavePreImages(File* f, uint64_t begin, uint64_t end) {
  end = std::min(end, f->durable_size);
  for (uint64_t p = begin / kPageSize; p * kPageSize < end; p++) {
    if (f->pre_images.count(p)) continue;
    const uint64_t len = std::min(kPageSize, f->durable_size - p * kPageSize);
    std::string bytes(len, '\0');
    const ssize_t r = ::pread(f->fd, bytes.data(), len, static_cast<off_t>(p * kPageSize));
    bytes.resize(r < 0 ? 0 : static_cast<size_t>(r));
    bytes.resize(len, '\0');  // beyond the live size (shrunk since): zeros, as restored
    f->pre_images.emplace(p, std::move(bytes));
  }
}

int Model::Write(uint64_t handle, const char* buf, size_t n, uint64_t offset) {
  if (frozen_) return -EIO;
  int err = 0;
  auto f = FileOf(handle, &err);
  if (f == nullptr) return err;
  if (int e = CheckFault(FaultOp::kWrite, f->name); e != 0) return e;
  SavePreImages(f.get(), offset, offset + n);
  const ssize_t r = ::pwrite(f->fd, buf, n, static_cast<off_t>(offset));
  if (r < 0) return -errno;
  f->changes.push_back({Change::kWrite, offset, 0, 0, std::string(buf, static_cast<size_t>(r))});
  clock_gettime(CLOCK_REALTIME, &f->mtime);
  return static_cast<int>(r);
}

int Model::DoTruncate(File* f, uint64_t size) {
  if (frozen_) return -EIO;
  if (int e = CheckFault(FaultOp::kTruncate, f->name); e != 0) return e;
  const uint64_t cur = f->Size();
  SavePreImages(f, std::min(size, cur), std::max(size, cur));
  if (::ftruncate(f->fd, static_cast<off_t>(size)) != 0) return -errno;
  f->changes.push_back({Change::kTruncate, size, 0, 0, {}});
  clock_gettime(CLOCK_REALTIME, &f->mtime);
  return 0;
}

int Model::Truncate(const std::string& path, uint64_t size) {
  int err = 0;
  auto n = Lookup(path, &err);
  if (n == nullptr) return err;
  if (n->is_dir) return -EISDIR;
  return DoTruncate(static_cast<File*>(n.get()), size);
}

int Model::TruncateHandle(uint64_t handle, uint64_t size) {
  int err = 0;
  auto f = FileOf(handle, &err);
  return f == nullptr ? err : DoTruncate(f.get(), size);
}

int Model::Fallocate(uint64_t handle, int mode, uint64_t offset, uint64_t length) {
  if (frozen_) return -EIO;
  int err = 0;
  auto f = FileOf(handle, &err);
  if (f == nullptr) return err;
  if (mode != 0 && mode != FALLOC_FL_KEEP_SIZE) return -EOPNOTSUPP;
  if (int e = CheckFault(FaultOp::kFallocate, f->name); e != 0) return e;
  if (::fallocate(f->fd, mode, static_cast<off_t>(offset), static_cast<off_t>(length)) != 0) {
    return -errno;
  }
  f->changes.push_back({Change::kFallocate, offset, length, mode, {}});
  return 0;
}

int Model::Fsync(uint64_t handle) {
  if (frozen_) return -EIO;
  int err = 0;
  auto f = FileOf(handle, &err);
  if (f == nullptr) return err;
  if (int e = CheckFault(FaultOp::kFsync, f->name); e != 0) return e;
  f->durable_size = f->Size();
  f->pre_images.clear();
  f->changes.clear();
  return 0;
}

int Model::FsyncDir(uint64_t handle) {
  if (frozen_) return -EIO;
  auto it = handles_.find(handle);
  if (it == handles_.end() || !it->second->is_dir) return -EBADF;
  auto& d = static_cast<Dir&>(*it->second);
  if (int e = CheckFault(FaultOp::kFsync, d.name); e != 0) return e;
  d.durable = d.live;
  d.changes.clear();
  return 0;
}

}  // namespace crashfs
