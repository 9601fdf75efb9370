// crashfs: a FUSE file system for power-loss and I/O-error tests (tests/crashfs/README.md).
//
//   crashfs BACKING MOUNTPOINT
//
// Serves the Model (crash_model.h) at MOUNTPOINT, its file bytes kept in BACKING, and
// takes commands on stdin, one per line, answering each with one line on stdout:
//   cut all|prefix|pages SEED  power is cut now: every later change fails with EIO.
//                              Answer: "frozen". Once MOUNTPOINT is unmounted (by
//                              fusermount3 -u), what survived is computed, a line
//                              "lost files=... " reports it, and the file system is
//                              mounted again ("mounted").
//   fault OP NAME ERRNO SKIP COUNT  fail COUNT (0: all) operations OP (open read write
//                              fsync rename fallocate truncate unlink) on files whose
//                              name contains NAME ("-" for any) with ERRNO (EIO or
//                              ENOSPC) after SKIP pass. Answer: "ok".
//   clear                      remove every fault. Answer: "ok FIRED" (faults fired).
// An unmount without a cut is a clean one: everything becomes durable ("clean"), and the
// file system is mounted again. At the end of stdin the daemon unmounts and exits.
#define FUSE_USE_VERSION 31
#include <fuse.h>
#include <signal.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "tests/crashfs/crash_model.h"

namespace {

using crashfs::LossMode;

std::mutex mu;  // guards model and the control state
crashfs::Model* model = nullptr;
std::string backing, mountpoint;
std::optional<std::pair<LossMode, uint64_t>> pending_cut;
bool exiting = false;

void Reply(const std::string& line) {
  static std::mutex out_mu;
  std::lock_guard<std::mutex> l(out_mu);
  std::string s = line + "\n";
  (void)!::write(STDOUT_FILENO, s.data(), s.size());
}

#define LOCKED std::lock_guard<std::mutex> lock_(mu)

int Getattr(const char* path, struct stat* st, fuse_file_info* fi) {
  LOCKED;
  if (fi != nullptr) return model->GetAttrHandle(fi->fh, st);
  return path == nullptr ? -ENOENT : model->GetAttr(path, st);
}
int Mkdir(const char* path, mode_t mode) {
  LOCKED;
  return model->Mkdir(path, mode);
}
int Rmdir(const char* path) {
  LOCKED;
  return model->Rmdir(path);
}
int Unlink(const char* path) {
  LOCKED;
  return model->Unlink(path);
}
int Rename(const char* from, const char* to, unsigned int flags) {
  LOCKED;
  return model->Rename(from, to, flags);
}
int Truncate(const char* path, off_t size, fuse_file_info* fi) {
  LOCKED;
  if (fi != nullptr) return model->TruncateHandle(fi->fh, static_cast<uint64_t>(size));
  return path == nullptr ? -ENOENT : model->Truncate(path, static_cast<uint64_t>(size));
}
int Open(const char* path, fuse_file_info* fi) {
  LOCKED;
  return model->Open(path, fi->flags, 0644, &fi->fh);
}
int Create(const char* path, mode_t mode, fuse_file_info* fi) {
  LOCKED;
  return model->Open(path, fi->flags | O_CREAT, mode, &fi->fh);
}
int Read(const char*, char* buf, size_t n, off_t off, fuse_file_info* fi) {
  LOCKED;
  return model->Read(fi->fh, buf, n, static_cast<uint64_t>(off));
}
int Write(const char*, const char* buf, size_t n, off_t off, fuse_file_info* fi) {
  LOCKED;
  return model->Write(fi->fh, buf, n, static_cast<uint64_t>(off));
}
int Fallocate(const char*, int mode, off_t off, off_t len, fuse_file_info* fi) {
  LOCKED;
  return model->Fallocate(fi->fh, mode, static_cast<uint64_t>(off), static_cast<uint64_t>(len));
}
int Fsync(const char*, int, fuse_file_info* fi) {
  LOCKED;
  return model->Fsync(fi->fh);
}
int Release(const char*, fuse_file_info* fi) {
  LOCKED;
  model->Release(fi->fh);
  return 0;
}
int Opendir(const char* path, fuse_file_info* fi) {
  LOCKED;
  return model->OpenDir(path, &fi->fh);
}
int Fsyncdir(const char*, int, fuse_file_info* fi) {
  LOCKED;
  return model->FsyncDir(fi->fh);
}
int Readdir(const char* path, void* buf, fuse_fill_dir_t filler, off_t, fuse_file_info* fi,
            fuse_readdir_flags) {
  std::vector<std::string> names;
  {
    LOCKED;
    const int e = fi != nullptr     ? model->ReadDirHandle(fi->fh, &names)
                  : path != nullptr ? model->ReadDir(path, &names)
                                    : -ENOENT;
    if (e != 0) return e;
  }
  filler(buf, ".", nullptr, 0, static_cast<fuse_fill_dir_flags>(0));
  filler(buf, "..", nullptr, 0, static_cast<fuse_fill_dir_flags>(0));
  for (const auto& n : names)
    filler(buf, n.c_str(), nullptr, 0, static_cast<fuse_fill_dir_flags>(0));
  return 0;
}
int Statfs(const char*, struct statvfs* st) {
  return ::statvfs(backing.c_str(), st) == 0 ? 0 : -errno;
}
int Ignore3(const char*, mode_t, fuse_file_info*) { return 0; }
int Utimens(const char*, const struct timespec*, fuse_file_info*) { return 0; }
int Flush(const char*, fuse_file_info*) { return 0; }

void* Init(fuse_conn_info* conn, fuse_config* cfg) {
  cfg->use_ino = 1;
  cfg->nullpath_ok = 1;
  cfg->hard_remove = 1;  // unlinked open files keep no hidden name
  cfg->direct_io = 0;    // the page cache, mmap and writeback are used
  cfg->kernel_cache = 0;
  conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;  // write() reaches the model at once
  return nullptr;
}

fuse_operations Operations() {
  fuse_operations ops = {};
  ops.getattr = Getattr;
  ops.mkdir = Mkdir;
  ops.unlink = Unlink;
  ops.rmdir = Rmdir;
  ops.rename = Rename;
  ops.chmod = Ignore3;
  ops.truncate = Truncate;
  ops.open = Open;
  ops.read = Read;
  ops.write = Write;
  ops.statfs = Statfs;
  ops.flush = Flush;
  ops.release = Release;
  ops.fsync = Fsync;
  ops.opendir = Opendir;
  ops.readdir = Readdir;
  ops.releasedir = Release;
  ops.fsyncdir = Fsyncdir;
  ops.init = Init;
  ops.create = Create;
  ops.utimens = Utimens;
  ops.fallocate = Fallocate;
  return ops;
}

// Lazily unmounts MOUNTPOINT with fusermount3 (the end of stdin: the harness is gone).
void UnmountLazily() {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execlp("fusermount3", "fusermount3", "-u", "-z", "-q", mountpoint.c_str(), nullptr);
    ::_exit(127);
  }
  if (pid > 0) ::waitpid(pid, nullptr, 0);
}

