// The reading commands of `lsmdb` (get, scan, count, stats, property, export, dump, and the
// shell with --read-only) open the database read-only: they change no byte and no name in
// its directory, work on a read-only directory as a user who cannot write it, and work
// beside a shell that has the database open for writing.
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "tests/util/test_util.h"

namespace lsmdb::test {
namespace {

namespace fs = std::filesystem;

// Every entry of dir: size, mode and a hash of its bytes.
std::map<std::string, std::string> Listing(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string bytes = ss.str();
    struct stat st;
    stat(e.path().c_str(), &st);
    out[e.path().filename().string()] = std::to_string(bytes.size()) + " " +
                                        std::to_string(st.st_mode) + " " +
                                        std::to_string(std::hash<std::string>()(bytes));
  }
  return out;
}

class ReadOnlyCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string script;
    for (int i = 0; i < 50; i++)
      script += "put k" + std::to_string(i) + " v" + std::to_string(i) + "\n";
    script += "flush\nput late in-the-log\n";
    const CliResult r = RunCli({db_}, script);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string Manifest() const {
    for (const auto& e : fs::directory_iterator(db_)) {
      if (e.path().filename().string().rfind("MANIFEST-", 0) == 0) return e.path();
    }
    return "";
  }
  // The reading commands, each with what its output must contain.
  std::vector<std::pair<std::vector<std::string>, std::string>> ReadingCommands() const {
    return {
        {{"get", "--db", db_, "k7"}, "v7"},
        {{"get", "--db", db_, "late"}, "in-the-log"},
        {{"scan", "--db", db_}, "k42"},
        {{"count", "--db", db_}, "5"},
        {{"stats", "--db", db_}, ""},
        {{"property", "--db", db_, "lsmdb.num-files-at-level0"}, ""},
        {{"export", "--db", db_, dir_.path() + "/export.txt"}, ""},
        {{"dump", "manifest", Manifest()}, ""},
    };
  }

  TempDir dir_;
  std::string db_ = dir_.path() + "/db";
};

TEST_F(ReadOnlyCliTest, ReadingCommandsChangeNothing) {
  const auto before = Listing(db_);
  for (const auto& [args, expect] : ReadingCommands()) {
    const CliResult r = RunCli(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << ": " << r.err;
    EXPECT_NE(r.out.find(expect), std::string::npos) << args[0] << ": " << r.out;
    EXPECT_EQ(Listing(db_), before) << args[0] << " changed the database directory";
  }
  const CliResult shell = RunCli({"--read-only", db_}, "get k3\nscan k1 k2\ncount\nput x y\n");
  EXPECT_EQ(shell.exit_code, 1);
  EXPECT_NE(shell.out.find("v3"), std::string::npos) << shell.out;
  EXPECT_NE(shell.err.find("read-only"), std::string::npos) << shell.err;
  EXPECT_EQ(Listing(db_), before);
}

TEST_F(ReadOnlyCliTest, NoStrayLockInADirectoryThatIsNoDatabase) {
  const std::string other = dir_.path() + "/other";
  fs::create_directory(other);
  const CliResult r = RunCli({"get", "--db", other, "k"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("not an lsmdb database"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_empty(other));
}

// Runs the CLI as user `nobody` (the tests run as root, who may write anything). The exit
// status; -1 when there is no such user to switch to, -2 when it may not run the binary.
int RunCliAsNobody(const std::vector<std::string>& args, std::string* out) {
  const struct passwd* pw = getpwnam("nobody");
  if (pw == nullptr || getuid() != 0) return -1;
  const uid_t uid = pw->pw_uid;
  const gid_t gid = pw->pw_gid;
  int pipefd[2];
  if (pipe(pipefd) != 0) return -1;
  std::vector<std::string> argv_s = {LSMDB_CLI_PATH};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  char env_home[] = "HOME=/nonexistent";
  char* envp[] = {env_home, nullptr};
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(pipefd[1], 1);
    dup2(pipefd[1], 2);
    close(pipefd[0]);
    close(pipefd[1]);
    if (setgid(gid) != 0 || setuid(uid) != 0) _exit(99);
    execve(argv[0], argv.data(), envp);
    _exit(errno == EACCES ? 97 : 127);
  }
  close(pipefd[1]);
  char buf[4096];
  ssize_t n;
  while ((n = read(pipefd[0], buf, sizeof(buf))) > 0) out->append(buf, static_cast<size_t>(n));
  close(pipefd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status)) return 98;
  if (WEXITSTATUS(status) == 97) return -2;
  return WEXITSTATUS(status) == 99 ? -1 : WEXITSTATUS(status);
}

TEST_F(ReadOnlyCliTest, ReadOnlyCopyAsAnotherUser) {
  fs::permissions(dir_.path(), fs::perms(0755));
  fs::permissions(db_, fs::perms(0555));
  const auto before = Listing(db_);
  std::string out;
  int rc = RunCliAsNobody({"get", "--db", db_, "k9"}, &out);
  if (rc == -1) GTEST_SKIP() << "not root, or no user 'nobody' to switch to";
  if (rc == -2) {
    GTEST_SKIP() << "user 'nobody' may not run " << LSMDB_CLI_PATH
                 << " (a directory above it is private to its owner)";
  }
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out, "v9\n");
  out.clear();
  EXPECT_EQ(RunCliAsNobody({"count", "--db", db_}, &out), 0) << out;
  // A write is refused with the reason, not as "locked".
  out.clear();
  EXPECT_EQ(RunCliAsNobody({"put", "--db", db_, "a", "b"}, &out), 1);
  EXPECT_NE(out.find("Permission denied"), std::string::npos) << out;
  EXPECT_EQ(out.find("locked"), std::string::npos) << out;
  // A directory the user cannot read at all: a permission error, said so.
  fs::permissions(db_, fs::perms(0700));
  out.clear();
  EXPECT_EQ(RunCliAsNobody({"get", "--db", db_, "k9"}, &out), 1);
  EXPECT_NE(out.find("Permission denied"), std::string::npos) << out;
  EXPECT_EQ(out.find("locked"), std::string::npos) << out;
  fs::permissions(db_, fs::perms(0755));
  EXPECT_EQ(Listing(db_), before);
}

TEST_F(ReadOnlyCliTest, BesideARunningWriter) {
  CliProcess writer = CliProcess::NewPiped({db_});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(writer.Write("put fresh 1\n"));
  std::string seen;
  ASSERT_TRUE(writer.ReadUntil("OK\n", &seen)) << seen;
  for (const auto& [args, expect] : ReadingCommands()) {
    const CliResult r = RunCli(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << ": " << r.err;
    EXPECT_NE(r.out.find(expect), std::string::npos) << args[0] << ": " << r.out;
  }
  // The writer's acknowledged write, still only in its log, is seen.
  CliResult r = RunCli({"get", "--db", db_, "fresh"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "1\n");
  r = RunCli({"--read-only", db_}, "get fresh\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1"), std::string::npos);
  ASSERT_TRUE(writer.Write("put fresh 2\nget fresh\n"));
  ASSERT_TRUE(writer.ReadUntil("2\n", &seen)) << seen;
  writer.CloseInput();
  EXPECT_EQ(writer.Wait(), 0);
}

}  // namespace
}  // namespace lsmdb::test
