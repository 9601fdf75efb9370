#include "version/version_edit.h"

#include "util/coding.h"

namespace lsmdb {
namespace {

// Record field tags. Persisted in every MANIFEST — never renumber; retired tags stay
// reserved.
enum class Tag : uint32_t {
  kComparator = 1,
  kLogNumber = 2,
  kNextFileNumber = 3,
  kLastSequence = 4,
  kCompactPointer = 5,
  kDeletedFile = 6,
  kNewFile = 7,
  // kNewFile followed by varint64 num_range_deletions (> 0): a table with range tombstones.
  kNewFileWithRangeDels = 8,
};

void PutTag(std::string* dst, Tag t) { PutVarint32(dst, static_cast<uint32_t>(t)); }

bool GetLevel(std::string_view* input, int* level) {
  uint32_t v;
  if (!GetVarint32(input, &v) || v >= static_cast<uint32_t>(kMaxLevels)) return false;
  *level = static_cast<int>(v);
  return true;
}

bool GetInternalKey(std::string_view* input, std::string* dst) {
  std::string_view k;
  if (!GetLengthPrefixed(input, &k) || k.size() < kInternalKeyTrailer) return false;
  dst->assign(k);
  return true;
}

}  // namespace

void VersionEdit::EncodeTo(std::string* dst) const {
  if (comparator_) {
    PutTag(dst, Tag::kComparator);
    PutLengthPrefixed(dst, *comparator_);
  }
  if (log_number_) {
    PutTag(dst, Tag::kLogNumber);
    PutVarint64(dst, *log_number_);
  }
  if (next_file_number_) {
    PutTag(dst, Tag::kNextFileNumber);
    PutVarint64(dst, *next_file_number_);
  }
  if (last_sequence_) {
    PutTag(dst, Tag::kLastSequence);
    PutVarint64(dst, *last_sequence_);
  }
  for (const auto& [level, key] : compact_pointers_) {
    PutTag(dst, Tag::kCompactPointer);
    PutVarint32(dst, static_cast<uint32_t>(level));
    PutLengthPrefixed(dst, key);
  }
  for (const auto& [level, number] : deleted_files_) {
    PutTag(dst, Tag::kDeletedFile);
    PutVarint32(dst, static_cast<uint32_t>(level));
    PutVarint64(dst, number);
  }
  for (const auto& [level, f] : new_files_) {
    PutTag(dst, f.num_range_deletions > 0 ? Tag::kNewFileWithRangeDels : Tag::kNewFile);
    PutVarint32(dst, static_cast<uint32_t>(level));
    PutVarint64(dst, f.number);
    PutVarint64(dst, f.file_size);
    PutLengthPrefixed(dst, f.smallest);
    PutLengthPrefixed(dst, f.largest);
    PutVarint64(dst, f.smallest_seq);
    PutVarint64(dst, f.largest_seq);
    PutVarint64(dst, f.num_entries);
    PutVarint64(dst, f.num_deletions);
    if (f.num_range_deletions > 0) PutVarint64(dst, f.num_range_deletions);
  }
}

Status VersionEdit::DecodeFrom(std::string_view src) {
  Clear();
  std::string_view input = src;
  const char* field = nullptr;
  while (field == nullptr && !input.empty()) {
    uint32_t tag;
    if (!GetVarint32(&input, &tag)) {
      field = "tag";
      break;
    }
    uint64_t v;
    int level;
    switch (static_cast<Tag>(tag)) {
      case Tag::kComparator: {
        std::string_view name;
        if (GetLengthPrefixed(&input, &name)) {
          comparator_ = std::string(name);
        } else {
          field = "comparator name";
        }
        break;
      }
      case Tag::kLogNumber:
        if (GetVarint64(&input, &v)) {
          log_number_ = v;
        } else {
          field = "log number";
        }
        break;
      case Tag::kNextFileNumber:
        if (GetVarint64(&input, &v)) {
          next_file_number_ = v;
        } else {
          field = "next file number";
        }
        break;
      case Tag::kLastSequence:
        if (GetVarint64(&input, &v) && v <= kMaxSequenceNumber) {
          last_sequence_ = v;
        } else {
          field = "last sequence";
        }
        break;
      case Tag::kCompactPointer: {
        std::string key;
        if (GetLevel(&input, &level) && GetInternalKey(&input, &key)) {
          compact_pointers_.emplace_back(level, std::move(key));
        } else {
          field = "compaction pointer";
        }
        break;
      }
      case Tag::kDeletedFile:
        if (GetLevel(&input, &level) && GetVarint64(&input, &v)) {
          deleted_files_.emplace(level, v);
        } else {
          field = "deleted file";
        }
        break;
      case Tag::kNewFile:
      case Tag::kNewFileWithRangeDels: {
        FileMetaData f;
        const bool with_range_dels = static_cast<Tag>(tag) == Tag::kNewFileWithRangeDels;
        if (GetLevel(&input, &level) && GetVarint64(&input, &f.number) &&
            GetVarint64(&input, &f.file_size) && GetInternalKey(&input, &f.smallest) &&
            GetInternalKey(&input, &f.largest) && GetVarint64(&input, &f.smallest_seq) &&
            GetVarint64(&input, &f.largest_seq) && GetVarint64(&input, &f.num_entries) &&
            GetVarint64(&input, &f.num_deletions) &&
            (!with_range_dels ||
             (GetVarint64(&input, &f.num_range_deletions) && f.num_range_deletions > 0))) {
          new_files_.emplace_back(level, std::move(f));
        } else {
          field = "new file";
        }
        break;
      }
      default:
        return Status::Corruption("VersionEdit", "unknown tag " + std::to_string(tag));
    }
  }
  if (field != nullptr) {
    return Status::Corruption("VersionEdit", std::string("bad ") + field + " at byte " +
                                                 std::to_string(src.size() - input.size()));
  }
  return Status::OK();
}

std::string VersionEdit::DebugString() const {
  std::string r = "VersionEdit {";
  if (comparator_) r += "\n  comparator: " + *comparator_;
  if (log_number_) r += "\n  log number: " + std::to_string(*log_number_);
  if (next_file_number_) r += "\n  next file: " + std::to_string(*next_file_number_);
  if (last_sequence_) r += "\n  last sequence: " + std::to_string(*last_sequence_);
  for (const auto& [level, key] : compact_pointers_) {
    r += "\n  compact pointer: L" + std::to_string(level);
  }
  for (const auto& [level, number] : deleted_files_) {
    r += "\n  remove: L" + std::to_string(level) + " #" + std::to_string(number);
  }
  for (const auto& [level, f] : new_files_) {
    r += "\n  add: L" + std::to_string(level) + " #" + std::to_string(f.number) + " " +
         std::to_string(f.file_size) + " bytes, seq " + std::to_string(f.smallest_seq) + ".." +
         std::to_string(f.largest_seq) + ", " + std::to_string(f.num_entries) + " entries";
  }
  r += "\n}\n";
  return r;
}

}  // namespace lsmdb
