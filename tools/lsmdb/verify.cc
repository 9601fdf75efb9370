#include "verify.h"

#include <algorithm>
#include <map>
#include <memory>
#include <vector>

#include "db/log_link.h"
#include "db/write_batch_internal.h"
#include "dump.h"
#include "escape.h"
#include "io/file_util.h"
#include "lsmdb/comparator.h"
#include "lsmdb/file_system.h"
#include "lsmdb/write_batch.h"
#include "progress.h"
#include "sstable/table.h"
#include "util/internal_key.h"
#include "version/filename.h"
#include "version/version_edit.h"
#include "wal/log_reader.h"

namespace lsmdb::cli {
namespace {

class FirstDamage final : public log::Reader::Reporter {
 public:
  void Corruption(uint64_t, size_t, const Status& s) override {
    if (damage.ok()) damage = s;
  }
  void TornTail(uint64_t offset, size_t bytes) override {
    torn = true;
    torn_offset = offset;
    torn_bytes = bytes;
  }
  Status damage;
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

// What the MANIFEST says is live.
struct LiveState {
  std::map<uint64_t, FileMetaData> tables;  // by number
  uint64_t log_number = 0;
};

class Verifier {
 public:
  Verifier(std::string dbname, FILE* out, VerifyResult* result)
      : dbname_(std::move(dbname)), fs_(FileSystem::Default()), out_(out), result_(result) {}

  Status Run() {
    std::vector<std::string> names;
    Status s = fs_->GetChildren(dbname_, &names);
    if (!s.ok()) return s;
    std::sort(names.begin(), names.end());
    LiveState live;
    std::string manifest;
    const bool have_manifest = ReadCurrent(&manifest) && ReadManifest(manifest, &live);

    std::vector<uint64_t> tables, logs;
    std::map<uint64_t, uint64_t> sizes;  // expected table sizes, when the MANIFEST gives them
    if (have_manifest) {
      for (const auto& [number, f] : live.tables) {
        tables.push_back(number);
        sizes[number] = f.file_size;
      }
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
      auto it = sizes.find(n);
      CheckTable(n, it == sizes.end() ? nullptr : &it->second, manifest);
      done += FileSize(TableFileName(dbname_, n));
      progress.UpdateCoarse(done, result_->files);
    }
    for (size_t i = 0; i < logs.size(); i++) {
      CheckLog(logs[i], i + 1 == logs.size());
      done += FileSize(LogFileName(dbname_, logs[i]));
      progress.UpdateCoarse(done, result_->files);
    }
    progress.Finish();
    if (result_->damaged == 0) {
      std::fprintf(out_, "verified %llu files (%s): all intact\n",
                   static_cast<unsigned long long>(result_->files),
                   HumanSize(result_->bytes).c_str());
    } else {
      std::fprintf(out_, "verified %llu files (%s): %llu damaged\n",
                   static_cast<unsigned long long>(result_->files),
                   HumanSize(result_->bytes).c_str(),
                   static_cast<unsigned long long>(result_->damaged));
    }
    return Status::OK();
  }

 private:
  uint64_t FileSize(const std::string& path) {
    uint64_t size = 0;
    return fs_->GetFileSize(path, &size).ok() ? size : 0;
  }

  void Ok(const std::string& name, uint64_t size, const std::string& note = "") {
    result_->files++;
    result_->bytes += size;
    std::fprintf(out_, "ok %s %s%s\n", name.c_str(), HumanSize(size).c_str(), note.c_str());
  }
  void Damaged(const std::string& name, const std::string& why) {
    result_->files++;
    result_->damaged++;
    std::fprintf(out_, "DAMAGED %s: %s\n", name.c_str(), why.c_str());
  }

  bool ReadCurrent(std::string* manifest) {
    std::string current;
    Status s = ReadFileToString(fs_.get(), CurrentFileName(dbname_), &current);
    if (!s.ok()) {
      Damaged("CURRENT", s.IsNotFound() ? "missing" : s.ToString());
      return false;
    }
    uint64_t number;
    FileType type;
    if (current.empty() || current.back() != '\n' ||
        !ParseFileName(std::string_view(current).substr(0, current.size() - 1), &number, &type) ||
        type != FileType::kDescriptorFile) {
      Damaged("CURRENT", "does not name a MANIFEST file (" + std::to_string(current.size()) +
                             " bytes: " + Escape(current.substr(0, 40)) + ")");
      return false;
    }
    *manifest = current.substr(0, current.size() - 1);
    Ok("CURRENT", current.size(), " -> " + *manifest);
    return true;
  }

