// CompactionJob: drop rules on hand-made data, output cuts, stats, and failures.
#include "compaction/compaction_job.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "compaction/compaction_job_test_util.h"

namespace lsmdb {
namespace {

using test::Entry;
using test::IKey;
using test::JobHarness;

std::string Key(const char* prefix, int i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%s%05d", prefix, i);
  return buf;
}

Options TestOptions() {
  Options o;
  o.num_levels = 4;
  o.target_file_size = 64 << 10;
  return o;
}

std::vector<Entry> OutputEntries(JobHarness* h, const CompactionJob& job) {
  std::vector<Entry> all;
  for (const auto& f : job.outputs()) {
    auto entries = h->env().ReadTable(f);
    all.insert(all.end(), entries.begin(), entries.end());
  }
  return all;
}

TEST(CompactionJobTest, DropRules) {
  JobHarness h(TestOptions());
  const std::string del;
  h.AddTable(1, {{IKey("a", 50), "a50"},
                 {IKey("a", 40), "a40"},
                 {IKey("a", 30), "a30"},
                 {IKey("b", 60, ValueType::kDeletion), del},
                 {IKey("b", 20), "b20"},
                 {IKey("c", 61, ValueType::kDeletion), del},
                 {IKey("c", 21), "c21"},
                 {IKey("d", 62, ValueType::kDeletion), del}});
  h.AddTable(3, {{IKey("c", 5), "c5"}});  // only "c" may live below the output level
  auto c = h.CompactRange(1, nullptr, nullptr);
  ASSERT_NE(nullptr, c);
  ASSERT_EQ(2, c->output_level());

  struct Case {
    std::vector<SequenceNumber> snapshots;
    std::vector<Entry> expected;
  };
  const Case cases[] = {
      // No snapshot: the newest of each key; tombstones go unless "c" lies below.
      {{}, {{IKey("a", 50), "a50"}, {IKey("c", 61, ValueType::kDeletion), del}}},
      // Snapshot 45: one entry per key and stripe; tombstones newer than 45 stay.
      {{45},
       {{IKey("a", 50), "a50"},
        {IKey("a", 40), "a40"},
        {IKey("b", 60, ValueType::kDeletion), del},
        {IKey("b", 20), "b20"},
        {IKey("c", 61, ValueType::kDeletion), del},
        {IKey("c", 21), "c21"},
        {IKey("d", 62, ValueType::kDeletion), del}}},
      // Snapshot 62: every tombstone is visible to all; "d"@62 sits exactly on it.
      {{62}, {{IKey("a", 50), "a50"}, {IKey("c", 61, ValueType::kDeletion), del}}},
      // Snapshots 25 and 35: "a"@30 is what 35 sees; "b"@20 what 25 sees.
      {{25, 35},
       {{IKey("a", 50), "a50"},
        {IKey("a", 30), "a30"},
        {IKey("b", 60, ValueType::kDeletion), del},
        {IKey("b", 20), "b20"},
        {IKey("c", 61, ValueType::kDeletion), del},
        {IKey("c", 21), "c21"},
        {IKey("d", 62, ValueType::kDeletion), del}}},
  };
  for (const Case& cs : cases) {
    std::unique_ptr<CompactionJob> job;
    ASSERT_TRUE(h.Run(c, cs.snapshots, 100, 1, &job).ok());
    EXPECT_EQ(cs.expected, OutputEntries(&h, *job))
        << "snapshots: " << (cs.snapshots.empty() ? 0 : cs.snapshots[0]);
    EXPECT_EQ(8u, job->stats().input_entries);
    EXPECT_EQ(8u - cs.expected.size(), job->stats().dropped_entries);
  }
  h.Release(c);
}

TEST(CompactionJobTest, EditAndStats) {
  JobHarness h(TestOptions());
  auto l0 = h.AddTable(0, {{IKey("b", 9), "new"}, {IKey("x", 8), "x"}});
  auto l1 = h.AddTable(1, {{IKey("b", 3), "old"}, {IKey("c", 2), "c"}});
  auto c = h.CompactRange(0, nullptr, nullptr);
  ASSERT_NE(nullptr, c);
  std::unique_ptr<CompactionJob> job;
  ASSERT_TRUE(h.Run(c, {}, 10, 1, &job).ok());
  ASSERT_EQ(1u, job->outputs().size());
  const FileMetaData& out = job->outputs()[0];
  EXPECT_EQ(h.allocated(), std::vector<uint64_t>{out.number});
  EXPECT_EQ(IKey("b", 9), out.smallest);
  EXPECT_EQ(IKey("x", 8), out.largest);
  EXPECT_EQ(3u, out.num_entries);

  VersionEdit edit;
  job->AddToEdit(&edit);
  EXPECT_EQ((std::set<std::pair<int, uint64_t>>{{0, l0->number}, {1, l1->number}}),
            edit.deleted_files());
  ASSERT_EQ(1u, edit.new_files().size());
  EXPECT_EQ(1, edit.new_files()[0].first);
  EXPECT_EQ(out.number, edit.new_files()[0].second.number);

  const CompactionStats& st = job->stats();
  EXPECT_EQ(l0->file_size + l1->file_size, st.bytes_read);
  EXPECT_EQ(out.file_size, st.bytes_written);
  EXPECT_EQ(2u, st.input_files);
  EXPECT_EQ(1u, st.output_files);
  EXPECT_EQ(4u, st.input_entries);
  EXPECT_EQ(1u, st.dropped_entries);
  EXPECT_EQ(1u, st.subcompactions);
  h.Release(c);
}

TEST(CompactionJobTest, OutputsCutAtSizeButNeverWithinAUserKey) {
  Options options = TestOptions();
  options.target_file_size = 16 << 10;
  JobHarness h(options);
  std::vector<Entry> entries;
  std::vector<SequenceNumber> snapshots;
  const std::string value(100, 'v');
  for (int i = 0; i < 3000; i++) entries.emplace_back(IKey(Key("k", i), 1000 + i), value);
  // One key with 400 versions, each visible to a snapshot: about 45 KiB that must stay
  // in one table.
  const std::string hot = Key("k", 1500);
  for (SequenceNumber s = 10; s < 410; s++) {
    entries.emplace_back(IKey(hot, s), value);
    snapshots.push_back(s);
  }
  h.AddTable(1, entries);
  auto c = h.CompactRange(1, nullptr, nullptr);
  ASSERT_NE(nullptr, c);
  std::unique_ptr<CompactionJob> job;
  ASSERT_TRUE(h.Run(c, snapshots, 10000, 1, &job).ok());
  const auto& outs = job->outputs();
  ASSERT_GT(outs.size(), 10u);
  auto after = h.Apply(*c, *job);  // checks metadata and user-key disjointness
  int hot_tables = 0;
  for (size_t i = 0; i < outs.size(); i++) {
    const bool holds_hot = h.ucmp()->Compare(ExtractUserKey(outs[i].smallest), hot) <= 0 &&
                           h.ucmp()->Compare(ExtractUserKey(outs[i].largest), hot) >= 0;
    hot_tables += holds_hot ? 1 : 0;
    if (i + 1 < outs.size()) {
      EXPECT_GE(outs[i].file_size, options.target_file_size);
    }
    if (!holds_hot) {
      EXPECT_LE(outs[i].file_size, options.target_file_size + (8 << 10));
    }
  }
  EXPECT_EQ(1, hot_tables);
  EXPECT_EQ(entries.size(), job->stats().input_entries);
  EXPECT_EQ(0u, job->stats().dropped_entries);
  h.Release(c);
}

TEST(CompactionJobTest, OutputsCutAtGrandparentOverlap) {
  Options options = TestOptions();
  options.target_file_size = 1000;  // grandparent limit: 10 * 1000 bytes
  JobHarness h(options);
  std::vector<Entry> entries;
  for (int i = 0; i < 200; i++) entries.emplace_back(IKey(Key("g", i), 500), "");
  h.AddTable(1, entries);
  // Grandparents of 3000 bytes over two keys each (metadata only: never read).
  for (int i = 0; i < 100; i++) {
    h.version()->TEST_AppendFile(
        3, test::FakeFile(1000 + i, Key("g", 2 * i), Key("g", 2 * i + 1), 3000, 100));
  }
  auto c = h.CompactRange(1, nullptr, nullptr);
  ASSERT_NE(nullptr, c);
  ASSERT_EQ(100u, c->grandparents().size());
  std::unique_ptr<CompactionJob> job;
  ASSERT_TRUE(h.Run(c, {}, 1000, 1, &job).ok());
  const auto& outs = job->outputs();
  EXPECT_GE(outs.size(), 20u);  // the data alone (a few KiB) would make about 3
  for (const auto& out : outs) {
    uint64_t overlap = 0;
    for (const auto& gp : c->grandparents()) {
      if (h.ucmp()->Compare(ExtractUserKey(gp->largest), ExtractUserKey(out.smallest)) >= 0 &&
          h.ucmp()->Compare(ExtractUserKey(gp->smallest), ExtractUserKey(out.largest)) <= 0) {
        overlap += gp->file_size;
      }
    }
    EXPECT_LE(overlap, 10 * options.target_file_size + 2 * 3000);
  }
  h.Apply(*c, *job);
  h.Release(c);
}

// Flips a byte of a table file.
void Corrupt(JobHarness* h, uint64_t number, size_t offset) {
  const std::string fname = TableFileName(h->env().dbname(), number);
  std::string data;
  ASSERT_TRUE(h->env().fs()->ReadFileToString(fname, &data).ok());
  data[offset] ^= 0x40;
  ASSERT_TRUE(h->env().fs()->WriteStringToFile(fname, data).ok());
  h->env().table_cache()->Evict(number);  // reopen it from the damaged bytes
}

TEST(CompactionJobTest, CorruptInputBlockFailsAndRemovesOutputs) {
  JobHarness h(TestOptions());
  std::vector<Entry> a, b;
  for (int i = 0; i < 500; i++) {
    a.emplace_back(IKey(Key("a", i), 100 + i), "value");
    b.emplace_back(IKey(Key("b", i), 100 + i), "value");
  }
  auto fb = h.AddTable(0, b);
  auto fa = h.AddTable(0, a);
  // Inside a data block in the middle of b: a's entries come first, then b's up to the
  // damage, so outputs are written before the merge fails.
  Corrupt(&h, fb->number, fb->file_size / 2);
  for (int max_sub : {1, 4}) {
    auto c = h.CompactRange(0, nullptr, nullptr);
    ASSERT_NE(nullptr, c);
    std::unique_ptr<CompactionJob> job;
    Status s = h.Run(c, {}, 1000, max_sub, &job);
    EXPECT_TRUE(s.IsCorruption()) << s.ToString();
    EXPECT_TRUE(job->outputs().empty());
    EXPECT_FALSE(h.allocated().empty());  // outputs were written, then removed
    EXPECT_EQ((std::set<uint64_t>{fa->number, fb->number}), h.TableFiles());
    h.Release(c);
  }
}

TEST(CompactionJobTest, UnparsableInternalKeyFailsWithCorruption) {
  JobHarness h(TestOptions());
  // A table whose last key has an unknown kind (written as plain keys).
  auto meta = std::make_shared<FileMetaData>();
  meta->number = h.env().NewFileNumber();
  std::unique_ptr<WritableFile> file;
  ASSERT_TRUE(h.env().fs()->NewWritableFile(TableFileName("/db", meta->number), &file).ok());
  TableOptions topts = h.env().table_options();
  topts.keys_are_internal = false;
  topts.bloom_bits_per_key = 0;
  TableBuilder builder(topts, file.get());
  for (int i = 0; i < 2000; i++) builder.Add(IKey(Key("a", i), 5), std::string(50, 'x'));
  std::string bad = "zz";
  PutFixed64(&bad, (uint64_t{5} << 8) | 0x7);
  builder.Add(bad, "?");
  ASSERT_TRUE(builder.Finish().ok());
  ASSERT_TRUE(file->Close().ok());
  meta->file_size = builder.FileSize();
  meta->smallest = IKey(Key("a", 0), 5);
  meta->largest = bad;
  h.version()->TEST_AppendFile(0, meta);

  auto c = h.CompactRange(0, nullptr, nullptr);
  ASSERT_NE(nullptr, c);
  std::unique_ptr<CompactionJob> job;
  Status s = h.Run(c, {}, 1000, 1, &job);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(std::string::npos, s.ToString().find("bad internal key")) << s.ToString();
  EXPECT_FALSE(h.allocated().empty());
  EXPECT_EQ((std::set<uint64_t>{meta->number}), h.TableFiles());
  h.Release(c);
}

TEST(CompactionJobTest, WriteErrorsFailAndRemoveOutputs) {
  for (auto failing : {MemFileSystem::Op::kSync, MemFileSystem::Op::kSyncDir}) {
    JobHarness h(TestOptions());
    std::vector<Entry> a;
    for (int i = 0; i < 100; i++) a.emplace_back(IKey(Key("a", i), 100 + i), "value");
    auto fa = h.AddTable(0, a);
    auto c = h.CompactRange(0, nullptr, nullptr);
    ASSERT_NE(nullptr, c);
    h.env().fs()->SetFaultHook([failing](MemFileSystem::Op op, const std::string&) {
      return op == failing ? Status::IOError("injected") : Status::OK();
    });
    std::unique_ptr<CompactionJob> job;
    Status s = h.Run(c, {}, 1000, 1, &job);
    h.env().fs()->SetFaultHook(nullptr);
    EXPECT_TRUE(s.IsIOError()) << s.ToString();
    EXPECT_TRUE(job->outputs().empty());
    EXPECT_EQ(std::set<uint64_t>{fa->number}, h.TableFiles());
    h.Release(c);
  }
}

}  // namespace
}  // namespace lsmdb
