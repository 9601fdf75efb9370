// TableProperties: facts about one table, computed by the TableBuilder and stored in the
// table's properties block. The DB uses them for statistics and `lsmdb dump`.
//
// Encoding (docs/format/sstable.md): a sequence of fields
//   field := varint32 tag | varint32 length | value bytes
// where numbers are varint64 values and keys are raw bytes. Unknown tags are skipped, so
// later versions may add fields; every field listed below is required.
//
// Thread-safety: a value.
#ifndef LSMDB_SSTABLE_TABLE_PROPERTIES_H_
#define LSMDB_SSTABLE_TABLE_PROPERTIES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "lsmdb/options.h"
#include "lsmdb/status.h"

namespace lsmdb {

struct TableProperties {
  uint64_t num_entries = 0;
  uint64_t num_deletions = 0;    // entries of kind kDeletion (internal-key tables only)
  uint64_t raw_key_bytes = 0;    // sum of the sizes of the keys added
  uint64_t raw_value_bytes = 0;  // sum of the sizes of the values added
  uint64_t data_bytes = 0;       // stored bytes of all data blocks, trailers included
  uint64_t index_bytes = 0;      // stored bytes of the index block, trailer included
  uint64_t filter_bytes = 0;     // stored bytes of the filter block (0: no filter)
  uint64_t num_data_blocks = 0;
  std::string smallest_key;    // first and last key added (internal keys in a DB);
  std::string largest_key;     // empty when the table is empty
  uint64_t smallest_seq = 0;   // least and greatest sequence number (internal-key
  uint64_t largest_seq = 0;    // tables; 0 otherwise or when empty)
  uint64_t creation_time = 0;  // unix seconds
  CompressionType compression = CompressionType::kNone;  // the codec asked for
  uint32_t format_version = 0;
  // Optional (written only when num_range_deletions > 0): the range-deletion block.
  uint64_t num_range_deletions = 0;
  uint64_t range_del_offset = 0;  // its block handle
  uint64_t range_del_size = 0;

  // Appends the encoding to *dst.
  void EncodeTo(std::string* dst) const;
  // Parses an encoding. Corruption (message without file name; callers add it) when a
  // field is truncated, malformed or missing.
  Status DecodeFrom(std::string_view input);

  // One line per field, "name: value", for tools and tests.
  std::string ToString() const;
};

}  // namespace lsmdb

#endif  // LSMDB_SSTABLE_TABLE_PROPERTIES_H_
