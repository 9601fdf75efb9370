#include "db/builder.h"

#include "version/filename.h"

namespace lsmdb {

Status BuildTable(const std::string& dbname, FileSystem* fs, const TableOptions& options,
                  InternalIterator* iter, FileMetaData* meta,
                  std::vector<RangeTombstone> range_dels) {
  meta->file_size = 0;
  iter->SeekToFirst();
  if (!iter->Valid() && (range_dels.empty() || !iter->status().ok())) return iter->status();

  std::string fname = TableFileName(dbname, meta->number);
  std::unique_ptr<WritableFile> file;
  Status s = fs->NewWritableFile(fname, &file);
  if (!s.ok()) return s;
  TableBuilder builder(options, file.get());
  if (iter->Valid()) meta->smallest.assign(iter->key());
  meta->smallest_seq = kMaxSequenceNumber;
  meta->largest_seq = 0;
  meta->num_entries = 0;
  meta->num_deletions = 0;
  for (; iter->Valid(); iter->Next()) {
    std::string_view key = iter->key();
    ParsedInternalKey parsed;
    if (!ParseInternalKey(key, &parsed)) {
      s = Status::Corruption(fname, "bad internal key while building");
      break;
    }
    meta->smallest_seq = std::min(meta->smallest_seq, parsed.sequence);
    meta->largest_seq = std::max(meta->largest_seq, parsed.sequence);
    meta->num_entries++;
    if (parsed.type == ValueType::kDeletion) meta->num_deletions++;
    meta->largest.assign(key);
    builder.Add(key, iter->value());
  }
  if (s.ok()) s = iter->status();
  if (s.ok() && !range_dels.empty()) {
    for (const RangeTombstone& t : range_dels) {
      meta->smallest_seq = std::min(meta->smallest_seq, t.seq);
      meta->largest_seq = std::max(meta->largest_seq, t.seq);
    }
    // An L0 table's key range also covers its tombstones, so that compacting it into L1
    // takes in the tables holding what they hide (L0 ranges may overlap each other).
    const Comparator* ucmp =
        static_cast<const InternalKeyComparator*>(options.comparator)->user_comparator();
    std::string_view lo = range_dels.front().begin, hi = range_dels.front().end;
    for (const RangeTombstone& t : range_dels) {
      if (ucmp->Compare(t.begin, lo) < 0) lo = t.begin;
      if (ucmp->Compare(t.end, hi) > 0) hi = t.end;
    }
    std::string first, last;
    AppendInternalKey(&first, lo, kMaxSequenceNumber, kValueTypeForSeek);
    AppendInternalKey(&last, hi, kMaxSequenceNumber, kValueTypeForSeek);
    if (meta->num_entries == 0 || options.comparator->Compare(first, meta->smallest) < 0) {
      meta->smallest = first;
    }
    if (meta->num_entries == 0 || options.comparator->Compare(last, meta->largest) > 0) {
      meta->largest = last;
    }
    meta->num_range_deletions = range_dels.size();
    builder.SetRangeTombstones(std::move(range_dels));
  }
  if (s.ok()) {
    s = builder.Finish();
  } else {
    builder.Abandon();
  }
  if (s.ok()) s = file->Sync();
  Status c = file->Close();
  if (s.ok()) s = c;
  if (s.ok()) {
    meta->file_size = builder.FileSize();
  } else {
    fs->RemoveFile(fname).PermitUncheckedError();
  }
  return s;
}

}  // namespace lsmdb
