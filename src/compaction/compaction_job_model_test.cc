// CompactionJob against a model: random trees of real tables, random snapshots, random
// compactions. For every snapshot and for the present, the tree after the job must show
// exactly what it showed before, and the job must keep exactly the entries the drop
// rules (stated here a second way, in terms of visibility) allow it to keep.
#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "compaction/compaction_job.h"
#include "compaction/compaction_job_test_util.h"
#include "tests/util/test_util.h"

namespace lsmdb {
namespace {

using test::Entry;
using test::IKey;
using test::JobHarness;

std::string Key(uint64_t i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "key%05llu", static_cast<unsigned long long>(i));
  return buf;
}

Options ModelOptions() {
  Options o;
  o.num_levels = 4;
  o.target_file_size = 4096;  // several outputs per job
  return o;
}

// Fills h's version with num_writes writes over num_keys keys: the oldest in L3, then
// L2, L1, and the newest in 1..4 L0 tables; each era covers a random window of keys.
// Returns the last sequence number.
SequenceNumber BuildTree(Random* rnd, JobHarness* h, uint64_t num_keys, uint64_t num_writes) {
  const int num_l0 = 1 + static_cast<int>(rnd->Uniform(4));
  std::vector<std::vector<Entry>> eras(3 + num_l0);  // L3, L2, L1, L0 oldest .. newest
  SequenceNumber seq = 0;
  for (auto& era : eras) {
    const uint64_t lo = rnd->OneIn(2) ? 0 : rnd->Uniform(num_keys);
    const uint64_t width = 1 + rnd->Uniform(num_keys - lo);
    const uint64_t writes = 1 + rnd->Uniform(2 * num_writes / eras.size());
    for (uint64_t w = 0; w < writes; w++) {
      const std::string key = Key(lo + rnd->Uniform(width));
      if (rnd->OneIn(4)) {
        era.emplace_back(IKey(key, ++seq, ValueType::kDeletion), "");
      } else {
        era.emplace_back(IKey(key, ++seq), test::RandomString(rnd, rnd->Uniform(40)));
      }
    }
  }
  const InternalKeyComparator* icmp = h->env().icmp();
  // Levels >= 1: split each era into tables at user-key boundaries.
  for (int level = 3; level >= 1; level--) {
    std::vector<Entry>& era = eras[3 - level];
    std::sort(era.begin(), era.end(), [icmp](const Entry& a, const Entry& b) {
      return icmp->Compare(a.first, b.first) < 0;
    });
    std::vector<Entry> table;
    const size_t per_table = 10 + rnd->Uniform(100);
    for (const Entry& e : era) {
      if (table.size() >= per_table &&
          ExtractUserKey(table.back().first) != ExtractUserKey(e.first)) {
        h->AddTable(level, std::move(table));
        table.clear();
      }
      table.push_back(e);
    }
    if (!table.empty()) h->AddTable(level, std::move(table));
  }
  for (size_t i = eras.size(); i-- > 3;) h->AddTable(0, eras[i]);  // newest first
  return seq;
}

// The entries of c's inputs that a compaction with these snapshots may keep: those some
// reader sees, except tombstones every reader sees whose key no deeper level may hold.
std::vector<Entry> ExpectedOutput(JobHarness* h, const Compaction& c,
                                  const std::vector<SequenceNumber>& reads) {
  std::vector<Entry> input;
  for (int which = 0; which < 2; which++) {
    for (const auto& f : c.inputs(which)) {
      const auto& entries = h->Contents(f->number);
      input.insert(input.end(), entries.begin(), entries.end());
    }
  }
  const InternalKeyComparator* icmp = h->env().icmp();
  std::sort(input.begin(), input.end(),
            [icmp](const Entry& a, const Entry& b) { return icmp->Compare(a.first, b.first) < 0; });
  const Version& v = *c.input_version();
  std::vector<Entry> kept;
  for (size_t i = 0; i < input.size(); i++) {
    ParsedInternalKey p;
    EXPECT_TRUE(ParseInternalKey(input[i].first, &p));
    // The next newer entry of the same key is the one just before in the sorted input.
    SequenceNumber newer = kMaxSequenceNumber;
    if (i > 0 && ExtractUserKey(input[i - 1].first) == p.user_key) {
      newer = ExtractTag(input[i - 1].first) >> 8;
    }
    bool seen = false;
    for (SequenceNumber r : reads) seen |= p.sequence <= r && r < newer;
    if (!seen) continue;
    if (p.type == ValueType::kDeletion && p.sequence <= reads.front()) {
      bool below = false;
      for (int level = c.output_level() + 1; level < v.num_levels(); level++) {
        for (const auto& f : v.files(level)) {
          below |= h->ucmp()->Compare(p.user_key, ExtractUserKey(f->smallest)) >= 0 &&
                   h->ucmp()->Compare(p.user_key, ExtractUserKey(f->largest)) <= 0;
        }
      }
      if (!below) continue;
    }
    kept.push_back(input[i]);
  }
  return kept;
}

// Checks that `after` reads like the entries of `before` at every read point, both by
// merging all entries and through Version::Get (which relies on the level order).
void CheckSameReads(JobHarness* h, const std::vector<Entry>& before, const Version& after,
                    const std::vector<SequenceNumber>& reads, uint64_t num_keys) {
  const std::vector<Entry> after_entries = h->AllEntries(after);
  for (SequenceNumber r : reads) {
    const auto expected = test::Visible(before, r);
    ASSERT_EQ(expected, test::Visible(after_entries, r)) << "at sequence " << r;
    for (uint64_t k = 0; k < num_keys; k++) {
      const std::string key = Key(k);
      std::string value;
      bool found = false;
      Status s = after.Get(ReadOptions(), LookupKey(key, r), &value, &found);
      auto it = expected.find(key);
      if (it == expected.end()) {
        ASSERT_TRUE(!found || s.IsNotFound()) << key << " at " << r << ": " << s.ToString();
      } else {
        ASSERT_TRUE(found && s.ok()) << key << " at " << r << ": " << s.ToString();
        ASSERT_EQ(it->second, value) << key << " at " << r;
      }
    }
  }
}

TEST(CompactionJobModelTest, RandomTreesAndSnapshots) {
  Random rnd(test::RandomSeed());
  uint64_t kept_tombstones = 0, dropped = 0, outputs = 0;
  for (int round = 0; round < 30; round++) {
    SCOPED_TRACE("round " + std::to_string(round));
    JobHarness h(ModelOptions());
    const uint64_t num_keys = 20 + rnd.Uniform(300);
    const SequenceNumber last = BuildTree(&rnd, &h, num_keys, 200 + rnd.Uniform(1500));
    std::vector<SequenceNumber> snapshots;
    for (int i = static_cast<int>(rnd.Uniform(5)); i > 0; i--) {
      snapshots.push_back(1 + rnd.Uniform(last));
    }
    std::sort(snapshots.begin(), snapshots.end());
    std::vector<SequenceNumber> reads = snapshots;
    reads.push_back(last);

    // A random manual compaction: L0 -> L1, L1 -> L2, L2 -> L3 or L3 into itself.
    Compaction* c = nullptr;
    while (c == nullptr) {
      const std::string lo = Key(rnd.Uniform(num_keys)), hi = Key(rnd.Uniform(num_keys));
      const std::string_view begin = std::min(lo, hi), end = std::max(lo, hi);
      const bool whole = rnd.OneIn(3);
      c = h.CompactRange(static_cast<int>(rnd.Uniform(4)), whole ? nullptr : &begin,
                         whole ? nullptr : &end);
    }
    SCOPED_TRACE(c->Summary());
    const std::vector<Entry> before = h.AllEntries(*h.version());
    std::unique_ptr<CompactionJob> job;
    const int max_sub = rnd.OneIn(2) ? 1 : 4;
    ASSERT_TRUE(h.Run(c, snapshots, last, max_sub, &job).ok());
    auto after = h.Apply(*c, *job);
    std::vector<Entry> written;
    for (const auto& f : job->outputs()) {
      const auto& entries = h.Contents(f.number);
      written.insert(written.end(), entries.begin(), entries.end());
      kept_tombstones += f.num_deletions;
    }
    ASSERT_EQ(ExpectedOutput(&h, *c, reads), written);
    EXPECT_EQ(job->stats().input_entries - job->stats().dropped_entries, written.size());
    CheckSameReads(&h, before, *after, reads, num_keys);
    dropped += job->stats().dropped_entries;
    outputs += job->outputs().size();
    h.Release(c);
  }
  // The rounds exercised what they should.
  EXPECT_GT(kept_tombstones, 0u);
  EXPECT_GT(dropped, 0u);
  EXPECT_GT(outputs, 30u);
}

TEST(CompactionJobModelTest, SubcompactionsWriteWhatOneJobWrites) {
  Random rnd(test::RandomSeed());
  for (int round = 0; round < 8; round++) {
    SCOPED_TRACE("round " + std::to_string(round));
    JobHarness h(ModelOptions());
    const uint64_t num_keys = 100 + rnd.Uniform(400);
    const SequenceNumber last = BuildTree(&rnd, &h, num_keys, 1000 + rnd.Uniform(2000));
    std::vector<SequenceNumber> snapshots;
    if (rnd.OneIn(2)) snapshots.push_back(1 + rnd.Uniform(last));
    std::vector<SequenceNumber> reads = snapshots;
    reads.push_back(last);
    auto c = h.CompactRange(0, nullptr, nullptr);
    ASSERT_NE(nullptr, c);
    const std::vector<Entry> before = h.AllEntries(*h.version());

    std::vector<Entry> results[2];
    for (int i = 0; i < 2; i++) {
      std::unique_ptr<CompactionJob> job;
      ASSERT_TRUE(h.Run(c, snapshots, last, i == 0 ? 1 : 4, &job).ok());
      auto after = h.Apply(*c, *job);
      for (const auto& f : job->outputs()) {
        const auto& entries = h.Contents(f.number);
        results[i].insert(results[i].end(), entries.begin(), entries.end());
      }
      if (i == 1) {
        std::set<std::string> bounds;  // subcompactions split between these keys
        for (int which = 0; which < 2; which++) {
          for (const auto& f : c->inputs(which)) {
            bounds.emplace(ExtractUserKey(f->smallest));
            bounds.emplace(ExtractUserKey(f->largest));
          }
        }
        EXPECT_EQ(std::min<uint64_t>(4, bounds.size() >= 3 ? bounds.size() - 1 : 1),
                  job->stats().subcompactions);
      }
      CheckSameReads(&h, before, *after, reads, num_keys);
    }
    EXPECT_EQ(results[0], results[1]);
    h.Release(c);
  }
}

}  // namespace
}  // namespace lsmdb
