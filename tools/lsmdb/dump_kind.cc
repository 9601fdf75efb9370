// Telling a database file's kind from its name and its bytes, for `lsmdb dump`.
#include <memory>

#include "db/log_link.h"
#include "dump.h"
#include "lsmdb/file_system.h"
#include "lsmdb/write_batch.h"
#include "sstable/format.h"
#include "util/coding.h"
#include "version/filename.h"
#include "version/version_edit.h"
#include "wal/log_reader.h"

namespace lsmdb::cli {
namespace {

class NoUpdates final : public WriteBatch::Handler {
 public:
  void Put(std::string_view, std::string_view) override {}
  void Delete(std::string_view) override {}
  Status DeleteRange(std::string_view, std::string_view) override { return Status::OK(); }
  Status Merge(std::string_view, std::string_view) override { return Status::OK(); }
};

// The kind of the first record of a log-format file: "manifest" if it decodes as a
// VersionEdit, "wal" if as a batch or a log link, "" otherwise.
std::string FirstRecordKind(FileSystem* fs, const std::string& path) {
  std::unique_ptr<SequentialFile> file;
  if (!fs->NewSequentialFile(path, &file).ok()) return "";
  log::Reader reader(file.get(), path, nullptr);
  std::string scratch;
  std::string_view record;
  if (!reader.ReadRecord(&record, &scratch)) return "";
  VersionEdit edit;
  if (edit.DecodeFrom(record).ok()) return "manifest";
  bool is_link = false;
  LogLink link;
  if (!DecodeLogLink(record, &is_link, &link).ok()) return "";
  if (is_link) return "wal";
  WriteBatch batch;
  NoUpdates handler;
  if (batch.SetContents(record).ok() && batch.Iterate(&handler).ok()) return "wal";
  return "";
}

}  // namespace

std::string GuessKindFromName(const std::string& path) {
  const std::string name =
      path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  uint64_t number;
  FileType type;
  if (!ParseFileName(name, &number, &type)) return "";
  switch (type) {
    case FileType::kLogFile:
      return "wal";
    case FileType::kTableFile:
      return "sst";
    case FileType::kDescriptorFile:
      return "manifest";
    case FileType::kCurrentFile:
      return "current";
    default:
      return "";
  }
}

std::string DetectKind(const std::string& path) {
  std::shared_ptr<FileSystem> fs = FileSystem::Default();
  uint64_t size = 0;
  if (!fs->GetFileSize(path, &size).ok() || size == 0) return "";
  std::unique_ptr<RandomAccessFile> file;
  if (!fs->NewRandomAccessFile(path, &file).ok()) return "";
  char buf[64];
  std::string_view got;
  // CURRENT: one line naming a MANIFEST.
  if (size <= sizeof(buf) && file->Read(0, size, &got, buf).ok() && got.size() == size &&
      got.back() == '\n') {
    uint64_t number;
    FileType type;
    if (ParseFileName(got.substr(0, got.size() - 1), &number, &type) &&
        type == FileType::kDescriptorFile) {
      return "current";
    }
  }
  if (size >= 8 && file->Read(size - 8, 8, &got, buf).ok() && got.size() == 8 &&
      DecodeFixed64(got.data()) == kTableMagicNumber) {
    return "sst";
  }
  return FirstRecordKind(fs.get(), path);
}

}  // namespace lsmdb::cli
