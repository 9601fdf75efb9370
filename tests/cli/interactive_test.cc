// The shell on a terminal (a pseudo-terminal): prompt, timing, line editing and history
// through libedit.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "tests/cli/cli_runner.h"
#include "tests/util/test_util.h"

namespace lsmdb::test {
namespace {

constexpr char kUp[] = "\x1b[A";
constexpr char kLeft[] = "\x1b[D";
constexpr char kBackspace[] = "\x7f";
constexpr char kTiming[] = " ms)";  // ends the last line a database command prints

int CountOf(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

std::string ReadFileOrEmpty(const std::string& path) {
  std::string data;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return data;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) data.append(buf, n);
  std::fclose(f);
  return data;
}

// Waits for a prompt ending in prompt_end and for the shell to read the terminal.
// Returns the output up to the prompt, included.
std::string WaitForPrompt(CliProcess* shell, const std::string& prompt_end = "> ") {
  std::string seen;
  EXPECT_TRUE(shell->ReadUntil(prompt_end, &seen)) << seen;
  EXPECT_TRUE(shell->WaitForRawMode());
  return seen;
}

// Types keys (ending in Enter) and returns what the shell printed up to end_marker (the
// end of the command's output) and then up to the next prompt, which it waits for.
// Waiting for the end of the output first matters: libedit may redraw the prompt while
// editing.
std::string Type(CliProcess* shell, const std::string& keys,
                 const std::string& end_marker = kTiming) {
  std::string seen;
  EXPECT_TRUE(shell->Write(keys));
  EXPECT_TRUE(shell->ReadUntil(end_marker, &seen)) << seen;
  return seen + WaitForPrompt(shell);
}

TEST(InteractiveTest, PromptEditingAndHistory) {
  TempDir dir;
  const std::string db = dir.path() + "/db";
  const std::vector<std::string> env = {"HOME=" + dir.path(), "TERM=xterm", "NO_COLOR=1"};
  CliProcess shell = CliProcess::NewPty({db}, env);
  ASSERT_TRUE(shell.ok());
  std::string seen;
  ASSERT_TRUE(shell.ReadUntil("lsmdb> ", &seen)) << seen;
  EXPECT_NE(seen.find("created a new database"), std::string::npos) << seen;
  ASSERT_TRUE(shell.WaitForRawMode());

  seen = Type(&shell, "put k value-one\r");
  EXPECT_NE(seen.find("\nOK\r\n("), std::string::npos) << "no timing after OK: " << seen;

  seen = Type(&shell, "get k\r");
  EXPECT_EQ(CountOf(seen, "\nvalue-one\r\n"), 1) << seen;

  // Up-arrow recalls "get k"; Enter runs it again.
  seen = Type(&shell, std::string(kUp) + "\r");
  EXPECT_EQ(CountOf(seen, "\nvalue-one\r\n"), 1) << "history recall: " << seen;

  // Line editing: "gxt k", three Left-arrows put the cursor after "gx", Backspace
  // removes the x, then "e" makes "get k".
  seen = Type(&shell, std::string("gxt k") + kLeft + kLeft + kLeft + kBackspace + "e\r");
  EXPECT_EQ(CountOf(seen, "\nvalue-one\r\n"), 1) << "line editing: " << seen;
  EXPECT_EQ(seen.find("unknown command"), std::string::npos) << seen;

  // Errors are shown and the shell goes on; the prompt shows an open batch.
  seen = Type(&shell, "bogus\r", "unknown command 'bogus'");
  seen = Type(&shell, "batch\r");
  EXPECT_NE(seen.find("\nOK\r\n"), std::string::npos) << seen;
  EXPECT_NE(seen.find("lsmdb (batch 0)> "), std::string::npos) << seen;
  seen = Type(&shell, "abort\r");
  EXPECT_NE(seen.find("lsmdb> "), std::string::npos) << seen;

  ASSERT_TRUE(shell.Write("quit\r"));
  EXPECT_EQ(shell.Wait(), 0);

  const std::string history = ReadFileOrEmpty(dir.path() + "/.lsmdb_history");
  EXPECT_NE(history.find("put"), std::string::npos) << history;
  EXPECT_NE(history.find("bogus"), std::string::npos) << history;

  // The history survives into the next session: Up recalls the last line, "quit".
  CliProcess again = CliProcess::NewPty({db}, env);
  WaitForPrompt(&again, "lsmdb> ");
  ASSERT_TRUE(again.Write(std::string(kUp) + "\r"));
  EXPECT_EQ(again.Wait(), 0);
}

TEST(InteractiveTest, ColourOnlyWhenWanted) {
  TempDir dir;
  const std::string db = dir.path() + "/db";
  for (const bool colour : {true, false}) {
    std::vector<std::string> env = {"HOME=" + dir.path(), "TERM=xterm"};
    if (!colour) env.push_back("NO_COLOR=1");
    CliProcess shell = CliProcess::NewPty({db}, env);
    WaitForPrompt(&shell, "lsmdb> ");
    const std::string seen = Type(&shell, "get nothing\r");
    EXPECT_NE(seen.find("(not found)"), std::string::npos) << seen;
    EXPECT_EQ(seen.find("\x1b[2m(not found)") != std::string::npos, colour) << seen;
    if (!colour) {
      EXPECT_EQ(seen.find("\x1b[0m"), std::string::npos) << seen;
    }
    ASSERT_TRUE(shell.Write("exit\r"));
    EXPECT_EQ(shell.Wait(), 0);
  }
}

TEST(InteractiveTest, EndOfInputLeaves) {
  TempDir dir;
  CliProcess shell = CliProcess::NewPty({dir.path() + "/db"}, {"HOME=" + dir.path(), "TERM=xterm"});
  WaitForPrompt(&shell, "lsmdb> ");
  ASSERT_TRUE(shell.Write("\x04"));  // Ctrl-D on an empty line
  EXPECT_EQ(shell.Wait(), 0);
}

}  // namespace
}  // namespace lsmdb::test