bool ParseFault(std::istringstream& in, std::string* why) {
  static const std::pair<const char*, crashfs::FaultOp> kOps[] = {
      {"open", crashfs::FaultOp::kOpen},         {"read", crashfs::FaultOp::kRead},
      {"write", crashfs::FaultOp::kWrite},       {"fsync", crashfs::FaultOp::kFsync},
      {"rename", crashfs::FaultOp::kRename},     {"fallocate", crashfs::FaultOp::kFallocate},
      {"truncate", crashfs::FaultOp::kTruncate}, {"unlink", crashfs::FaultOp::kUnlink}};
  std::string op, name, err;
  uint64_t skip = 0, count = 0;
  if (!(in >> op >> name >> err >> skip >> count)) return *why = "usage", false;
  const int e = err == "EIO" ? EIO : err == "ENOSPC" ? ENOSPC : 0;
  if (e == 0) return *why = "unknown errno " + err, false;
  for (const auto& [label, fop] : kOps) {
    if (op == label) {
      LOCKED;
      model->InjectFault(fop, name == "-" ? "" : name, e, skip, count);
      return true;
    }
  }
  return *why = "unknown op " + op, false;
}

void Control() {
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string cmd, why;
    in >> cmd;
    if (cmd == "cut") {
      std::string mode;
      uint64_t seed = 0;
      in >> mode >> seed;
      const LossMode m = mode == "prefix"  ? LossMode::kPrefix
                         : mode == "pages" ? LossMode::kPages
                                           : LossMode::kAll;
      LOCKED;
      model->Freeze();
      pending_cut = {m, seed};
      Reply("frozen");
    } else if (cmd == "fault") {
      Reply(ParseFault(in, &why) ? "ok" : "error " + why);
    } else if (cmd == "clear") {
      LOCKED;
      model->ClearFaults();
      Reply("ok " + std::to_string(model->faults_fired()));
    } else {
      Reply("error unknown command: " + line);
    }
  }
  {
    LOCKED;
    exiting = true;
  }
  UnmountLazily();
}

std::string Describe(const crashfs::LossReport& r) {
  return "lost files=" + std::to_string(r.files) + " changes=" + std::to_string(r.changes) +
         " changes_lost=" + std::to_string(r.changes_lost) +
         " pages_lost=" + std::to_string(r.pages_lost) +
         " dir_changes=" + std::to_string(r.dir_changes) +
         " dir_changes_lost=" + std::to_string(r.dir_changes_lost) +
         " files_deleted=" + std::to_string(r.files_deleted);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s BACKING MOUNTPOINT\n", argv[0]);
    return 2;
  }
  ::signal(SIGPIPE, SIG_IGN);
  backing = argv[1];
  mountpoint = argv[2];
  crashfs::Model m(backing);
  model = &m;
  const fuse_operations ops = Operations();
  std::thread(Control).detach();
  for (;;) {
    fuse_args args = FUSE_ARGS_INIT(0, nullptr);
    fuse_opt_add_arg(&args, argv[0]);
    fuse_opt_add_arg(&args, "-ofsname=crashfs,subtype=crashfs");
    fuse* f = fuse_new(&args, &ops, sizeof(ops), nullptr);
    if (f == nullptr || fuse_mount(f, mountpoint.c_str()) != 0) {
      Reply(std::string("error mount failed: ") + std::strerror(errno));
      return 1;
    }
    bool quit;
    {
      LOCKED;
      quit = exiting;
    }
    if (!quit) {
      Reply("mounted");
      fuse_loop(f);
    }
    fuse_unmount(f);
    fuse_destroy(f);
    fuse_opt_free_args(&args);
    LOCKED;
    if (quit || exiting) break;
    if (pending_cut) {
      Reply(Describe(m.PowerLoss(pending_cut->first, pending_cut->second)));
      pending_cut.reset();
    } else {
      m.SyncAll();
      Reply("clean");
    }
  }
  return 0;
}
