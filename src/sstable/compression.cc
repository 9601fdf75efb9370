#include "sstable/compression.h"

#include <lz4.h>
#include <snappy-c.h>
#include <zstd.h>

#include <limits>

#include "util/coding.h"

namespace lsmdb {
namespace {

// One zstd context of each kind per thread: creating one costs a few hundred KiB of
// allocation, far more than compressing a 4 KiB block.
struct ZstdContexts {
  ZSTD_CCtx* cctx = nullptr;
  ZSTD_DCtx* dctx = nullptr;
  ZstdContexts() = default;
  ZstdContexts(const ZstdContexts&) = delete;
  ZstdContexts& operator=(const ZstdContexts&) = delete;
  ~ZstdContexts() {
    ZSTD_freeCCtx(cctx);
    ZSTD_freeDCtx(dctx);
  }
};

ZstdContexts& ThreadZstd() {
  thread_local ZstdContexts contexts;
  return contexts;
}

// Compresses raw into dst (room for `capacity` bytes); returns the compressed size, or 0
// when the codec failed.
size_t CompressInto(CompressionType type, int zstd_level, std::string_view raw, char* dst,
                    size_t capacity) {
  switch (type) {
    case CompressionType::kSnappy: {
      size_t len = capacity;
      return snappy_compress(raw.data(), raw.size(), dst, &len) == SNAPPY_OK ? len : 0;
    }
    case CompressionType::kLz4: {
      int n = LZ4_compress_default(raw.data(), dst, static_cast<int>(raw.size()),
                                   static_cast<int>(capacity));
      return n > 0 ? static_cast<size_t>(n) : 0;
    }
    case CompressionType::kZstd: {
      ZstdContexts& z = ThreadZstd();
      if (z.cctx == nullptr && (z.cctx = ZSTD_createCCtx()) == nullptr) return 0;
      size_t n = ZSTD_compressCCtx(z.cctx, dst, capacity, raw.data(), raw.size(), zstd_level);
      return ZSTD_isError(n) ? 0 : n;
    }
    case CompressionType::kNone:
      break;
  }
  return 0;
}

size_t MaxCompressedLength(CompressionType type, size_t n) {
  switch (type) {
    case CompressionType::kSnappy:
      return snappy_max_compressed_length(n);
    case CompressionType::kLz4:
      return static_cast<size_t>(LZ4_compressBound(static_cast<int>(n)));
    case CompressionType::kZstd:
      return ZSTD_compressBound(n);
    case CompressionType::kNone:
      break;
  }
  return 0;
}

}  // namespace

bool IsKnownCompressionType(uint8_t type) {
  return type <= static_cast<uint8_t>(CompressionType::kZstd);
}

const char* CompressionTypeName(CompressionType type) {
  switch (type) {
    case CompressionType::kNone:
      return "none";
    case CompressionType::kSnappy:
      return "snappy";
    case CompressionType::kLz4:
      return "lz4";
    case CompressionType::kZstd:
      return "zstd";
  }
  return "unknown";
}

CompressionType CompressBlock(CompressionType type, int zstd_level, std::string_view raw,
                              std::string* out) {
  out->clear();
  // LZ4 takes int sizes; blocks this large are never worth the trouble anyway.
  if (type == CompressionType::kNone || !IsKnownCompressionType(static_cast<uint8_t>(type)) ||
      raw.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max() / 2)) {
    return CompressionType::kNone;
  }
  PutVarint32(out, static_cast<uint32_t>(raw.size()));
  size_t header = out->size();
  size_t bound = MaxCompressedLength(type, raw.size());
  out->resize(header + bound);
  size_t n = CompressInto(type, zstd_level, raw, out->data() + header, bound);
  // Keep the compressed form only when it saves at least 1/8 of the raw size.
  if (n == 0 || header + n > raw.size() - raw.size() / 8) {
    out->clear();
    return CompressionType::kNone;
  }
  out->resize(header + n);
  return type;
}

Status UncompressBlock(CompressionType type, std::string_view stored, uint64_t max_size,
                       std::unique_ptr<char[]>* out, size_t* out_size) {
  uint32_t raw_size = 0;
  if (!GetVarint32(&stored, &raw_size)) {
    return Status::Corruption("compressed block: malformed uncompressed-size header");
  }
  if (raw_size > max_size) {
    return Status::Corruption("compressed block: declared size too large");
  }
  auto buf = std::make_unique_for_overwrite<char[]>(raw_size == 0 ? 1 : raw_size);
  bool ok = false;
  switch (type) {
    case CompressionType::kSnappy: {
      size_t len = 0;
      if (snappy_uncompressed_length(stored.data(), stored.size(), &len) == SNAPPY_OK &&
          len == raw_size) {
        ok = snappy_uncompress(stored.data(), stored.size(), buf.get(), &len) == SNAPPY_OK &&
             len == raw_size;
      }
      break;
    }
    case CompressionType::kLz4: {
      if (stored.size() <= static_cast<size_t>(std::numeric_limits<int>::max()) &&
          raw_size <= static_cast<uint32_t>(std::numeric_limits<int>::max())) {
        int n = LZ4_decompress_safe(stored.data(), buf.get(), static_cast<int>(stored.size()),
                                    static_cast<int>(raw_size));
        ok = n >= 0 && static_cast<uint32_t>(n) == raw_size;
      }
      break;
    }
    case CompressionType::kZstd: {
      ZstdContexts& z = ThreadZstd();
      if (z.dctx == nullptr) z.dctx = ZSTD_createDCtx();
      if (z.dctx != nullptr) {
        size_t n = ZSTD_decompressDCtx(z.dctx, buf.get(), raw_size, stored.data(), stored.size());
        ok = !ZSTD_isError(n) && n == raw_size;
      }
      break;
    }
    case CompressionType::kNone:
    default:
      return Status::Corruption("compressed block: not a compressed type");
  }
  if (!ok) {
    return Status::Corruption(CompressionTypeName(type), "block does not decompress");
  }
  *out = std::move(buf);
  *out_size = raw_size;
  return Status::OK();
}

}  // namespace lsmdb
