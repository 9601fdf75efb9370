// Small helpers shared by the fuzz targets: in-memory files over a fuzzer input, a
// byte-consuming reader that turns the input into decisions, and a check macro that
// aborts (a libFuzzer finding) with a message.
//
// Thread-safety: none; each fuzz iteration uses its own objects.
#ifndef LSMDB_FUZZ_FUZZ_UTIL_H_
#define LSMDB_FUZZ_FUZZ_UTIL_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "lsmdb/file_system.h"
#include "lsmdb/status.h"

// Aborts with file:line and a message when cond is false. Unlike assert, it is never
// compiled out: every violated property must become a finding.
#define FUZZ_CHECK(cond, msg)                                                               \
  do {                                                                                      \
    if (!(cond)) {                                                                          \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed: %s\n", __FILE__, __LINE__, #cond, \
                   std::string(msg).c_str());                                               \
      std::abort();                                                                         \
    }                                                                                       \
  } while (0)

namespace lsmdb::fuzz {

// A SequentialFile reading `data` (borrowed: must outlive the file). Reads return at
// most `max_chunk` bytes at a time, so readers see short reads too.
class StringSequentialFile final : public SequentialFile {
 public:
  explicit StringSequentialFile(std::string_view data, size_t max_chunk = SIZE_MAX)
      : data_(data), max_chunk_(std::max<size_t>(1, max_chunk)) {}
  Status Read(size_t n, std::string_view* result, char* scratch) override {
    n = std::min({n, data_.size() - pos_, max_chunk_});
    std::memcpy(scratch, data_.data() + pos_, n);
    *result = std::string_view(scratch, n);
    pos_ += n;
    return Status::OK();
  }
  Status Skip(uint64_t n) override {
    pos_ += static_cast<size_t>(std::min<uint64_t>(n, data_.size() - pos_));
    return Status::OK();
  }

 private:
  std::string_view data_;
  size_t max_chunk_;
  size_t pos_ = 0;
};

// A RandomAccessFile over a copy of `data`.
class StringRandomAccessFile final : public RandomAccessFile {
 public:
  explicit StringRandomAccessFile(std::string data) : data_(std::move(data)) {}
  Status Read(uint64_t offset, size_t n, std::string_view* result, char* scratch) const override {
    if (offset >= data_.size()) {
      *result = {};
      return Status::OK();
    }
    n = static_cast<size_t>(std::min<uint64_t>(n, data_.size() - offset));
    std::memcpy(scratch, data_.data() + offset, n);
    *result = std::string_view(scratch, n);
    return Status::OK();
  }

 private:
  const std::string data_;
};

// A WritableFile appending to a std::string (used by the seed generator).
class StringWritableFile final : public WritableFile {
 public:
  Status Append(std::string_view data) override {
    contents_.append(data);
    return Status::OK();
  }
  Status Flush() override { return Status::OK(); }
  Status Sync() override { return Status::OK(); }
  Status Close() override { return Status::OK(); }
  uint64_t Size() const override { return contents_.size(); }
  const std::string& contents() const { return contents_; }

 private:
  std::string contents_;
};

// Consumes a fuzzer input front to back. Once the input is exhausted every read
// returns zeros / empty strings, so decoding never fails.
class InputReader {
 public:
  InputReader(const uint8_t* data, size_t size) : p_(data), left_(size) {}
  bool empty() const { return left_ == 0; }
  uint8_t Byte() {
    if (left_ == 0) return 0;
    --left_;
    return *p_++;
  }
  // Up to n bytes (fewer at the end of the input).
  std::string Bytes(size_t n) {
    n = std::min(n, left_);
    std::string s(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    left_ -= n;
    return s;
  }

 private:
  const uint8_t* p_;
  size_t left_;
};

}  // namespace lsmdb::fuzz

#endif  // LSMDB_FUZZ_FUZZ_UTIL_H_
