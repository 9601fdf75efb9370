#include "sstable/block_walker.h"

#include <algorithm>
#include <cstring>

#include "sstable/bloom_filter.h"
#include "sstable/compression.h"
#include "util/coding.h"
#include "util/crc32c.h"

namespace lsmdb {

bool FindLastFooter(std::string_view file, const std::string& file_name, Footer* footer,
                    uint64_t* table_size) {
  constexpr size_t kLen = Footer::kEncodedLength;
  if (file.size() < kLen) return false;
  for (size_t p = file.size() - kLen + 1; p-- > 0;) {
    if (DecodeFixed64(file.data() + p + kLen - 8) != kTableMagicNumber) continue;
    Footer f;
    if (f.DecodeFrom(file.substr(p, kLen), file_name).ok()) {
      *footer = f;
      *table_size = p + kLen;
      return true;
    }
  }
  return false;
}

bool FindBlockAt(std::string_view file, uint64_t offset, uint64_t limit, uint64_t max_size,
                 BlockHandle* handle) {
  limit = std::min<uint64_t>(limit, file.size());
  if (offset + kBlockTrailerSize >= limit) return false;
  const uint64_t last_end = std::min(limit - kBlockTrailerSize, offset + max_size);
  const char* base = file.data();
  // crc covers [offset, done); it is extended only up to positions that can hold a
  // trailer (a type byte 0..3), in runs.
  uint32_t crc = 0;
  uint64_t done = offset;
  for (uint64_t end = offset + 1; end <= last_end; end++) {
    const auto type = static_cast<uint8_t>(base[end]);
    if (type > 3 || !IsKnownCompressionType(type)) continue;
    crc = crc32c::Extend(crc, base + done, end - done);
    done = end;
    const uint32_t with_type = crc32c::Extend(crc, base + end, 1);
    if (crc32c::Mask(with_type) == DecodeFixed32(base + end + 1)) {
      *handle = BlockHandle(offset, end - offset);
      return true;
    }
  }
  return false;
}

Status DecodeFoundBlock(std::string_view file, const std::string& file_name,
                        const BlockHandle& handle, BlockContents* contents) {
  const auto n = static_cast<size_t>(handle.size());
  const char* stored = file.data() + handle.offset();
  const auto type = static_cast<CompressionType>(stored[n]);
  if (type == CompressionType::kNone) {
    auto buf = std::make_unique_for_overwrite<char[]>(n);
    std::memcpy(buf.get(), stored, n);
    contents->data = std::string_view(buf.get(), n);
    contents->owned = std::move(buf);
    return Status::OK();
  }
  std::unique_ptr<char[]> raw;
  size_t raw_size = 0;
  Status s = UncompressBlock(type, std::string_view(stored, n), kMaxBlockSize, &raw, &raw_size);
  if (!s.ok()) return BlockCorruption(file_name, handle.offset(), s.message());
  contents->data = std::string_view(raw.get(), raw_size);
  contents->owned = std::move(raw);
  return Status::OK();
}

bool LooksLikeFilterBlock(std::string_view contents) {
  if (contents.size() < kBloomTrailerSize) return false;
  const char* t = contents.data() + contents.size() - kBloomTrailerSize;
  const uint64_t lines = DecodeFixed32(t);
  const auto probes = static_cast<uint8_t>(t[4]);
  return contents.size() == lines * kBloomLineBytes + kBloomTrailerSize && probes >= 1 &&
         probes <= kBloomMaxProbes && static_cast<uint8_t>(t[5]) == kBloomFilterKind && t[6] == 0 &&
         t[7] == 0;
}

}  // namespace lsmdb
