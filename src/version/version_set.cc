#include "version/version_set.h"

#include <algorithm>
#include <map>

#include "io/file_util.h"
#include "version/filename.h"
#include "wal/log_reader.h"

namespace lsmdb {

// Applies a sequence of edits to a base version.
class VersionSet::Builder {
 public:
  Builder(const InternalKeyComparator* icmp, const Version* base, int num_levels,
          bool seek_compaction)
      : icmp_(icmp), num_levels_(num_levels), seek_compaction_(seek_compaction) {
    for (int level = 0; level < num_levels; level++) {
      if (base == nullptr) continue;
      for (const auto& f : base->files(level)) files_[level][f->number] = f;
    }
  }

  Status Apply(const VersionEdit& edit) {
    for (const auto& [level, number] : edit.deleted_files()) {
      if (level >= num_levels_) return BadLevel(level);
      files_[level].erase(number);
    }
    for (const auto& [level, f] : edit.new_files()) {
      if (level >= num_levels_) return BadLevel(level);
      auto meta = std::make_shared<FileMetaData>(f);
      if (seek_compaction_) meta->allowed_seeks.Fill(meta->file_size);
      files_[level][f.number] = std::move(meta);
    }
    return Status::OK();
  }

  // Builds the version; Corruption if a level >= 1 would hold overlapping tables.
  Status SaveTo(Version* v, FileList (&out)[kMaxLevels]) {
    for (int level = 0; level < num_levels_; level++) {
      FileList& list = out[level];
      for (const auto& [number, f] : files_[level]) list.push_back(f);
      if (level == 0) {
        // Newest first: by largest sequence, then by file number.
        std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
          if (a->largest_seq != b->largest_seq) return a->largest_seq > b->largest_seq;
          return a->number > b->number;
        });
      } else {
        std::sort(list.begin(), list.end(), [this](const auto& a, const auto& b) {
          int r = icmp_->Compare(a->smallest, b->smallest);
          return r != 0 ? r < 0 : a->number < b->number;
        });
        for (size_t i = 1; i < list.size(); i++) {
          if (icmp_->Compare(list[i - 1]->largest, list[i]->smallest) >= 0) {
            return Status::Corruption("MANIFEST", "overlapping tables #" +
                                                      std::to_string(list[i - 1]->number) +
                                                      " and #" + std::to_string(list[i]->number) +
                                                      " in level " + std::to_string(level));
          }
        }
      }
    }
    (void)v;
    return Status::OK();
  }

 private:
  static Status BadLevel(int level) {
    return Status::Corruption("MANIFEST", "table in level " + std::to_string(level) +
                                              " beyond the configured num_levels");
  }

  const InternalKeyComparator* const icmp_;
  const int num_levels_;
  const bool seek_compaction_;
  std::map<uint64_t, std::shared_ptr<FileMetaData>> files_[kMaxLevels];
};

VersionSet::VersionSet(std::string dbname, const Options* options,
                       const InternalKeyComparator* icmp, TableCache* table_cache, Mutex* mu)
    : dbname_(std::move(dbname)),
      options_(options),
      fs_(options->file_system.get()),
      icmp_(icmp),
      table_cache_(table_cache),
      mu_(mu),
      manifest_cv_(mu) {
  Install(std::make_shared<Version>(icmp_, table_cache_, options_->num_levels));
}

VersionSet::~VersionSet() {
  if (manifest_file_) manifest_file_->Close().PermitUncheckedError();
}

void VersionSet::Install(std::shared_ptr<Version> v) {
  current_ = v;
  live_versions_.push_back(v);
}

Status VersionSet::CreateNew() {
  VersionEdit edit;
  edit.SetComparatorName(icmp_->user_comparator()->Name());
  edit.SetLogNumber(0);
  edit.SetNextFile(2);
  edit.SetLastSequence(0);
  std::string record;
  edit.EncodeTo(&record);

  const uint64_t manifest_number = 1;
  std::string manifest = ManifestFileName(dbname_, manifest_number);
  std::unique_ptr<WritableFile> file;
  Status s = fs_->NewWritableFile(manifest, &file);
  if (!s.ok()) return s;
  {
    log::Writer writer(file.get());
    s = writer.AddRecord(record);
  }
  if (s.ok()) s = file->Sync();
  Status c = file->Close();
  if (s.ok()) s = c;
  if (s.ok()) s = SetCurrentFile(fs_, dbname_, manifest_number);
  if (!s.ok()) fs_->RemoveFile(manifest).PermitUncheckedError();
  return s;
}

