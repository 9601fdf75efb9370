// The table cache bounds the table files a DB holds open: reading from far more tables
// than max_open_files never holds more than that plus a small constant. A table is held
// through a descriptor or (the POSIX file system maps tables) a memory mapping.
#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <string>
#include <string_view>

#include "lsmdb/db.h"
#include "tests/util/test_util.h"

namespace lsmdb {
namespace {

// Descriptors of this process open on table files (".sst").
int OpenTableDescriptors() {
  int n = 0;
  DIR* d = opendir("/proc/self/fd");
  if (d == nullptr) return -1;
  while (struct dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    char target[4096];
    std::string link = std::string("/proc/self/fd/") + e->d_name;
    ssize_t len = readlink(link.c_str(), target, sizeof(target) - 1);
    if (len > 4 && std::string_view(target, len).ends_with(".sst")) n++;
  }
  closedir(d);
  return n;
}

// Table files (".sst") this process has mapped.
int MappedTables() {
  std::ifstream maps("/proc/self/maps");
  if (!maps) return -1;
  std::set<std::string> paths;
  std::string line;
  while (std::getline(maps, line)) {
    if (line.ends_with(".sst")) paths.insert(line.substr(line.find('/')));
  }
  return static_cast<int>(paths.size());
}

// Table files held open, by descriptor or by mapping.
int OpenTables() {
  const int fds = OpenTableDescriptors(), maps = MappedTables();
  return fds < 0 || maps < 0 ? -1 : fds + maps;
}

TEST(TableCacheTest, OpenTablesStayWithinMaxOpenFiles) {
  test::TempDir dir;
  Options options;
  options.create_if_missing = true;
  options.max_open_files = 16;  // 6 tables + 10 for WAL, MANIFEST, LOG, LOCK, ...
  options.level0_file_num_compaction_trigger = 1000;  // keep every table in L0
  options.level0_slowdown_writes_trigger = 1000;
  options.level0_stop_writes_trigger = 1000;
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::Open(options, dir.path() + "/db", &db).ok());
  const int kTables = 60;
  for (int t = 0; t < kTables; t++) {
    for (int i = 0; i < 10; i++) {
      std::string k = "k" + std::to_string(t) + "-" + std::to_string(i);
      ASSERT_TRUE(db->Put({}, k, "v" + std::to_string(t)).ok());
    }
    ASSERT_TRUE(db->Flush().ok());
  }
  // Reopen, so that no background thread opens tables while this one counts them: the
  // flushes queued each new table for warming, and a table is opened before the least
  // recently used one is closed, so a warming thread may briefly hold one more.
  db.reset();
  ASSERT_TRUE(DB::Open(options, dir.path() + "/db", &db).ok());
  std::string files;
  ASSERT_TRUE(db->GetProperty("lsmdb.num-files-at-level0", &files));
  ASSERT_EQ(kTables, std::stoi(files));

  int peak = OpenTables();
  ASSERT_GE(peak, 0);
  for (int round = 0; round < 3; round++) {
    for (int t = 0; t < kTables; t++) {
      std::string v;
      ASSERT_TRUE(db->Get({}, "k" + std::to_string(t) + "-3", &v).ok());
      ASSERT_EQ("v" + std::to_string(t), v);
      peak = std::max(peak, OpenTables());
    }
  }
  // Every table was opened, yet at most max_open_files - 10 tables were held open at
  // any time (10 are kept for the WAL, MANIFEST, LOG, LOCK and directory).
  EXPECT_GT(peak, 0);
  EXPECT_LE(peak, options.max_open_files - 10);
}

}  // namespace
}  // namespace lsmdb
