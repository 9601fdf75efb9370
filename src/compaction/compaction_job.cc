#include "compaction/compaction_job.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "compaction/compaction_merge.h"
#include "compaction/compaction_outputs.h"
#include "sstable/merging_iterator.h"

namespace lsmdb {

// One key range of the job, [start, limit) in user keys (null: unbounded), and what its
// pass produced.
struct CompactionJob::Subcompaction {
  const std::string* start = nullptr;
  const std::string* limit = nullptr;
  std::unique_ptr<CompactionOutputs> outputs;
  Status status;
  uint64_t input_entries = 0;
  uint64_t dropped_entries = 0;
};

CompactionJob::CompactionJob(std::string dbname, FileSystem* fs, const TableOptions& table_options,
                             const InternalKeyComparator* icmp, TableCache* table_cache,
                             Compaction* c, std::vector<SequenceNumber> snapshots,
                             SequenceNumber last_sequence,
                             std::function<uint64_t()> new_file_number, int max_subcompactions)
    : dbname_(std::move(dbname)),
      fs_(fs),
      table_options_(table_options),
      icmp_(icmp),
      table_cache_(table_cache),
      c_(c),
      stripes_(std::move(snapshots), last_sequence),
      new_file_number_(std::move(new_file_number)),
      max_subcompactions_(max_subcompactions) {}

CompactionJob::~CompactionJob() = default;

uint64_t CompactionJob::NewFileNumber() {
  MutexLock lock(&file_number_mu_);
  return new_file_number_();
}

Status CompactionJob::Run() {
  const auto start_time = std::chrono::steady_clock::now();
  const Status loaded = LoadInputRangeTombstones();
  if (!loaded.ok()) return loaded;
  const std::vector<std::string> bounds = SubcompactionBoundaries();
  std::vector<Subcompaction> subs(bounds.size() + 1);
  for (size_t i = 0; i < subs.size(); i++) {
    subs[i].start = i == 0 ? nullptr : &bounds[i - 1];
    subs[i].limit = i == bounds.size() ? nullptr : &bounds[i];
    subs[i].outputs = std::make_unique<CompactionOutputs>(dbname_, fs_, table_options_,
                                                          [this] { return NewFileNumber(); });
  }
  std::vector<std::thread> threads;
  for (size_t i = 1; i < subs.size(); i++) {
    threads.emplace_back([this, sub = &subs[i]] { RunSubcompaction(sub); });
  }
  RunSubcompaction(&subs[0]);
  for (auto& t : threads) t.join();

  Status s;
  for (const Subcompaction& sub : subs) {
    if (!sub.status.ok()) {
      s = sub.status;
      break;
    }
  }
  bool any_output = false;
  for (const Subcompaction& sub : subs) any_output |= !sub.outputs->files().empty();
  if (s.ok() && any_output) s = fs_->SyncDir(dbname_);

  const uint64_t dropped_range_deletions = stats_.dropped_range_deletions;
  stats_ = CompactionStats();
  stats_.dropped_range_deletions = dropped_range_deletions;
  stats_.bytes_read = c_->TotalInputBytes();
  stats_.input_files = static_cast<uint64_t>(c_->num_input_files());
  for (Subcompaction& sub : subs) {
    stats_.input_entries += sub.input_entries;
    stats_.dropped_entries += sub.dropped_entries;
    if (!s.ok()) {
      sub.outputs->RemoveAll();
      continue;
    }
    for (const FileMetaData& f : sub.outputs->files()) outputs_.push_back(f);
    stats_.bytes_written += sub.outputs->BytesWritten();
  }
  stats_.output_files = outputs_.size();
  stats_.subcompactions = subs.size();
  stats_.micros = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                            std::chrono::steady_clock::now() - start_time)
                                            .count());
  return s;
}

std::vector<std::string> CompactionJob::SubcompactionBoundaries() const {
  std::vector<std::string> bounds;
  if (max_subcompactions_ <= 1 || c_->level() != 0) return bounds;
  const Comparator* ucmp = icmp_->user_comparator();
  std::vector<std::string_view> keys;
  for (int which = 0; which < 2; which++) {
    for (const auto& f : c_->inputs(which)) {
      keys.push_back(ExtractUserKey(f->smallest));
      keys.push_back(ExtractUserKey(f->largest));
    }
  }
  std::sort(keys.begin(), keys.end(),
            [ucmp](std::string_view a, std::string_view b) { return ucmp->Compare(a, b) < 0; });
  keys.erase(std::unique(keys.begin(), keys.end(),
                         [ucmp](std::string_view a, std::string_view b) {
                           return ucmp->Compare(a, b) == 0;
                         }),
             keys.end());
  // The smallest and largest keys would open nearly empty ranges: choose among the rest,
  // evenly spaced.
  if (keys.size() < 3) return bounds;
  const size_t candidates = keys.size() - 2;
  const size_t k = std::min<size_t>(static_cast<size_t>(max_subcompactions_) - 1, candidates);
  for (size_t i = 0; i < k; i++) {
    std::string_view b = keys[1 + (i + 1) * candidates / (k + 1)];
    if (bounds.empty() || bounds.back() != b) bounds.emplace_back(b);
  }
  return bounds;
}

