#include "io/file_util.h"

#include <memory>

namespace lsmdb {

Status ReadFileToString(FileSystem* fs, const std::string& path, std::string* data) {
  data->clear();
  std::unique_ptr<SequentialFile> file;
  Status s = fs->NewSequentialFile(path, &file);
  if (!s.ok()) return s;
  constexpr size_t kChunk = 64 * 1024;
  std::unique_ptr<char[]> scratch(new char[kChunk]);
  while (true) {
    std::string_view piece;
    s = file->Read(kChunk, &piece, scratch.get());
    if (!s.ok()) return s;
    if (piece.empty()) break;
    data->append(piece);
  }
  return Status::OK();
}

Status WriteStringToFile(FileSystem* fs, std::string_view data, const std::string& path,
                         bool sync) {
  std::unique_ptr<WritableFile> file;
  Status s = fs->NewWritableFile(path, &file);
  if (!s.ok()) return s;
  s = file->Append(data);
  if (s.ok() && sync) s = file->Sync();
  Status c = file->Close();
  if (s.ok()) s = c;
  if (!s.ok()) fs->RemoveFile(path).PermitUncheckedError();
  return s;
}

}  // namespace lsmdb
