// RepairDB: rebuilds a database's MANIFEST from the tables and logs found in its
// directory, keeping every entry that can still be read.
//
//  1. Take the LOCK and list the directory.
//  2. Replay every write-ahead log into memtables (damaged records are reported and
//     skipped; a batch is applied whole or not at all) and write them as new tables.
//  3. Check every table: one that opens, verifies and iterates in order is kept as it is;
//     a damaged one is rewritten into a new table holding the entries that can be read
//     (SalvageTable: bytes after its footer are ignored, and without a footer or index
//     its data blocks are found by their checksums), and the original is moved to lost/.
//     What could not be kept is counted in the RepairReport and logged as "repair: LOST"
//     lines: the records lost and the keys that may now show an older value.
//  4. Place the tables. L0 is searched newest first, by largest sequence number; that
//     order is right only if no two tables overlap in both user keys and sequence
//     numbers. Tables from flushes never do, but compaction outputs of different levels
//     and leftover logs can. In that case every table is merged into one sorted run (all
//     versions kept, duplicates dropped), cut only between user keys, placed at L1;
//     otherwise every table goes to L0.
//  5. Write a new MANIFEST holding that state and point CURRENT at it. Its log number is
//     above every log found, so the logs, already turned into tables, are never replayed.
//  6. Move the logs, the damaged tables and the old MANIFESTs to lost/; remove the
//     tables merged in step 4.
// A crash before step 5 leaves the old state (plus unreferenced new tables, which the
// next open or repair deals with); after it, the repaired one. Every step is reported in
// the LOG as a line starting with "repair:".
#include "lsmdb/repair.h"

#include <algorithm>
#include <cinttypes>
#include <memory>
#include <vector>

#include "db/builder.h"
#include "db/log_link.h"
#include "db/options_check.h"
#include "db/repair_losses.h"
#include "db/table_file_writer.h"
#include "db/table_run_merger.h"
#include "db/table_salvage.h"
#include "db/write_batch_internal.h"
#include "io/info_log.h"
#include "lsmdb/db.h"
#include "memtable/memtable.h"
#include "sstable/table.h"
#include "version/filename.h"
#include "version/version_edit.h"
#include "wal/log_reader.h"
#include "wal/log_writer.h"

namespace lsmdb {
namespace {

constexpr char kLostDir[] = "lost";

// Counts and logs the damage a log::Reader skips.
class LogDamageReporter final : public log::Reader::Reporter {
 public:
  explicit LogDamageReporter(InfoLog* info_log) : info_log_(info_log) {}
  void Corruption(uint64_t offset, size_t bytes, const Status& s) override {
    damaged_bytes += bytes;
    info_log_->Log("repair: skipped %zu damaged bytes at offset %" PRIu64 ": %s", bytes, offset,
                   s.ToString().c_str());
  }
  void TornTail(uint64_t offset, size_t bytes) override {
    torn_bytes += bytes;
    info_log_->Log("repair: skipped an incomplete last record of %zu bytes at offset %" PRIu64,
                   bytes, offset);
  }
  uint64_t damaged_bytes = 0;
  uint64_t torn_bytes = 0;

 private:
  InfoLog* const info_log_;
};

// Counts a batch's updates without applying them (a dry run of its encoding).
class BatchChecker final : public WriteBatch::Handler {
 public:
  void Put(std::string_view, std::string_view) override {}
  void Delete(std::string_view) override {}
  Status DeleteRange(std::string_view, std::string_view) override { return Status::OK(); }
  Status Merge(std::string_view, std::string_view) override { return Status::OK(); }
};

class Repairer {
 public:
  Repairer(std::string dbname, const Options& options, RepairReport* report)
      : report_(report),
        dbname_(std::move(dbname)),
        options_(SanitizeOptions(options)),
        fs_(options_.file_system.get()),
        icmp_(options_.comparator) {
    topts_.comparator = &icmp_;
    topts_.block_size = options_.block_size;
    topts_.block_restart_interval = options_.block_restart_interval;
    topts_.bloom_bits_per_key = options_.bloom_bits_per_key;
    topts_.compression = options_.compression;
    topts_.zstd_level = options_.zstd_level;
  }

