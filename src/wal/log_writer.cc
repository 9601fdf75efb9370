#include "wal/log_writer.h"

#include <algorithm>
#include <cassert>

#include "util/coding.h"
#include "util/crc32c.h"

namespace lsmdb::log {

Writer::Writer(WritableFile* dest, uint64_t dest_length)
    : dest_(dest), block_offset_(static_cast<size_t>(dest_length % kBlockSize)) {
  for (uint8_t t = 0; t <= kMaxRecordType; t++) {
    const char c = static_cast<char>(t);
    type_crc_[t] = crc32c::Value(&c, 1);
  }
}

Status Writer::AddRecord(std::string_view payload) {
  if (!error_.ok()) return error_;

  const char* ptr = payload.data();
  size_t left = payload.size();
  bool begin = true;
  // An empty payload still goes round once and becomes an empty Full fragment.
  do {
    const size_t leftover = kBlockSize - block_offset_;
    if (leftover < kHeaderSize) {
      // Too small for a header: zero-fill the block's tail and start the next block.
      static constexpr char kZeros[kHeaderSize - 1] = {};
      if (leftover > 0) {
        Status s = dest_->Append(std::string_view(kZeros, leftover));
        if (!s.ok()) {
          error_ = s;
          return s;
        }
      }
      block_offset_ = 0;
    }

    const size_t avail = kBlockSize - block_offset_ - kHeaderSize;
    const size_t n = std::min(left, avail);
    const bool end = (n == left);
    RecordType type;
    if (begin && end) {
      type = RecordType::kFull;
    } else if (begin) {
      type = RecordType::kFirst;
    } else if (end) {
      type = RecordType::kLast;
    } else {
      type = RecordType::kMiddle;
    }
    Status s = EmitFragment(type, ptr, n);
    if (!s.ok()) {
      error_ = s;
      return s;
    }
    ptr += n;
    left -= n;
    begin = false;
  } while (left > 0);

  Status s = dest_->Flush();
  if (!s.ok()) error_ = s;
  return s;
}

Status Writer::EmitFragment(RecordType type, const char* data, size_t n) {
  assert(block_offset_ + kHeaderSize + n <= kBlockSize);
  const auto t = static_cast<uint8_t>(type);
  char header[kHeaderSize];
  const uint32_t crc = crc32c::Extend(type_crc_[t], data, n);
  EncodeFixed32(header, crc32c::Mask(crc));
  EncodeFixed16(header + 4, static_cast<uint16_t>(n));
  header[6] = static_cast<char>(t);

  Status s = dest_->Append(std::string_view(header, kHeaderSize));
  if (s.ok() && n > 0) s = dest_->Append(std::string_view(data, n));
  block_offset_ += kHeaderSize + n;
  return s;
}

}  // namespace lsmdb::log
