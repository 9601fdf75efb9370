// Paranoid checks (Options::paranoid_checks): on open, every table the MANIFEST lists
// exists with the recorded size; after a flush or compaction writes a table, the table
// is read back in full before it is installed.
#include <string>

#include "db/db_impl.h"
#include "version/filename.h"

namespace lsmdb {

Status DBImpl::CheckLiveTableFiles() {
  auto v = versions_->current();
  for (int level = 0; level < v->num_levels(); level++) {
    for (const auto& f : v->files(level)) {
      const std::string fname = TableFileName(dbname_, f->number);
      uint64_t size = 0;
      Status s = fs_->GetFileSize(fname, &size);
      if (s.IsNotFound()) {
        return Status::Corruption(
            fname, "listed in the MANIFEST (level " + std::to_string(level) + ") but missing");
      }
      if (!s.ok()) return s;
      if (size != f->file_size) {
        return Status::Corruption(fname, "has " + std::to_string(size) +
                                             " bytes, the MANIFEST records " +
                                             std::to_string(f->file_size));
      }
    }
  }
  return Status::OK();
}

Status DBImpl::VerifyNewTable(const FileMetaData& meta) {
  const std::string fname = TableFileName(dbname_, meta.number);
  ReadOptions ro;
  ro.verify_checksums = true;
  ro.fill_cache = false;
  Status s;
  {
    std::unique_ptr<InternalIterator> it = table_cache_->NewIterator(ro, meta);
    uint64_t entries = 0;
    std::string prev;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (entries == 0 ? it->key() != meta.smallest : icmp_.Compare(prev, it->key()) >= 0) {
        s = Status::Corruption(
            fname, "keys out of order or not as written, at entry " + std::to_string(entries));
        break;
      }
      prev.assign(it->key());
      entries++;
    }
    if (s.ok()) s = it->status();
    if (s.ok() && (entries != meta.num_entries || (entries > 0 && prev != meta.largest))) {
      s = Status::Corruption(fname, "reads back " + std::to_string(entries) + " entries, " +
                                        std::to_string(meta.num_entries) + " were written");
    }
  }
  if (!s.ok()) table_cache_->Evict(meta.number);
  return s;
}

}  // namespace lsmdb