  bool ReadManifest(const std::string& name, LiveState* live) {
    const std::string path = dbname_ + "/" + name;
    std::unique_ptr<SequentialFile> file;
    Status s = fs_->NewSequentialFile(path, &file);
    if (!s.ok()) {
      Damaged(name, s.IsNotFound() ? "missing (named by CURRENT)" : s.ToString());
      return false;
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
        Damaged(name, "record at offset " + std::to_string(reader.LastRecordOffset()) + ": " +
                          s.ToString());
        return false;
      }
      for (const auto& [level, number] : edit.deleted_files()) live->tables.erase(number);
      for (const auto& [level, f] : edit.new_files()) live->tables[f.number] = f;
      if (edit.log_number()) {
        live->log_number = *edit.log_number();
        have_log_number = true;
      }
    }
    if (!reporter.damage.ok()) {
      Damaged(name, reporter.damage.ToString());
      return false;
    }
    if (!reader.status().ok()) {
      Damaged(name, reader.status().ToString());
      return false;
    }
    if (!have_log_number) {
      Damaged(name, "no edit records the log number");
      return false;
    }
    Ok(name, FileSize(path), " (" + std::to_string(live->tables.size()) + " tables)");
    return true;
  }

  void CheckTable(uint64_t number, const uint64_t* expected_size, const std::string& manifest) {
    const std::string path = TableFileName(dbname_, number);
    const std::string name = path.substr(dbname_.size() + 1);
    uint64_t size = 0;
    Status s = fs_->GetFileSize(path, &size);
    if (!s.ok()) {
      Damaged(name, s.IsNotFound() ? "missing (named by " + manifest + ")" : s.ToString());
      return;
    }
    if (expected_size != nullptr && size != *expected_size) {
      Damaged(name, "holds " + std::to_string(size) + " bytes, " + manifest + " says " +
                        std::to_string(*expected_size));
      return;
    }
    std::unique_ptr<RandomAccessFile> file;
    s = fs_->NewRandomAccessFile(path, &file);
    const InternalKeyComparator icmp(BytewiseComparator());
    TableReaderOptions options;
    options.comparator = &icmp;
    options.file_name = name;
    options.paranoid_checks = true;
    std::unique_ptr<Table> table;
    if (s.ok()) s = Table::Open(options, std::move(file), size, &table);
    if (s.ok()) s = table->VerifyChecksums();
    if (s.ok()) {
      Ok(name, size);
    } else {
      Damaged(name, s.ToString());
    }
  }

  void CheckLog(uint64_t number, bool last) {
    const std::string path = LogFileName(dbname_, number);
    const std::string name = path.substr(dbname_.size() + 1);
    std::unique_ptr<SequentialFile> file;
    Status s = fs_->NewSequentialFile(path, &file);
    if (!s.ok()) {
      Damaged(name, s.ToString());
      return;
    }
    FirstDamage reporter;
    log::Reader reader(file.get(), name, &reporter);
    std::string scratch;
    std::string_view record;
    Status bad_batch;
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
        bad_batch = Status::Corruption(name, "record at offset " +
                                                 std::to_string(reader.LastRecordOffset()) + ": " +
                                                 std::string(b.message()));
      }
    }
    if (!reader.status().ok()) return Damaged(name, reader.status().ToString());
    if (!reporter.damage.ok()) return Damaged(name, reporter.damage.ToString());
    if (!bad_batch.ok()) return Damaged(name, bad_batch.ToString());
    std::string note;
    if (reporter.torn) {
      // An older log is not synced when the next one starts, so a power loss can cut it
      // short too; open keeps the writes before the cut (docs/format/wal.md §5).
      note = " (incomplete last record of " + std::to_string(reporter.torn_bytes) +
             " bytes at offset " + std::to_string(reporter.torn_offset) +
             (last ? ": a write cut off by a crash, dropped on open)"
                   : ": a log cut short by a power loss; open keeps the writes before it)");
    }
    Ok(name, FileSize(path), note);
  }

  const std::string dbname_;
  const std::shared_ptr<FileSystem> fs_;
  FILE* const out_;
  VerifyResult* const result_;
};

}  // namespace

Status VerifyDatabase(const std::string& path, FILE* out, VerifyResult* result) {
  *result = VerifyResult();
  Verifier verifier(path, out, result);
  return verifier.Run();
}

}  // namespace lsmdb::cli