  Status Run() {
    Status s = ValidateOptions(options_);
    if (!s.ok()) return s;
    std::vector<std::string> names;
    s = fs_->GetChildren(dbname_, &names);
    if (!s.ok()) return s;
    std::unique_ptr<FileLock> lock;
    s = fs_->LockFile(LockFileName(dbname_), &lock);
    if (!s.ok()) return s;
    s = FindFiles(names);
    if (!s.ok()) return s;
    info_log_ = InfoLog::Open(fs_, InfoLogFileName(dbname_), OldInfoLogFileName(dbname_));
    info_log_->Log("repair: found %zu logs, %zu tables, %zu MANIFESTs", logs_.size(),
                   table_numbers_.size(), manifests_.size());

    report_->logs = logs_.size();
    report_->tables = table_numbers_.size();
    for (size_t i = 0; i < logs_.size(); i++) {
      if (s.ok()) s = ConvertLog(logs_[i], i + 1 == logs_.size());
    }
    for (uint64_t number : table_numbers_) {
      if (s.ok()) s = ScanTable(number);
    }
    if (s.ok() && TablesNeedMerge(icmp_, tables_)) s = MergeTables();
    if (s.ok()) s = WriteManifest();
    if (!s.ok()) {
      info_log_->Log("repair: failed: %s", s.ToString().c_str());
      for (uint64_t number : created_) {
        fs_->RemoveFile(TableFileName(dbname_, number)).PermitUncheckedError();
      }
      return s;
    }
    CleanUp();
    info_log_->Log("repair: done: %zu tables at L%d, last sequence %" PRIu64, tables_.size(),
                   level_, max_sequence_);
    info_log_->Log("repair: summary: %s", LossSummary(*report_).c_str());
    return Status::OK();
  }

 private:
  uint64_t NewFileNumber() { return next_file_number_++; }

  Status FindFiles(const std::vector<std::string>& names) {
    bool any = false;
    for (const std::string& name : names) {
      uint64_t number;
      FileType type;
      if (!ParseFileName(name, &number, &type)) continue;
      next_file_number_ = std::max(next_file_number_, number + 1);
      switch (type) {
        case FileType::kLogFile:
          logs_.push_back(number);
          any = true;
          break;
        case FileType::kTableFile:
          table_numbers_.push_back(number);
          any = true;
          break;
        case FileType::kDescriptorFile:
          manifests_.push_back(name);
          any = true;
          break;
        case FileType::kCurrentFile:
          any = true;
          break;
        default:
          break;
      }
    }
    if (!any) return Status::InvalidArgument(dbname_, "holds no lsmdb files to repair");
    std::sort(logs_.begin(), logs_.end());
    std::sort(table_numbers_.begin(), table_numbers_.end());
    return Status::OK();
  }

