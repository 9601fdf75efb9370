// log::Reader reads back the records that log::Writer wrote (docs/format/wal.md).
//
// The reader reads the file once, front to back, one block at a time into a buffer it
// allocates once. It trusts nothing it reads: every length is bounds-checked, every
// fragment's checksum is verified (unless turned off), and damage never yields a wrong
// record. Damaged regions are reported to a Reporter and skipped; reading resumes at the
// next fragment that parses (after a checksum, length or padding failure, whose length
// cannot be trusted: at the next offset in the block where a Full or First fragment with
// a valid checksum begins, else at the next block). The reader tells apart
//   - damage (Reporter::Corruption): bytes that can never become a valid record, such as
//     a checksum mismatch, a length past the block, an unknown type, a Middle or Last
//     fragment without a First, a fragmented record interrupted by another record;
//   - a torn tail (Reporter::TornTail): the file ends inside a record, which is what a
//     crash in the middle of an append leaves behind.
// An incomplete record at the end of the file is reported only as a torn tail, never as
// Corruption. A checksum failure is always Corruption, even in the last record: whether
// damage with no valid record after it counts as a torn tail is the DB's decision (see
// Options::wal_recovery_mode).
//
// Zero-filled regions: a header of seven zero bytes followed only by zeros up to the end
// of its block is padding (a writer that preallocates or aligns may leave it) and is
// skipped silently; when such zeros run up to the end of the file they are its end, not
// a torn tail: a log written through a memory mapping (FileSystem::NewWalFile) is
// preallocated, and a process that dies before closing it leaves the unused rest zero.
// (A file system that lost the data of an append in a power loss may show zeros too;
// only unsynced writes can be lost that way.) A zero header followed by non-zero bytes
// in its block is Corruption. The 1..6 byte tail of a block that cannot hold a header is
// skipped unread.
//
// Thread-safety: not synchronised; one thread at a time.
#ifndef LSMDB_WAL_LOG_READER_H_
#define LSMDB_WAL_LOG_READER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "lsmdb/file_system.h"
#include "lsmdb/status.h"
#include "wal/log_format.h"

namespace lsmdb::log {

class Reader {
 public:
  // Receives reports of skipped bytes. Reports arrive in increasing file offset and
  // never overlap; each skipped byte is reported at most once.
  class Reporter {
   public:
    virtual ~Reporter() = default;
    // Damage: bytes were dropped starting at file offset `offset`. status is a
    // Corruption whose message names the file and the offset (e.g. "000007.log:
    // checksum mismatch at offset 32768").
    virtual void Corruption(uint64_t offset, size_t bytes, const Status& status) = 0;
    // The file ends inside a record (incomplete header, incomplete payload, or a
    // First/Middle fragment sequence cut off by the end of file): `bytes` bytes from
    // `offset` form an incomplete record - the signature of a write torn by a crash.
    // Called at most once, when ReadRecord reaches the end of the file.
    virtual void TornTail(uint64_t offset, size_t bytes) = 0;
  };

  // Reads file from its start. file and reporter are not owned and must outlive the
  // reader; reporter may be null (reports are then dropped). file_name is used in
  // messages. With verify_checksums false, fragments are accepted without their
  // checksum being checked (for tools that salvage what they can).
  Reader(SequentialFile* file, std::string file_name, Reporter* reporter,
         bool verify_checksums = true);

  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // Reads the next whole record into *record, which points into *scratch, into the
  // reader's buffer or into memory the file returned from Read, and stays valid until the
  // next call or until *scratch changes.
  // Returns false at the end of the input (after reporting a torn tail if there is one)
  // or when the file failed to read (then status() is the error, and nothing is
  // reported for the record that was being read). Damaged regions are reported and
  // skipped, never returned.
  bool ReadRecord(std::string_view* record, std::string* scratch);

  // File offset of the first byte (the first fragment's header) of the last record
  // ReadRecord returned; 0 before the first.
  uint64_t LastRecordOffset() const { return last_record_offset_; }

  // Status of the underlying file reads (an IOError from the file), OK otherwise.
  Status status() const { return status_; }

 private:
  // What ReadFragment found. The first values equal RecordType's persisted values.
  enum class Kind : uint8_t {
    kFull = 1,
    kFirst = 2,
    kMiddle = 3,
    kLast = 4,
    kBad,   // damage, already bounded: skip Fragment::offset..end
    kTorn,  // the file ends inside a fragment (or inside trailing zeros)
    kEof,   // the end of the file, or a read error
  };
  enum class Damage : uint8_t {
    kChecksum,
    kBadLength,
    kUnknownType,
    kBadPadding,
    kZeroGap,  // zeros, then more of the log: blocks a power loss did not persist
  };
  struct Fragment {
    std::string_view payload;           // kFull..kLast: points into backing_store_
    uint64_t offset = 0;                // file offset of the header (kTorn: start of the tail)
    uint64_t end = 0;                   // file offset just past the fragment or damaged bytes
    Damage damage = Damage::kChecksum;  // kBad only
    uint8_t type = 0;                   // kBad with kUnknownType: the type byte
  };

  Kind ReadFragment(Fragment* f);
  // After damage whose header is at buffer_.front(): skips to the next offset in the
  // block where a Full or First fragment with a valid checksum begins (or to the end of
  // the block) and sets f->end there.
  void SkipToNextRecordStart(Fragment* f);
  bool IsRecordStartAt(size_t pos) const;
  // Reads the next block into buffer_. False at the end of the file or on a read error.
  bool ReadBlock();
  // File offset of buffer_.front().
  uint64_t BufferOffset() const { return end_of_buffer_offset_ - buffer_.size(); }

  // Reports damage: [offset, end) was dropped for `reason`. The report is held back so
  // that Middle/Last fragments orphaned by the same damage can be added to it.
  void BeginDamage(uint64_t offset, uint64_t end, std::string reason);
  void FlushDamage();
  void ReportCorruption(uint64_t offset, uint64_t end, std::string_view reason);
  static std::string DamageReason(const Fragment& f);

  SequentialFile* const file_;
  const std::string file_name_;
  Reporter* const reporter_;
  const bool verify_checksums_;

  std::unique_ptr<char[]> backing_store_;  // one block
  std::string_view buffer_;            // unconsumed bytes of the current block (in backing_store_
                                       // or in memory the file owns)
  uint64_t end_of_buffer_offset_ = 0;  // file offset just past buffer_
  bool eof_ = false;                   // the last block read was short (or failed)
  Status status_;

  // Start of a run of zero padding in full blocks that may yet turn out to reach the
  // end of the file (then it is a torn tail). kNone when there is none.
  static constexpr uint64_t kNone = ~uint64_t{0};
  uint64_t zero_run_start_ = kNone;

  // A damage report not yet passed to reporter_ (pending_end_ > pending_offset_).
  uint64_t pending_offset_ = 0;
  uint64_t pending_end_ = 0;
  std::string pending_reason_;

  uint64_t last_record_offset_ = 0;
};

}  // namespace lsmdb::log

#endif  // LSMDB_WAL_LOG_READER_H_
