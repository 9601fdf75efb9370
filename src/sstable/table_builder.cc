#include "sstable/table_builder.h"

#include <algorithm>
#include <cassert>
#include <chrono>

#include "sstable/compression.h"
#include "util/internal_key.h"

namespace lsmdb {

TableBuilder::TableBuilder(const TableOptions& options, WritableFile* file)
    : options_(options), file_(file), data_block_(options.block_restart_interval), index_block_(1) {
  assert(options.comparator != nullptr);
  if (options_.bloom_bits_per_key > 0) {
    filter_ = std::make_unique<BloomFilterBuilder>(options_.bloom_bits_per_key);
  }
  props_.compression = options_.compression;
  props_.format_version = kTableFormatVersion;
}

TableBuilder::~TableBuilder() { assert(closed_); }

void TableBuilder::Add(std::string_view key, std::string_view value) {
  assert(!closed_);
  if (!status_.ok()) return;
  assert(props_.num_entries == 0 || options_.comparator->Compare(last_key_, key) < 0);

  std::string_view filter_key = key;
  if (options_.keys_are_internal) {
    ParsedInternalKey parsed;
    if (!ParseInternalKey(key, &parsed)) {
      status_ = Status::InvalidArgument("table builder: malformed internal key");
      return;
    }
    filter_key = parsed.user_key;
    if (parsed.type == ValueType::kDeletion) props_.num_deletions++;
    if (props_.num_entries == 0 || parsed.sequence < props_.smallest_seq) {
      props_.smallest_seq = parsed.sequence;
    }
    props_.largest_seq = std::max(props_.largest_seq, parsed.sequence);
  }

  if (pending_index_entry_) {
    assert(data_block_.empty());
    separator_.assign(last_key_);
    options_.comparator->FindShortestSeparator(&separator_, key);
    handle_encoding_.clear();
    pending_handle_.EncodeTo(&handle_encoding_);
    index_block_.Add(separator_, handle_encoding_);
    pending_index_entry_ = false;
  }

  if (filter_) filter_->AddKey(filter_key);
  if (props_.num_entries == 0) props_.smallest_key.assign(key);
  last_key_.assign(key);
  props_.num_entries++;
  props_.raw_key_bytes += key.size();
  props_.raw_value_bytes += value.size();
  data_block_.Add(key, value);
  if (data_block_.CurrentSizeEstimate() >= options_.block_size) FlushDataBlock();
}

void TableBuilder::FlushDataBlock() {
  if (!status_.ok() || data_block_.empty()) return;
  assert(!pending_index_entry_);
  const uint64_t start = offset_;
  WriteBlock(data_block_.Finish(), options_.compression, &pending_handle_);
  data_block_.Reset();
  if (!status_.ok()) return;
  props_.data_bytes += offset_ - start;
  props_.num_data_blocks++;
  pending_index_entry_ = true;
}

void TableBuilder::WriteBlock(std::string_view raw, CompressionType compression,
                              BlockHandle* handle) {
  std::string_view stored = raw;
  CompressionType type = CompressBlock(compression, options_.zstd_level, raw, &compressed_);
  if (type != CompressionType::kNone) stored = compressed_;
  handle->set_offset(offset_);
  handle->set_size(stored.size());
  char trailer[kBlockTrailerSize];
  EncodeBlockTrailer(stored, type, trailer);
  WriteRaw(stored);
  WriteRaw(std::string_view(trailer, kBlockTrailerSize));
}

void TableBuilder::WriteRaw(std::string_view data) {
  if (!status_.ok()) return;
  status_ = file_->Append(data);
  if (status_.ok()) offset_ += data.size();
}

Status TableBuilder::Finish() {
  assert(!closed_);
  FlushDataBlock();
  closed_ = true;
  if (!status_.ok()) return status_;

  Footer footer;
  if (filter_) {
    std::string filter;
    filter_->Finish(&filter);
    const uint64_t start = offset_;
    WriteBlock(filter, CompressionType::kNone, &footer.filter_handle);
    props_.filter_bytes = offset_ - start;
  }

  if (pending_index_entry_) {
    separator_.assign(last_key_);
    options_.comparator->FindShortSuccessor(&separator_);
    handle_encoding_.clear();
    pending_handle_.EncodeTo(&handle_encoding_);
    index_block_.Add(separator_, handle_encoding_);
    pending_index_entry_ = false;
  }
  const uint64_t index_start = offset_;
  WriteBlock(index_block_.Finish(), CompressionType::kNone, &footer.index_handle);
  props_.index_bytes = offset_ - index_start;

  if (!range_dels_.empty()) {
    std::string block;
    EncodeRangeTombstones(range_dels_, &block);
    BlockHandle handle;
    WriteBlock(block, CompressionType::kNone, &handle);
    props_.num_range_deletions = range_dels_.size();
    props_.range_del_offset = handle.offset();
    props_.range_del_size = handle.size();
  }

  props_.largest_key = last_key_;
  props_.creation_time =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count());
  std::string props;
  props_.EncodeTo(&props);
  WriteBlock(props, CompressionType::kNone, &footer.properties_handle);

  std::string encoded;
  footer.EncodeTo(&encoded);
  WriteRaw(encoded);
  return status_;
}

void TableBuilder::Abandon() {
  assert(!closed_);
  closed_ = true;
}

}  // namespace lsmdb
