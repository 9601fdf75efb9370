#include "tests/cli/cli_runner.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace lsmdb::test {

namespace {

using Clock = std::chrono::steady_clock;

// The environment of a child: ours, minus the variables the CLI reads, plus overrides.
std::vector<std::string> ChildEnv(const std::vector<std::string>& overrides) {
  std::vector<std::string> settings = {"LSMDB_PATH", "NO_COLOR", "TERM=dumb", "HOME=/nonexistent",
                                       "LANG",       "LC_ALL",   "LC_CTYPE"};
  settings.insert(settings.end(), overrides.begin(), overrides.end());
  auto name_of = [](const std::string& s) { return s.substr(0, s.find('=')); };
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    bool overridden = false;
    for (const std::string& s : settings) overridden |= name_of(s) == name_of(entry);
    if (!overridden) env.push_back(entry);
  }
  // The last setting of a name wins.
  for (size_t i = 0; i < settings.size(); ++i) {
    bool later = false;
    for (size_t j = i + 1; j < settings.size(); ++j)
      later |= name_of(settings[j]) == name_of(settings[i]);
    if (!later && settings[i].find('=') != std::string::npos) env.push_back(settings[i]);
  }
  return env;
}

// Builds argv/envp in the parent (no allocation after fork) and execs in the child.
struct ExecArgs {
  ExecArgs(const std::vector<std::string>& args, const std::vector<std::string>& env)
      : args_(args), env_(ChildEnv(env)) {
    // $LSMDB_TEST_CLI runs another build of the tool (to see a test fail without a fix).
    const char* other = std::getenv("LSMDB_TEST_CLI");
    args_.insert(args_.begin(), other != nullptr && *other != '\0' ? other : LSMDB_CLI_PATH);
    for (std::string& a : args_) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (std::string& e : env_) envp.push_back(e.data());
    envp.push_back(nullptr);
  }
  [[noreturn]] void Exec() {
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  std::vector<std::string> args_, env_;
  std::vector<char*> argv, envp;
};

int RemainingMs(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

int DecodeStatus(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

int WaitFor(pid_t pid, int timeout_ms) {
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return DecodeStatus(status);
    if (r < 0) return -1;
    if (RemainingMs(deadline) == 0) {
      ADD_FAILURE() << "lsmdb did not exit in " << timeout_ms << " ms; killing it";
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    usleep(2000);
  }
}

}  // namespace

CliResult RunCli(const std::vector<std::string>& args, std::string_view input,
                 const std::vector<std::string>& env, int timeout_ms, const std::string& cwd) {
  CliResult result;
  int in[2], out[2], err[2];
  if (pipe(in) != 0 || pipe(out) != 0 || pipe(err) != 0) {
    ADD_FAILURE() << "pipe: " << std::strerror(errno);
    return result;
  }
  ExecArgs exec_args(args, env);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) close(fd);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
    exec_args.Exec();
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  signal(SIGPIPE, SIG_IGN);  // the child may exit before reading all its input
  fcntl(in[1], F_SETFL, O_NONBLOCK);

  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  size_t written = 0;
  int in_fd = in[1];
  if (input.empty()) {
    close(in_fd);
    in_fd = -1;
  }
  int out_fd = out[0], err_fd = err[0];
  char buf[65536];
  while (out_fd >= 0 || err_fd >= 0) {
    pollfd fds[3] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}, {in_fd, POLLOUT, 0}};
    const int timeout = RemainingMs(deadline);
    if (timeout == 0 || poll(fds, 3, timeout) < 0) {
      if (errno == EINTR) continue;
      ADD_FAILURE() << "lsmdb timed out";
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = read(fds[i].fd, buf, sizeof(buf));
      if (n > 0) {
        (i == 0 ? result.out : result.err).append(buf, static_cast<size_t>(n));
      } else {
        close(fds[i].fd);
        (i == 0 ? out_fd : err_fd) = -1;
      }
    }
    if (in_fd >= 0 && fds[2].revents != 0) {
      const ssize_t n = write(in_fd, input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if (n < 0 && errno != EAGAIN) written = input.size();  // the child closed its input
      if (written == input.size()) {
        close(in_fd);
        in_fd = -1;
      }
    }
  }
  for (int fd : {in_fd, out_fd, err_fd}) {
    if (fd >= 0) close(fd);
  }
  result.exit_code = WaitFor(pid, std::max(RemainingMs(deadline), 1000));
  return result;
}

