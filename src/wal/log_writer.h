// log::Writer appends records to a write-ahead log (or a MANIFEST) in the block format
// of log_format.h and docs/format/wal.md.
//
// Each AddRecord() appends every fragment of one record to the file and then calls
// Flush() once, so with a buffering WritableFile a record reaches the operating system
// in as few write() calls as the file's buffer allows (one for a record smaller than the
// buffer). AddRecord() never syncs: the caller calls dest->Sync() when it needs the
// record to survive a power loss. No memory is allocated per record.
//
// Thread-safety: not synchronised. One thread at a time may call AddRecord (the DB's
// write-group leader); the WritableFile must not be appended to by anyone else meanwhile.
#ifndef LSMDB_WAL_LOG_WRITER_H_
#define LSMDB_WAL_LOG_WRITER_H_

#include <cstdint>
#include <string_view>

#include "lsmdb/file_system.h"
#include "lsmdb/status.h"
#include "wal/log_format.h"

namespace lsmdb::log {

class Writer {
 public:
  // Appends to dest, which already holds dest_length bytes of a log (0 for a new file),
  // so that the writer continues the block structure where it left off.
  // dest is not owned and must outlive the Writer.
  explicit Writer(WritableFile* dest, uint64_t dest_length = 0);

  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Appends payload as one record (an empty payload is a valid record), then flushes.
  // OK means the whole record was handed to dest and dest->Flush() succeeded. A non-OK
  // status is dest's error; the record may then be partly written, so the writer is
  // broken from then on: every later AddRecord returns the same error without writing.
  // The caller should start a new log file.
  Status AddRecord(std::string_view payload);

 private:
  // Appends one fragment (header and payload) of the given type.
  Status EmitFragment(RecordType type, const char* data, size_t n);

  WritableFile* const dest_;
  size_t block_offset_;  // bytes already used in the current block
  Status error_;         // the first failure of dest_, sticky
  // CRC32C of each type byte, so that a fragment's checksum extends it over the payload.
  uint32_t type_crc_[kMaxRecordType + 1];
};

}  // namespace lsmdb::log

#endif  // LSMDB_WAL_LOG_WRITER_H_
