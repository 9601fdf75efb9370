// Test-only: a database directory in memory with real tables, and Versions built by
// hand, for the compaction tests.
#ifndef LSMDB_COMPACTION_COMPACTION_TEST_UTIL_H_
#define LSMDB_COMPACTION_COMPACTION_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "compaction/compaction_picker.h"
#include "io/mem_file_system.h"
#include "sstable/table_builder.h"
#include "util/internal_key.h"
#include "util/statistics.h"
#include "version/filename.h"
#include "version/table_cache.h"
#include "version/version.h"

namespace lsmdb::test {

inline std::string IKey(std::string_view user_key, SequenceNumber seq,
                        ValueType type = ValueType::kValue) {
  std::string k;
  AppendInternalKey(&k, user_key, seq, type);
  return k;
}

// One entry of a table: an internal key and its value.
using Entry = std::pair<std::string, std::string>;

class CompactionTestEnv {
 public:
  explicit CompactionTestEnv(int num_levels = 4) : num_levels_(num_levels) {
    EXPECT_TRUE(fs_->CreateDirIfMissing(dbname_).ok());
    table_options_.comparator = &icmp_;
    table_options_.block_size = 1024;
    table_cache_ =
        std::make_unique<TableCache>(dbname_, fs_.get(), &icmp_, nullptr, &stats_, false, 100);
  }

  const std::string& dbname() const { return dbname_; }
  MemFileSystem* fs() { return fs_.get(); }
  const InternalKeyComparator* icmp() const { return &icmp_; }
  TableCache* table_cache() { return table_cache_.get(); }
  TableOptions& table_options() { return table_options_; }
  uint64_t NewFileNumber() { return next_file_number_++; }

  // Writes entries (sorted here by internal key) as a table; returns its metadata.
  std::shared_ptr<FileMetaData> WriteTable(std::vector<Entry> entries) {
    std::sort(entries.begin(), entries.end(), [this](const Entry& a, const Entry& b) {
      return icmp_.Compare(a.first, b.first) < 0;
    });
    auto meta = std::make_shared<FileMetaData>();
    meta->number = NewFileNumber();
    std::unique_ptr<WritableFile> file;
    EXPECT_TRUE(fs_->NewWritableFile(TableFileName(dbname_, meta->number), &file).ok());
    TableBuilder builder(table_options_, file.get());
    meta->smallest_seq = kMaxSequenceNumber;
    for (const auto& [k, v] : entries) {
      builder.Add(k, v);
      ParsedInternalKey p;
      EXPECT_TRUE(ParseInternalKey(k, &p));
      meta->smallest_seq = std::min(meta->smallest_seq, p.sequence);
      meta->largest_seq = std::max(meta->largest_seq, p.sequence);
      meta->num_entries++;
      if (p.type == ValueType::kDeletion) meta->num_deletions++;
    }
    EXPECT_TRUE(builder.Finish().ok());
    EXPECT_TRUE(file->Close().ok());
    meta->file_size = builder.FileSize();
    meta->smallest = entries.front().first;
    meta->largest = entries.back().first;
    return meta;
  }

  // Every entry of a table, in order. Fails the test on a read error.
  std::vector<Entry> ReadTable(const FileMetaData& f) {
    std::vector<Entry> out;
    // Through a copy: a table the cache pins in f would stay open after Evict(), and
    // tests evict to make the next read reopen a damaged file.
    const FileMetaData unpinned = f;
    auto iter = table_cache_->NewIterator(ReadOptions(), unpinned);
    for (iter->SeekToFirst(); iter->Valid(); iter->Next()) {
      out.emplace_back(std::string(iter->key()), std::string(iter->value()));
    }
    EXPECT_TRUE(iter->status().ok()) << iter->status().ToString();
    return out;
  }

  std::shared_ptr<Version> NewVersion() {
    return std::make_shared<Version>(&icmp_, table_cache_.get(), num_levels_);
  }

 private:
  const int num_levels_;
  const std::string dbname_ = "/db";
  std::shared_ptr<MemFileSystem> fs_ = std::make_shared<MemFileSystem>();
  InternalKeyComparator icmp_{BytewiseComparator()};
  ReadStats stats_;
  TableOptions table_options_;
  std::unique_ptr<TableCache> table_cache_;
  uint64_t next_file_number_ = 10;
};

// Metadata of a table that does not exist, for picker tests (which read no table).
inline std::shared_ptr<FileMetaData> FakeFile(uint64_t number, std::string_view smallest,
                                              std::string_view largest, uint64_t size,
                                              SequenceNumber seq = 100) {
  auto f = std::make_shared<FileMetaData>();
  f->number = number;
  f->file_size = size;
  f->smallest = IKey(smallest, seq);
  f->largest = IKey(largest, seq);
  f->smallest_seq = f->largest_seq = seq;
  return f;
}

// Owns the compactions a test picks and releases the ones the test did not, so that a
// failed assertion leaves no running job behind in the picker. Destroy it before the
// picker.
class PickedCompactions {
 public:
  explicit PickedCompactions(CompactionPicker* picker) : picker_(picker) {}
  ~PickedCompactions() {
    for (auto& [c, running] : owned_) {
      if (running) picker_->ReleaseCompaction(c.get());
    }
  }
  PickedCompactions(const PickedCompactions&) = delete;
  PickedCompactions& operator=(const PickedCompactions&) = delete;

  // Takes c (possibly null); returns it.
  Compaction* Keep(std::unique_ptr<Compaction> c) {
    Compaction* raw = c.get();
    if (raw != nullptr) owned_.emplace_back(std::move(c), true);
    return raw;
  }
  void Release(Compaction* c) {
    for (auto& [owned, running] : owned_) {
      if (owned.get() == c && running) {
        picker_->ReleaseCompaction(c);
        running = false;
        return;
      }
    }
    ADD_FAILURE() << "releasing a compaction not running";
  }

 private:
  CompactionPicker* const picker_;
  std::vector<std::pair<std::unique_ptr<Compaction>, bool>> owned_;
};

// The user key -> value map a reader at snapshot `at` sees in entries (any order).
inline std::map<std::string, std::string> Visible(const std::vector<Entry>& entries,
                                                  SequenceNumber at) {
  std::map<std::string, std::pair<SequenceNumber, const Entry*>> newest;
  for (const Entry& e : entries) {
    ParsedInternalKey p;
    EXPECT_TRUE(ParseInternalKey(e.first, &p));
    if (p.sequence > at) continue;
    auto [it, inserted] = newest.try_emplace(std::string(p.user_key), p.sequence, &e);
    if (!inserted && it->second.first < p.sequence) it->second = {p.sequence, &e};
  }
  std::map<std::string, std::string> visible;
  for (const auto& [key, seq_entry] : newest) {
    ParsedInternalKey p;
    EXPECT_TRUE(ParseInternalKey(seq_entry.second->first, &p));
    if (p.type == ValueType::kValue) visible[key] = seq_entry.second->second;
  }
  return visible;
}

}  // namespace lsmdb::test

#endif  // LSMDB_COMPACTION_COMPACTION_TEST_UTIL_H_