  // Replays log `number` into memtables and writes them as tables.
  Status ConvertLog(uint64_t number, bool newest) {
    const std::string fname = LogFileName(dbname_, number);
    std::unique_ptr<SequentialFile> file;
    Status s = fs_->NewSequentialFile(fname, &file);
    if (!s.ok()) return s;
    LogDamageReporter reporter(info_log_.get());
    log::Reader reader(file.get(), fname, &reporter);
    auto mem = std::make_unique<MemTable>(icmp_);
    uint64_t records = 0, entries = 0, skipped = 0;
    SequenceNumber last_applied = 0;
    std::string scratch;
    std::string_view record;
    while (reader.ReadRecord(&record, &scratch)) {
      const uint64_t offset = reader.LastRecordOffset();
      WriteBatch batch;
      const char* problem = nullptr;
      BatchChecker checker;
      bool is_link = false;
      LogLink link;
      if (record.size() < kWriteBatchHeader) {
        problem = "shorter than a batch header";
      } else if (!DecodeLogLink(record, &is_link, &link).ok()) {
        problem = "a record with no entries that is not a log link";
      } else if (is_link) {
        continue;  // says which log came before; repair replays every log it finds
      } else {
        WriteBatchInternal::SetContents(&batch, record);
        const SequenceNumber first = WriteBatchInternal::Sequence(&batch);
        if (!batch.Iterate(&checker).ok()) {
          problem = "malformed batch";
        } else if (first == 0 || first > kMaxSequenceNumber - batch.Count() ||
                   (records > 0 && first <= last_applied)) {
          problem = "sequence number out of order";
        }
      }
      if (problem != nullptr) {
        skipped++;
        info_log_->Log("repair: %s: skipped the record at offset %" PRIu64 ": %s", fname.c_str(),
                       offset, problem);
        continue;
      }
      s = WriteBatchInternal::InsertInto(&batch, mem.get());
      if (!s.ok()) return s;  // checked above: cannot happen
      records++;
      entries += batch.Count();
      if (batch.Count() > 0) {
        last_applied = WriteBatchInternal::Sequence(&batch) + batch.Count() - 1;
        max_sequence_ = std::max(max_sequence_, last_applied);
      }
      if (mem->ApproximateMemoryUsage() > options_.write_buffer_size) {
        s = WriteMemTable(mem.get());
        if (!s.ok()) return s;
        mem = std::make_unique<MemTable>(icmp_);
      }
    }
    if (!reader.status().ok()) return reader.status();
    if (!mem->empty()) s = WriteMemTable(mem.get());
    if (!s.ok()) return s;
    info_log_->Log("repair: %s: %" PRIu64 " records (%" PRIu64 " updates) replayed, %" PRIu64
                   " records and %" PRIu64 " damaged bytes skipped",
                   fname.c_str(), records, entries, skipped, reporter.damaged_bytes);
    // A torn last record of the newest log is a write a crash cut off before it was
    // acknowledged; in an older log it may be writes a power loss kept from the disk.
    const uint64_t damaged = reporter.damaged_bytes + (newest ? 0 : reporter.torn_bytes);
    const std::string loss = NoteLogLoss(fname, skipped, damaged, report_);
    if (!loss.empty()) info_log_->Log("repair: LOST %s", loss.c_str());
    to_archive_.push_back(fname);
    return Status::OK();
  }

  Status WriteMemTable(MemTable* mem) {
    FileMetaData meta;
    meta.number = NewFileNumber();
    created_.push_back(meta.number);
    auto iter = mem->NewIterator();
    Status s = BuildTable(dbname_, fs_, topts_, iter.get(), &meta, mem->range_tombstones().List());
    if (!s.ok()) return s;
    if (meta.file_size > 0) {
      info_log_->Log("repair: wrote table #%" PRIu64 ": %" PRIu64 " entries, %" PRIu64 " bytes",
                     meta.number, meta.num_entries, meta.file_size);
      tables_.push_back(meta);
    }
    return Status::OK();
  }

  // Reads every entry of an open table, checking key order, and fills *meta.
  Status CheckEntries(const Table& table, FileMetaData* meta) {
    ReadOptions ro;
    ro.verify_checksums = true;
    ro.fill_cache = false;
    auto it = table.NewIterator(ro);
    std::string prev;
    meta->smallest_seq = kMaxSequenceNumber;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ParsedInternalKey parsed;
      if (!ParseInternalKey(it->key(), &parsed)) {
        return Status::Corruption(table.file_name(), "entry with a malformed internal key");
      }
      if (meta->num_entries > 0 && icmp_.Compare(prev, it->key()) >= 0) {
        return Status::Corruption(table.file_name(), "entries out of order");
      }
      if (meta->num_entries == 0) meta->smallest.assign(it->key());
      prev.assign(it->key());
      meta->smallest_seq = std::min(meta->smallest_seq, parsed.sequence);
      meta->largest_seq = std::max(meta->largest_seq, parsed.sequence);
      meta->num_entries++;
      if (parsed.type == ValueType::kDeletion) meta->num_deletions++;
    }
    meta->largest = prev;
    return it->status();
  }