std::unique_ptr<InternalIterator> CompactionJob::NewInputIterator() const {
  ReadOptions options;
  options.fill_cache = false;
  std::vector<std::unique_ptr<InternalIterator>> children;
  if (c_->level() == 0) {
    for (const auto& f : c_->inputs(0)) children.push_back(table_cache_->NewIterator(options, *f));
  } else {
    children.push_back(NewLevelIterator(options, icmp_, table_cache_, &c_->inputs(0)));
  }
  if (!c_->inputs(1).empty()) {
    children.push_back(NewLevelIterator(options, icmp_, table_cache_, &c_->inputs(1)));
  }
  return NewMergingIterator(icmp_, std::move(children));
}

void CompactionJob::RunSubcompaction(Subcompaction* sub) {
  Compaction c = *c_;  // this pass's own key cursors
  KeyVersionFilter filter(&stripes_);
  const Comparator* ucmp = icmp_->user_comparator();
  CompactionOutputs* out = sub->outputs.get();
  std::unique_ptr<InternalIterator> iter = NewInputIterator();
  if (sub->start != nullptr) {
    std::string seek;
    AppendInternalKey(&seek, *sub->start, kMaxSequenceNumber, kValueTypeForSeek);
    iter->Seek(seek);
  } else {
    iter->SeekToFirst();
  }

  Status s;
  std::string user_key;  // of the entries being walked
  bool has_user_key = false;
  uint64_t last_tag = 0;
  bool at_next = false;  // a merge run left iter at the next entry already
  for (; iter->Valid(); at_next ? void(at_next = false) : iter->Next()) {
    const std::string_view key = iter->key();
    ParsedInternalKey ikey;
    if (!ParseInternalKey(key, &ikey)) {
      s = Status::Corruption("compaction " + c.Summary(), "input entry with a bad internal key");
      break;
    }
    if (sub->limit != nullptr && ucmp->Compare(ikey.user_key, *sub->limit) >= 0) break;
    sub->input_entries++;
    const uint64_t tag = ExtractTag(key);
    const int order = has_user_key ? ucmp->Compare(ikey.user_key, user_key) : 1;
    if (order < 0 || (order == 0 && tag > last_tag)) {
      s = Status::Corruption("compaction " + c.Summary(), "input keys out of order");
      break;
    }
    last_tag = tag;
    const bool first_of_user_key = order > 0;
    if (first_of_user_key) {
      user_key.assign(ikey.user_key);
      has_user_key = true;
      // Cut only between user keys, so that output tables never share one.
      const bool stop = c.ShouldStopBefore(key, out->has_open_table() ? out->OpenTableSize() : 0);
      if (out->has_open_table() && (stop || out->OpenTableSize() >= c.max_output_file_size())) {
        s = out->FinishTable();
        if (!s.ok()) break;
      }
    }
    bool drop = filter.IsHidden(ikey.sequence, first_of_user_key, ikey.type == ValueType::kMerge);
    if (!drop && ikey.type == ValueType::kDeletion && stripes_.InOldestStripe(ikey.sequence) &&
        c.IsBaseLevelForKey(ikey.user_key)) {
      drop = true;  // hides nothing from anyone, and nothing lies below
    }
    if (!drop && CoveredByRangeTombstone(ikey.user_key, ikey.sequence)) drop = true;
    if (drop) {
      sub->dropped_entries++;
      continue;
    }
    if (ikey.type == ValueType::kMerge) {
      MergeRunResult run;
      s = CompactMergeRun(
          iter.get(), merge_operator_, ucmp, stripes_, &c, out,
          [this](std::string_view k, SequenceNumber seq) {
            return CoveredByRangeTombstone(k, seq);
          },
          &run);
      if (!s.ok()) break;
      sub->input_entries += run.consumed - 1;
      sub->dropped_entries += run.consumed - run.written;
      at_next = true;
      continue;
    }
    s = out->Add(key, ikey, iter->value());
    if (!s.ok()) break;
  }
  if (s.ok()) s = iter->status();
  // The last key range carries the inputs' range tombstones (compaction_range_dels.h).
  if (s.ok() && sub->limit == nullptr) s = AddInputRangeTombstones(out);
  if (s.ok() && out->has_open_table()) s = out->FinishTable();
  sub->status = s;
}

void CompactionJob::AddToEdit(VersionEdit* edit) const {
  c_->AddInputDeletions(edit);
  for (const FileMetaData& f : outputs_) edit->AddFile(c_->output_level(), f);
}

}  // namespace lsmdb
