// Block compression: the codecs a table block may be stored with (CompressionType in
// lsmdb/options.h) and the framing shared by all of them.
//
// A compressed block's stored contents are
//   varint32 uncompressed size | codec payload (snappy raw, LZ4 block, or zstd frame)
// so that decompression allocates exactly the declared size and never more than
// kMaxBlockSize, and a payload that decodes to any other size is rejected.
//
// Thread-safety: every function may be called concurrently (zstd contexts are
// per thread).
#ifndef LSMDB_SSTABLE_COMPRESSION_H_
#define LSMDB_SSTABLE_COMPRESSION_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "lsmdb/options.h"
#include "lsmdb/status.h"

namespace lsmdb {

// True for the values of CompressionType this build can read (all four).
bool IsKnownCompressionType(uint8_t type);
// "none", "snappy", "lz4", "zstd", or "unknown".
const char* CompressionTypeName(CompressionType type);

// Compresses raw with `type` into *out (framed as above) and returns `type`, if that
// saves at least 1/8 of raw's size. Otherwise returns kNone and leaves *out empty: the
// caller stores raw as is. kNone always returns kNone. zstd_level is used by kZstd only.
CompressionType CompressBlock(CompressionType type, int zstd_level, std::string_view raw,
                              std::string* out);

// Decompresses stored contents (framed as above) of a block compressed with `type`
// (not kNone). On OK, *out holds *out_size bytes, owned by the caller. A malformed frame,
// a size above max_size, a payload that fails to decode or decodes to another size
// returns Corruption with a message saying which (callers add the file and offset).
Status UncompressBlock(CompressionType type, std::string_view stored, uint64_t max_size,
                       std::unique_ptr<char[]>* out, size_t* out_size);

}  // namespace lsmdb

#endif  // LSMDB_SSTABLE_COMPRESSION_H_
