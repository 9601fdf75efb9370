#include "db/table_run_merger.h"

#include <memory>

#include "db/table_file_writer.h"
#include "sstable/merging_iterator.h"
#include "sstable/table.h"
#include "version/filename.h"

namespace lsmdb {

bool TablesNeedMerge(const InternalKeyComparator& icmp, const std::vector<FileMetaData>& tables) {
  const Comparator* ucmp = icmp.user_comparator();
  for (size_t i = 0; i < tables.size(); i++) {
    for (size_t j = i + 1; j < tables.size(); j++) {
      const FileMetaData& a = tables[i];
      const FileMetaData& b = tables[j];
      const bool keys_overlap =
          ucmp->Compare(ExtractUserKey(a.smallest), ExtractUserKey(b.largest)) <= 0 &&
          ucmp->Compare(ExtractUserKey(b.smallest), ExtractUserKey(a.largest)) <= 0;
      const bool seqs_overlap = a.smallest_seq <= b.largest_seq && b.smallest_seq <= a.largest_seq;
      if (keys_overlap && seqs_overlap) return true;
    }
  }
  return false;
}

Status MergeTablesIntoRun(const std::string& dbname, FileSystem* fs, const TableOptions& options,
                          const InternalKeyComparator& icmp, uint64_t target_file_size,
                          const std::vector<FileMetaData>& inputs,
                          const std::function<uint64_t()>& new_file_number,
                          std::vector<FileMetaData>* outputs) {
  outputs->clear();
  std::vector<std::unique_ptr<Table>> open;
  std::vector<std::unique_ptr<InternalIterator>> children;
  ReadOptions ro;
  ro.fill_cache = false;
  for (const FileMetaData& f : inputs) {
    TableReaderOptions ropts;
    ropts.comparator = &icmp;
    ropts.file_name = TableFileName(dbname, f.number);
    std::unique_ptr<RandomAccessFile> file;
    Status s = fs->NewRandomAccessFile(ropts.file_name, &file);
    std::unique_ptr<Table> table;
    if (s.ok()) s = Table::Open(ropts, std::move(file), f.file_size, &table);
    if (!s.ok()) return s;
    children.push_back(table->NewIterator(ro));
    open.push_back(std::move(table));
  }
  // Destroyed before the tables it reads.
  std::unique_ptr<InternalIterator> merged = NewMergingIterator(&icmp, std::move(children));
  const Comparator* ucmp = icmp.user_comparator();
  std::unique_ptr<TableFileWriter> out;
  auto finish = [&]() -> Status {
    FileMetaData meta;
    Status s = out->Finish(&meta);
    out.reset();
    if (s.ok() && meta.file_size > 0) outputs->push_back(meta);
    return s;
  };
  std::string prev;  // internal keys are never empty
  for (merged->SeekToFirst(); merged->Valid(); merged->Next()) {
    const std::string_view key = merged->key();
    if (!prev.empty() && icmp.Compare(prev, key) == 0) continue;  // the same update twice
    if (out != nullptr && out->FileSize() >= target_file_size &&
        ucmp->Compare(ExtractUserKey(prev), ExtractUserKey(key)) != 0) {
      Status s = finish();
      if (!s.ok()) return s;
    }
    if (out == nullptr) {
      out = std::make_unique<TableFileWriter>(dbname, fs, options, new_file_number());
    }
    out->Add(key, merged->value());
    prev.assign(key);
  }
  Status s = merged->status();
  if (s.ok() && out != nullptr) s = finish();
  return s;
}

}  // namespace lsmdb
