#include "verify.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "db/log_link.h"
#include "dump.h"
#include "lsmdb/comparator.h"
#include "lsmdb/db.h"
#include "lsmdb/write_batch.h"
#include "progress.h"
#include "util/internal_key.h"
#include "verify_state.h"
#include "version/filename.h"
#include "version/table_cache.h"
#include "wal/log_reader.h"

namespace lsmdb::cli {
namespace {

// How many times the newest log is read again while its damage moves (a writer appending).
constexpr int kNewestLogRereads = 20;

class LogReporter final : public log::Reader::Reporter {
 public:
  void Corruption(uint64_t offset, size_t, const Status& s) override {
    if (damage.ok()) {
      damage = s;
      damage_offset = offset;
    }
  }
  void TornTail(uint64_t offset, size_t bytes) override {
    torn = true;
    torn_offset = offset;
    torn_bytes = bytes;
  }
  Status damage;
  uint64_t damage_offset = 0;
  bool torn = false;
  uint64_t torn_offset = 0;
  size_t torn_bytes = 0;
};

class NullHandler final : public WriteBatch::Handler {
 public:
  void Put(std::string_view, std::string_view) override {}
  void Delete(std::string_view) override {}
  Status DeleteRange(std::string_view, std::string_view) override { return Status::OK(); }
  Status Merge(std::string_view, std::string_view) override { return Status::OK(); }
};

// What reading one log found.
struct LogCheck {
  Status damage;  // the first error: the file's open or read, a record, a batch
  uint64_t offset = 0;
  bool torn = false;
  uint64_t torn_offset = 0;
  size_t torn_bytes = 0;
  bool Same(const LogCheck& o) const { return damage.ok() == o.damage.ok() && offset == o.offset; }
};

LogCheck ReadLog(FileSystem* fs, const std::string& path, const std::string& name) {
  LogCheck result;
  std::unique_ptr<SequentialFile> file;
  result.damage = fs->NewSequentialFile(path, &file);
  if (!result.damage.ok()) return result;
  LogReporter reporter;
  log::Reader reader(file.get(), name, &reporter);
  std::string scratch;
  std::string_view record;
  Status bad_batch;
  uint64_t bad_offset = 0;
  while (reader.ReadRecord(&record, &scratch)) {
    WriteBatch batch;
    NullHandler handler;
    bool is_link = false;
    LogLink link;
    Status b = DecodeLogLink(record, &is_link, &link);
    if (is_link) continue;
    if (b.ok()) b = batch.SetContents(record);
    if (b.ok()) b = batch.Iterate(&handler);
    if (!b.ok() && bad_batch.ok()) {
      bad_offset = reader.LastRecordOffset();
      bad_batch = Status::Corruption(
          name, "record at offset " + std::to_string(bad_offset) + ": " + std::string(b.message()));
    }
  }
  result.torn = reporter.torn;
  result.torn_offset = reporter.torn_offset;
  result.torn_bytes = reporter.torn_bytes;
  if (!reader.status().ok()) {
    result.damage = reader.status();
  } else if (!reporter.damage.ok()) {
    result.damage = reporter.damage;
    result.offset = reporter.damage_offset;
  } else if (!bad_batch.ok()) {
    result.damage = bad_batch;
    result.offset = bad_offset;
  }
  return result;
}

class Verifier {
 public:
  Verifier(std::string dbname, const VerifyOptions& options, FILE* out, VerifyResult* result)
      : dbname_(std::move(dbname)),
        fs_(options.file_system ? options.file_system : FileSystem::Default()),
        verbose_(options.verbose),
        out_(out),
        result_(result),
        icmp_(BytewiseComparator()),
        tables_(dbname_, fs_.get(), &icmp_, nullptr, nullptr, /*paranoid_checks=*/true,
                /*capacity=*/8) {}

