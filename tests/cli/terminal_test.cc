// The shell on a terminal (a pseudo-terminal) as a newcomer uses it: UTF-8 typed and
// shown as text, Ctrl-C that cancels rather than kills, leaving with an open batch.
#include <gtest/gtest.h>

#include <string>

#include "tests/cli/cli_runner.h"
#include "tests/util/test_util.h"

namespace lsmdb::test {
namespace {

constexpr char kCtrlC[] = "\x03";
constexpr char kCtrlD[] = "\x04";

class TerminalTest : public ::testing::Test {
 protected:
  CliProcess Start(std::vector<std::string> extra_env = {}) {
    std::vector<std::string> env = {"HOME=" + dir_.path(), "TERM=xterm", "NO_COLOR=1",
                                    "LC_ALL=C.UTF-8"};
    env.insert(env.end(), extra_env.begin(), extra_env.end());
    return CliProcess::NewPty({db_}, env);
  }
  // Waits for the output to reach needle and for the shell to read keys again.
  std::string Until(CliProcess* shell, const std::string& needle) {
    std::string seen;
    EXPECT_TRUE(shell->ReadUntil(needle, &seen)) << "waiting for " << needle << ": " << seen;
    EXPECT_TRUE(shell->WaitForRawMode());
    return seen;
  }

  TempDir dir_;
  std::string db_ = dir_.path() + "/db";
};

TEST_F(TerminalTest, TypedUtf8RoundTripsAndShowsAsText) {
  CliProcess shell = Start();
  ASSERT_TRUE(shell.ok());
  Until(&shell, "lsmdb> ");
  ASSERT_TRUE(
      shell.Write("put \xd0\xba\xd0\xbb\xd1\x8e\xd1\x87\x32 \xd0\xb7\xd0\xbd\xd0\xb0\xd1"
                  "\x87\xd0\xb5\xd0\xbd\xd0\xb8\xd0\xb5\r"));
  Until(&shell, "lsmdb> ");
  ASSERT_TRUE(shell.Write("put bin \\xff\\xd0\r"));
  Until(&shell, "lsmdb> ");
  ASSERT_TRUE(shell.Write("scan\r"));
  const std::string seen = Until(&shell, "entries)");
  // Not valid UTF-8: escaped. Valid: as text.
  EXPECT_NE(seen.find("bin\t\\xff\\xd0\r\n"), std::string::npos) << seen;
  EXPECT_NE(seen.find("\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87\x32\t\xd0\xb7\xd0\xbd\xd0\xb0\xd1\x87\xd0"
                      "\xb5\xd0\xbd\xd0\xb8\xd0\xb5\r\n"),
            std::string::npos)
      << seen;
  ASSERT_TRUE(shell.Write("exit\r"));
  EXPECT_EQ(shell.Wait(), 0);
  // The bytes stored are the UTF-8 typed.
  const CliResult r = RunCli({"get", "--db", db_, "--hex", "d0bad0bbd18ed18732"});  // ключ2
  EXPECT_EQ(r.out, "d0b7d0bdd0b0d187d0b5d0bdd0b8d0b5\n") << r.err;  // значение
}

TEST_F(TerminalTest, CtrlCCancelsTheLineAndKeepsTheSession) {
  CliProcess shell = Start();
  Until(&shell, "lsmdb> ");
  ASSERT_TRUE(shell.Write("batch\r"));
  Until(&shell, "(batch 0)> ");
  ASSERT_TRUE(shell.Write("put a 1\r"));
  Until(&shell, "(batch 1)> ");
  ASSERT_TRUE(shell.Write("put half-typed"));
  ASSERT_TRUE(shell.ReadUntil("half-typed"));
  ASSERT_TRUE(shell.Write(kCtrlC));
  Until(&shell, "(batch 1)> ");  // a fresh prompt, batch kept
  ASSERT_TRUE(shell.Write("commit\r"));
  Until(&shell, "OK (1 update)");
  Until(&shell, "lsmdb> ");
  ASSERT_TRUE(shell.Write("get half-typed\r"));
  const std::string seen = Until(&shell, "lsmdb> ");
  EXPECT_NE(seen.find("(not found)"), std::string::npos) << seen;
  ASSERT_TRUE(shell.Write("exit\r"));
  EXPECT_EQ(shell.Wait(), 0);
  EXPECT_EQ(RunCli({"get", "--db", db_, "a"}).out, "1\n");
}

TEST_F(TerminalTest, CtrlCStopsALongScan) {
  std::string records;
  for (int i = 0; i < 200000; ++i) records += "key" + std::to_string(i) + "\tvalue\n";
  ASSERT_EQ(RunCli({"load", "--db", db_}, records).exit_code, 0);
  CliProcess shell = Start();
  Until(&shell, "lsmdb> ");
  ASSERT_TRUE(shell.Write("scan --limit 200000\r"));
  ASSERT_TRUE(shell.ReadUntil("\tvalue"));
  ASSERT_TRUE(shell.Write(kCtrlC));
  const std::string seen = Until(&shell, "lsmdb> ");
  EXPECT_NE(seen.find("scan: interrupted after"), std::string::npos)
      << seen.substr(seen.size() - 300);
  ASSERT_TRUE(shell.Write("count\r"));
  Until(&shell, "200000\r\n");
  ASSERT_TRUE(shell.Write("exit\r"));
  EXPECT_EQ(shell.Wait(), 0);
}

TEST_F(TerminalTest, LeavingWithAnOpenBatchAsks) {
  CliProcess shell = Start();
  Until(&shell, "lsmdb> ");
  ASSERT_TRUE(shell.Write("batch\rput k v\r"));
  Until(&shell, "(batch 1)> ");
  ASSERT_TRUE(shell.Write(kCtrlD));
  Until(&shell, "discard the uncommitted batch 1? [y/N] ");
  ASSERT_TRUE(shell.Write("n\r"));
  Until(&shell, "(batch 1)> ");
  ASSERT_TRUE(shell.Write("exit\r"));
  Until(&shell, "[y/N] ");
  ASSERT_TRUE(shell.Write("y\r"));
  EXPECT_EQ(shell.Wait(), 0);
  EXPECT_EQ(RunCli({"get", "--db", db_, "k"}).exit_code, 1);  // discarded
}

TEST_F(TerminalTest, TimingCanBeTurnedOff) {
  CliProcess shell =
      CliProcess::NewPty({"--no-timing", db_}, {"HOME=" + dir_.path(), "TERM=xterm", "NO_COLOR=1"});
  Until(&shell, "lsmdb> ");
  ASSERT_TRUE(shell.Write("put k v\r"));
  const std::string seen = Until(&shell, "lsmdb> ");
  EXPECT_NE(seen.find("OK"), std::string::npos) << seen;
  EXPECT_EQ(seen.find(" ms)"), std::string::npos) << seen;
  ASSERT_TRUE(shell.Write("exit\r"));
  EXPECT_EQ(shell.Wait(), 0);
}

}  // namespace
}  // namespace lsmdb::test