namespace {

class ManifestReporter final : public log::Reader::Reporter {
 public:
  void Corruption(uint64_t, size_t, const Status& s) override {
    if (status.ok()) status = s;
  }
  // A torn last record is an edit whose append was cut short: it was never synced, so
  // nothing relied on it (VersionSet::manifest_torn_tail).
  void TornTail(uint64_t, size_t) override { torn = true; }
  Status status;
  bool torn = false;
};

}  // namespace

Status VersionSet::Recover() {
  std::string current;
  Status s = ReadFileToString(fs_, CurrentFileName(dbname_), &current);
  if (!s.ok()) return s;
  if (current.empty() || current.back() != '\n') {
    return Status::Corruption(CurrentFileName(dbname_), "does not end with a newline");
  }
  current.pop_back();
  uint64_t manifest_number;
  FileType type;
  if (!ParseFileName(current, &manifest_number, &type) || type != FileType::kDescriptorFile) {
    return Status::Corruption(CurrentFileName(dbname_), "does not name a MANIFEST file");
  }
  std::string manifest = dbname_ + "/" + current;
  std::unique_ptr<SequentialFile> file;
  s = fs_->NewSequentialFile(manifest, &file);
  if (s.IsIOError()) return s;  // a permission error is not damage
  if (!s.ok()) {
    return Status::Corruption(manifest, "named by CURRENT but unreadable: " + s.ToString());
  }

  Builder builder(icmp_, nullptr, options_->num_levels, options_->seek_compaction);
  std::optional<uint64_t> log_number, next_file, last_sequence;
  ManifestReporter reporter;
  log::Reader reader(file.get(), manifest, &reporter);
  std::string_view record;
  std::string scratch;
  while (reader.ReadRecord(&record, &scratch) && reporter.status.ok()) {
    VersionEdit edit;
    s = edit.DecodeFrom(record);
    if (!s.ok()) {
      return Status::Corruption(manifest, "record at offset " +
                                              std::to_string(reader.LastRecordOffset()) + ": " +
                                              std::string(s.message()));
    }
    if (edit.comparator() && *edit.comparator() != icmp_->user_comparator()->Name()) {
      return Status::InvalidArgument(dbname_, "the database was created with comparator '" +
                                                  *edit.comparator() + "', not '" +
                                                  icmp_->user_comparator()->Name() + "'");
    }
    s = builder.Apply(edit);
    if (!s.ok()) return s;
    if (edit.log_number()) log_number = edit.log_number();
    if (edit.next_file_number()) next_file = edit.next_file_number();
    if (edit.last_sequence()) last_sequence = edit.last_sequence();
    for (const auto& [level, key] : edit.compact_pointers()) compact_pointer_[level] = key;
  }
  if (!reporter.status.ok()) return reporter.status;
  if (!reader.status().ok()) return reader.status();
  if (!next_file || !log_number || !last_sequence) {
    return Status::Corruption(manifest,
                              "lacks the next file number, log number or last "
                              "sequence");
  }

  auto v = std::make_shared<Version>(icmp_, table_cache_, options_->num_levels);
  FileList levels[kMaxLevels];
  s = builder.SaveTo(v.get(), levels);
  if (!s.ok()) return Status::Corruption(manifest, s.message());
  for (int level = 0; level < options_->num_levels; level++) {
    v->files_[level] = std::move(levels[level]);
  }
  Install(std::move(v));
  next_file_number_ = *next_file;
  log_number_ = *log_number;
  manifest_file_number_ = manifest_number;
  manifest_torn_tail_ = reporter.torn;
  MarkFileNumberUsed(manifest_number);
  MarkFileNumberUsed(log_number_);
  SetLastSequence(*last_sequence);
  return Status::OK();
}