  // Counts a table's range tombstones in *meta (as BuildTable does): in its sequence
  // range, and, for a table of tombstones only, as its key range.
  static void AddRangeTombstones(const std::vector<RangeTombstone>& list, FileMetaData* meta) {
    if (list.empty()) return;
    for (const RangeTombstone& t : list) {
      meta->smallest_seq = std::min(meta->smallest_seq, t.seq);
      meta->largest_seq = std::max(meta->largest_seq, t.seq);
    }
    if (meta->num_entries == 0) {
      meta->smallest.clear();
      AppendInternalKey(&meta->smallest, list.front().begin, list.front().seq,
                        ValueType::kDeletion);
      meta->largest = meta->smallest;
    }
    meta->num_range_deletions = list.size();
  }

  Status ScanTable(uint64_t number) {
    const std::string fname = TableFileName(dbname_, number);
    FileMetaData meta;
    meta.number = number;
    Status s = fs_->GetFileSize(fname, &meta.file_size);
    std::unique_ptr<RandomAccessFile> file;
    if (s.ok()) s = fs_->NewRandomAccessFile(fname, &file);
    if (!s.ok()) return s;
    TableReaderOptions ropts;
    ropts.comparator = &icmp_;
    ropts.file_name = fname;
    ropts.paranoid_checks = true;
    std::unique_ptr<Table> table;
    s = Table::Open(ropts, std::move(file), meta.file_size, &table);
    if (s.ok()) s = CheckEntries(*table, &meta);
    if (s.ok()) AddRangeTombstones(table->range_tombstone_list(), &meta);
    table.reset();
    if (s.ok()) {
      if (meta.num_entries == 0 && meta.num_range_deletions == 0) {
        info_log_->Log("repair: %s holds no entries: moved to %s/", fname.c_str(), kLostDir);
        to_archive_.push_back(fname);
      } else {
        max_sequence_ = std::max(max_sequence_, meta.largest_seq);
        tables_.push_back(meta);
      }
      return Status::OK();
    }
    if (!s.IsCorruption()) return s;  // an I/O error, or a format we do not know
    info_log_->Log("repair: %s is damaged: %s", fname.c_str(), s.ToString().c_str());
    to_archive_.push_back(fname);
    return SalvageInto(fname, meta.file_size);
  }

  // Copies what can be read of the damaged table fname into a new table.
  Status SalvageInto(const std::string& fname, uint64_t file_size) {
    std::unique_ptr<RandomAccessFile> file;
    Status s = fs_->NewRandomAccessFile(fname, &file);
    if (!s.ok()) return s;
    const uint64_t number = NewFileNumber();
    created_.push_back(number);
    TableFileWriter writer(dbname_, fs_, topts_, number);
    SalvageReport report;
    s = SalvageTable(
        file.get(), fname, file_size, icmp_,
        [&writer](std::string_view k, std::string_view v) { writer.Add(k, v); }, &report);
    if (!s.ok()) return s;  // an I/O error
    report_->damaged_tables++;
    FileMetaData meta;
    s = writer.Finish(&meta);
    if (!s.ok()) return s;
    info_log_->Log("repair: %s: kept %" PRIu64 " entries in table #%" PRIu64 "; %" PRIu64
                   " of %" PRIu64 " blocks damaged%s, %" PRIu64 " entries dropped%s",
                   fname.c_str(), report.entries, number, report.bad_blocks, report.blocks,
                   report.walked ? " (blocks found without the index)" : "", report.dropped_entries,
                   report.trailing_bytes > 0 ? (", " + std::to_string(report.trailing_bytes) +
                                                " bytes after the table's end ignored")
                                                   .c_str()
                                             : "");
    const std::string loss = NoteTableLoss(fname, report, report_);
    if (!loss.empty()) info_log_->Log("repair: LOST %s", loss.c_str());
    if (meta.file_size > 0) {
      max_sequence_ = std::max(max_sequence_, meta.largest_seq);
      tables_.push_back(meta);
    }
    return Status::OK();
  }

