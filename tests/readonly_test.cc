// DB::OpenForReadOnly on the POSIX file system: it changes no byte and no name in the
// directory, works on a read-only directory as a user who cannot write it, refuses
// writes, reports a permission error as one, leaves out a writer's append in progress,
// and sees a consistent prefix of the writes beside a writer in the same process.
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include "lsmdb/db.h"
#include "tests/util/test_util.h"
#include "util/crc32c.h"

namespace lsmdb {
namespace {

namespace fs = std::filesystem;

std::string Key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "key%06d", i);
  return buf;
}
std::string Value(int i) { return "value-" + std::to_string(i) + std::string(100, 'v'); }

std::string ReadWhole(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every entry of dir with its size, mode and the CRC of its bytes.
std::map<std::string, std::string> Listing(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string bytes = ReadWhole(e.path());
    struct stat st;
    stat(e.path().c_str(), &st);
    out[e.path().filename().string()] = std::to_string(bytes.size()) + " " +
                                        std::to_string(st.st_mode) + " " +
                                        std::to_string(crc32c::Value(bytes.data(), bytes.size()));
  }
  return out;
}

// A database holding keys [0, n): tables, and the last `in_log` writes only in the log.
void MakeDatabase(const std::string& path, int n, int in_log) {
  Options o;
  o.create_if_missing = true;
  o.write_buffer_size = 64 << 10;
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::Open(o, path, &db).ok());
  for (int i = 0; i < n - in_log; i++) ASSERT_TRUE(db->Put({}, Key(i), Value(i)).ok());
  ASSERT_TRUE(db->Flush().ok());
  for (int i = n - in_log; i < n; i++) ASSERT_TRUE(db->Put({}, Key(i), Value(i)).ok());
}

// Every key of [0, n) reads back, by Get and by a scan that holds exactly them.
void ExpectKeys(DB* db, int n) {
  for (int i = 0; i < n; i += 7) {
    std::string v;
    ASSERT_TRUE(db->Get({}, Key(i), &v).ok()) << Key(i);
    ASSERT_EQ(v, Value(i));
  }
  auto it = db->NewIterator({});
  int count = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ASSERT_EQ(it->key(), Key(count));
    ASSERT_EQ(it->value(), Value(count));
    count++;
  }
  ASSERT_TRUE(it->status().ok()) << it->status().ToString();
  EXPECT_EQ(count, n);
}

TEST(ReadOnlyTest, ChangesNothingAndRefusesWrites) {
  test::TempDir tmp;
  const std::string path = tmp.path() + "/db";
  MakeDatabase(path, 2000, 300);
  const auto before = Listing(path);
  {
    std::unique_ptr<DB> db;
    Status s = DB::OpenForReadOnly(Options(), path, &db);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ExpectKeys(db.get(), 2000);
    EXPECT_TRUE(db->Put({}, "k", "v").IsNotSupported());
    EXPECT_TRUE(db->Delete({}, "k").IsNotSupported());
    WriteBatch b;
    EXPECT_TRUE(db->Write({}, &b).IsNotSupported());
    EXPECT_TRUE(db->Flush().IsNotSupported());
    EXPECT_TRUE(db->CompactRange(nullptr, nullptr).IsNotSupported());
    std::string stats;
    EXPECT_TRUE(db->GetProperty("lsmdb.stats", &stats));
    // Two read-only handles at once: no lock is taken.
    std::unique_ptr<DB> second;
    ASSERT_TRUE(DB::OpenForReadOnly(Options(), path, &second).ok());
  }
  EXPECT_EQ(Listing(path), before);
}

TEST(ReadOnlyTest, MissingOrNotADatabase) {
  test::TempDir tmp;
  std::unique_ptr<DB> db;
  Options o;
  o.create_if_missing = true;  // ignored
  EXPECT_TRUE(DB::OpenForReadOnly(o, tmp.path() + "/none", &db).IsInvalidArgument());
  EXPECT_FALSE(fs::exists(tmp.path() + "/none"));
  fs::create_directory(tmp.path() + "/empty");
  EXPECT_TRUE(DB::OpenForReadOnly(o, tmp.path() + "/empty", &db).IsInvalidArgument());
  EXPECT_TRUE(fs::is_empty(tmp.path() + "/empty"));  // no stray LOCK
}

// Runs fn as user `nobody` in a forked child (the tests run as root, who may write a
// 0555 directory); returns its exit status, or -1 if there is no such user.
int RunAsNobody(const std::function<int()>& fn) {
  const struct passwd* pw = getpwnam("nobody");
  if (pw == nullptr) return -1;
  const uid_t uid = pw->pw_uid;
  const gid_t gid = pw->pw_gid;
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    if (getuid() == 0 && (setgid(gid) != 0 || setuid(uid) != 0)) _exit(99);
    _exit(fn());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 98;
}

