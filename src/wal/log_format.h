// The physical layout of a write-ahead log (and of the MANIFEST, which uses the same
// record format). docs/format/wal.md is the full description; this header holds the
// constants that both log::Writer and log::Reader use.
//
// A log is a sequence of kBlockSize blocks (the last one may be short). A block holds
// fragments, each a kHeaderSize header followed by its payload:
//
//   checksum : fixed32  masked CRC32C (crc32c::Mask) of the type byte and the payload
//   length   : fixed16  payload bytes of this fragment
//   type     : uint8    a RecordType
//
// A fragment never crosses a block boundary. A record that does not fit in the rest of
// a block is split into a First fragment, zero or more Middle fragments and a Last
// fragment; one that fits is a single Full fragment. When fewer than kHeaderSize bytes
// remain in a block, the writer fills them with zeros and starts the next block.
#ifndef LSMDB_WAL_LOG_FORMAT_H_
#define LSMDB_WAL_LOG_FORMAT_H_

#include <cstddef>
#include <cstdint>

namespace lsmdb::log {

// Persisted — never renumber. Retired values stay listed as comments.
enum class RecordType : uint8_t {
  // Never written. A header of seven zero bytes marks zero-filled padding (see
  // docs/format/wal.md for how the reader treats it).
  kZero = 0,
  kFull = 1,
  // Fragments of a record split across blocks.
  kFirst = 2,
  kMiddle = 3,
  kLast = 4,
};
inline constexpr uint8_t kMaxRecordType = static_cast<uint8_t>(RecordType::kLast);

inline constexpr size_t kBlockSize = 32768;

// checksum (4) + length (2) + type (1).
inline constexpr size_t kHeaderSize = 4 + 2 + 1;

// The most payload one fragment can carry (it fits the fixed16 length).
inline constexpr size_t kMaxFragmentPayload = kBlockSize - kHeaderSize;
static_assert(kMaxFragmentPayload <= 0xffff);

}  // namespace lsmdb::log

#endif  // LSMDB_WAL_LOG_FORMAT_H_
