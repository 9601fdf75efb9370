#include "tests/crashfs/crashfs_harness.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#ifndef CRASHFS_DAEMON_PATH
#define CRASHFS_DAEMON_PATH ""
#endif

namespace crashfs {
namespace {

constexpr int kReplyTimeoutMs = 120 * 1000;

// Runs argv to completion; its exit status, or -1.
int Run(const char* const* argv) {
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) ::dup2(null, STDERR_FILENO);
    ::execvp(argv[0], const_cast<char* const*>(argv));
    ::_exit(127);
  }
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  size_t pos = 0;
  while (pos <= dirs.size()) {
    size_t end = dirs.find(':', pos);
    if (end == std::string::npos) end = dirs.size();
    if (::access((dirs.substr(pos, end - pos) + "/" + program).c_str(), X_OK) == 0) return true;
    pos = end + 1;
  }
  return false;
}

}  // namespace

std::unique_ptr<CrashFs> CrashFs::Start(std::string* why) {
  const char* override_path = std::getenv("LSMDB_CRASHFS_DAEMON");
  const std::string daemon =
      override_path != nullptr && *override_path ? override_path : CRASHFS_DAEMON_PATH;
  if (daemon.empty()) {
    *why = "crashfs was not built: pkg-config found no fuse3 (install libfuse3-dev, fuse3)";
    return nullptr;
  }
  if (::access("/dev/fuse", R_OK | W_OK) != 0) {
    *why = std::string("/dev/fuse is not usable here: ") + std::strerror(errno);
    return nullptr;
  }
  if (!OnPath("fusermount3")) {
    *why = "fusermount3 is not on PATH (install fuse3)";
    return nullptr;
  }
  std::unique_ptr<CrashFs> fs(new CrashFs());
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp != nullptr && *tmp ? tmp : "/tmp") + "/crashfs_XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) {
    *why = "mkdtemp failed";
    return nullptr;
  }
  fs->dir_ = tmpl;
  fs->backing_ = tmpl + "/backing";
  fs->mount_ = tmpl + "/mnt";
  ::mkdir(fs->backing_.c_str(), 0700);
  ::mkdir(fs->mount_.c_str(), 0700);
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) {
    *why = "pipe failed";
    return nullptr;
  }
  fs->pid_ = ::fork();
  if (fs->pid_ == 0) {
    ::dup2(in[0], STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    ::execl(daemon.c_str(), daemon.c_str(), fs->backing_.c_str(), fs->mount_.c_str(), nullptr);
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  fs->to_daemon_ = in[1];
  fs->from_daemon_ = out[0];
  std::string line, error;
  if (fs->pid_ < 0 || !fs->ReadLine(&line, kReplyTimeoutMs, &error) || line != "mounted") {
    *why = "crashfs could not mount (" + (error.empty() ? line : error) +
           "): FUSE mounts are not permitted here";
    return nullptr;
  }
  fs->mounted_ = true;
  return fs;
}

CrashFs::~CrashFs() {
  std::string error;
  if (mounted_) Unmount(/*lazy=*/false, &error) || Unmount(/*lazy=*/true, &error);
  if (to_daemon_ >= 0) ::close(to_daemon_);  // the daemon unmounts and exits at EOF
  if (pid_ > 0) {
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    // A killed daemon leaves a dead mount behind: detach it.
    const char* argv[] = {"fusermount3", "-u", "-z", "-q", mount_.c_str(), nullptr};
    Run(argv);
  }
  if (from_daemon_ >= 0) ::close(from_daemon_);
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

bool CrashFs::ReadLine(std::string* line, int timeout_ms, std::string* error) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    const size_t nl = buffered_.find('\n');
    if (nl != std::string::npos) {
      *line = buffered_.substr(0, nl);
      buffered_.erase(0, nl + 1);
      return true;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return *error = "no answer from crashfs", false;
    pollfd p = {from_daemon_, POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    char buf[512];
    const ssize_t n = ::read(from_daemon_, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return *error = "crashfs exited", false;
    buffered_.append(buf, static_cast<size_t>(n));
  }
}

bool CrashFs::Command(const std::string& line, std::string* answer, std::string* error) {
  const std::string s = line + "\n";
  if (::write(to_daemon_, s.data(), s.size()) != static_cast<ssize_t>(s.size())) {
    return *error = "cannot write to crashfs", false;
  }
  if (!ReadLine(answer, kReplyTimeoutMs, error)) return false;
  if (answer->rfind("error", 0) == 0) return *error = *answer, false;
  return true;
}

bool CrashFs::Cut(const std::string& mode, uint64_t seed, std::string* error) {
  std::string answer;
  if (!Command("cut " + mode + " " + std::to_string(seed), &answer, error)) return false;
  if (answer != "frozen") return *error = "cut: " + answer, false;
  return true;
}

bool CrashFs::Unmount(bool lazy, std::string* error) {
  const char* argv[] = {"fusermount3", "-u", lazy ? "-z" : "-q", mount_.c_str(), nullptr};
  if (Run(argv) != 0) return *error = "fusermount3 -u " + mount_ + " failed", false;
  mounted_ = false;
  return true;
}

bool CrashFs::Remount(std::string* report, std::string* error) {
  if (!Unmount(/*lazy=*/false, error)) return false;
  if (!ReadLine(report, kReplyTimeoutMs, error)) return false;
  std::string line;
  if (!ReadLine(&line, kReplyTimeoutMs, error)) return false;
  if (line != "mounted") return *error = "remount: " + line, false;
  mounted_ = true;
  return true;
}

}  // namespace crashfs