TEST(ReadOnlyTest, ReadOnlyDirectoryAsAnotherUser) {
  test::TempDir tmp;
  const std::string path = tmp.path() + "/db";
  MakeDatabase(path, 1500, 200);
  fs::permissions(tmp.path(), fs::perms(0755));
  fs::permissions(path, fs::perms(0555));
  const auto before = Listing(path);
  const int rc = RunAsNobody([&] {
    if (getuid() == 0) return 97;
    std::unique_ptr<DB> db;
    if (!DB::OpenForReadOnly(Options(), path, &db).ok()) return 1;
    std::string v;
    if (!db->Get({}, Key(1499), &v).ok() || v != Value(1499)) return 2;
    if (!db->Get({}, Key(3), &v).ok() || v != Value(3)) return 3;
    db.reset();
    // A writable open cannot work here; it says why, not "locked".
    Status s = DB::Open(Options(), path, &db);
    if (s.ok() || s.ToString().find("Permission denied") == std::string::npos) return 4;
    return 0;
  });
  if (rc == -1 || rc == 99) GTEST_SKIP() << "no user 'nobody' to switch to";
  if (rc == 97) GTEST_SKIP() << "cannot run as a user other than root";
  EXPECT_EQ(rc, 0);
  fs::permissions(path, fs::perms(0755));
  EXPECT_EQ(Listing(path), before);
}

TEST(ReadOnlyTest, PermissionErrorIsReportedAsSuch) {
  test::TempDir tmp;
  const std::string path = tmp.path() + "/db";
  MakeDatabase(path, 100, 10);
  fs::permissions(tmp.path(), fs::perms(0755));
  fs::permissions(path, fs::perms(0700));
  const int rc = RunAsNobody([&] {
    if (getuid() == 0) return 97;
    std::unique_ptr<DB> db;
    Status s = DB::OpenForReadOnly(Options(), path, &db);
    if (!s.IsIOError()) return 1;
    if (s.ToString().find("Permission denied") == std::string::npos) return 2;
    if (s.ToString().find("lock") != std::string::npos) return 3;
    return 0;
  });
  if (rc == -1 || rc == 99) GTEST_SKIP() << "no user 'nobody' to switch to";
  if (rc == 97) GTEST_SKIP() << "cannot run as a user other than root";
  EXPECT_EQ(rc, 0);
}

// The newest log ending inside a record is a writer's append in progress: left out, with
// no error, even in the strictest recovery mode (in which Open refuses it).
TEST(ReadOnlyTest, IncompleteRecordAtTheEndOfTheNewestLog) {
  test::TempDir tmp;
  const std::string path = tmp.path() + "/db";
  MakeDatabase(path, 500, 100);
  std::string log;
  for (const auto& e : fs::directory_iterator(path)) {
    if (e.path().extension() == ".log") log = e.path();
  }
  ASSERT_FALSE(log.empty());
  // Cut the last record (a 100-byte value: more than 20 bytes) short.
  fs::resize_file(log, fs::file_size(log) - 20);
  Options o;
  o.wal_recovery_mode = WalRecoveryMode::kAbsoluteConsistency;
  std::unique_ptr<DB> db;
  Status s = DB::OpenForReadOnly(o, path, &db);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ExpectKeys(db.get(), 499);
  db.reset();
  EXPECT_TRUE(DB::Open(o, path, &db).IsCorruption());
}

// A writer goes on (flushes, compactions, MANIFEST edits, log switches and deletions)
// while read-only handles open again and again: each sees a prefix of the writes holding
// every write acknowledged before its open.
TEST(ReadOnlyTest, BesideAWriter) {
  test::TempDir tmp;
  const std::string path = tmp.path() + "/db";
  Options o;
  o.create_if_missing = true;
  o.write_buffer_size = 64 << 10;
  o.max_manifest_file_size = 4 << 10;
  std::unique_ptr<DB> writer;
  Status open = DB::Open(o, path, &writer);
  ASSERT_TRUE(open.ok()) << open.ToString();
  std::atomic<int> acked{0};
  std::atomic<bool> stop{false};
  std::atomic<bool> writer_failed{false};
  std::thread t([&] {
    for (int i = 0; !stop.load(); i++) {
      if (!writer->Put({}, Key(i), Value(i)).ok()) {
        writer_failed.store(true);
        return;
      }
      acked.store(i + 1);
    }
  });
  struct Joiner {
    std::atomic<bool>* stop;
    std::thread* t;
    ~Joiner() {
      stop->store(true);
      t->join();
    }
  } joiner{&stop, &t};
  for (int round = 0; round < 40; round++) {
    // Let the writer move on (a few memtables) between opens.
    const int target = acked.load() + 500;
    while (acked.load() < target && !writer_failed.load()) std::this_thread::yield();
    ASSERT_FALSE(writer_failed.load());
    const int before = acked.load();
    std::unique_ptr<DB> db;
    Status s = DB::OpenForReadOnly(Options(), path, &db);
    ASSERT_TRUE(s.ok()) << s.ToString();
    auto it = db->NewIterator({});
    int count = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next(), count++) {
      ASSERT_EQ(it->key(), Key(count));
      ASSERT_EQ(it->value(), Value(count));
    }
    ASSERT_TRUE(it->status().ok()) << it->status().ToString();
    EXPECT_GE(count, before);
    // At most the one write in flight is seen before its Put returned.
    EXPECT_LE(count, acked.load() + 1);
  }
}

}  // namespace
}  // namespace lsmdb
