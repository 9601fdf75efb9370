// `lsmdb dump`, `lsmdb verify` and `lsmdb repair` on databases made by the CLI itself,
// on damaged copies of them and on garbage.
#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli/cli_runner.h"
#include "tests/util/test_util.h"
#include "util/crc32c.h"

namespace lsmdb::test {
namespace {

class InspectTest : public ::testing::Test {
 protected:
  // A database whose table holds a, b and k\x00 (sequences 1..3, written by one load and
  // flushed when the next command opened it) and whose live log holds "delete b" (4).
  void MakeDatabase() {
    CliResult r = RunCli({"load", "--db", db_}, "a\t1\nb\t2\nk\\x00\t\\x01\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = RunCli({"delete", "--db", db_, "b"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // Names in the database directory ending with suffix (or starting with it, for
  // "MANIFEST-"), sorted.
  std::vector<std::string> Files(const std::string& pattern) {
    std::vector<std::string> r;
    if (DIR* d = opendir(db_.c_str())) {
      while (dirent* e = readdir(d)) {
        const std::string name = e->d_name;
        if (name.ends_with(pattern) || name.starts_with(pattern)) r.push_back(name);
      }
      closedir(d);
    }
    std::sort(r.begin(), r.end());
    return r;
  }
  // The one file matching pattern (the newest for logs).
  std::string Path(const std::string& pattern) {
    const auto names = Files(pattern);
    EXPECT_FALSE(names.empty()) << pattern;
    return names.empty() ? db_ + "/none" : db_ + "/" + names.back();
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  static void Write(const std::string& path, const std::string& data) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << data;
  }
  static void FlipByte(const std::string& path, size_t offset) {
    std::string data = Read(path);
    ASSERT_LT(offset, data.size());
    data[offset] = static_cast<char>(data[offset] ^ 0x10);
    Write(path, data);
  }
  static bool Contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
  }
  static std::vector<std::string> Lines(const std::string& text) {
    std::vector<std::string> r;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) r.push_back(line);
    return r;
  }
  static void ExpectJsonLines(const std::string& out) {
    const auto lines = Lines(out);
    EXPECT_FALSE(lines.empty());
    for (const auto& line : lines) {
      EXPECT_TRUE(line.starts_with("{\"type\": \"") && line.ends_with("}")) << line;
    }
  }

