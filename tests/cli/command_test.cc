// `lsmdb COMMAND --db PATH ...`: one command per run, for scripts. Exit status 0 on
// success, 1 on an engine or file-system error, 2 on a usage error.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <string>
#include <vector>

#include "tests/cli/cli_runner.h"
#include "tests/util/test_util.h"

namespace lsmdb::test {
namespace {

class CommandTest : public ::testing::Test {
 protected:
  // Runs `lsmdb name --db db_ args...`.
  CliResult Run(const std::string& name, std::vector<std::string> args = {},
                std::string_view input = {}) {
    args.insert(args.begin(), {name, "--db", db_});
    return RunCli(args, input);
  }
  void ExpectOk(const std::string& name, std::vector<std::string> args,
                const std::string& expected) {
    const CliResult r = Run(name, args);
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
    EXPECT_EQ(r.out, expected) << name;
    EXPECT_EQ(r.err, "") << name;
  }
  void ExpectUsageError(const std::vector<std::string>& args, const std::string& message) {
    const CliResult r = RunCli(args);
    EXPECT_EQ(r.exit_code, 2) << args[0];
    EXPECT_EQ(r.out, "") << args[0];
    EXPECT_EQ(r.err, "lsmdb: " + message + "\n") << args[0];
  }
  bool Exists(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0;
  }

