// Finding the pieces of a table file without trusting its footer or index, for tools that
// salvage damaged tables (RepairDB, docs/format/sstable.md).
//
// Every block is followed by a trailer holding the checksum of its stored bytes, and the
// data blocks are contiguous from offset 0. So a block that starts at a known offset can
// be found by looking for the first position after it where a trailer checks out;
// one crc32c pass over the block finds it. A chance match is a 1 in 2^32 event per
// position, and callers check the block's structure as well.
//
// All functions work on the whole file held in memory (`file`): repair reads a table
// once and walks it several ways.
//
// Thread-safety: plain functions without shared state.
#ifndef LSMDB_SSTABLE_BLOCK_WALKER_H_
#define LSMDB_SSTABLE_BLOCK_WALKER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "lsmdb/status.h"
#include "sstable/format.h"

namespace lsmdb {

// Searches file backwards for the last offset p (p + Footer::kEncodedLength <=
// file.size()) where a footer decodes (magic, checksum, version, handles). On success
// fills *footer and *table_size = p + Footer::kEncodedLength: the table's own size, bytes
// after it being foreign. False if there is none.
bool FindLastFooter(std::string_view file, const std::string& file_name, Footer* footer,
                    uint64_t* table_size);

// The block that starts at `offset`: the shortest stored size n, 1 <= n <= max_size, with
// offset + n + kBlockTrailerSize <= limit, whose trailer (file[offset + n, +5)) holds the
// checksum of file[offset, offset + n). On success *handle = (offset, n). Costs one
// crc32c pass over at most max_size bytes.
bool FindBlockAt(std::string_view file, uint64_t offset, uint64_t limit, uint64_t max_size,
                 BlockHandle* handle);

// The uncompressed contents of the block at handle (whose trailer checks out: REQUIRES
// FindBlockAt found it), decompressed by the type in its trailer. Corruption naming
// file_name and the offset when the type is unknown or the payload does not decode.
Status DecodeFoundBlock(std::string_view file, const std::string& file_name,
                        const BlockHandle& handle, BlockContents* contents);

// True if contents has the shape of a filter block (docs/format/sstable.md, "Filter
// block"): used to tell where the data blocks end when the footer is lost.
bool LooksLikeFilterBlock(std::string_view contents);

}  // namespace lsmdb

#endif  // LSMDB_SSTABLE_BLOCK_WALKER_H_