  // Merges every table into one run of tables with disjoint user keys, at L1.
  Status MergeTables() {
    info_log_->Log("repair: tables overlap in keys and sequence numbers: merging %zu tables",
                   tables_.size());
    std::vector<FileMetaData> outputs;
    Status s = MergeTablesIntoRun(
        dbname_, fs_, topts_, icmp_, options_.target_file_size, tables_,
        [this] {
          created_.push_back(NewFileNumber());
          return created_.back();
        },
        &outputs);
    if (!s.ok()) return s;
    for (const FileMetaData& f : tables_) to_remove_.push_back(TableFileName(dbname_, f.number));
    info_log_->Log("repair: merged into %zu tables", outputs.size());
    tables_ = std::move(outputs);
    level_ = 1;
    return Status::OK();
  }

  Status WriteManifest() {
    Status s = fs_->SyncDir(dbname_);  // the new tables' names first
    if (!s.ok()) return s;
    const uint64_t manifest_number = NewFileNumber();
    VersionEdit edit;
    edit.SetComparatorName(icmp_.user_comparator()->Name());
    edit.SetLogNumber(next_file_number_);  // above every log found: none is replayed
    edit.SetNextFile(next_file_number_ + 1);
    edit.SetLastSequence(max_sequence_);
    for (const FileMetaData& f : tables_) edit.AddFile(level_, f);
    std::string record;
    edit.EncodeTo(&record);

    const std::string manifest = ManifestFileName(dbname_, manifest_number);
    std::unique_ptr<WritableFile> file;
    s = fs_->NewWritableFile(manifest, &file);
    if (!s.ok()) return s;
    {
      log::Writer writer(file.get());
      s = writer.AddRecord(record);
    }
    if (s.ok()) s = file->Sync();
    Status c = file->Close();
    if (s.ok()) s = c;
    if (s.ok()) s = SetCurrentFile(fs_, dbname_, manifest_number);
    if (!s.ok()) {
      fs_->RemoveFile(manifest).PermitUncheckedError();
      return s;
    }
    info_log_->Log("repair: wrote %s", manifest.c_str());
    return Status::OK();
  }

  // After CURRENT names the new MANIFEST: moves what it replaced out of the way.
  void CleanUp() {
    for (const std::string& name : manifests_) to_archive_.push_back(dbname_ + "/" + name);
    const std::string lost = dbname_ + "/" + kLostDir;
    if (!to_archive_.empty()) {
      Status s = fs_->CreateDirIfMissing(lost);
      for (const std::string& path : to_archive_) {
        const std::string name = path.substr(path.rfind('/') + 1);
        if (s.ok()) s = fs_->RenameFile(path, lost + "/" + name);
        info_log_->Log("repair: move %s to %s/: %s", name.c_str(), kLostDir, s.ToString().c_str());
        if (!s.ok()) fs_->RemoveFile(path).PermitUncheckedError();  // never replay it again
        s = Status::OK();
      }
      fs_->SyncDir(lost).PermitUncheckedError();
    }
    for (const std::string& path : to_remove_) {
      Status s = fs_->RemoveFile(path);
      info_log_->Log("repair: remove merged %s: %s", path.c_str(), s.ToString().c_str());
    }
    fs_->SyncDir(dbname_).PermitUncheckedError();
  }

  RepairReport* const report_;
  const std::string dbname_;
  const Options options_;
  FileSystem* const fs_;
  const InternalKeyComparator icmp_;
  TableOptions topts_;
  std::unique_ptr<InfoLog> info_log_;

  uint64_t next_file_number_ = 1;
  SequenceNumber max_sequence_ = 0;
  std::vector<uint64_t> logs_;
  std::vector<uint64_t> table_numbers_;
  std::vector<std::string> manifests_;   // names
  std::vector<FileMetaData> tables_;     // the tables of the repaired database
  int level_ = 0;                        // where tables_ go
  std::vector<uint64_t> created_;        // tables this repair wrote (removed on failure)
  std::vector<std::string> to_archive_;  // paths to move to lost/ once CURRENT is switched
  std::vector<std::string> to_remove_;   // paths to remove once CURRENT is switched
};

}  // namespace

Status RepairDB(const std::string& path, const Options& options, RepairReport* report) {
  *report = RepairReport();
  Repairer repairer(path, options, report);
  return repairer.Run();
}

Status RepairDB(const std::string& path, const Options& options) {
  RepairReport report;
  return RepairDB(path, options, &report);
}

}  // namespace lsmdb
