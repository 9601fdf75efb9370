// `lsmdb dump manifest FILE`: every VersionEdit of a MANIFEST (docs/format/manifest.md),
// field by field, and the damage the log reader skips.
#include <memory>

#include "dump.h"
#include "lsmdb/file_system.h"
#include "version/version_edit.h"
#include "wal/log_reader.h"

namespace lsmdb::cli {
namespace {

class ManifestReporter final : public log::Reader::Reporter {
 public:
  ManifestReporter(bool json, FILE* out) : json_(json), out_(out) {}
  void Corruption(uint64_t offset, size_t bytes, const Status& s) override {
    DumpLine(json_, "damage")
        .Text("damage at offset ")
        .Num("offset", offset)
        .Text(": ")
        .Num("bytes", bytes)
        .Text(" bytes skipped: ")
        .Str("error", s.ToString())
        .Print(out_);
    if (first_error.ok()) first_error = s;
  }
  // An edit torn by a crash was never acknowledged: reported, not an error.
  void TornTail(uint64_t offset, size_t bytes) override {
    DumpLine(json_, "torn_tail")
        .Text("torn tail at offset ")
        .Num("offset", offset)
        .Text(": ")
        .Num("bytes", bytes)
        .Text(" bytes of an incomplete last record")
        .Print(out_);
  }
  Status first_error;

 private:
  const bool json_;
  FILE* const out_;
};

std::string FileJson(int level, const FileMetaData& f) {
  return "{\"level\": " + std::to_string(level) + ", \"number\": " + std::to_string(f.number) +
         ", \"file_size\": " + std::to_string(f.file_size) +
         ", \"smallest\": " + InternalKeyJson(f.smallest) +
         ", \"largest\": " + InternalKeyJson(f.largest) +
         ", \"smallest_seq\": " + std::to_string(f.smallest_seq) +
         ", \"largest_seq\": " + std::to_string(f.largest_seq) +
         ", \"num_entries\": " + std::to_string(f.num_entries) +
         ", \"num_deletions\": " + std::to_string(f.num_deletions) + "}";
}

void PrintEditText(uint64_t offset, const VersionEdit& edit, FILE* out) {
  std::fprintf(out, "edit at offset %llu:\n", static_cast<unsigned long long>(offset));
  if (edit.comparator()) std::fprintf(out, "  comparator: %s\n", edit.comparator()->c_str());
  if (edit.log_number()) {
    std::fprintf(out, "  log number: %llu\n", static_cast<unsigned long long>(*edit.log_number()));
  }
  if (edit.next_file_number()) {
    std::fprintf(out, "  next file number: %llu\n",
                 static_cast<unsigned long long>(*edit.next_file_number()));
  }
  if (edit.last_sequence()) {
    std::fprintf(out, "  last sequence: %llu\n",
                 static_cast<unsigned long long>(*edit.last_sequence()));
  }
  for (const auto& [level, key] : edit.compact_pointers()) {
    std::fprintf(out, "  compact pointer: L%d %s\n", level, InternalKeyText(key).c_str());
  }
  for (const auto& [level, number] : edit.deleted_files()) {
    std::fprintf(out, "  remove file: L%d #%llu\n", level, static_cast<unsigned long long>(number));
  }
  for (const auto& [level, f] : edit.new_files()) {
    std::fprintf(out,
                 "  add file: L%d #%llu, %llu bytes, %s .. %s, seq %llu..%llu, %llu entries, "
                 "%llu deletions\n",
                 level, static_cast<unsigned long long>(f.number),
                 static_cast<unsigned long long>(f.file_size), InternalKeyText(f.smallest).c_str(),
                 InternalKeyText(f.largest).c_str(),
                 static_cast<unsigned long long>(f.smallest_seq),
                 static_cast<unsigned long long>(f.largest_seq),
                 static_cast<unsigned long long>(f.num_entries),
                 static_cast<unsigned long long>(f.num_deletions));
  }
}

void PrintEditJson(uint64_t offset, const VersionEdit& edit, FILE* out) {
  DumpLine line(true, "edit");
  line.Num("offset", offset);
  if (edit.comparator()) line.Str("comparator", *edit.comparator());
  if (edit.log_number()) line.Num("log_number", *edit.log_number());
  if (edit.next_file_number()) line.Num("next_file_number", *edit.next_file_number());
  if (edit.last_sequence()) line.Num("last_sequence", *edit.last_sequence());
  std::string pointers = "[", removed = "[", added = "[";
  for (const auto& [level, key] : edit.compact_pointers()) {
    if (pointers.size() > 1) pointers += ", ";
    pointers += "{\"level\": " + std::to_string(level) + ", \"key\": " + InternalKeyJson(key) + "}";
  }
  for (const auto& [level, number] : edit.deleted_files()) {
    if (removed.size() > 1) removed += ", ";
    removed +=
        "{\"level\": " + std::to_string(level) + ", \"number\": " + std::to_string(number) + "}";
  }
  for (const auto& [level, f] : edit.new_files()) {
    if (added.size() > 1) added += ", ";
    added += FileJson(level, f);
  }
  line.Json("compact_pointers", pointers + "]")
      .Json("deleted_files", removed + "]")
      .Json("new_files", added + "]")
      .Print(out);
}

}  // namespace

Status DumpManifest(const std::string& path, const DumpOptions& options, FILE* out) {
  const bool json = options.json;
  std::shared_ptr<FileSystem> fs = FileSystem::Default();
  uint64_t size = 0;
  std::unique_ptr<SequentialFile> file;
  Status s = fs->GetFileSize(path, &size);
  if (s.ok()) s = fs->NewSequentialFile(path, &file);
  if (!s.ok()) return s;
  DumpLine(json, "file")
      .Text("file ")
      .Str("name", path)
      .Text(": MANIFEST, ")
      .Num("bytes", size)
      .Text(" bytes")
      .Print(out);

  ManifestReporter reporter(json, out);
  log::Reader reader(file.get(), path, &reporter);
  Status bad_edit;
  uint64_t edits = 0;
  bool truncated = false;
  std::string scratch;
  std::string_view record;
  while (reader.ReadRecord(&record, &scratch)) {
    if (edits >= options.max_entries) {
      truncated = true;
      break;
    }
    edits++;
    const uint64_t offset = reader.LastRecordOffset();
    VersionEdit edit;
    s = edit.DecodeFrom(record);
    if (!s.ok()) {
      s = Status::Corruption(
          path, "record at offset " + std::to_string(offset) + ": " + std::string(s.message()));
      DumpLine(json, "bad_edit")
          .Text("bad edit at offset ")
          .Num("offset", offset)
          .Text(": ")
          .Str("error", s.ToString())
          .Print(out);
      if (bad_edit.ok()) bad_edit = s;
      continue;
    }
    if (json) {
      PrintEditJson(offset, edit, out);
    } else {
      PrintEditText(offset, edit, out);
    }
  }
  DumpLine(json, "summary")
      .Text("total: ")
      .Num("edits", edits)
      .Text(" edits")
      .Bool("truncated", truncated)
      .Text(truncated ? " (stopped at --entries)" : "")
      .Print(out);
  if (!reader.status().ok()) return reader.status();
  if (!reporter.first_error.ok()) return reporter.first_error;
  return bad_edit;
}

}  // namespace lsmdb::cli
