#include "load_export.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "escape.h"
#include "json_lines.h"
#include "lsmdb/write_batch.h"
#include "progress.h"

namespace lsmdb::cli {

namespace {

// Bytes in in, if it is a regular file; 0 (unknown) otherwise.
uint64_t InputSize(FILE* in) {
  struct stat st;
  if (fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode)) {
    return static_cast<uint64_t>(st.st_size);
  }
  return 0;
}

// Splits one tsv line into its key and value.
bool ParseTsvLine(std::string_view line, std::string* key, std::string* value, std::string* error) {
  const size_t tab = line.find('\t');
  if (tab == std::string_view::npos) {
    *error = "no tab between key and value";
    return false;
  }
  if (line.find('\t', tab + 1) != std::string_view::npos) {
    *error = "more than one tab (write a tab inside a value as \\t)";
    return false;
  }
  std::string why;
  if (!Unescape(line.substr(0, tab), key, &why)) {
    *error = "key: " + why;
    return false;
  }
  if (!Unescape(line.substr(tab + 1), value, &why)) {
    *error = "value: " + why;
    return false;
  }
  return true;
}

}  // namespace

bool ParseRecordFormat(std::string_view name, RecordFormat* format) {
  if (name == "tsv") {
    *format = RecordFormat::kTsv;
  } else if (name == "jsonl") {
    *format = RecordFormat::kJsonl;
  } else {
    return false;
  }
  return true;
}

Status LoadRecords(DB* db, FILE* in, const std::string& input_name, RecordFormat format,
                   uint64_t* records, uint64_t* lines) {
  *records = 0;
  *lines = 0;
  Progress progress("load", InputSize(in));
  WriteBatch batch;
  std::string key, value, error;
  char* buf = nullptr;
  size_t cap = 0;
  uint64_t line_number = 0, bytes = 0, pending = 0;
  Status s;
  while (true) {
    errno = 0;
    const ssize_t n = getline(&buf, &cap, in);
    if (n < 0) {
      if (std::ferror(in)) s = Status::IOError(input_name, std::strerror(errno));
      break;
    }
    ++line_number;
    bytes += static_cast<uint64_t>(n);
    std::string_view line(buf, static_cast<size_t>(n));
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    if (format == RecordFormat::kTsv && !line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.empty()) continue;
    const bool ok = format == RecordFormat::kTsv ? ParseTsvLine(line, &key, &value, &error)
                                                 : ParseJsonRecord(line, &key, &value, &error);
    if (!ok) {
      s = Status::InvalidArgument(input_name + ":" + std::to_string(line_number), error);
      break;
    }
    if (key.size() > kMaxKeySize || value.size() > kMaxValueSize) {
      s = Status::InvalidArgument(
          input_name + ":" + std::to_string(line_number),
          key.size() > kMaxKeySize
              ? "key of " + std::to_string(key.size()) + " bytes, longer than 8 MiB"
              : "value of " + std::to_string(value.size()) + " bytes, longer than 256 MiB");
      break;
    }
    batch.Put(key, value);
    ++pending;
    if (batch.ApproximateSize() >= kLoadBatchBytes) {
      s = db->Write(WriteOptions(), &batch);
      if (!s.ok()) break;
      *records += pending;
      *lines = line_number;
      pending = 0;
      batch.Clear();
    }
    progress.Update(bytes, *records + pending);
  }
  std::free(buf);
  if (s.ok() && pending > 0) {
    s = db->Write(WriteOptions(), &batch);
    if (s.ok()) *records += pending;
  }
  if (s.ok()) *lines = line_number;
  return s;
}

Status ExportRecords(DB* db, const ReadOptions& read_options, FILE* out,
                     const std::string& output_name, RecordFormat format, uint64_t* records) {
  *records = 0;
  Progress progress("export", 0);
  std::unique_ptr<Iterator> it = db->NewIterator(read_options);
  std::string chunk;
  uint64_t bytes = 0;
  auto write_chunk = [&]() -> bool {
    bytes += chunk.size();
    const bool ok = std::fwrite(chunk.data(), 1, chunk.size(), out) == chunk.size();
    chunk.clear();
    return ok;
  };
  bool write_ok = true;
  for (it->SeekToFirst(); it->Valid() && write_ok; it->Next()) {
    if (format == RecordFormat::kTsv) {
      AppendEscaped(it->key(), &chunk);
      chunk.push_back('\t');
      AppendEscaped(it->value(), &chunk);
      chunk.push_back('\n');
    } else {
      AppendJsonRecord(it->key(), it->value(), &chunk);
    }
    ++*records;
    if (chunk.size() >= (size_t{64} << 10)) write_ok = write_chunk();
    progress.Update(bytes + chunk.size(), *records);
  }
  Status s = it->status();
  if (write_ok) write_ok = write_chunk();
  if (write_ok) write_ok = std::fflush(out) == 0;
  if (!write_ok && s.ok()) s = Status::IOError(output_name, std::strerror(errno));
  return s;
}

}  // namespace lsmdb::cli