std::string VersionSet::EncodeSnapshot() const {
  VersionEdit edit;
  edit.SetComparatorName(icmp_->user_comparator()->Name());
  for (int level = 0; level < kMaxLevels; level++) {
    if (!compact_pointer_[level].empty()) edit.SetCompactPointer(level, compact_pointer_[level]);
  }
  for (int level = 0; level < options_->num_levels; level++) {
    for (const auto& f : current_->files(level)) edit.AddFile(level, *f);
  }
  std::string record;
  edit.EncodeTo(&record);
  return record;
}

Status VersionSet::LogAndApply(VersionEdit* edit) NO_THREAD_SAFETY_ANALYSIS {
  while (manifest_busy_) manifest_cv_.Wait();
  manifest_busy_ = true;

  if (edit->log_number()) {
    MarkFileNumberUsed(*edit->log_number());
  } else {
    edit->SetLogNumber(log_number_);
  }
  for (const auto& [level, key] : edit->compact_pointers()) compact_pointer_[level] = key;

  Builder builder(icmp_, current_.get(), options_->num_levels, options_->seek_compaction);
  Status s = builder.Apply(*edit);
  auto v = std::make_shared<Version>(icmp_, table_cache_, options_->num_levels);
  FileList levels[kMaxLevels];
  if (s.ok()) s = builder.SaveTo(v.get(), levels);
  if (!s.ok()) {
    manifest_busy_ = false;
    manifest_cv_.SignalAll();
    return s;
  }
  for (int level = 0; level < options_->num_levels; level++) {
    v->files_[level] = std::move(levels[level]);
  }

  const bool new_manifest =
      manifest_log_ == nullptr || manifest_file_->Size() >= options_->max_manifest_file_size;
  const uint64_t manifest_number = new_manifest ? NewFileNumber() : manifest_file_number_;
  edit->SetNextFile(next_file_number_);
  edit->SetLastSequence(LastSequence());
  std::string record;
  edit->EncodeTo(&record);
  // Encoded under the mutex: FileMetaData::being_compacted changes under it.
  const std::string snapshot = new_manifest ? EncodeSnapshot() : std::string();

  // The new version becomes current only after its edit is durable. The snapshot that
  // starts a new MANIFEST is written from the old current version, then the edit.
  std::unique_ptr<WritableFile> new_file;
  std::unique_ptr<log::Writer> new_log;
  const std::string manifest_name = ManifestFileName(dbname_, manifest_number);
  mu_->Unlock();
  if (new_manifest) {
    s = fs_->NewWritableFile(manifest_name, &new_file);
    if (s.ok()) {
      new_log = std::make_unique<log::Writer>(new_file.get());
      s = new_log->AddRecord(snapshot);
    }
    if (s.ok()) s = new_log->AddRecord(record);
    if (s.ok()) s = new_file->Sync();
    if (s.ok()) s = SetCurrentFile(fs_, dbname_, manifest_number);
  } else {
    s = manifest_log_->AddRecord(record);
    if (s.ok()) s = manifest_file_->Sync();
  }
  mu_->Lock();

  if (s.ok()) {
    Install(std::move(v));
    log_number_ = *edit->log_number();
    if (new_manifest) {
      if (manifest_file_) manifest_file_->Close().PermitUncheckedError();
      manifest_file_ = std::move(new_file);
      manifest_log_ = std::move(new_log);
      manifest_file_number_ = manifest_number;
    }
  } else if (new_manifest) {
    new_log.reset();
    if (new_file) new_file->Close().PermitUncheckedError();
    // CURRENT may or may not name the new file; keep it unless CURRENT surely does not.
  } else {
    // The old MANIFEST may end in a partial record: start a new one next time.
    manifest_log_.reset();
  }
  manifest_busy_ = false;
  manifest_cv_.SignalAll();
  return s;
}

void VersionSet::AddLiveFiles(std::set<uint64_t>* live) {
  for (auto it = live_versions_.begin(); it != live_versions_.end();) {
    std::shared_ptr<Version> v = it->lock();
    if (!v) {
      it = live_versions_.erase(it);
      continue;
    }
    for (int level = 0; level < v->num_levels(); level++) {
      for (const auto& f : v->files(level)) live->insert(f->number);
    }
    ++it;
  }
}

}  // namespace lsmdb
