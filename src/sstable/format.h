// The on-disk pieces of a table file that every other part of src/sstable/ shares: block
// handles, the per-block trailer, the footer, and ReadBlock(), which fetches one block
// from a file and checks it. The byte layout is described in docs/format/sstable.md;
// every constant here is persisted — never renumber or resize one.
//
// Thread-safety: BlockHandle and Footer are values. ReadBlock() may be called
// concurrently on one RandomAccessFile.
#ifndef LSMDB_SSTABLE_FORMAT_H_
#define LSMDB_SSTABLE_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "lsmdb/file_system.h"
#include "lsmdb/options.h"
#include "lsmdb/status.h"

namespace lsmdb {

// Persisted — never change. The last 8 bytes of every table; on disk they read "lsmdbSST".
inline constexpr uint64_t kTableMagicNumber = 0x54535362646d736cull;
// Persisted. The table format written by this code; readers accept exactly this value.
inline constexpr uint32_t kTableFormatVersion = 1;

// Persisted. Every block is followed by a 5-byte trailer:
//   uint8 compression type | fixed32 masked crc32c(block contents, compression type)
inline constexpr size_t kBlockTrailerSize = 5;

// Largest uncompressed block a reader accepts; anything bigger is Corruption. A block
// holds at least one entry, and an entry is at most kMaxKeySize + kMaxValueSize plus a
// few bytes, so a legitimate block never comes near this.
inline constexpr uint64_t kMaxBlockSize = uint64_t{1} << 30;  // 1 GiB

// Where a block lives in the file: its offset and the size of its contents (without the
// trailer). Encoded as varint64 offset | varint64 size.
class BlockHandle {
 public:
  // Persisted: the most bytes an encoded handle takes.
  static constexpr size_t kMaxEncodedLength = 20;

  BlockHandle() = default;
  BlockHandle(uint64_t offset, uint64_t size) : offset_(offset), size_(size) {}

  uint64_t offset() const { return offset_; }
  uint64_t size() const { return size_; }
  void set_offset(uint64_t offset) { offset_ = offset; }
  void set_size(uint64_t size) { size_ = size; }

  void EncodeTo(std::string* dst) const;
  // Consumes a handle from the front of *input. Returns false (input unspecified) when
  // the bytes are truncated or a varint is malformed.
  bool DecodeFrom(std::string_view* input);

 private:
  uint64_t offset_ = 0;
  uint64_t size_ = 0;
};

// The fixed-size record at the end of every table:
//
//   index handle | filter handle | properties handle   (varints, zero-padded to 60 bytes)
//   fixed32 format_version
//   fixed32 masked crc32c of the 64 bytes above
//   fixed64 magic number
//
// A table without a filter has a filter handle of size 0.
class Footer {
 public:
  // Persisted: the footer's size and the size of its zero-padded handle area.
  static constexpr size_t kHandleAreaSize = 3 * BlockHandle::kMaxEncodedLength;
  static constexpr size_t kEncodedLength = kHandleAreaSize + 4 + 4 + 8;  // 76

  BlockHandle index_handle;
  BlockHandle filter_handle;
  BlockHandle properties_handle;
  uint32_t format_version = kTableFormatVersion;

  // Appends exactly kEncodedLength bytes.
  void EncodeTo(std::string* dst) const;
  // Decodes a footer from exactly kEncodedLength bytes. Checks, in this order, the size,
  // the magic number, the checksum, the format version and the handles; returns
  // Corruption (or NotSupported for a well-formed footer of an unknown version) with a
  // message that names file_name.
  Status DecodeFrom(std::string_view input, const std::string& file_name);
};

// The uncompressed bytes of one block, as ReadBlock() returns them.
struct BlockContents {
  // The block's bytes, without trailer. Points into owned when owned is set, otherwise
  // into memory someone else keeps alive (a test's string, a borrowed cache entry).
  std::string_view data;
  std::unique_ptr<char[]> owned;
};

// Fills trailer[0, kBlockTrailerSize) for a block whose stored (possibly compressed)
// contents are `stored`, compressed with `type`.
void EncodeBlockTrailer(std::string_view stored, CompressionType type, char* trailer);

// OK if the block at handle, with its trailer, lies inside [0, file_size -
// Footer::kEncodedLength) and is no larger than kMaxBlockSize; else Corruption naming
// file_name and the block's offset. Safe against overflow on hostile handles.
Status CheckBlockHandle(const std::string& file_name, uint64_t file_size,
                        const BlockHandle& handle);

// True if the trailer that follows the n bytes at block (block[n, n + kBlockTrailerSize))
// holds their checksum. REQUIRES: block points at n + kBlockTrailerSize readable bytes.
bool BlockChecksumMatches(const char* block, size_t n);

// Reads the block at handle from file (whose size is file_size), checks that the handle
// lies inside [0, file_size - Footer::kEncodedLength), verifies the trailer's checksum
// when verify_checksum is set, and decompresses. On OK, result->data holds the
// uncompressed contents, owned by result->owned. Any damage — out-of-bounds handle, short
// read, checksum mismatch, unknown compression type, failed decompression, absurd size —
// returns Corruption naming file_name and the block's offset. I/O errors pass through.
Status ReadBlock(const RandomAccessFile* file, const std::string& file_name, uint64_t file_size,
                 const BlockHandle& handle, bool verify_checksum, BlockContents* result);

// "<file_name>: <what> (block at offset <offset>)": the message of table corruptions.
Status BlockCorruption(const std::string& file_name, uint64_t offset, std::string_view what);

}  // namespace lsmdb

#endif  // LSMDB_SSTABLE_FORMAT_H_
