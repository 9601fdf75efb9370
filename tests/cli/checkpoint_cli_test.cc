// `lsmdb checkpoint DIR`: from the command line it changes nothing in the database
// directory, and the copy verifies (`lsmdb verify`), opens and holds every write,
// including those only in a log and those of a shell writing beside it; an existing DIR
// is refused; in the shell it works on the open, writable database.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "tests/util/test_util.h"

namespace lsmdb::test {
namespace {

namespace fs = std::filesystem;

// The names in dir with their sizes.
std::vector<std::string> Names(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    out.push_back(e.path().filename().string() + " " + std::to_string(fs::file_size(e.path())));
  }
  std::sort(out.begin(), out.end());
  return out;
}

class CheckpointCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string script;
    for (int i = 0; i < 40; i++) {
      script += "put k" + std::to_string(i) + " v" + std::to_string(i) + "\n";
    }
    script += "flush\ndelete k3\nput late in-the-log\n";
    const CliResult r = RunCli({db_}, script);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // Expects `lsmdb verify` to pass on dir and the copy to hold what SetUp wrote.
  void ExpectCopy(const std::string& dir, int count) {
    CliResult r = RunCli({"verify", dir});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    r = RunCli({"get", "--db", dir, "late"});
    EXPECT_EQ(r.out, "in-the-log\n") << r.err;
    r = RunCli({"get", "--db", dir, "k3"});
    EXPECT_EQ(r.exit_code, 1) << r.out;
    r = RunCli({"count", "--db", dir});
    EXPECT_EQ(r.out, std::to_string(count) + "\n") << r.err;
  }

  TempDir dir_;
  std::string db_ = dir_.path() + "/db";
};

TEST_F(CheckpointCliTest, CopyVerifiesAndTheSourceIsUnchanged) {
  const auto before = Names(db_);
  const std::string copy = dir_.path() + "/copy";
  CliResult r = RunCli({"checkpoint", "--db", db_, copy});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "OK\n");
  EXPECT_EQ(Names(db_), before);
  EXPECT_FALSE(fs::exists(copy + ".tmp"));
  ExpectCopy(copy, 40);
  // Writing to the copy leaves the source alone.
  r = RunCli({"put", "--db", copy, "late", "changed"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunCli({"get", "--db", db_, "late"});
  EXPECT_EQ(r.out, "in-the-log\n");
}

TEST_F(CheckpointCliTest, ExistingOrUnusableTargetIsAnError) {
  const std::string taken = dir_.path() + "/taken";
  fs::create_directory(taken);
  CliResult r = RunCli({"checkpoint", "--db", db_, taken});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("exists"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_empty(taken));
  r = RunCli({"checkpoint", "--db", db_, dir_.path() + "/no/such/parent"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("checkpoint:"), std::string::npos) << r.err;
  r = RunCli({"checkpoint", "--db", db_});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing DIR"), std::string::npos) << r.err;
}

TEST_F(CheckpointCliTest, BesideAWriterAndInTheShell) {
  CliProcess writer = CliProcess::NewPiped({db_});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(writer.Write("put fresh 1\n"));
  std::string seen;
  ASSERT_TRUE(writer.ReadUntil("OK\n", &seen)) << seen;
  // From the command line, beside the shell that has the database open for writing.
  const std::string beside = dir_.path() + "/beside";
  CliResult r = RunCli({"checkpoint", "--db", db_, beside});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunCli({"get", "--db", beside, "fresh"});
  EXPECT_EQ(r.out, "1\n") << r.err;
  // In the shell, on its writable handle.
  const std::string inside = dir_.path() + "/inside";
  ASSERT_TRUE(writer.Write("put fresh 2\ncheckpoint " + inside + "\nput fresh 3\nget fresh\n"));
  ASSERT_TRUE(writer.ReadUntil("3\n", &seen)) << seen;
  writer.CloseInput();
  EXPECT_EQ(writer.Wait(), 0);
  r = RunCli({"get", "--db", inside, "fresh"});
  EXPECT_EQ(r.out, "2\n") << r.err;
  ExpectCopy(beside, 41);
}

}  // namespace
}  // namespace lsmdb::test
