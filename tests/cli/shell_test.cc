// The shell fed by scripts on standard input (not a terminal): results one per line, no
// prompt or colour, exit status of the first error.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <string>

#include "tests/cli/cli_runner.h"
#include "tests/util/test_util.h"

namespace lsmdb::test {
namespace {

class ShellTest : public ::testing::Test {
 protected:
  CliResult Shell(const std::string& script, std::vector<std::string> extra_args = {}) {
    extra_args.push_back(db_);
    return RunCli(extra_args, script);
  }
  // Runs script and expects success with exactly the output expected.
  void ExpectOutput(const std::string& script, const std::string& expected) {
    const CliResult r = Shell(script);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, expected) << "script:\n" << script;
    EXPECT_EQ(r.err, "");
  }

  TempDir dir_;
  std::string db_ = dir_.path() + "/db";
};

TEST_F(ShellTest, PutGetDelete) {
  ExpectOutput("put k v\nget k\ndelete k\nget k\ndelete k\n", "OK\nv\nOK\n(not found)\nOK\n");
}

TEST_F(ShellTest, DataPersistsAcrossRuns) {
  ExpectOutput("put k1 v1\nput k2 v2\n", "OK\nOK\n");
  ExpectOutput("get k1\nget k2\n", "v1\nv2\n");
}

TEST_F(ShellTest, QuotingEscapesAndBinaryOutput) {
  ExpectOutput(
      "put \"a b\" 'c d'\n"
      "put k\\x00\\xff \"v\\tw\\n\"\n"
      "put \"\" empty-key\n"
      "put back\\\\slash 'C:\\dir'\n"
      "get \"a b\"\n"
      "get k\\x00\\xff\n"
      "get ''\n"
      "scan\n",
      "OK\nOK\nOK\nOK\n"
      "c d\n"
      "v\\tw\\n\n"
      "empty-key\n"
      "\tempty-key\n"
      "a b\tc d\n"
      "back\\\\slash\tC:\\\\dir\n"
      "k\\x00\\xff\tv\\tw\\n\n");
}

TEST_F(ShellTest, CommentsAndBlankLinesAreIgnored) {
  ExpectOutput("# setup\n\n   \n  # indented\nput k v\nget k\n", "OK\nv\n");
}

TEST_F(ShellTest, ScanAndCountRanges) {
  ASSERT_EQ(Shell("put a 1\nput b 2\nput c 3\nput d 4\nput e 5\n").exit_code, 0);
  ExpectOutput("scan b d\n", "b\t2\nc\t3\n");
  ExpectOutput("scan c\n", "c\t3\nd\t4\ne\t5\n");
  ExpectOutput("scan --limit 2\n", "a\t1\nb\t2\n");
  ExpectOutput("scan --limit=0\n", "");
  ExpectOutput("scan --reverse\n", "e\t5\nd\t4\nc\t3\nb\t2\na\t1\n");
  ExpectOutput("scan b d --reverse\n", "c\t3\nb\t2\n");
  ExpectOutput("scan bb dd --reverse --limit 1\n", "d\t4\n");
  ExpectOutput("scan x\n", "");
  ExpectOutput("scan -- --a\n", "a\t1\nb\t2\nc\t3\nd\t4\ne\t5\n");
  ExpectOutput("count\ncount b\ncount b d\ncount x\ncount b b\n", "5\n4\n2\n0\n0\n");
}

TEST_F(ShellTest, BatchCommitAndAbort) {
  ExpectOutput(
      "put gone x\n"
      "batch\nput a 1\nput b 2\ndelete gone\nget a\ncommit\n"
      "get a\nget b\nget gone\n"
      "batch\nput c 3\nabort\nget c\n",
      "OK\n"
      "OK\nQUEUED\nQUEUED\nQUEUED\n(not found)\nOK (3 updates)\n"
      "1\n2\n(not found)\n"
      "OK\nQUEUED\nOK (1 update discarded)\n(not found)\n");
}

TEST_F(ShellTest, BatchMisuseIsAUsageError) {
  CliResult r = Shell("commit\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "lsmdb: line 1: commit: no batch (start one with `batch`)\n");
  r = Shell("batch\nbatch\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("line 2: batch: already in a batch"), std::string::npos) << r.err;
}

TEST_F(ShellTest, UncommittedBatchAtEndIsDiscardedAndFails) {
  CliResult r = Shell("batch\nput a 1\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("uncommitted batch of 1 update discarded"), std::string::npos) << r.err;
  ExpectOutput("get a\n", "(not found)\n");
}

TEST_F(ShellTest, SnapshotAndRelease) {
  ExpectOutput(
      "put k old\nput x 1\nsnapshot\nput k new\ndelete x\nput y 2\n"
      "get k\nscan\ncount\nrelease\nget k\nscan\n",
      "OK\nOK\nOK\nOK\nOK\nOK\n"
      "old\nk\told\nx\t1\n2\nOK\nnew\nk\tnew\ny\t2\n");
  ExpectOutput("snapshot\nsnapshot\nrelease\n", "OK\nOK (previous snapshot released)\nOK\n");
  const CliResult r = Shell("release\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("release: no snapshot"), std::string::npos) << r.err;
}

TEST_F(ShellTest, FlushCompactStatsProperty) {
  ExpectOutput("put a 1\nput b 2\nflush\nget a\n", "OK\nOK\nOK\n1\n");
  // Compaction may not be supported by every build of the engine: then the shell prints
  // the engine's Status and fails with 1.
  CliResult r = Shell("compact\ncompact a\ncompact a b\nget b\n");
  if (r.exit_code == 0) {
    EXPECT_EQ(r.out, "OK\nOK\nOK\n2\n");
  } else {
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("compact: Not supported"), std::string::npos) << r.err;
  }
  r = Shell("stats\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(r.out.empty());
  const CliResult p = Shell("property lsmdb.stats\n");
  EXPECT_EQ(p.exit_code, 0) << p.err;
  EXPECT_FALSE(p.out.empty());
  r = Shell("property no.such.property\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "lsmdb: line 1: property: unknown property 'no.such.property'\n");
}

TEST_F(ShellTest, HelpAndExit) {
  CliResult r = Shell("help\n");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* name : {"get KEY", "put KEY [VALUE]", "delete KEY", "scan [FROM [TO]]", "count",
                           "batch", "commit", "abort", "snapshot", "release", "flush", "compact",
                           "stats", "property NAME", "load", "export", "help", "exit"}) {
    EXPECT_NE(r.out.find(name), std::string::npos) << name;
  }
  r = Shell("help scan\nscan --help\n");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("usage: scan [FROM [TO]] [--limit N] [--reverse] [--prefix P]"),
            std::string::npos)
      << r.out;
  ExpectOutput("put a 1\nexit\nput b 2\n", "OK\n");
  ExpectOutput("quit\n", "");
  ExpectOutput("get b\n", "(not found)\n");
}

TEST_F(ShellTest, FirstErrorStopsTheScript) {
  struct Case {
    const char* line;
    int exit_code;
    const char* error;
  };
  const Case cases[] = {
      {"frobnicate x", 2, "lsmdb: line 2: unknown command 'frobnicate' (try help)\n"},
      {"get", 2, "lsmdb: line 2: get: missing KEY\n"},
      {"put k", 2, "lsmdb: line 2: put: missing VALUE (or -x, or --value-file FILE)\n"},
      {"get a b", 2, "lsmdb: line 2: get: too many arguments (usage: get KEY [--hex] [--raw])\n"},
      {"put \"k v", 2, "lsmdb: line 2: unterminated \" quote\n"},
      {"get k\\q", 2, "lsmdb: line 2: unknown escape \\q\n"},
      {"scan --limit x", 2,
       "lsmdb: line 2: scan: --limit must be a non-negative number, not 'x'\n"},
      {"scan --bogus", 2, "lsmdb: line 2: scan: unknown option --bogus (see scan --help)\n"},
      {"load", 2,
       "lsmdb: line 2: load: missing FILE (standard input holds the shell's commands)\n"},
      {"property nope", 1, "lsmdb: line 2: property: unknown property 'nope'\n"},
  };
  for (const Case& c : cases) {
    const CliResult r = Shell(std::string("put a 1\n") + c.line + "\nput b 2\n");
    EXPECT_EQ(r.exit_code, c.exit_code) << c.line;
    EXPECT_EQ(r.out, "OK\n") << c.line;
    EXPECT_EQ(r.err, c.error) << c.line;
  }
  ExpectOutput("get b\n", "(not found)\n");
}

TEST_F(ShellTest, KeepGoingRunsEveryLine) {
  const CliResult r = Shell("put a 1\nbogus\nget\nput b 2\nget b\n", {"--keep-going"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "OK\nOK\n2\n");
  EXPECT_EQ(r.err,
            "lsmdb: line 2: unknown command 'bogus' (try help)\n"
            "lsmdb: line 3: get: missing KEY\n");
}

TEST_F(ShellTest, NoPromptOrColourInScripts) {
  const CliResult r = RunCli({db_}, "put a 1\nscan\nbogus\n", {"TERM=xterm-256color"});
  EXPECT_EQ(r.out, "OK\na\t1\n");
  EXPECT_EQ(r.out.find("lsmdb>"), std::string::npos);
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos);
}

TEST_F(ShellTest, LoadAndExportFiles) {
  const std::string in = dir_.path() + "/in.tsv";
  const std::string out = dir_.path() + "/out.jsonl";
  FILE* f = std::fopen(in.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("b\t2\na\\x00\t1\n", f);
  std::fclose(f);
  ExpectOutput("load " + in + "\nexport --format jsonl " + out + "\nscan\n",
               "OK (2 records)\nOK (2 records)\na\\x00\t1\nb\t2\n");
  f = std::fopen(out.c_str(), "r");
  ASSERT_NE(f, nullptr);
  char buf[256];
  const size_t n = std::fread(buf, 1, sizeof(buf), f);
  std::fclose(f);
  EXPECT_EQ(std::string(buf, n),
            "{\"key\":\"a\\u0000\",\"value\":\"1\"}\n{\"key\":\"b\",\"value\":\"2\"}\n");
}

TEST_F(ShellTest, DefaultPathIsLsmdbPathThenHome) {
  const std::string home = dir_.path() + "/home";
  ASSERT_EQ(mkdir(home.c_str(), 0755), 0);
  // $HOME/.lsmdb
  CliResult r = RunCli({}, "put where home\n", {"HOME=" + home});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunCli({"get", "--db", home + "/.lsmdb", "where"});
  EXPECT_EQ(r.out, "home\n");
  // $LSMDB_PATH wins over $HOME.
  r = RunCli({}, "put where env\n", {"HOME=" + home, "LSMDB_PATH=" + db_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunCli({"get", "where"}, {}, {"LSMDB_PATH=" + db_});
  EXPECT_EQ(r.out, "env\n");
  r = RunCli({"--db", db_}, "get where\n");
  EXPECT_EQ(r.out, "env\n");
}

}  // namespace
}  // namespace lsmdb::test