  TempDir dir_;
  std::string db_ = dir_.path() + "/db";
};

TEST_F(CommandTest, EveryDataCommand) {
  ExpectOk("put", {"b", "2"}, "OK\n");
  ExpectOk("put", {"a", "1"}, "OK\n");
  ExpectOk("put", {"c", "3"}, "OK\n");
  ExpectOk("get", {"a"}, "1\n");
  CliResult missing = Run("get", {"zz"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.out, "");
  EXPECT_EQ(missing.err, "(not found)\n");
  ExpectOk("scan", {}, "a\t1\nb\t2\nc\t3\n");
  ExpectOk("scan", {"b", "--reverse", "--limit", "1"}, "c\t3\n");
  ExpectOk("count", {"b"}, "2\n");
  ExpectOk("delete", {"b"}, "OK\n");
  ExpectOk("count", {}, "2\n");
  ExpectOk("flush", {}, "OK\n");
  ExpectOk("get", {"c"}, "3\n");
  const CliResult compact = Run("compact", {"a", "c"});
  if (compact.exit_code != 0) {
    EXPECT_EQ(compact.exit_code, 1);
    EXPECT_NE(compact.err.find("compact: Not supported"), std::string::npos) << compact.err;
  }
  CliResult r = Run("stats");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(r.out.empty());
  r = Run("property", {"lsmdb.stats"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = Run("property", {"no.such"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "lsmdb: property: unknown property 'no.such'\n");
  ExpectOk("export", {}, "a\t1\nc\t3\n");
  r = Run("load", {}, "d\t4\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "OK (1 record)\n");
  ExpectOk("get", {"d"}, "4\n");
}

TEST_F(CommandTest, ArgumentsAreBytesAndDoubleDash) {
  ExpectOk("put", {"--hex", "6b00fe", "7461620968657265"}, "OK\n");
  ExpectOk("put", {"--", "--limit", "-"}, "OK\n");
  ExpectOk("put", {"k\\x00", "C:\\dir"}, "OK\n");  // backslashes are bytes
  ExpectOk("scan", {}, "--limit\t-\nk\\x00\\xfe\ttab\\there\nk\\\\x00\tC:\\\\dir\n");
  ExpectOk("get", {"--hex", "6B00FE"}, "7461620968657265\n");
  ExpectOk("get", {"k\\x00", "--raw"}, "C:\\dir");
  ExpectOk("get", {"--", "--limit"}, "-\n");
  // --db may come before the command too.
  const CliResult r = RunCli({"--db", db_, "count"});
  EXPECT_EQ(r.out, "3\n");
  EXPECT_EQ(RunCli({"count", "--db=" + db_}).out, "3\n");
}

TEST_F(CommandTest, HelpOnEveryCommand) {
  CliResult r = RunCli({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("usage: lsmdb"), std::string::npos);
  EXPECT_EQ(r.out.find("batch"), std::string::npos) << "shell-only commands listed";
  EXPECT_EQ(RunCli({"help"}).out, r.out.substr(r.out.find("commands:")));
  for (const char* name : {"get", "put", "delete", "scan", "count", "flush", "compact", "stats",
                           "property", "load", "export", "help"}) {
    r = RunCli({name, "--help"});
    EXPECT_EQ(r.exit_code, 0) << name;
    EXPECT_EQ(r.out.rfind(std::string("usage: lsmdb ") + name, 0), 0u) << r.out;
    EXPECT_EQ(RunCli({"help", name}).out, r.out) << name;
  }
  r = RunCli({"help", "batch"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("usage: batch\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("(shell only)"), std::string::npos) << r.out;
  r = RunCli({"get", "--help"});
  EXPECT_EQ(r.out.rfind("usage: lsmdb get [--db PATH] KEY [--hex] [--raw]\n", 0), 0u) << r.out;
  EXPECT_FALSE(Exists(db_)) << "--help must not open the database";
}

TEST_F(CommandTest, UsageErrorsExit2WithOneLine) {
  ExpectUsageError({"get", "--db", db_}, "get: missing KEY");
  ExpectUsageError({"put", "--db", db_, "k"}, "put: missing VALUE (or -x, or --value-file FILE)");
  ExpectUsageError({"delete", "--db", db_, "a", "b"},
                   "delete: too many arguments (usage: delete KEY [--hex])");
  ExpectUsageError({"frob", "--db", db_, "x"}, "unknown command 'frob' (try lsmdb --help)");
  ExpectUsageError({"--frob"}, "unknown option --frob (try lsmdb --help)");
  ExpectUsageError({"scan", "--db", db_, "--limit"}, "scan: option --limit needs a value (N)");
  ExpectUsageError({"scan", "--db", db_, "--reverse=1"}, "scan: option --reverse takes no value");
  ExpectUsageError({"scan", "--db", db_, "--limit", "-1"},
                   "scan: --limit must be a non-negative number, not '-1'");
  ExpectUsageError({"batch", "--db", db_}, "batch: only available in the shell");
  ExpectUsageError({"get", "--db"}, "--db needs a PATH");
  ExpectUsageError({"load", "--db", db_, "--format", "csv"},
                   "load: --format must be tsv or jsonl, not 'csv'");
  ExpectUsageError({"help", "nothing"}, "help: unknown command 'nothing'");
  EXPECT_FALSE(Exists(db_)) << "a usage error must not create the database";
}

TEST_F(CommandTest, ReadingCommandsNeverCreateADatabase) {
  for (const char* name : {"get", "scan", "count", "stats", "export"}) {
    std::vector<std::string> args = {name, "--db", db_};
    if (std::string(name) == "get") args.push_back("k");
    const CliResult r = RunCli(args);
    EXPECT_EQ(r.exit_code, 1) << name;
    EXPECT_EQ(r.err, "lsmdb: " + db_ + ": no database here (put or load creates one)\n");
  }
  EXPECT_FALSE(Exists(db_));
}

TEST_F(CommandTest, APlainFileIsNotADatabase) {
  const std::string file = dir_.path() + "/plain";
  FILE* f = std::fopen(file.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("precious data\n", f);
  std::fclose(f);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"put", "--db", file, "k", "v"},
        std::vector<std::string>{"get", "--db", file, "k"}, std::vector<std::string>{file}}) {
    const CliResult r = RunCli(args, "put k v\n");
    EXPECT_EQ(r.exit_code, 1) << args[0];
    EXPECT_EQ(r.err, "lsmdb: " + file + ": not a database (it is a file, not a directory)\n");
  }
  f = std::fopen(file.c_str(), "r");
  char buf[64] = {};
  ASSERT_NE(std::fgets(buf, sizeof(buf), f), nullptr);
  std::fclose(f);
  EXPECT_STREQ(buf, "precious data\n");
}

TEST_F(CommandTest, ALockedDatabaseFailsWithAMessage) {
  CliProcess holder = CliProcess::NewPiped({db_});
  ASSERT_TRUE(holder.ok());
  ASSERT_TRUE(holder.Write("put held 1\n"));
  std::string seen;
  ASSERT_TRUE(holder.ReadUntil("OK\n", &seen)) << seen;  // the shell has the database open

  // (Reading commands open read-only and work beside it: readonly_cli_test.cc.)
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"put", "--db", db_, "k", "v"}, std::vector<std::string>{db_}}) {
    const CliResult r = RunCli(args, "get held\n");
    EXPECT_EQ(r.exit_code, 1) << args[0];
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("database is locked by another process"), std::string::npos) << r.err;
  }

  ASSERT_TRUE(holder.Write("get held\n"));
  ASSERT_TRUE(holder.ReadUntil("1\n", &seen)) << seen;
  holder.CloseInput();
  EXPECT_EQ(holder.Wait(), 0);
  EXPECT_EQ(Run("get", {"held"}).out, "1\n");  // free again
}

TEST_F(CommandTest, ShellPathArguments) {
  ExpectUsageError({db_, "--db", db_}, "give PATH or --db PATH, not both");
  ExpectUsageError({"a", "b"}, "unknown command 'a' (try lsmdb --help)");
  const CliResult r = RunCli({"--", dir_.path() + "/after-dashes"}, "put k v\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace lsmdb::test