  TempDir dir_;
  std::string db_ = dir_.path() + "/db";
};

TEST_F(InspectTest, DumpWal) {
  MakeDatabase();
  CliResult r = RunCli({"dump", "wal", Path(".log")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  // Every log starts with its link (21 bytes): the first log after an open names log 0.
  EXPECT_TRUE(Contains(r.out, ": write-ahead log, 43 bytes\n")) << r.out;
  EXPECT_TRUE(Contains(r.out,
                       "link at offset 0: first log since an open, writes up to seq 3 "
                       "logged before it\n"))
      << r.out;
  EXPECT_TRUE(Contains(r.out, "record at offset 21: seq 4, count 1, 15 bytes\n  del b\n")) << r.out;
  EXPECT_TRUE(Contains(r.out, "total: 2 records, 1 updates, last seq 4, 0 damaged bytes\n"));

  r = RunCli({"dump", "wal", "--json", Path(".log")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ExpectJsonLines(r.out);
  EXPECT_TRUE(Contains(r.out,
                       "{\"type\": \"link\", \"offset\": 0, \"prev_log\": 0, "
                       "\"prev_last_seq\": 3}\n"))
      << r.out;
  EXPECT_TRUE(Contains(r.out,
                       "{\"type\": \"record\", \"offset\": 21, \"seq\": 4, \"count\": 1, "
                       "\"bytes\": 15, \"updates\": [{\"op\": \"del\", \"key\": \"b\"}]}\n"))
      << r.out;
}

// A sync mark (docs/format/wal.md §2: a count-0 batch header with tag 'S') is shown as
// one, not as a link.
TEST_F(InspectTest, DumpWalShowsSyncMarks) {
  MakeDatabase();
  const std::string log = Path(".log");
  std::string payload(12, '\0');  // fixed64 0 | fixed32 count 0
  payload.push_back('S');
  std::string typed(1, '\x01');  // kFull
  typed += payload;
  const uint32_t crc = crc32c::Mask(crc32c::Value(typed));
  std::string fragment;
  for (int i = 0; i < 4; i++) fragment.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  fragment.push_back(static_cast<char>(payload.size()));
  fragment.push_back('\0');
  fragment += typed;
  Write(log, Read(log) + fragment);
  CliResult r = RunCli({"dump", "wal", log});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out,
                       "sync mark at offset 43: every older log still needed was "
                       "synced before it\n"))
      << r.out;
  EXPECT_FALSE(Contains(r.out, "link at offset 43")) << r.out;
  r = RunCli({"dump", "wal", "--json", log});
  EXPECT_TRUE(Contains(r.out, "{\"type\": \"sync_mark\", \"offset\": 43}\n")) << r.out;
}

TEST_F(InspectTest, DumpWalWithPuts) {
  CliResult r = RunCli({"load", "--db", db_}, "a\t1\nk\\x00\t\\x01\\t\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunCli({"dump", "wal", Path(".log")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "seq 1, count 2,")) << r.out;
  EXPECT_TRUE(Contains(r.out, "  put a => 1\n  put k\\x00 => \\x01\\t\n")) << r.out;
  r = RunCli({"dump", "wal", "--json", Path(".log")});
  EXPECT_TRUE(
      Contains(r.out, "{\"op\": \"put\", \"key\": \"k\\u0000\", \"value\": \"\\u0001\\u0009\"}"))
      << r.out;
}

TEST_F(InspectTest, DumpSst) {
  MakeDatabase();
  ASSERT_EQ(Files(".sst").size(), 1u);
  CliResult r = RunCli({"dump", "sst", Path(".sst")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  for (const char* want : {": table, ", "\nfooter: index at ", "format version 1\n",
                           "\nproperties:\n", "  num_entries: 3\n", "  smallest_key: a @ 1 put\n",
                           "  largest_key: k\\x00 @ 3 put\n", "\nindex: block 0 data at 0 (",
                           "  a @ 1 put => 1\n  b @ 2 put => 2\n  k\\x00 @ 3 put => \\x01\n",
                           "total: 3 entries printed, 1 data blocks, 0 damaged\n"}) {
    EXPECT_TRUE(Contains(r.out, want)) << want << "\n" << r.out;
  }

  r = RunCli({"dump", "sst", "--json", Path(".sst")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ExpectJsonLines(r.out);
  EXPECT_TRUE(Contains(r.out,
                       "{\"type\": \"entry\", \"key\": {\"user_key\": \"k\\u0000\", \"seq\": 3, "
                       "\"kind\": \"put\"}, \"value\": \"\\u0001\"}\n"))
      << r.out;
  EXPECT_TRUE(Contains(r.out, "{\"type\": \"properties\", \"num_entries\": 3,")) << r.out;

  r = RunCli({"dump", "sst", "--entries=2", Path(".sst")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "  b @ 2 put => 2\ntotal: 2 entries printed")) << r.out;
  EXPECT_FALSE(Contains(r.out, "k\\x00 @ 3 put =>")) << r.out;
}

TEST_F(InspectTest, DumpManifest) {
  MakeDatabase();
  CliResult r = RunCli({"dump", "manifest", Path("MANIFEST-")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "edit at offset 0:\n  comparator: lsmdb.Bytewise\n")) << r.out;
  EXPECT_TRUE(Contains(r.out, "  add file: L0 #")) << r.out;
  EXPECT_TRUE(Contains(r.out, "a @ 1 put .. k\\x00 @ 3 put, seq 1..3, 3 entries, 0 deletions\n"))
      << r.out;
  EXPECT_TRUE(Contains(r.out, "  last sequence: ")) << r.out;

  r = RunCli({"dump", "manifest", "--json", Path("MANIFEST-")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ExpectJsonLines(r.out);
  EXPECT_TRUE(
      Contains(r.out, "{\"type\": \"edit\", \"offset\": 0, \"comparator\": \"lsmdb.Bytewise\""))
      << r.out;
  EXPECT_TRUE(Contains(r.out, "\"smallest_seq\": 1, \"largest_seq\": 3, \"num_entries\": 3"))
      << r.out;
}

TEST_F(InspectTest, DumpDamagedTablePrintsTheRestAndFails) {
  MakeDatabase();
  const std::string sst = Path(".sst");
  FlipByte(sst, 5);  // inside the only data block
  CliResult r = RunCli({"dump", "sst", sst});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.out, "\nfooter: ")) << r.out;
  EXPECT_TRUE(Contains(r.out, "\nblock 0: Corruption: ")) << r.out;
  EXPECT_TRUE(Contains(r.out, "total: 0 entries printed, 1 data blocks, 1 damaged\n")) << r.out;
  EXPECT_TRUE(Contains(r.err, "lsmdb: dump: Corruption: ")) << r.err;
}

TEST_F(InspectTest, DumpGarbageNeverCrashes) {
  Random rnd(RandomSeed());
  const std::string path = dir_.path() + "/garbage";
  for (const char* kind : {"wal", "sst", "manifest"}) {
    // More than a log block: a random header is always either a bad length or a bad
    // checksum, never a torn tail.
    Write(path, RandomBytes(&rnd, 40000));
    for (bool json : {false, true}) {
      std::vector<std::string> args = {"dump", kind, path};
      if (json) args.push_back("--json");
      const CliResult r = RunCli(args);
      EXPECT_EQ(r.exit_code, 1) << kind;
      EXPECT_TRUE(Contains(r.err, "Corruption")) << kind << ": " << r.err;
      if (json) ExpectJsonLines(r.out);
    }
    // Any size: exit 0 or 1, never a crash.
    for (size_t size : {0, 1, 7, 100, 1000, 33000}) {
      Write(path, RandomBytes(&rnd, size));
      const CliResult r = RunCli({"dump", kind, path});
      EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << kind << " " << size << ": " << r.err;
    }
  }
  // A valid file of the wrong kind.
  MakeDatabase();
  EXPECT_EQ(RunCli({"dump", "sst", Path("MANIFEST-")}).exit_code, 1);
  EXPECT_EQ(RunCli({"dump", "manifest", Path(".sst")}).exit_code, 1);
}

TEST_F(InspectTest, DumpRefusesAFileOfAnotherKind) {
  MakeDatabase();
  CliResult r = RunCli({"dump", "manifest", db_ + "/CURRENT"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(Contains(r.err, "lsmdb: dump: " + db_ + "/CURRENT is a CURRENT file")) << r.err;
  r = RunCli({"dump", "wal", Path(".sst")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(Contains(r.err, "is a table, not a wal (try: lsmdb dump sst ")) << r.err;
  r = RunCli({"dump", "sst", Path(".log")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "is a write-ahead log, not a sst")) << r.err;
  r = RunCli({"dump", "wal", Path("MANIFEST-")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "is a MANIFEST, not a wal")) << r.err;
}

TEST_F(InspectTest, DumpGuessesTheKind) {
  MakeDatabase();
  CliResult r = RunCli({"dump", Path(".sst")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "total: 3 entries printed, 1 data blocks, 0 damaged\n")) << r.out;
  r = RunCli({"dump", Path(".log")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "total: 2 records, 1 updates")) << r.out;
  r = RunCli({"dump", Path("MANIFEST-")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "edit at offset 0:\n")) << r.out;
  // A copy under another name: the contents tell.
  const std::string copy = dir_.path() + "/table-copy";
  Write(copy, Read(Path(".sst")));
  r = RunCli({"dump", copy});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "total: 3 entries printed")) << r.out;
  Write(copy, "no database file\n");
  r = RunCli({"dump", copy});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "cannot tell its kind")) << r.err;
}

TEST_F(InspectTest, DumpUsageErrors) {
  CliResult r = RunCli({"dump", "wal"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "lsmdb: dump: missing FILE\n");
  r = RunCli({"dump", "frob", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "lsmdb: dump: KIND must be wal, sst or manifest, not 'frob'\n");
  r = RunCli({"dump", "sst", "x", "--entries=many"});
  EXPECT_EQ(r.exit_code, 2);
  r = RunCli({"dump", "wal", dir_.path() + "/missing"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "lsmdb: dump: NotFound: ")) << r.err;
}

TEST_F(InspectTest, VerifyIntactDatabase) {
  MakeDatabase();
  const CliResult r = RunCli({"verify", db_});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");  // no progress line: stderr is not a terminal
  const auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 5u) << r.out;
  EXPECT_TRUE(lines[0].starts_with("ok CURRENT 16 B -> MANIFEST-")) << lines[0];
  EXPECT_TRUE(lines[1].starts_with("ok MANIFEST-")) << lines[1];
  EXPECT_TRUE(lines[1].ends_with("(1 tables)")) << lines[1];
  EXPECT_EQ(lines[2],
            "ok " + Files(".sst")[0] + " " + std::to_string(Read(Path(".sst")).size()) + " B");
  EXPECT_EQ(lines[3], "ok " + Files(".log").back() + " 43 B");
  EXPECT_TRUE(lines[4].starts_with("verified 4 files (")) << lines[4];
  EXPECT_TRUE(lines[4].ends_with("): all intact")) << lines[4];
}

TEST_F(InspectTest, VerifyFindsAFlippedByteAndAMissingTable) {
  MakeDatabase();
  const std::string table = Files(".sst")[0];
  FlipByte(Path(".sst"), 20);
  CliResult r = RunCli({"verify", db_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.out, "DAMAGED " + table + ": Corruption: " + table + ": ")) << r.out;
  EXPECT_TRUE(Contains(r.out, "): 1 damaged\n")) << r.out;
  EXPECT_EQ(r.err, "lsmdb: verify: " + db_ + ": 1 file is damaged\n");

  ASSERT_EQ(unlink((db_ + "/" + table).c_str()), 0);
  r = RunCli({"verify", db_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.out, "DAMAGED " + table + ": missing (named by MANIFEST-")) << r.out;
}

TEST_F(InspectTest, VerifyGarbageCurrentAndErrors) {
  MakeDatabase();
  Write(db_ + "/CURRENT", "nonsense\n");
  CliResult r = RunCli({"verify", db_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.out, "DAMAGED CURRENT: does not name a MANIFEST file")) << r.out;
  EXPECT_TRUE(Contains(r.out, "note: without a readable MANIFEST")) << r.out;
  EXPECT_TRUE(Contains(r.out, "ok " + Files(".sst")[0])) << r.out;

  r = RunCli({"verify"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "lsmdb: verify: missing PATH\n");
  r = RunCli({"verify", dir_.path() + "/nothing"});
  EXPECT_EQ(r.exit_code, 1);
}

TEST_F(InspectTest, RepairAfterLosingTheManifest) {
  MakeDatabase();
  for (const auto& name : Files("MANIFEST-")) ASSERT_EQ(unlink((db_ + "/" + name).c_str()), 0);
  EXPECT_EQ(RunCli({"scan", "--db", db_}).exit_code, 1);
  CliResult r = RunCli({"repair", db_});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("repair: found 1 logs, 1 tables, 0 MANIFESTs\n")) << r.out;
  EXPECT_TRUE(r.out.ends_with("\nOK\n")) << r.out;
  r = RunCli({"scan", "--db", db_});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "a\t1\nk\\x00\t\\x01\n");
  EXPECT_EQ(RunCli({"verify", db_}).exit_code, 0);
}

TEST_F(InspectTest, RepairADamagedTable) {
  // Two tables of distinct keys; one gets a flipped byte.
  std::string first, second;
  for (int i = 0; i < 50; i++) first += "a" + std::to_string(100 + i) + "\tv\n";
  for (int i = 0; i < 50; i++) second += "b" + std::to_string(100 + i) + "\tv\n";
  ASSERT_EQ(RunCli({"load", "--db", db_}, first).exit_code, 0);
  ASSERT_EQ(RunCli({"load", "--db", db_}, second).exit_code, 0);
  ASSERT_EQ(RunCli({"flush", "--db", db_}).exit_code, 0);
  const auto tables = Files(".sst");
  ASSERT_EQ(tables.size(), 2u);
  FlipByte(db_ + "/" + tables[0], 10);
  EXPECT_EQ(RunCli({"verify", db_}).exit_code, 1);

  CliResult r = RunCli({"repair", db_});
  // The damaged block held all 50 records of its table: lost, and said so.
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(Contains(r.out, "repair: " + db_ + "/" + tables[0] + " is damaged: Corruption"))
      << r.out;
  EXPECT_TRUE(Contains(r.out, "repair: LOST " + db_ + "/" + tables[0] + ": 50 of 50 records lost"))
      << r.out;
  EXPECT_FALSE(Contains(r.out, "\nOK\n")) << r.out;
  EXPECT_EQ(r.err, "lsmdb: repair: " + db_ +
                       ": repaired, but 50 records were lost in 1 file; the keys on the LOST "
                       "lines may now show older values\n");
  EXPECT_EQ(RunCli({"verify", db_}).exit_code, 0);
  r = RunCli({"scan", "--db", db_});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(Contains(r.out, second)) << r.out;
  // The damaged original is kept aside.
  EXPECT_FALSE(Read(db_ + "/lost/" + tables[0]).empty());

  r = RunCli({"repair", dir_.path() + "/nothing"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(RunCli({"repair"}).exit_code, 2);
}

// Two tables: every key, then every key overwritten. The second table gets one byte
// appended (all of it is kept), then a damaged data block (its records are lost, the old
// values show again, and repair counts exactly those).
TEST_F(InspectTest, RepairCountsTheRecordsItLost) {
  std::string old_values, new_values;
  for (int i = 0; i < 300; i++) {
    const std::string k = "k" + std::to_string(1000 + i);
    old_values += k + "\told-" + std::string(30, 'o') + "\n";
    new_values += k + "\tnew-" + std::string(30, 'n') + "\n";
  }
  ASSERT_EQ(RunCli({"load", "--db", db_}, old_values).exit_code, 0);
  ASSERT_EQ(RunCli({"flush", "--db", db_}).exit_code, 0);
  ASSERT_EQ(RunCli({"load", "--db", db_}, new_values).exit_code, 0);
  ASSERT_EQ(RunCli({"flush", "--db", db_}).exit_code, 0);
  auto tables = Files(".sst");
  ASSERT_EQ(tables.size(), 2u);
  std::string newer = db_ + "/" + tables[1];
  Write(newer, Read(newer) + "x");
  CliResult r = RunCli({"repair", db_});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(r.out.ends_with("repair: summary: nothing lost\nOK\n")) << r.out;
  r = RunCli({"scan", "--db", db_});
  EXPECT_EQ(r.out, new_values);

  tables = Files(".sst");
  ASSERT_EQ(tables.size(), 2u);
  newer = db_ + "/" + tables[1];
  FlipByte(newer, Read(newer).size() / 3);
  r = RunCli({"repair", db_});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const size_t at = r.out.find("repair: LOST " + newer + ": ");
  ASSERT_NE(at, std::string::npos) << r.out;
  const uint64_t lost = std::strtoull(r.out.c_str() + at + 14 + newer.size(), nullptr, 10);
  EXPECT_TRUE(Contains(r.out, " of 300 records lost; 1 damaged block; keys \"k1")) << r.out;
  EXPECT_TRUE(Contains(r.err, "repaired, but " + std::to_string(lost) + " records were lost"))
      << r.err;
  r = RunCli({"scan", "--db", db_});
  EXPECT_EQ(r.exit_code, 0);
  uint64_t old_seen = 0;
  for (const auto& line : Lines(r.out)) old_seen += Contains(line, "\told-") ? 1 : 0;
  EXPECT_EQ(Lines(r.out).size(), 300u);
  EXPECT_GT(old_seen, 0u);
  EXPECT_EQ(old_seen, lost) << r.out;
}

}  // namespace
}  // namespace lsmdb::test
