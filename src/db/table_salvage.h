// SalvageTable: reads what can still be read of a damaged table file, for RepairDB.
//
// Where the table ends: at the last footer that decodes (bytes appended after a table are
// ignored and counted). With a footer and a readable index, the data blocks the index
// names are read one by one. Without either (a table cut short, a damaged footer or
// index block), the data blocks are found by walking the file from offset 0: each block
// is followed by a trailer holding its checksum (src/sstable/block_walker.h), so the
// walk finds every intact block, and after a damaged one resumes at the next block that
// checks out. Every data block is checksum-verified on its own, so one damaged block
// costs only its own entries; within a readable block, entries are kept until the
// block's encoding goes wrong. An entry is passed on only if its key parses as an
// internal key of a real write (a sequence below kMaxSequenceNumber) and sorts after
// the previous entry passed on, so the output is always a valid, strictly increasing
// sequence.
//
// The report says what was lost: the table's recorded entry count (its properties, when
// a readable properties block is found) against the entries kept, and for each stretch
// of damage the range of user keys whose entries may be missing (between the last key
// kept before it and the first kept after it; open-ended, or bounded by the recorded
// smallest and largest key, at the ends).
//
// Thread-safety: a plain function without shared state.
#ifndef LSMDB_DB_TABLE_SALVAGE_H_
#define LSMDB_DB_TABLE_SALVAGE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "lsmdb/file_system.h"
#include "lsmdb/status.h"
#include "util/internal_key.h"

namespace lsmdb {

// User keys whose entries may have been lost: from smallest to largest, both included.
// A missing bound (has_* false) means the range is open on that side.
struct SalvageRange {
  bool has_smallest = false;
  bool has_largest = false;
  std::string smallest;
  std::string largest;
};

struct SalvageReport {
  uint64_t blocks = 0;           // data blocks found (plus damaged stretches, when walking)
  uint64_t bad_blocks = 0;       // blocks (or stretches) skipped, wholly or in part, for damage
  uint64_t entries = 0;          // entries passed to the callback
  uint64_t dropped_entries = 0;  // entries read but dropped (bad key, out of order)
  bool walked = false;           // no usable index: data blocks found by their trailers
  uint64_t trailing_bytes = 0;   // bytes after the table's footer, ignored
  bool has_recorded_entries = false;
  uint64_t recorded_entries = 0;  // num_entries of the table's properties, when readable
  std::vector<SalvageRange> lost_ranges;
  Status first_error;  // the first damage met; OK if none

  // True if entries may have been lost (damage met other than trailing bytes).
  bool lost_entries() const { return !lost_ranges.empty(); }
};

// Reads the table in file (file_size bytes, named file_name in messages) and calls
// add(ikey, value) for every entry that can be read, in increasing icmp order; the bytes
// are valid only during the call. Returns an I/O error if the file cannot be read;
// otherwise OK, with what was found in *report (possibly nothing: garbage is reported
// as one open-ended lost range).
Status SalvageTable(const RandomAccessFile* file, const std::string& file_name, uint64_t file_size,
                    const InternalKeyComparator& icmp,
                    const std::function<void(std::string_view, std::string_view)>& add,
                    SalvageReport* report);

}  // namespace lsmdb

#endif  // LSMDB_DB_TABLE_SALVAGE_H_