  Status Run() {
    std::vector<std::string> names;
    Status s = fs_->GetChildren(dbname_, &names);
    if (!s.ok()) return s;
    std::sort(names.begin(), names.end());
    const LiveState live = ReadLiveState(fs_.get(), dbname_);
    ReportState(live);
    const bool have_manifest = live.ok();

    std::vector<uint64_t> tables, logs;
    if (have_manifest) {
      for (const auto& [number, f] : live.tables) tables.push_back(number);
    }
    for (const std::string& name : names) {
      uint64_t number;
      FileType type;
      if (!ParseFileName(name, &number, &type)) continue;
      if (type == FileType::kLogFile && (!have_manifest || number >= live.log_number)) {
        logs.push_back(number);
      } else if (type == FileType::kTableFile && !have_manifest) {
        tables.push_back(number);
      }
    }
    if (!have_manifest) {
      std::fprintf(out_, "note: without a readable MANIFEST, every table and log is checked\n");
    }

    uint64_t total = 0;
    for (uint64_t n : tables) total += FileSize(TableFileName(dbname_, n));
    for (uint64_t n : logs) total += FileSize(LogFileName(dbname_, n));
    Progress progress("verify", total);
    uint64_t done = 0;
    for (uint64_t n : tables) {
      auto it = live.tables.find(n);
      CheckTable(n, it == live.tables.end() ? nullptr : &it->second, live.manifest);
      done += FileSize(TableFileName(dbname_, n));
      progress.UpdateCoarse(done, result_->files);
    }
    for (size_t i = 0; i < logs.size(); i++) {
      CheckLog(logs[i], i + 1 == logs.size());
      done += FileSize(LogFileName(dbname_, logs[i]));
      progress.UpdateCoarse(done, result_->files);
    }
    progress.Finish();
    if (have_manifest) CheckOpen();
    Summary();
    return Status::OK();
  }

 private:
  uint64_t FileSize(const std::string& path) {
    uint64_t size = 0;
    return fs_->GetFileSize(path, &size).ok() ? size : 0;
  }

  // The reason without the database's directory: files are named as in the directory.
  std::string Relative(std::string why) const {
    const std::string prefix = dbname_ + "/";
    for (size_t at; (at = why.find(prefix)) != std::string::npos;) why.erase(at, prefix.size());
    return why;
  }

  void Ok(const std::string& name, uint64_t size, const std::string& note = "") {
    result_->files++;
    result_->bytes += size;
    ok_sizes_[name] = size;
    std::fprintf(out_, "ok %s %s%s\n", name.c_str(), HumanSize(size).c_str(), note.c_str());
  }
  void Damaged(const std::string& name, const std::string& why) {
    if (auto it = ok_sizes_.find(name); it != ok_sizes_.end()) {
      // Found intact alone, damaged by what the files say together: counted once.
      result_->files--;
      result_->bytes -= it->second;
      ok_sizes_.erase(it);
    }
    result_->files++;
    result_->damaged++;
    damaged_.insert(name);
    std::fprintf(out_, "DAMAGED %s: %s\n", name.c_str(), Relative(why).c_str());
  }
  void Gone(const std::string& name, const std::string& why) {
    result_->gone++;
    if (verbose_) {
      std::fprintf(out_, "gone %s: deleted during verify (no longer live: %s)\n", name.c_str(),
                   Relative(why).c_str());
    }
  }

  void ReportState(const LiveState& live) {
    if (!live.current_damage.empty()) return Damaged("CURRENT", live.current_damage);
    Ok("CURRENT", live.current_size, " -> " + live.manifest);
    if (!live.manifest_damage.empty()) return Damaged(live.manifest, live.manifest_damage);
    Ok(live.manifest, live.manifest_size,
       " (" + std::to_string(live.tables.size()) + " tables" +
           (live.manifest_torn ? "; last edit torn, as a crash during an append leaves it)" : ")"));
  }

  // A file that failed its check: damage if the state CURRENT and the MANIFEST show now
  // still holds it, else a file the engine deleted or made obsolete meanwhile.
  void Failed(FileType type, uint64_t number, const std::string& name, const std::string& why) {
    const LiveState now = ReadLiveState(fs_.get(), dbname_);
    const bool live =
        type == FileType::kTableFile ? now.IsLiveTable(number) : now.IsLiveLog(number);
    if (live) {
      Damaged(name, why);
    } else {
      Gone(name, why);
    }
  }

  void CheckTable(uint64_t number, const FileMetaData* meta, const std::string& manifest) {
    const std::string path = TableFileName(dbname_, number);
    const std::string name = path.substr(dbname_.size() + 1);
    uint64_t size = 0;
    Status s = fs_->GetFileSize(path, &size);
    if (!s.ok()) {
      return Failed(FileType::kTableFile, number, name,
                    s.IsNotFound() ? "missing (named by " + manifest + ")" : s.ToString());
    }
    if (meta != nullptr && size != meta->file_size) {
      return Failed(FileType::kTableFile, number, name,
                    "holds " + std::to_string(size) + " bytes, " + manifest + " says " +
                        std::to_string(meta->file_size));
    }
    // Without a MANIFEST record, only the table's own checks (no identity to compare).
    FileMetaData unknown;
    if (meta == nullptr) {
      unknown.number = number;
      unknown.file_size = size;
    }
    // The table cache opens it as Open would (identity against the record included),
    // then every block's checksum is verified.
    s = tables_.Verify(meta != nullptr ? *meta : unknown);
    tables_.Evict(number);
    if (s.ok()) return Ok(name, size);
    Failed(FileType::kTableFile, number, name, s.ToString());
  }