CliProcess CliProcess::NewPiped(const std::vector<std::string>& args,
                                const std::vector<std::string>& env) {
  CliProcess p;
  int in[2], out[2];
  if (pipe(in) != 0 || pipe(out) != 0) return p;
  ExecArgs exec_args(args, env);
  p.pid_ = fork();
  if (p.pid_ == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(out[1], 2);
    for (int fd : {in[0], in[1], out[0], out[1]}) close(fd);
    exec_args.Exec();
  }
  close(in[0]);
  close(out[1]);
  p.in_fd_ = in[1];
  p.out_fd_ = out[0];
  signal(SIGPIPE, SIG_IGN);
  return p;
}

CliProcess CliProcess::NewPty(const std::vector<std::string>& args,
                              const std::vector<std::string>& env) {
  CliProcess p;
  ExecArgs exec_args(args, env);
  winsize size{};
  size.ws_row = 24;
  size.ws_col = 80;
  int master = -1;
  p.pid_ = forkpty(&master, nullptr, nullptr, &size);
  if (p.pid_ == 0) exec_args.Exec();
  p.in_fd_ = master;
  return p;
}

CliProcess::CliProcess(CliProcess&& other) noexcept
    : pid_(other.pid_),
      in_fd_(other.in_fd_),
      out_fd_(other.out_fd_),
      pending_(std::move(other.pending_)) {
  other.pid_ = -1;
  other.in_fd_ = other.out_fd_ = -1;
}

CliProcess::~CliProcess() {
  if (in_fd_ >= 0) close(in_fd_);
  if (out_fd_ >= 0) close(out_fd_);
  if (pid_ > 0) {
    int status;
    if (waitpid(pid_, &status, WNOHANG) == 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
  }
}

bool CliProcess::Write(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = write(in_fd_, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool CliProcess::ReadUntil(std::string_view needle, std::string* seen, int timeout_ms) {
  const int fd = out_fd_ >= 0 ? out_fd_ : in_fd_;
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[4096];
  while (true) {
    const size_t at = pending_.find(needle);
    if (at != std::string::npos) {
      if (seen != nullptr) *seen = pending_.substr(0, at + needle.size());
      pending_.erase(0, at + needle.size());
      return true;
    }
    pollfd pfd = {fd, POLLIN, 0};
    const int timeout = RemainingMs(deadline);
    if (timeout == 0) break;
    const int r = poll(&pfd, 1, timeout);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) break;  // end of output (a pty gives EIO once the child is gone)
    pending_.append(buf, static_cast<size_t>(n));
  }
  if (seen != nullptr) *seen = pending_;
  return false;
}

bool CliProcess::WaitForRawMode(int timeout_ms) {
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    termios t;
    if (tcgetattr(in_fd_, &t) != 0) return false;
    if ((t.c_lflag & ICANON) == 0) return true;
    if (RemainingMs(deadline) == 0) return false;
    usleep(1000);
  }
}

void CliProcess::CloseInput() {
  if (out_fd_ >= 0 && in_fd_ >= 0) {
    close(in_fd_);
    in_fd_ = -1;
  }
}

int CliProcess::Wait(int timeout_ms) {
  if (pid_ <= 0) return -1;
  const int code = WaitFor(pid_, timeout_ms);
  pid_ = -1;
  return code;
}

}  // namespace lsmdb::test
