#include "wal/log_reader.h"

#include <algorithm>
#include <utility>

#include "util/coding.h"
#include "util/crc32c.h"

namespace lsmdb::log {

Reader::Reader(SequentialFile* file, std::string file_name, Reporter* reporter,
               bool verify_checksums)
    : file_(file),
      file_name_(std::move(file_name)),
      reporter_(reporter),
      verify_checksums_(verify_checksums),
      backing_store_(new char[kBlockSize]) {}

bool Reader::ReadRecord(std::string_view* record, std::string* scratch) {
  scratch->clear();
  *record = {};
  bool in_fragmented = false;  // a First fragment has been read, the Last has not
  uint64_t record_start = 0;   // offset of that First fragment

  Fragment f;
  for (;;) {
    const Kind kind = ReadFragment(&f);
    switch (kind) {
      case Kind::kFull:
      case Kind::kFirst:
        FlushDamage();  // a good fragment ends any run of damage
        if (in_fragmented) {
          // Damage can only be pending when no record is in progress, so reporting
          // directly keeps the reports in file order.
          ReportCorruption(record_start, f.offset, "fragmented record interrupted by a new record");
        }
        if (kind == Kind::kFull) {
          last_record_offset_ = f.offset;
          *record = f.payload;
          return true;
        }
        in_fragmented = true;
        record_start = f.offset;
        scratch->assign(f.payload);
        break;

      case Kind::kMiddle:
      case Kind::kLast:
        if (!in_fragmented) {
          // Orphaned fragments right after damage belong to the record the damage cut;
          // they extend the pending report instead of making one each.
          if (pending_end_ > pending_offset_) {
            pending_end_ = f.end;
          } else {
            BeginDamage(f.offset, f.end, "Middle or Last fragment without a First");
          }
          break;
        }
        scratch->append(f.payload);
        if (kind == Kind::kLast) {
          last_record_offset_ = record_start;
          *record = *scratch;
          return true;
        }
        break;

      case Kind::kBad:
        if (in_fragmented) {
          ReportCorruption(record_start, f.offset, "fragmented record interrupted by damage");
          in_fragmented = false;
          scratch->clear();
        }
        BeginDamage(f.offset, f.end, DamageReason(f));
        break;

      case Kind::kTorn: {
        FlushDamage();
        const uint64_t start = in_fragmented ? record_start : f.offset;
        if (reporter_ != nullptr) {
          reporter_->TornTail(start, static_cast<size_t>(end_of_buffer_offset_ - start));
        }
        scratch->clear();
        return false;
      }

      case Kind::kEof:
        FlushDamage();
        if (in_fragmented && status_.ok() && reporter_ != nullptr) {
          // The file ends right after a complete First or Middle fragment.
          reporter_->TornTail(record_start,
                              static_cast<size_t>(end_of_buffer_offset_ - record_start));
        }
        scratch->clear();
        return false;
    }
  }
}

bool Reader::ReadBlock() {
  if (eof_) return false;
  Status s = file_->Read(kBlockSize, &buffer_, backing_store_.get());
  if (!s.ok()) {
    status_ = std::move(s);
    buffer_ = {};
    eof_ = true;
    return false;
  }
  if (buffer_.size() > kBlockSize) {
    // A file that breaks its contract; never index past our buffer.
    status_ = Status::IOError(file_name_, "read returned more bytes than asked for");
    buffer_ = {};
    eof_ = true;
    return false;
  }
  end_of_buffer_offset_ += buffer_.size();
  if (buffer_.size() < kBlockSize) eof_ = true;
  return !buffer_.empty();
}

Reader::Kind Reader::ReadFragment(Fragment* f) {
  for (;;) {
    if (buffer_.size() < kHeaderSize) {
      if (!eof_) {
        // The 1..6 byte zero-filled tail of a full block (or nothing): skip it.
        buffer_ = {};
        if (ReadBlock()) continue;
      }
      if (!status_.ok()) return Kind::kEof;
      if (buffer_.empty() && zero_run_start_ == kNone) return Kind::kEof;
      if (zero_run_start_ != kNone &&
          std::all_of(buffer_.begin(), buffer_.end(), [](char c) { return c == 0; })) {
        // Zeros up to the end of the file: space a writer reserved and never used.
        buffer_ = {};
        zero_run_start_ = kNone;
        return Kind::kEof;
      }
      // The file ends inside a header.
      f->offset = zero_run_start_ != kNone ? zero_run_start_ : BufferOffset();
      f->end = end_of_buffer_offset_;
      buffer_ = {};
      zero_run_start_ = kNone;
      return Kind::kTorn;
    }

    const char* header = buffer_.data();
    const uint64_t offset = BufferOffset();
    const uint32_t masked_crc = DecodeFixed32(header);
    const uint16_t length = DecodeFixed16(header + 4);
    const auto type = static_cast<uint8_t>(header[6]);
    f->offset = offset;

    if (masked_crc == 0 && length == 0 && type == 0) {
      // A zero header: padding if the rest of the block is zeros too.
      const bool all_zero =
          std::all_of(buffer_.begin(), buffer_.end(), [](char c) { return c == 0; });
      if (!all_zero) {
        f->damage = Damage::kBadPadding;
        zero_run_start_ = kNone;
        SkipToNextRecordStart(f);
        return Kind::kBad;
      }
      if (zero_run_start_ == kNone) zero_run_start_ = offset;
      buffer_ = {};
      continue;  // at the end of the file the code above takes the zeros as the end
    }

    if (kHeaderSize + length > buffer_.size()) {
      const uint64_t in_block = offset % kBlockSize;
      if (eof_ && in_block + kHeaderSize + length <= kBlockSize) {
        // The fragment would fit its block, but the file ends first: a torn append.
        f->offset = zero_run_start_ != kNone ? zero_run_start_ : offset;
        f->end = end_of_buffer_offset_;
        buffer_ = {};
        zero_run_start_ = kNone;
        return Kind::kTorn;
      }
      // No writer makes a fragment cross its block: the length is damaged.
      f->damage = Damage::kBadLength;
      zero_run_start_ = kNone;
      SkipToNextRecordStart(f);
      return Kind::kBad;
    }
    if (zero_run_start_ != kNone) {
      // Zeros, then a fragment. No writer of ours leaves zeros before more of its log (it
      // never writes a zero header, and never continues a file at a block boundary), so
      // these are bytes that never reached the disk while later ones did: a power loss
      // under a device that reorders unsynced writes. Report them; the fragment is read
      // on the next call.
      f->offset = zero_run_start_;
      f->end = offset;
      f->damage = Damage::kZeroGap;
      zero_run_start_ = kNone;
      return Kind::kBad;
    }

    if (verify_checksums_) {
      const uint32_t expected = crc32c::Unmask(masked_crc);
      const uint32_t actual = crc32c::Value(header + 6, 1 + size_t{length});
      if (actual != expected) {
        // The length may be what is damaged, so the next fragment is searched for.
        f->damage = Damage::kChecksum;
        SkipToNextRecordStart(f);
        return Kind::kBad;
      }
    }

    buffer_.remove_prefix(kHeaderSize + length);
    f->end = offset + kHeaderSize + length;
    if (type == 0 || type > kMaxRecordType) {
      // The checksum vouches for the length: skip just this fragment.
      f->damage = Damage::kUnknownType;
      f->type = type;
      return Kind::kBad;
    }
    f->payload = std::string_view(header + kHeaderSize, length);
    return static_cast<Kind>(type);
  }
}

bool Reader::IsRecordStartAt(size_t pos) const {
  if (buffer_.size() - pos < kHeaderSize) return false;
  const char* header = buffer_.data() + pos;
  const auto type = static_cast<uint8_t>(header[6]);
  const uint16_t length = DecodeFixed16(header + 4);
  // Only a Full or First fragment starts a record inside a block (Middle and Last ones
  // start blocks), and a First one fills the rest of its block.
  if (type != static_cast<uint8_t>(RecordType::kFull) &&
      type != static_cast<uint8_t>(RecordType::kFirst)) {
    return false;
  }
  const size_t room = buffer_.size() - pos - kHeaderSize;
  if (length > room) return false;
  if (type == static_cast<uint8_t>(RecordType::kFirst) && (eof_ || length != room)) return false;
  return crc32c::Value(header + 6, 1 + size_t{length}) == crc32c::Unmask(DecodeFixed32(header));
}

void Reader::SkipToNextRecordStart(Fragment* f) {
  // The damaged header sits at buffer_.front(). Without checksums nothing can vouch for
  // a fragment found inside damage, so the rest of the block is dropped.
  size_t pos = 1;
  if (verify_checksums_) {
    while (pos < buffer_.size() && !IsRecordStartAt(pos)) pos++;
  } else {
    pos = buffer_.size();
  }
  pos = std::min(pos, buffer_.size());
  f->end = f->offset + pos;
  buffer_.remove_prefix(pos);
}

std::string Reader::DamageReason(const Fragment& f) {
  switch (f.damage) {
    case Damage::kChecksum:
      return "checksum mismatch";
    case Damage::kBadLength:
      return "record length runs past the end of its block";
    case Damage::kUnknownType:
      return "unknown record type " + std::to_string(f.type);
    case Damage::kBadPadding:
      return "non-zero bytes after a zero header";
    case Damage::kZeroGap:
      return "zeros before more of the log (lost writes)";
  }
  return "damage";
}

void Reader::BeginDamage(uint64_t offset, uint64_t end, std::string reason) {
  FlushDamage();
  pending_offset_ = offset;
  pending_end_ = end;
  pending_reason_ = std::move(reason);
}

void Reader::FlushDamage() {
  if (pending_end_ > pending_offset_) {
    ReportCorruption(pending_offset_, pending_end_, pending_reason_);
  }
  pending_offset_ = pending_end_ = 0;
}

void Reader::ReportCorruption(uint64_t offset, uint64_t end, std::string_view reason) {
  if (reporter_ == nullptr) return;
  std::string msg(reason);
  msg.append(" at offset ");
  msg.append(std::to_string(offset));
  reporter_->Corruption(offset, static_cast<size_t>(end - offset),
                        Status::Corruption(file_name_, msg));
}

}  // namespace lsmdb::log