  void CheckLog(uint64_t number, bool last) {
    const std::string path = LogFileName(dbname_, number);
    const std::string name = path.substr(dbname_.size() + 1);
    LogCheck check = ReadLog(fs_.get(), path, name);
    // A writer appending to the newest log can show a record half written: read again
    // until the damage stays where it was.
    for (int i = 0; last && !check.damage.ok() && i < kNewestLogRereads; i++) {
      LogCheck again = ReadLog(fs_.get(), path, name);
      const bool same = again.Same(check);
      check = std::move(again);
      if (same) break;
    }
    if (!check.damage.ok()) {
      return Failed(FileType::kLogFile, number, name, check.damage.ToString());
    }
    std::string note;
    if (check.torn) {
      // An older log is not synced when the next one starts, so a power loss can cut it
      // short too; the read-only open below judges that from the next log's link.
      note = " (incomplete last record of " + std::to_string(check.torn_bytes) +
             " bytes at offset " + std::to_string(check.torn_offset) +
             (last ? ": a write cut off by a crash, dropped on open)"
                   : ": a log cut short by a power loss, unless the next log says otherwise)");
    }
    Ok(name, FileSize(path), note);
  }

  // Open's checks of the whole database (the links between logs, a torn MANIFEST that
  // lost synced edits), by a read-only open: it writes nothing and starts again when a
  // writer changes the directory under it.
  void CheckOpen() {
    Options options;
    options.file_system = fs_;
    std::unique_ptr<DB> db;
    const Status s = DB::OpenForReadOnly(options, dbname_, &db);
    if (s.ok()) return;
    const std::string why = Relative(s.ToString());
    // The file the error names, if it names one in the directory.
    std::string name = "database";
    const std::string message = Relative(std::string(s.message()));
    const size_t colon = message.find(": ");
    uint64_t number;
    FileType type;
    const bool names_file =
        colon != std::string::npos && ParseFileName(message.substr(0, colon), &number, &type);
    if (names_file) name = message.substr(0, colon);
    // Only Corruption is damage: another failure (a comparator other than the bytewise
    // one this tool reads with, a permission error) is shown, not counted.
    if (!s.IsCorruption() || damaged_.count(name) > 0 || (!names_file && result_->damaged > 0)) {
      std::fprintf(out_, "note: the database does not open: %s\n", why.c_str());
      return;
    }
    if (names_file && (type == FileType::kTableFile || type == FileType::kLogFile)) {
      return Failed(type, number, name, "the database does not open: " + why);
    }
    Damaged(name, "the database does not open: " + why);
  }

  void Summary() {
    std::string gone;
    if (verbose_ && result_->gone > 0) {
      gone = "; " + std::to_string(result_->gone) + " deleted by the engine during verify";
    }
    if (result_->damaged == 0) {
      std::fprintf(out_, "verified %llu files (%s): all intact%s\n",
                   static_cast<unsigned long long>(result_->files),
                   HumanSize(result_->bytes).c_str(), gone.c_str());
    } else {
      std::fprintf(out_, "verified %llu files (%s): %llu damaged%s\n",
                   static_cast<unsigned long long>(result_->files),
                   HumanSize(result_->bytes).c_str(),
                   static_cast<unsigned long long>(result_->damaged), gone.c_str());
    }
  }

  const std::string dbname_;
  const std::shared_ptr<FileSystem> fs_;
  const bool verbose_;
  FILE* const out_;
  VerifyResult* const result_;
  const InternalKeyComparator icmp_;
  TableCache tables_;
  std::set<std::string> damaged_;             // names reported damaged
  std::map<std::string, uint64_t> ok_sizes_;  // names reported intact, with their sizes
};

}  // namespace

Status VerifyDatabase(const std::string& path, const VerifyOptions& options, FILE* out,
                      VerifyResult* result) {
  *result = VerifyResult();
  Verifier verifier(path, options, out, result);
  return verifier.Run();
}

}  // namespace lsmdb::cli
