#include "verify_state.h"

#include <memory>
#include <string_view>

#include "escape.h"
#include "io/file_util.h"
#include "version/filename.h"
#include "wal/log_reader.h"

namespace lsmdb::cli {
namespace {

// How many times the reading starts again after a writer replaced the MANIFEST.
constexpr int kAttempts = 10;

class FirstDamage final : public log::Reader::Reporter {
 public:
  void Corruption(uint64_t, size_t, const Status& s) override {
    if (damage.ok()) damage = s;
  }
  // A torn last edit is what a crash during an append leaves; the read-only open judges
  // whether anything acted on it (verify.cc).
  void TornTail(uint64_t, size_t) override { torn = true; }
  Status damage;
  bool torn = false;
};

void ReadCurrent(FileSystem* fs, const std::string& dbname, LiveState* live) {
  std::string current;
  Status s = ReadFileToString(fs, CurrentFileName(dbname), &current);
  if (!s.ok()) {
    live->current_damage = s.IsNotFound() ? "missing" : s.ToString();
    return;
  }
  live->current_size = current.size();
  uint64_t number;
  FileType type;
  if (current.empty() || current.back() != '\n' ||
      !ParseFileName(std::string_view(current).substr(0, current.size() - 1), &number, &type) ||
      type != FileType::kDescriptorFile) {
    live->current_damage = "does not name a MANIFEST file (" + std::to_string(current.size()) +
                           " bytes: " + Escape(current.substr(0, 40)) + ")";
    return;
  }
  live->manifest = current.substr(0, current.size() - 1);
}

void ReadManifest(FileSystem* fs, const std::string& dbname, LiveState* live) {
  const std::string path = dbname + "/" + live->manifest;
  std::unique_ptr<SequentialFile> file;
  Status s = fs->NewSequentialFile(path, &file);
  if (!s.ok()) {
    live->manifest_missing = s.IsNotFound();
    live->manifest_damage = s.IsNotFound() ? "missing (named by CURRENT)" : s.ToString();
    return;
  }
  FirstDamage reporter;
  log::Reader reader(file.get(), path, &reporter);
  std::string scratch;
  std::string_view record;
  bool have_log_number = false;
  while (reader.ReadRecord(&record, &scratch) && reporter.damage.ok()) {
    VersionEdit edit;
    s = edit.DecodeFrom(record);
    if (!s.ok()) {
      live->manifest_damage =
          "record at offset " + std::to_string(reader.LastRecordOffset()) + ": " + s.ToString();
      return;
    }
    for (const auto& [level, number] : edit.deleted_files()) live->tables.erase(number);
    for (const auto& [level, f] : edit.new_files()) live->tables[f.number] = f;
    if (edit.log_number()) {
      live->log_number = *edit.log_number();
      have_log_number = true;
    }
  }
  live->manifest_torn = reporter.torn;
  if (!reporter.damage.ok()) {
    live->manifest_damage = reporter.damage.ToString();
  } else if (!reader.status().ok()) {
    live->manifest_damage = reader.status().ToString();
  } else if (!have_log_number) {
    live->manifest_damage = "no edit records the log number";
  }
  if (!fs->GetFileSize(path, &live->manifest_size).ok()) live->manifest_size = 0;
}

}  // namespace

LiveState ReadLiveState(FileSystem* fs, const std::string& dbname) {
  LiveState live;
  for (int attempt = 0; attempt < kAttempts; attempt++) {
    live = LiveState();
    ReadCurrent(fs, dbname, &live);
    if (!live.current_damage.empty()) return live;
    ReadManifest(fs, dbname, &live);
    if (!live.manifest_missing) return live;
    LiveState again;
    ReadCurrent(fs, dbname, &again);
    if (!again.current_damage.empty() || again.manifest == live.manifest) return live;
  }
  return live;
}

}  // namespace lsmdb::cli
