// Test-only: JobHarness builds a Version of real tables, runs CompactionJobs on it and
// checks their outputs.
#ifndef LSMDB_COMPACTION_COMPACTION_JOB_TEST_UTIL_H_
#define LSMDB_COMPACTION_COMPACTION_JOB_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "compaction/compaction_job.h"
#include "compaction/compaction_picker.h"
#include "compaction/compaction_test_util.h"

namespace lsmdb::test {

class JobHarness {
 public:
  explicit JobHarness(const Options& options)
      : options_(options), picker_(&options_, env_.icmp()), version_(env_.NewVersion()) {}

  CompactionTestEnv& env() { return env_; }
  CompactionPicker& picker() { return picker_; }
  const std::shared_ptr<Version>& version() const { return version_; }
  const Comparator* ucmp() const { return env_.icmp()->user_comparator(); }

  // A manual compaction of version() (see CompactionPicker::CompactRange), owned here.
  Compaction* CompactRange(int level, const std::string_view* begin = nullptr,
                           const std::string_view* end = nullptr) {
    return picked_.Keep(picker_.CompactRange(version_, level, begin, end));
  }
  void Release(Compaction* c) { picked_.Release(c); }

  // Writes entries as a table and appends it to level of version() (L0: add the
  // newest table first).
  std::shared_ptr<FileMetaData> AddTable(int level, std::vector<Entry> entries) {
    auto f = env_.WriteTable(std::move(entries));
    contents_[f->number] = env_.ReadTable(*f);
    version_->TEST_AppendFile(level, f);
    return f;
  }
  const std::vector<Entry>& Contents(uint64_t number) { return contents_[number]; }

  std::vector<Entry> AllEntries(const Version& v) {
    std::vector<Entry> all;
    for (int level = 0; level < v.num_levels(); level++) {
      for (const auto& f : v.files(level)) {
        const auto& c = Contents(f->number);
        all.insert(all.end(), c.begin(), c.end());
      }
    }
    return all;
  }

  // Runs c as a job.
  Status Run(Compaction* c, std::vector<SequenceNumber> snapshots, SequenceNumber last_sequence,
             int max_subcompactions, std::unique_ptr<CompactionJob>* job) {
    *job = std::make_unique<CompactionJob>(
        env_.dbname(), env_.fs(), env_.table_options(), env_.icmp(), env_.table_cache(), c,
        std::move(snapshots), last_sequence,
        [this] {
          allocated_.push_back(env_.NewFileNumber());
          return allocated_.back();
        },
        max_subcompactions);
    return (*job)->Run();
  }
  const std::vector<uint64_t>& allocated() const { return allocated_; }

  // The Version after job: version() without c's inputs and with the outputs in the
  // output level. Checks each output's metadata against its contents, and that the
  // outputs are sorted and share no user key.
  std::shared_ptr<Version> Apply(const Compaction& c, const CompactionJob& job) {
    std::set<uint64_t> inputs;
    for (int which = 0; which < 2; which++) {
      for (const auto& f : c.inputs(which)) inputs.insert(f->number);
    }
    auto next = env_.NewVersion();
    for (int level = 0; level < version_->num_levels(); level++) {
      FileList files;
      for (const auto& f : version_->files(level)) {
        if (inputs.count(f->number) == 0) files.push_back(f);
      }
      if (level == c.output_level()) {
        for (const FileMetaData& meta : job.outputs()) {
          CheckOutput(meta);
          files.push_back(std::make_shared<FileMetaData>(meta));
        }
        std::sort(files.begin(), files.end(), [this](const auto& a, const auto& b) {
          return env_.icmp()->Compare(a->smallest, b->smallest) < 0;
        });
      }
      for (size_t i = 1; level > 0 && i < files.size(); i++) {
        EXPECT_LT(ucmp()->Compare(ExtractUserKey(files[i - 1]->largest),
                                  ExtractUserKey(files[i]->smallest)),
                  0)
            << "level " << level << " tables #" << files[i - 1]->number << " and #"
            << files[i]->number << " share user keys";
      }
      for (auto& f : files) next->TEST_AppendFile(level, f);
    }
    return next;
  }

  void CheckOutput(const FileMetaData& meta) {
    const std::vector<Entry> entries = env_.ReadTable(meta);
    contents_[meta.number] = entries;
    ASSERT_FALSE(entries.empty());
    EXPECT_EQ(entries.front().first, meta.smallest);
    EXPECT_EQ(entries.back().first, meta.largest);
    EXPECT_EQ(entries.size(), meta.num_entries);
    uint64_t deletions = 0;
    SequenceNumber lo = kMaxSequenceNumber, hi = 0;
    for (const Entry& e : entries) {
      ParsedInternalKey p;
      ASSERT_TRUE(ParseInternalKey(e.first, &p));
      deletions += p.type == ValueType::kDeletion ? 1 : 0;
      lo = std::min(lo, p.sequence);
      hi = std::max(hi, p.sequence);
    }
    EXPECT_EQ(deletions, meta.num_deletions);
    EXPECT_EQ(lo, meta.smallest_seq);
    EXPECT_EQ(hi, meta.largest_seq);
    uint64_t size = 0;
    EXPECT_TRUE(env_.fs()->GetFileSize(TableFileName(env_.dbname(), meta.number), &size).ok());
    EXPECT_EQ(size, meta.file_size);
    EXPECT_FALSE(meta.being_compacted);
  }

  // Table files in the directory.
  std::set<uint64_t> TableFiles() {
    std::vector<std::string> names;
    EXPECT_TRUE(env_.fs()->GetChildren(env_.dbname(), &names).ok());
    std::set<uint64_t> numbers;
    for (const auto& name : names) {
      uint64_t number;
      FileType type;
      if (ParseFileName(name, &number, &type) && type == FileType::kTableFile) {
        numbers.insert(number);
      }
    }
    return numbers;
  }

 private:
  CompactionTestEnv env_;
  Options options_;
  CompactionPicker picker_;
  std::shared_ptr<Version> version_;
  std::map<uint64_t, std::vector<Entry>> contents_;
  std::vector<uint64_t> allocated_;
  PickedCompactions picked_{&picker_};
};

}  // namespace lsmdb::test

#endif  // LSMDB_COMPACTION_COMPACTION_JOB_TEST_UTIL_H_
