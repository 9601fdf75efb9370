// A newcomer's session, scripted: the places where the tool used to trip a new user
// (mistyped commands, arguments taken for escapes, hidden empty values, ...), each run
// through the real binary with its output and exit status checked. The terminal items
// (typed UTF-8, Ctrl-C) are in terminal_test.cc.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <string>
#include <vector>

#include "tests/cli/cli_runner.h"
#include "tests/util/test_util.h"

namespace lsmdb::test {
namespace {

class NewcomerTest : public ::testing::Test {
 protected:
  // Runs lsmdb with args in dir_ (relative paths land there): `cd dir && lsmdb args`.
  CliResult InDir(std::vector<std::string> args, std::string_view input = {}) {
    return RunCli(args, input, {}, 15000, dir_.path());
  }
  CliResult Db(const std::string& name, std::vector<std::string> args = {},
               std::string_view input = {}) {
    args.insert(args.begin(), {name, "--db", db_});
    return RunCli(args, input);
  }
  bool Exists(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0;
  }

  TempDir dir_;
  std::string db_ = dir_.path() + "/db";
};

TEST_F(NewcomerTest, AMistypedCommandIsAUsageErrorThatCreatesNothing) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"stat", "(did you mean 'stats'?)"},    {"cmopact", "(did you mean 'compact'?)"},
      {"exprot", "(did you mean 'export'?)"}, {"no-such-command", "(try lsmdb --help)"},
      {"stat2", "(did you mean 'stats'?)"},
  };
  for (const auto& [word, hint] : cases) {
    const CliResult r = InDir({word}, "get k\n");
    EXPECT_EQ(r.exit_code, 2) << word;
    EXPECT_EQ(r.out, "") << word;
    EXPECT_EQ(r.err, "lsmdb: unknown command '" + word + "' " + hint +
                         "; to create a database, give a path (./" + word + ") or --create " +
                         word + "\n");
    EXPECT_FALSE(Exists(dir_.path() + "/" + word)) << word << " was created";
  }
  CliResult r = InDir({"scna", "--db", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "lsmdb: unknown command 'scna' (did you mean 'scan'?)\n");
  EXPECT_FALSE(Exists(dir_.path() + "/x"));
  // Commands are case-insensitive: STATS is stats (and reads, so creates nothing).
  r = InDir({"STATS"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no database here"), std::string::npos) << r.err;
  EXPECT_FALSE(Exists(dir_.path() + "/STATS"));
}

TEST_F(NewcomerTest, ExplicitFormsCreateAndAnExistingDatabaseOpens) {
  CliResult r = InDir({"./mydb"}, "put k v\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Exists(dir_.path() + "/mydb/CURRENT"));
  r = InDir({"mydb"}, "get k\n");  // a bare word that is a database
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "v\n");
  r = InDir({"--create", "other"}, "put a b\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Exists(dir_.path() + "/other/CURRENT"));
  // A directory that is not a database is not opened from a bare word.
  ASSERT_EQ(mkdir((dir_.path() + "/plain").c_str(), 0755), 0);
  r = InDir({"plain"}, "put a b\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(Exists(dir_.path() + "/plain/CURRENT"));
}

TEST_F(NewcomerTest, CommandLineArgumentsAreLiteralBytes) {
  const std::string json = R"({"msg":"a\nb","q":"\"hi\""})";
  ASSERT_EQ(Db("put", {"j", json}).exit_code, 0);
  CliResult r = Db("get", {"--raw", "j"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, json);
  r = Db("put", {"path", "C:\\dir"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Db("get", {"path", "--raw"}).out, "C:\\dir");
  EXPECT_EQ(Db("get", {"path"}).out, "C:\\\\dir\n");  // the escaped display form
  // --hex both ways, for bytes a shell cannot pass.
  ASSERT_EQ(Db("put", {"--hex", "00ff", "0a00"}).exit_code, 0);
  EXPECT_EQ(Db("get", {"--hex", "00FF"}).out, "0a00\n");
  EXPECT_EQ(Db("get", {"--raw", "--hex", "00"}).exit_code, 2);
  r = Db("get", {"--hex", "0g"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("hex digits"), std::string::npos) << r.err;
}

TEST_F(NewcomerTest, AValueFromStdinOrAFile) {
  const std::string binary("line one\nline two\0\xff", 19);
  CliResult r = Db("put", {"doc", "-x"}, binary);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Db("get", {"--raw", "doc"}).out, binary);
  const std::string file = dir_.path() + "/value.bin";
  FILE* f = std::fopen(file.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fputs("from a file", f);
  std::fclose(f);
  ASSERT_EQ(Db("put", {"f", "--value-file", file}).exit_code, 0);
  EXPECT_EQ(Db("get", {"f"}).out, "from a file\n");
  r = Db("put", {"f", "v", "-x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "lsmdb: put: give VALUE, -x or --value-file, only one\n");
  r = RunCli({db_}, "put k -x\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("standard input holds the shell's commands"), std::string::npos) << r.err;
}

TEST_F(NewcomerTest, VersionAndCaseInsensitiveCommands) {
  CliResult r = RunCli({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("lsmdb ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find('.'), std::string::npos) << r.out;
  ASSERT_EQ(Db("PUT", {"k", "v"}).exit_code, 0);
  EXPECT_EQ(Db("Get", {"k"}).out, "v\n");
  r = RunCli({db_}, "GET k\nSCAN\n");
  EXPECT_EQ(r.out, "v\nk\tv\n") << r.err;
}

TEST_F(NewcomerTest, DidYouMeanForCommandsAndOptions) {
  CliResult r = RunCli({db_}, "put k v\nsacn\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "lsmdb: line 2: unknown command 'sacn' (did you mean 'scan'?)\n");
  r = Db("scan", {"--limt", "3"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "lsmdb: scan: unknown option --limt (did you mean '--limit'?)\n");
  r = RunCli({"--keep-giong", db_});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "lsmdb: unknown option --keep-giong (did you mean '--keep-going'?)\n");
}

TEST_F(NewcomerTest, InvertedRangesAreErrors) {
  ASSERT_EQ(Db("put", {"a", "1"}).exit_code, 0);
  for (const char* name : {"scan", "count", "compact"}) {
    const CliResult r = Db(name, {"z", "a"});
    EXPECT_EQ(r.exit_code, 2) << name;
    EXPECT_NE(r.err.find(std::string(name) + ": FROM is after TO"), std::string::npos) << r.err;
  }
  EXPECT_EQ(Db("count", {"a", "a"}).out, "0\n");  // empty, not inverted
}

TEST_F(NewcomerTest, HashIsACommentOnlyAtTheStartOfALine) {
  const CliResult r = RunCli({db_}, "# a comment\nput color #ff0000\n  # another\nget color\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "OK\n#ff0000\n");
}

TEST_F(NewcomerTest, EmptyValuesAreVisible) {
  CliResult r = RunCli({db_}, "put e \"\"\nget e\n");
  EXPECT_EQ(r.out, "OK\n\"\"\n");
  r = Db("get", {"e"});
  EXPECT_EQ(r.out, "\"\"\n");
  EXPECT_EQ(Db("get", {"e", "--raw"}).out, "");
}

TEST_F(NewcomerTest, AMissingKeyExitsOneOnTheCommandLine) {
  ASSERT_EQ(Db("put", {"k", "v"}).exit_code, 0);
  CliResult r = Db("get", {"nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "(not found)\n");
  // In the shell it is a result, not an error: a script goes on.
  r = RunCli({db_}, "get nope\nget k\n");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "(not found)\nv\n");
}

TEST_F(NewcomerTest, ScanPrefixAndKeysOnly) {
  const CliResult load = Db("load", {}, "user:1\tann\nuser:2\tbob\nuserx\tno\nuse\tno\nz\tno\n");
  ASSERT_EQ(load.exit_code, 0) << load.err;
  EXPECT_EQ(Db("scan", {"--prefix", "user:"}).out, "user:1\tann\nuser:2\tbob\n");
  EXPECT_EQ(Db("scan", {"--prefix", "user", "--keys-only"}).out, "user:1\nuser:2\nuserx\n");
  EXPECT_EQ(Db("scan", {"--prefix", "user", "--reverse", "--limit", "1"}).out, "userx\tno\n");
  EXPECT_EQ(Db("scan", {"user:2", "--prefix", "user"}).out, "user:2\tbob\nuserx\tno\n");
  EXPECT_EQ(Db("count", {"--prefix", "user:"}).out, "2\n");
  EXPECT_EQ(Db("scan", {"--hex", "--prefix", "7a"}).out, "7a\t6e6f\n");
}

TEST_F(NewcomerTest, EngineOptionsOnTheCommandLine) {
  CliResult r =
      RunCli({"--compression", "zstd", "--write_buffer_size=1M", "put", "--db", db_, "k", "v"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Db("flush", {"--compression=lz4"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = Db("put", {"k", "v", "--compression", "brotli"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "lsmdb: --compression: must be none, snappy, lz4 or zstd, not 'brotli'\n");
  r = Db("put", {"k", "v", "--write-buffer-size", "12x"});
  EXPECT_EQ(r.exit_code, 2);
  // A value the engine refuses is the engine's error, naming the field.
  r = Db("put", {"k", "v", "--block_size", "0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("block_size"), std::string::npos) << r.err;
  // --create_if_missing lets a reading command create the database.
  const std::string fresh = dir_.path() + "/fresh";
  r = RunCli({"count", "--db", fresh, "--create_if_missing"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "0\n");
}

TEST_F(NewcomerTest, ErrorsPointToTheNextStep) {
  ASSERT_EQ(mkdir(db_.c_str(), 0755), 0);
  CliResult r = Db("get", {"k"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("not an lsmdb database"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("lsmdb --create"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("create_if_missing"), std::string::npos) << r.err;
  // A damaged CURRENT: the error names verify and repair.
  const std::string other = dir_.path() + "/other";
  ASSERT_EQ(RunCli({"put", "--db", other, "k", "v"}).exit_code, 0);
  FILE* f = std::fopen((other + "/CURRENT").c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fputs("MANIFEST-999999\n", f);
  std::fclose(f);
  r = RunCli({"get", "--db", other, "k"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("lsmdb verify " + other), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("lsmdb repair " + other), std::string::npos) << r.err;
}

}  // namespace
}  // namespace lsmdb::test
