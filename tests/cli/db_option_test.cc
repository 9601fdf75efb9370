// `lsmdb verify`, `repair` and `dump` accept `--db PATH` like the other commands (issue
// 22): verify and repair take it for their PATH (the positional form still works, both
// together must agree), dump finds a bare FILE name in that database's directory. In the
// shell, `verify` alone checks the open database.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/cli/cli_runner.h"
#include "tests/util/test_util.h"

namespace lsmdb::test {
namespace {

class DbOptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CliResult r = RunCli({"load", "--db", db_}, "a\t1\nb\t2\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = RunCli({"flush", "--db", db_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // The name of the first file in the database whose name has `part`.
  std::string FileWith(const std::string& part) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(db_)) {
      const std::string name = e.path().filename();
      if (name.find(part) != std::string::npos) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names.empty() ? "none" : names[0];
  }
  static bool Contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
  }

  TempDir dir_;
  std::string db_ = dir_.path() + "/db";
};

TEST_F(DbOptionTest, VerifyTakesDb) {
  CliResult r = RunCli({"verify", "--db", db_});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "): all intact\n")) << r.out;
  r = RunCli({"--db", db_, "verify", "--verbose"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // The positional form, and both naming the same path.
  EXPECT_EQ(RunCli({"verify", db_}).exit_code, 0);
  EXPECT_EQ(RunCli({"verify", db_, "--db", db_}).exit_code, 0);
  r = RunCli({"verify", dir_.path() + "/other", "--db", db_});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "lsmdb: verify: give PATH or --db PATH, not both\n");
  r = RunCli({"verify"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "missing PATH")) << r.err;
  r = RunCli({"verify", "--help"});
  EXPECT_TRUE(Contains(r.out, "usage: lsmdb verify (PATH | --db PATH) [--verbose]")) << r.out;

  // Damage found through --db is reported as through PATH.
  const std::string table = FileWith(".sst");
  std::filesystem::remove(db_ + "/" + table);
  r = RunCli({"verify", "--db", db_});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_TRUE(Contains(r.out, "DAMAGED " + table + ": missing")) << r.out;
}

TEST_F(DbOptionTest, RepairTakesDb) {
  const CliResult r = RunCli({"repair", "--db", db_});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(r.out.ends_with("OK\n")) << r.out;
  EXPECT_EQ(RunCli({"get", "--db", db_, "a"}).out, "1\n");
  EXPECT_EQ(RunCli({"repair", "--db", db_, dir_.path() + "/x"}).exit_code, 2);
}

TEST_F(DbOptionTest, DumpFindsAFileNameInTheDatabase) {
  const std::string manifest = FileWith("MANIFEST-");
  CliResult r = RunCli({"dump", "--db", db_, manifest});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "file " + db_ + "/" + manifest + ": MANIFEST")) << r.out;
  r = RunCli({"dump", "--db", db_, "sst", FileWith(".sst")});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // A FILE with a '/' is taken as given.
  r = RunCli({"dump", "--db", dir_.path(), db_ + "/" + manifest});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // A KIND alone still asks for the FILE.
  r = RunCli({"dump", "--db", db_, "wal"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "missing FILE")) << r.err;
}

TEST_F(DbOptionTest, ShellVerifiesTheOpenDatabase) {
  // The shell holds the database open for writing, with a write in its log.
  const CliResult r = RunCli({db_}, "put q 1\nverify\n");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "OK\nok CURRENT")) << r.out;
  EXPECT_TRUE(Contains(r.out, "): all intact\n")) << r.out;
  EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace lsmdb::test
