// Helpers shared by the log tests: in-memory WritableFile and SequentialFile over a
// std::string (the tests depend on no FileSystem), a Reporter that records reports, and
// functions that write logs, read them back whole and damage them in place.
#ifndef LSMDB_WAL_LOG_TEST_UTIL_H_
#define LSMDB_WAL_LOG_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lsmdb/file_system.h"
#include "lsmdb/status.h"
#include "util/coding.h"
#include "util/crc32c.h"
#include "wal/log_format.h"
#include "wal/log_reader.h"
#include "wal/log_writer.h"

namespace lsmdb::log {

inline constexpr char kFileName[] = "000007.log";

// A WritableFile that appends to a string, counts calls and can be told to fail.
class StringSink final : public WritableFile {
 public:
  Status Append(std::string_view data) override {
    if (append_budget_ == 0) return Status::IOError("sink", "append failed");
    if (append_budget_ > 0) append_budget_--;
    appends_++;
    contents_.append(data);
    return Status::OK();
  }
  Status Flush() override {
    flushes_++;
    flushed_size_ = contents_.size();
    return fail_flush_ ? Status::IOError("sink", "flush failed") : Status::OK();
  }
  Status Sync() override { return Flush(); }
  Status Close() override { return Flush(); }
  uint64_t Size() const override { return contents_.size(); }

  std::string contents_;
  int appends_ = 0;
  int flushes_ = 0;
  size_t flushed_size_ = 0;
  int append_budget_ = -1;  // appends that may still succeed; -1: unlimited
  bool fail_flush_ = false;
};

// A SequentialFile over a string; read number fail_read_ (0-based) fails.
class StringSource final : public SequentialFile {
 public:
  explicit StringSource(std::string_view data) : data_(data) {}
  Status Read(size_t n, std::string_view* result, char* scratch) override {
    if (reads_++ == fail_read_) return Status::IOError("source", "read failed");
    n = std::min(n, data_.size());
    std::memcpy(scratch, data_.data(), n);
    *result = std::string_view(scratch, n);
    data_.remove_prefix(n);
    return Status::OK();
  }
  Status Skip(uint64_t n) override {
    data_.remove_prefix(static_cast<size_t>(std::min<uint64_t>(n, data_.size())));
    return Status::OK();
  }

  int fail_read_ = -1;

 private:
  std::string_view data_;
  int reads_ = 0;
};

struct Report {
  bool torn;
  uint64_t offset;
  size_t bytes;
  std::string message;  // Corruption only: the status' message
};

class Collector final : public Reader::Reporter {
 public:
  void Corruption(uint64_t offset, size_t bytes, const Status& status) override {
    EXPECT_TRUE(status.IsCorruption()) << status.ToString();
    reports.push_back({false, offset, bytes, std::string(status.message())});
  }
  void TornTail(uint64_t offset, size_t bytes) override {
    reports.push_back({true, offset, bytes, ""});
  }
  std::vector<Report> reports;
};

struct Record {
  uint64_t offset;
  std::string payload;
  bool operator==(const Record&) const = default;
};

struct ReadResult {
  std::vector<Record> records;
  std::vector<Report> reports;
  Status status;
};

inline ReadResult ReadLog(std::string_view data, bool verify_checksums = true, int fail_read = -1) {
  StringSource source(data);
  source.fail_read_ = fail_read;
  Collector collector;
  Reader reader(&source, kFileName, &collector, verify_checksums);
  ReadResult result;
  std::string_view record;
  std::string scratch;
  while (reader.ReadRecord(&record, &scratch)) {
    result.records.push_back({reader.LastRecordOffset(), std::string(record)});
  }
  // The end is sticky and reports nothing more.
  EXPECT_FALSE(reader.ReadRecord(&record, &scratch));
  // Reports come in file order and never overlap.
  for (size_t i = 1; i < collector.reports.size(); i++) {
    const Report& prev = collector.reports[i - 1];
    EXPECT_LE(prev.offset + prev.bytes, collector.reports[i].offset) << "report " << i;
  }
  for (const Report& rep : collector.reports) EXPECT_GT(rep.bytes, 0u);
  result.reports = std::move(collector.reports);
  result.status = reader.status();
  return result;
}

// Writes records with one Writer and remembers where each starts.
class LogBuilder {
 public:
  LogBuilder() : writer_(&sink_) {}
  uint64_t Add(std::string_view payload) {
    uint64_t offset = sink_.Size();
    if (kBlockSize - offset % kBlockSize < kHeaderSize) offset += kBlockSize - offset % kBlockSize;
    EXPECT_TRUE(writer_.AddRecord(payload).ok());
    records_.push_back({offset, std::string(payload)});
    ends_.push_back(sink_.Size());
    return offset;
  }
  std::string& contents() { return sink_.contents_; }
  const std::vector<Record>& records() const { return records_; }
  // File offset just past each record's last fragment.
  const std::vector<uint64_t>& ends() const { return ends_; }
  StringSink* sink() { return &sink_; }

 private:
  StringSink sink_;
  Writer writer_;
  std::vector<Record> records_;
  std::vector<uint64_t> ends_;
};

inline std::string BigString(std::string_view partial, size_t n) {
  std::string s;
  while (s.size() < n) s.append(partial);
  s.resize(n);
  return s;
}

// Recomputes the checksum of the fragment whose header is at offset.
inline void FixChecksum(std::string* log, size_t offset) {
  const size_t length = DecodeFixed16(log->data() + offset + 4);
  const uint32_t crc = crc32c::Value(log->data() + offset + 6, 1 + length);
  EncodeFixed32(log->data() + offset, crc32c::Mask(crc));
}

inline void SetType(std::string* log, size_t offset, uint8_t type) {
  (*log)[offset + 6] = static_cast<char>(type);
  FixChecksum(log, offset);
}

inline std::string CorruptionMessage(std::string_view reason, uint64_t offset) {
  return std::string(kFileName) + ": " + std::string(reason) + " at offset " +
         std::to_string(offset);
}

}  // namespace lsmdb::log

#endif  // LSMDB_WAL_LOG_TEST_UTIL_H_
