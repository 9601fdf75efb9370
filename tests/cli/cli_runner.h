// Runs the real `lsmdb` binary (LSMDB_CLI_PATH, or $LSMDB_TEST_CLI if set) for the CLI tests: to
// completion with a given standard input, as a long-lived child fed through a pipe, or on a
// pseudo-terminal.
//
// Every child gets a clean environment for the variables the CLI reads: LSMDB_PATH and
// NO_COLOR and the locale (LANG, LC_ALL, LC_CTYPE) unset, TERM=dumb, HOME set to a
// directory of the test's choosing (default: /nonexistent), and then the overrides the
// test passes ("NAME=VALUE", or "NAME" alone to unset).
//
// Thread-safety: each object is used by one thread.
#ifndef LSMDB_TESTS_CLI_CLI_RUNNER_H_
#define LSMDB_TESTS_CLI_CLI_RUNNER_H_

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace lsmdb::test {

struct CliResult {
  int exit_code = -1;  // -1 if the process did not exit normally (e.g. a signal)
  std::string out;
  std::string err;
};

// Runs lsmdb with args, writes input to its standard input and closes it, and collects
// both outputs until it exits. Fails the test (and returns exit_code -1) after
// timeout_ms. A non-empty cwd is the child's working directory.
CliResult RunCli(const std::vector<std::string>& args, std::string_view input = {},
                 const std::vector<std::string>& env = {}, int timeout_ms = 15000,
                 const std::string& cwd = "");

// A running lsmdb whose standard input is a pipe (or, for NewPty, a terminal).
class CliProcess {
 public:
  // Starts lsmdb with args, stdin/stdout/stderr on pipes.
  static CliProcess NewPiped(const std::vector<std::string>& args,
                             const std::vector<std::string>& env = {});
  // Starts lsmdb on a new pseudo-terminal (80x24); stdout and stderr both arrive
  // through ReadUntil.
  static CliProcess NewPty(const std::vector<std::string>& args,
                           const std::vector<std::string>& env = {});

  CliProcess(CliProcess&& other) noexcept;
  CliProcess& operator=(CliProcess&&) = delete;
  ~CliProcess();  // kills the child if still running

  bool ok() const { return pid_ > 0; }
  // Writes all of data to the child's input. Returns false on error.
  bool Write(std::string_view data);
  // Reads the child's output until what was read since the last ReadUntil contains
  // needle. Returns false on timeout or end of output. *seen (if not null) receives the
  // output read by this call.
  bool ReadUntil(std::string_view needle, std::string* seen = nullptr, int timeout_ms = 5000);
  // For a pty: waits until the child has put the terminal in raw mode (libedit does so
  // when it starts reading a line, just after it printed the prompt); keys typed before
  // that would be edited by the kernel's line discipline instead. Returns false on
  // timeout.
  bool WaitForRawMode(int timeout_ms = 5000);
  // Closes the child's input (the shell then sees the end of its input).
  void CloseInput();
  // Waits for the child to exit and returns its exit status (-1 on a signal or timeout).
  int Wait(int timeout_ms = 10000);

 private:
  CliProcess() = default;

  pid_t pid_ = -1;
  int in_fd_ = -1;       // for a pty: the master, used both ways
  int out_fd_ = -1;      // -1 for a pty
  std::string pending_;  // read but not yet consumed by ReadUntil
};

}  // namespace lsmdb::test

#endif  // LSMDB_TESTS_CLI_CLI_RUNNER_H_
