#include "sstable/table_properties.h"

#include "sstable/compression.h"
#include "util/coding.h"

namespace lsmdb {
namespace {

// Field tags. Persisted — never renumber; retire a tag by leaving it unused.
enum class PropertyTag : uint32_t {
  kNumEntries = 1,
  kNumDeletions = 2,
  kRawKeyBytes = 3,
  kRawValueBytes = 4,
  kDataBytes = 5,
  kIndexBytes = 6,
  kFilterBytes = 7,
  kNumDataBlocks = 8,
  kSmallestKey = 9,
  kLargestKey = 10,
  kSmallestSeq = 11,
  kLargestSeq = 12,
  kCreationTime = 13,
  kCompression = 14,
  kFormatVersion = 15,
};
constexpr uint32_t kNumTags = 15;  // the required fields: tags 1..kNumTags
// Optional fields, present only in a table with range tombstones.
constexpr uint32_t kNumRangeDeletionsTag = 16;
constexpr uint32_t kRangeDelOffsetTag = 17;
constexpr uint32_t kRangeDelSizeTag = 18;

void PutField(std::string* dst, PropertyTag tag, std::string_view value) {
  PutVarint32(dst, static_cast<uint32_t>(tag));
  PutLengthPrefixed(dst, value);
}

void PutNumber(std::string* dst, PropertyTag tag, uint64_t v) {
  char buf[kMaxVarint64Bytes];
  char* end = EncodeVarint64(buf, v);
  PutField(dst, tag, std::string_view(buf, static_cast<size_t>(end - buf)));
}

// A number field must be exactly one varint64.
bool ParseNumber(std::string_view value, uint64_t* v) {
  return GetVarint64(&value, v) && value.empty();
}

}  // namespace

void TableProperties::EncodeTo(std::string* dst) const {
  PutNumber(dst, PropertyTag::kNumEntries, num_entries);
  PutNumber(dst, PropertyTag::kNumDeletions, num_deletions);
  PutNumber(dst, PropertyTag::kRawKeyBytes, raw_key_bytes);
  PutNumber(dst, PropertyTag::kRawValueBytes, raw_value_bytes);
  PutNumber(dst, PropertyTag::kDataBytes, data_bytes);
  PutNumber(dst, PropertyTag::kIndexBytes, index_bytes);
  PutNumber(dst, PropertyTag::kFilterBytes, filter_bytes);
  PutNumber(dst, PropertyTag::kNumDataBlocks, num_data_blocks);
  PutField(dst, PropertyTag::kSmallestKey, smallest_key);
  PutField(dst, PropertyTag::kLargestKey, largest_key);
  PutNumber(dst, PropertyTag::kSmallestSeq, smallest_seq);
  PutNumber(dst, PropertyTag::kLargestSeq, largest_seq);
  PutNumber(dst, PropertyTag::kCreationTime, creation_time);
  PutNumber(dst, PropertyTag::kCompression, static_cast<uint8_t>(compression));
  PutNumber(dst, PropertyTag::kFormatVersion, format_version);
  if (num_range_deletions > 0) {
    PutNumber(dst, static_cast<PropertyTag>(kNumRangeDeletionsTag), num_range_deletions);
    PutNumber(dst, static_cast<PropertyTag>(kRangeDelOffsetTag), range_del_offset);
    PutNumber(dst, static_cast<PropertyTag>(kRangeDelSizeTag), range_del_size);
  }
}

Status TableProperties::DecodeFrom(std::string_view input) {
  *this = TableProperties();
  uint32_t seen = 0;  // bit (tag - 1) per known tag
  while (!input.empty()) {
    uint32_t tag_value = 0;
    std::string_view value;
    if (!GetVarint32(&input, &tag_value) || !GetLengthPrefixed(&input, &value)) {
      return Status::Corruption("table properties: truncated field");
    }
    if (tag_value >= kNumRangeDeletionsTag && tag_value <= kRangeDelSizeTag) {
      uint64_t v = 0;
      if (!ParseNumber(value, &v)) return Status::Corruption("table properties: malformed number");
      (tag_value == kNumRangeDeletionsTag ? num_range_deletions
       : tag_value == kRangeDelOffsetTag  ? range_del_offset
                                          : range_del_size) = v;
      continue;
    }
    if (tag_value == 0 || tag_value > kNumTags) continue;  // a later version's field
    const uint32_t bit = 1u << (tag_value - 1);
    if (seen & bit) return Status::Corruption("table properties: repeated field");
    seen |= bit;

    const auto tag = static_cast<PropertyTag>(tag_value);
    if (tag == PropertyTag::kSmallestKey) {
      smallest_key.assign(value);
      continue;
    }
    if (tag == PropertyTag::kLargestKey) {
      largest_key.assign(value);
      continue;
    }
    uint64_t v = 0;
    if (!ParseNumber(value, &v)) return Status::Corruption("table properties: malformed number");
    switch (tag) {
      case PropertyTag::kNumEntries:
        num_entries = v;
        break;
      case PropertyTag::kNumDeletions:
        num_deletions = v;
        break;
      case PropertyTag::kRawKeyBytes:
        raw_key_bytes = v;
        break;
      case PropertyTag::kRawValueBytes:
        raw_value_bytes = v;
        break;
      case PropertyTag::kDataBytes:
        data_bytes = v;
        break;
      case PropertyTag::kIndexBytes:
        index_bytes = v;
        break;
      case PropertyTag::kFilterBytes:
        filter_bytes = v;
        break;
      case PropertyTag::kNumDataBlocks:
        num_data_blocks = v;
        break;
      case PropertyTag::kSmallestSeq:
        smallest_seq = v;
        break;
      case PropertyTag::kLargestSeq:
        largest_seq = v;
        break;
      case PropertyTag::kCreationTime:
        creation_time = v;
        break;
      case PropertyTag::kCompression:
        if (v > 0xff || !IsKnownCompressionType(static_cast<uint8_t>(v))) {
          return Status::Corruption("table properties: unknown compression type");
        }
        compression = static_cast<CompressionType>(v);
        break;
      case PropertyTag::kFormatVersion:
        if (v > UINT32_MAX) return Status::Corruption("table properties: bad format version");
        format_version = static_cast<uint32_t>(v);
        break;
      case PropertyTag::kSmallestKey:
      case PropertyTag::kLargestKey:
        break;
    }
  }
  if (seen != (1u << kNumTags) - 1) return Status::Corruption("table properties: missing field");
  return Status::OK();
}

std::string TableProperties::ToString() const {
  std::string out;
  auto line = [&out](const char* name, std::string_view v) {
    out.append(name).append(": ").append(v).push_back('\n');
  };
  auto num = [&line](const char* name, uint64_t v) { line(name, std::to_string(v)); };
  num("num_entries", num_entries);
  num("num_deletions", num_deletions);
  num("raw_key_bytes", raw_key_bytes);
  num("raw_value_bytes", raw_value_bytes);
  num("data_bytes", data_bytes);
  num("index_bytes", index_bytes);
  num("filter_bytes", filter_bytes);
  num("num_data_blocks", num_data_blocks);
  num("smallest_key_bytes", smallest_key.size());
  num("largest_key_bytes", largest_key.size());
  num("smallest_seq", smallest_seq);
  num("largest_seq", largest_seq);
  num("creation_time", creation_time);
  line("compression", CompressionTypeName(compression));
  num("format_version", format_version);
  if (num_range_deletions > 0) num("num_range_deletions", num_range_deletions);
  return out;
}

}  // namespace lsmdb
