#include "sstable/format.h"

#include <cstring>

#include "sstable/compression.h"
#include "util/coding.h"
#include "util/crc32c.h"

namespace lsmdb {

void BlockHandle::EncodeTo(std::string* dst) const {
  PutVarint64(dst, offset_);
  PutVarint64(dst, size_);
}

bool BlockHandle::DecodeFrom(std::string_view* input) {
  return GetVarint64(input, &offset_) && GetVarint64(input, &size_);
}

void Footer::EncodeTo(std::string* dst) const {
  const size_t start = dst->size();
  index_handle.EncodeTo(dst);
  filter_handle.EncodeTo(dst);
  properties_handle.EncodeTo(dst);
  dst->resize(start + kHandleAreaSize, '\0');
  PutFixed32(dst, format_version);
  PutFixed32(dst, crc32c::Mask(crc32c::Value(dst->data() + start, kHandleAreaSize + 4)));
  PutFixed64(dst, kTableMagicNumber);
}

Status Footer::DecodeFrom(std::string_view input, const std::string& file_name) {
  if (input.size() != kEncodedLength) {
    return Status::Corruption(file_name, "table footer has the wrong size");
  }
  const char* p = input.data();
  if (DecodeFixed64(p + kHandleAreaSize + 8) != kTableMagicNumber) {
    return Status::Corruption(file_name, "not a table (bad magic number in footer)");
  }
  uint32_t expected = crc32c::Unmask(DecodeFixed32(p + kHandleAreaSize + 4));
  if (crc32c::Value(p, kHandleAreaSize + 4) != expected) {
    return Status::Corruption(file_name, "table footer checksum mismatch");
  }
  format_version = DecodeFixed32(p + kHandleAreaSize);
  if (format_version != kTableFormatVersion) {
    return Status::NotSupported(file_name,
                                "unknown table format version " + std::to_string(format_version));
  }
  std::string_view handles(p, kHandleAreaSize);
  if (!index_handle.DecodeFrom(&handles) || !filter_handle.DecodeFrom(&handles) ||
      !properties_handle.DecodeFrom(&handles)) {
    return Status::Corruption(file_name, "malformed block handle in table footer");
  }
  for (char c : handles) {
    if (c != '\0') return Status::Corruption(file_name, "nonzero padding in table footer");
  }
  return Status::OK();
}

void EncodeBlockTrailer(std::string_view stored, CompressionType type, char* trailer) {
  trailer[0] = static_cast<char>(type);
  uint32_t crc = crc32c::Value(stored);
  crc = crc32c::Extend(crc, trailer, 1);
  EncodeFixed32(trailer + 1, crc32c::Mask(crc));
}

Status BlockCorruption(const std::string& file_name, uint64_t offset, std::string_view what) {
  std::string msg(what);
  msg += " (block at offset ";
  msg += std::to_string(offset);
  msg += ")";
  return Status::Corruption(file_name, msg);
}

Status CheckBlockHandle(const std::string& file_name, uint64_t file_size,
                        const BlockHandle& handle) {
  const uint64_t offset = handle.offset();
  const uint64_t size = handle.size();
  // Blocks end before the footer. Written to avoid overflow on hostile handles.
  const uint64_t limit =
      file_size >= Footer::kEncodedLength ? file_size - Footer::kEncodedLength : 0;
  if (size > kMaxBlockSize || offset > limit || size + kBlockTrailerSize > limit - offset) {
    return BlockCorruption(file_name, offset,
                           "block handle of size " + std::to_string(size) +
                               " is outside the file of size " + std::to_string(file_size));
  }
  return Status::OK();
}

bool BlockChecksumMatches(const char* block, size_t n) {
  const char* trailer = block + n;
  const uint32_t expected = crc32c::Unmask(DecodeFixed32(trailer + 1));
  return crc32c::Extend(crc32c::Value(block, n), trailer, 1) == expected;
}

Status ReadBlock(const RandomAccessFile* file, const std::string& file_name, uint64_t file_size,
                 const BlockHandle& handle, bool verify_checksum, BlockContents* result) {
  result->data = {};
  result->owned.reset();
  Status s = CheckBlockHandle(file_name, file_size, handle);
  if (!s.ok()) return s;
  const uint64_t offset = handle.offset();
  const auto n = static_cast<size_t>(handle.size());
  auto buf = std::make_unique_for_overwrite<char[]>(n + kBlockTrailerSize);
  std::string_view got;
  s = file->Read(offset, n + kBlockTrailerSize, &got, buf.get());
  if (!s.ok()) return s;
  if (got.size() != n + kBlockTrailerSize) {
    return BlockCorruption(file_name, offset, "truncated block read");
  }
  const char* trailer = got.data() + n;
  if (verify_checksum && !BlockChecksumMatches(got.data(), n)) {
    return BlockCorruption(file_name, offset, "block checksum mismatch");
  }
  const auto type = static_cast<uint8_t>(trailer[0]);
  if (!IsKnownCompressionType(type)) {
    return BlockCorruption(file_name, offset,
                           "unknown block compression type " + std::to_string(type));
  }
  if (static_cast<CompressionType>(type) == CompressionType::kNone) {
    // The file may hand back its own memory rather than filling buf.
    if (got.data() != buf.get()) std::memcpy(buf.get(), got.data(), n);
    result->data = std::string_view(buf.get(), n);
    result->owned = std::move(buf);
    return Status::OK();
  }
  std::unique_ptr<char[]> raw;
  size_t raw_size = 0;
  s = UncompressBlock(static_cast<CompressionType>(type), std::string_view(got.data(), n),
                      kMaxBlockSize, &raw, &raw_size);
  if (!s.ok()) return BlockCorruption(file_name, offset, s.message());
  result->data = std::string_view(raw.get(), raw_size);
  result->owned = std::move(raw);
  return Status::OK();
}

}  // namespace lsmdb
