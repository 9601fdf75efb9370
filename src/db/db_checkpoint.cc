// DB::CreateCheckpoint: a new database directory holding this database as of one
// sequence number (docs/DESIGN.md, "Checkpoints").
//
// Under the DB mutex the call takes the last sequence and the ReadView of that moment
// (the one a Get would use). The view pins its version, so none of its tables is deleted
// while the checkpoint links them. The checkpoint then gets:
//   - every table of the version, hard-linked (copied where the file system cannot);
//   - one more L0 table holding the memtables' entries and range tombstones up to the
//     sequence (later ones, of writes made during the call, are left out);
//   - a new MANIFEST with one record naming all of them, and CURRENT.
// No log is copied: a log being appended to has no consistent end to copy up to, and
// the memtables hold exactly what the live logs add to the tables.
#include <algorithm>
#include <cinttypes>

#include "db/builder.h"
#include "db/db_impl.h"
#include "sstable/merging_iterator.h"
#include "version/filename.h"
#include "wal/log_writer.h"

namespace lsmdb {
namespace {

std::string WithoutTrailingSlashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

// The directory holding path ("." for a bare name).
std::string ParentOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// The entries of base whose sequence is at most seq.
class UpToSequenceIterator final : public InternalIterator {
 public:
  UpToSequenceIterator(std::unique_ptr<InternalIterator> base, SequenceNumber seq)
      : base_(std::move(base)), seq_(seq) {}

  bool Valid() const override { return base_->Valid(); }
  void SeekToFirst() override {
    base_->SeekToFirst();
    SkipForward();
  }
  void SeekToLast() override {
    base_->SeekToLast();
    SkipBackward();
  }
  void Seek(std::string_view target) override {
    base_->Seek(target);
    SkipForward();
  }
  void Next() override {
    base_->Next();
    SkipForward();
  }
  void Prev() override {
    base_->Prev();
    SkipBackward();
  }
  std::string_view key() const override { return base_->key(); }
  std::string_view value() const override { return base_->value(); }
  Status status() const override { return base_->status(); }

 private:
  // A key that does not parse is kept: the table builder reports it.
  bool Later() const {
    ParsedInternalKey parsed;
    return ParseInternalKey(base_->key(), &parsed) && parsed.sequence > seq_;
  }
  void SkipForward() {
    while (base_->Valid() && Later()) base_->Next();
  }
  void SkipBackward() {
    while (base_->Valid() && Later()) base_->Prev();
  }

