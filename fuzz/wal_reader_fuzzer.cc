// Fuzz target for log::Reader (src/wal/log_reader.h): the input is a whole WAL file,
// read through an in-memory SequentialFile, once with checksums verified and once
// without. Besides memory safety it checks the Reporter contract: reports lie inside the
// file, arrive in increasing offset order without overlapping, a torn tail is reported at
// most once and last, and reading an in-memory file never fails.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "wal/log_reader.h"

namespace lsmdb::fuzz {
namespace {

class CheckingReporter final : public log::Reader::Reporter {
 public:
  explicit CheckingReporter(uint64_t file_size) : file_size_(file_size) {}

  void Corruption(uint64_t offset, size_t bytes, const Status& status) override {
    FUZZ_CHECK(!torn_, "Corruption reported after the torn tail");
    FUZZ_CHECK(status.IsCorruption(), status.ToString());
    Check(offset, bytes);
  }
  void TornTail(uint64_t offset, size_t bytes) override {
    FUZZ_CHECK(!torn_, "TornTail reported twice");
    torn_ = true;
    Check(offset, bytes);
  }
  // The end of the last report: no record may start before it once reported.
  uint64_t reported_end() const { return next_; }

 private:
  void Check(uint64_t offset, size_t bytes) {
    FUZZ_CHECK(offset >= next_, "report overlaps or goes backwards: offset " +
                                    std::to_string(offset) + " < " + std::to_string(next_));
    FUZZ_CHECK(offset + bytes <= file_size_, "report past the end of the file");
    next_ = offset + bytes;
  }

  const uint64_t file_size_;
  uint64_t next_ = 0;
  bool torn_ = false;
};

void ReadAll(std::string_view input, bool verify_checksums) {
  StringSequentialFile file(input);
  CheckingReporter reporter(input.size());
  log::Reader reader(&file, "fuzz.log", &reporter, verify_checksums);
  std::string scratch;
  std::string_view record;
  uint64_t last_offset = 0;
  bool first = true;
  while (reader.ReadRecord(&record, &scratch)) {
    const uint64_t offset = reader.LastRecordOffset();
    FUZZ_CHECK(first || offset > last_offset, "record offsets must increase");
    FUZZ_CHECK(offset < input.size(), "record starts past the end of the file");
    FUZZ_CHECK(record.size() <= input.size(), "record longer than the file");
    last_offset = offset;
    first = false;
  }
  FUZZ_CHECK(reader.status().ok(), reader.status().ToString());
}

}  // namespace
}  // namespace lsmdb::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  lsmdb::fuzz::ReadAll(input, /*verify_checksums=*/true);
  lsmdb::fuzz::ReadAll(input, /*verify_checksums=*/false);
  return 0;
}
