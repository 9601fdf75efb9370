// `lsmdb dump wal FILE`: every record of a write-ahead log (docs/format/wal.md) with the
// updates of its batch, and the damage the log reader skips.
#include <memory>
#include <vector>

#include "db/log_link.h"
#include "db/write_batch_internal.h"
#include "dump.h"
#include "escape.h"
#include "json_lines.h"
#include "lsmdb/file_system.h"
#include "lsmdb/write_batch.h"
#include "wal/log_reader.h"

namespace lsmdb::cli {
namespace {

// Prints the damage the reader reports, in file order, as it is met.
class PrintingReporter final : public log::Reader::Reporter {
 public:
  PrintingReporter(bool json, FILE* out) : json_(json), out_(out) {}
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
    damaged_bytes += bytes;
  }
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
  uint64_t damaged_bytes = 0;

 private:
  const bool json_;
  FILE* const out_;
};

// Collects the updates of a batch as text lines or JSON array elements.
class UpdatePrinter final : public WriteBatch::Handler {
 public:
  explicit UpdatePrinter(bool json) : json_(json) {}
  void Put(std::string_view key, std::string_view value) override { Add("put", key, &value); }
  void Delete(std::string_view key) override { Add("del", key, nullptr); }
  Status Merge(std::string_view key, std::string_view operand) override {
    Add("merge", key, &operand);
    return Status::OK();
  }
  Status DeleteRange(std::string_view begin, std::string_view end) override {
    std::string s;
    if (json_) {
      s = "{\"op\": \"delrange\", \"begin\": ";
      AppendJsonString(begin, &s);
      s += ", \"end\": ";
      AppendJsonString(end, &s);
      s += "}";
    } else {
      s = "  delrange " + Escape(begin) + " .. " + Escape(end);
    }
    lines.push_back(std::move(s));
    return Status::OK();
  }
  std::vector<std::string> lines;

 private:
  void Add(const char* op, std::string_view key, const std::string_view* value) {
    std::string s;
    if (json_) {
      s = std::string("{\"op\": \"") + op + "\", \"key\": ";
      AppendJsonString(key, &s);
      if (value != nullptr) {
        s += ", \"value\": ";
        AppendJsonString(*value, &s);
      }
      s += "}";
    } else {
      s = std::string("  ") + op + " " + Escape(key);
      if (value != nullptr) s += " => " + Escape(*value);
    }
    lines.push_back(std::move(s));
  }
  const bool json_;
};

}  // namespace

Status DumpWal(const std::string& path, const DumpOptions& options, FILE* out) {
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
      .Text(": write-ahead log, ")
      .Num("bytes", size)
      .Text(" bytes")
      .Print(out);

  PrintingReporter reporter(json, out);
  log::Reader reader(file.get(), path, &reporter);
  uint64_t records = 0, updates = 0, last_seq = 0;
  Status bad_batch;
  std::string scratch;
  std::string_view record;
  bool truncated = false;
  while (reader.ReadRecord(&record, &scratch)) {
    if (records >= options.max_entries) {
      truncated = true;
      break;
    }
    records++;
    const uint64_t offset = reader.LastRecordOffset();
    bool is_link = false;
    LogLink link;
    const Status ls = DecodeLogLink(record, &is_link, &link);
    if (is_link && link.kind == LogLink::Kind::kSyncMark) {
      DumpLine(json, "sync_mark")
          .Text("sync mark at offset ")
          .Num("offset", offset)
          .Text(": every older log still needed was synced before it")
          .Print(out);
      continue;
    }
    if (is_link) {
      DumpLine line(json, "link");
      line.Text("link at offset ").Num("offset", offset);
      if (json || link.prev_log_number != 0) {
        line.Text(": follows log #").Num("prev_log", link.prev_log_number);
      } else {
        line.Text(": first log since an open");
      }
      line.Text(", writes up to seq ")
          .Num("prev_last_seq", link.prev_last_sequence)
          .Text(" logged before it")
          .Print(out);
      continue;
    }
    if (!ls.ok()) {
      const Status e = Status::Corruption(
          path, "record at offset " + std::to_string(offset) + ": " + std::string(ls.message()));
      DumpLine(json, "bad_record").Text("bad record: ").Str("error", e.ToString()).Print(out);
      if (bad_batch.ok()) bad_batch = e;
      continue;
    }
    WriteBatch batch;
    WriteBatchInternal::SetContents(&batch, record);
    const SequenceNumber seq = WriteBatchInternal::Sequence(&batch);
    UpdatePrinter printer(json);
    const Status it = batch.Iterate(&printer);
    DumpLine line(json, "record");
    line.Text("record at offset ")
        .Num("offset", offset)
        .Text(": seq ")
        .Num("seq", seq)
        .Text(", count ")
        .Num("count", batch.Count())
        .Text(", ")
        .Num("bytes", record.size())
        .Text(" bytes");
    if (json) {
      std::string array = "[";
      for (size_t i = 0; i < printer.lines.size(); i++) {
        if (i > 0) array += ", ";
        array += printer.lines[i];
      }
      line.Json("updates", array + "]");
      if (!it.ok()) line.Str("error", it.ToString());
      line.Print(out);
    } else {
      line.Print(out);
      for (const std::string& l : printer.lines) std::fprintf(out, "%s\n", l.c_str());
      if (!it.ok()) std::fprintf(out, "  error: %s\n", it.ToString().c_str());
    }
    updates += printer.lines.size();
    if (batch.Count() > 0) last_seq = std::max(last_seq, seq + batch.Count() - 1);
    if (!it.ok() && bad_batch.ok()) {
      bad_batch = Status::Corruption(
          path, "record at offset " + std::to_string(offset) + ": " + std::string(it.message()));
    }
  }
  DumpLine(json, "summary")
      .Text("total: ")
      .Num("records", records)
      .Text(" records, ")
      .Num("updates", updates)
      .Text(" updates, last seq ")
      .Num("last_seq", last_seq)
      .Text(", ")
      .Num("damaged_bytes", reporter.damaged_bytes)
      .Text(" damaged bytes")
      .Bool("truncated", truncated)
      .Text(truncated ? " (stopped at --entries)" : "")
      .Print(out);
  if (!reader.status().ok()) return reader.status();
  if (!reporter.first_error.ok()) return reporter.first_error;
  return bad_batch;
}

}  // namespace lsmdb::cli