  const std::unique_ptr<InternalIterator> base_;
  const SequenceNumber seq_;
};

// Copies the first size bytes of src (a table: it never changes) to a new file dst and
// syncs it.
Status CopyTable(FileSystem* fs, const std::string& src, const std::string& dst, uint64_t size) {
  std::unique_ptr<SequentialFile> in;
  Status s = fs->NewSequentialFile(src, &in);
  if (!s.ok()) return s;
  std::unique_ptr<WritableFile> out;
  s = fs->NewWritableFile(dst, &out);
  if (!s.ok()) return s;
  constexpr size_t kChunk = 1 << 20;
  std::unique_ptr<char[]> scratch(new char[kChunk]);
  uint64_t left = size;
  while (s.ok() && left > 0) {
    std::string_view piece;
    s = in->Read(static_cast<size_t>(std::min<uint64_t>(left, kChunk)), &piece, scratch.get());
    if (s.ok() && piece.empty()) {
      s = Status::Corruption(
          src, "is shorter than its MANIFEST record (" + std::to_string(size) + " bytes)");
    }
    if (s.ok()) s = out->Append(piece);
    left -= piece.size();
  }
  if (s.ok()) s = out->Sync();
  Status c = out->Close();
  if (s.ok()) s = c;
  if (!s.ok()) fs->RemoveFile(dst).PermitUncheckedError();
  return s;
}

// Links src to dst, or copies it where the file system cannot link; checks the size.
Status LinkOrCopyTable(FileSystem* fs, const std::string& src, const std::string& dst,
                       uint64_t size) {
  Status s = fs->LinkFile(src, dst);
  if (s.IsNotSupported()) return CopyTable(fs, src, dst, size);
  if (!s.ok()) return s;
  uint64_t actual = 0;
  s = fs->GetFileSize(dst, &actual);
  if (s.ok() && actual != size) {
    s = Status::Corruption(src, "holds " + std::to_string(actual) + " bytes, its MANIFEST record " +
                                    std::to_string(size));
  }
  return s;
}

// Removes a staging directory a checkpoint left (a crash cut it short). Only the names
// a checkpoint writes are removed; anything else makes it an error, deleting nothing more.
Status RemoveStaging(FileSystem* fs, const std::string& tmp) {
  if (!fs->FileExists(tmp)) return Status::OK();
  std::vector<std::string> names;
  Status s = fs->GetChildren(tmp, &names);
  if (!s.ok()) return s;
  for (const auto& name : names) {
    uint64_t number;
    FileType type;
    if (!ParseFileName(name, &number, &type) ||
        (type != FileType::kTableFile && type != FileType::kDescriptorFile &&
         type != FileType::kCurrentFile && type != FileType::kTempFile)) {
      return Status::IOError(
          tmp, "exists and holds '" + name + "', which no checkpoint writes; remove it");
    }
  }
  for (const auto& name : names) {
    s = fs->RemoveFile(tmp + "/" + name);
    if (!s.ok()) return s;
  }
  return fs->RemoveDir(tmp);
}

Status WriteManifest(FileSystem* fs, const std::string& path, const VersionEdit& edit) {
  std::string record;
  edit.EncodeTo(&record);
  std::unique_ptr<WritableFile> file;
  Status s = fs->NewWritableFile(path, &file);
  if (!s.ok()) return s;
  {
    log::Writer writer(file.get());
    s = writer.AddRecord(record);
  }
  if (s.ok()) s = file->Sync();
  Status c = file->Close();
  return s.ok() ? c : s;
}

}  // namespace

Status DBImpl::CreateCheckpoint(const CheckpointOptions& options, const std::string& dir_arg) {
  const std::string dir = WithoutTrailingSlashes(dir_arg);
  if (dir.empty()) return Status::InvalidArgument("checkpoint directory is empty");
  if (fs_->FileExists(dir)) {
    return Status::InvalidArgument(dir, "exists (a checkpoint makes a new directory)");
  }
  if (options.flush_before && !read_only_) {
    Status s = Flush();
    if (!s.ok()) return s;
  }
  const std::string tmp = dir + ".tmp";
  Status s = RemoveStaging(fs_, tmp);
  if (s.ok()) s = fs_->CreateDirIfMissing(tmp);
  if (!s.ok()) return s;

  // One moment, as Get takes it: a view taken after reading seq holds every write up to
  // seq (WriteCheckpoint leaves out the newer ones it may also hold).
  const SequenceNumber seq = versions_->LastSequence();
  std::shared_ptr<const ReadView> view = GetReadView();
  s = WriteCheckpoint(*view, seq, tmp);
  view.reset();
  if (s.ok() && fs_->FileExists(dir)) {
    s = Status::InvalidArgument(dir, "was created while the checkpoint was written");
  }
  if (s.ok()) s = fs_->RenameFile(tmp, dir);
  if (!s.ok()) {
    RemoveStaging(fs_, tmp).PermitUncheckedError();
    return s;
  }
  s = fs_->SyncDir(ParentOf(dir));
  if (s.ok() && info_log_) {
    info_log_->Log("checkpoint %s: sequence %" PRIu64, dir.c_str(), seq);
  }
  return s;
}

Status DBImpl::WriteCheckpoint(const ReadView& view, SequenceNumber seq, const std::string& tmp) {
  const Version& version = *view.version;
  VersionEdit edit;
  edit.SetComparatorName(icmp_.user_comparator()->Name());
  Status s;
  for (int level = 0; level < version.num_levels() && s.ok(); level++) {
    for (const auto& f : version.files(level)) {
      s = LinkOrCopyTable(fs_, TableFileName(dbname_, f->number), TableFileName(tmp, f->number),
                          f->file_size);
      if (!s.ok()) break;
      edit.AddFile(level, *f);
      // The checkpoint's counter must never hand out a sequence a table already holds.
      seq = std::max(seq, f->largest_seq);
    }
  }
  if (!s.ok()) return s;

  // The memtables, up to seq, as one table newer than every other (numbers above the
  // version's: the counter only grows).
  FileMetaData meta;
  {
    MutexLock l(&mu_);
    meta.number = versions_->NewFileNumber();
  }
  std::vector<std::unique_ptr<InternalIterator>> children;
  std::vector<RangeTombstone> range_dels;
  auto add = [&](const MemTable& mem) {
    children.push_back(mem.NewIterator());
    for (RangeTombstone& t : mem.range_tombstones().List()) {
      if (t.seq <= seq) range_dels.push_back(std::move(t));
    }
  };
  add(*view.mem);
  for (const auto& imm : view.imm) add(*imm);
  UpToSequenceIterator iter(NewMergingIterator(&icmp_, std::move(children)), seq);
  s = BuildTable(tmp, fs_, MakeTableOptions(), &iter, &meta, std::move(range_dels));
  if (!s.ok()) return s;
  if (meta.file_size > 0) edit.AddFile(0, meta);

  // Nothing is in a log: the checkpoint's first open starts its own.
  const uint64_t manifest_number = meta.number + 1;
  edit.SetLogNumber(0);
  edit.SetNextFile(manifest_number + 1);
  edit.SetLastSequence(seq);
  s = WriteManifest(fs_, ManifestFileName(tmp, manifest_number), edit);
  if (s.ok()) s = SetCurrentFile(fs_, tmp, manifest_number);  // syncs tmp too
  return s;
}

}  // namespace lsmdb
