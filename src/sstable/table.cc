#include "sstable/table.h"

#include <algorithm>
#include <cassert>

#include "sstable/table_iterator.h"
#include "util/coding.h"
#include "util/internal_key.h"

namespace lsmdb {
namespace {

constexpr size_t kCacheKeySize = 16;  // fixed64 cache id | fixed64 block offset

void DeleteCachedBlock(std::string_view /*key*/, void* value) { delete static_cast<Block*>(value); }

void Count(ReadStats* stats, StripedCounter ReadStats::*counter) {
  if (stats != nullptr) (stats->*counter).Add();
}

}  // namespace

void PinnedBlock::Reset() {
  if (handle_ != nullptr) cache_->Release(handle_);
  cache_ = nullptr;
  handle_ = nullptr;
  owned_.reset();
  in_place_.reset();
  block_ = nullptr;
}

void PinnedBlock::SetInPlace(std::string_view data) {
  Reset();
  block_ = &in_place_.emplace(BlockContents{data, nullptr});
}

void PinnedBlock::SetCached(Cache* cache, Cache::Handle* handle, const Block* block) {
  Reset();
  cache_ = cache;
  handle_ = handle;
  block_ = block;
}

void PinnedBlock::SetOwned(std::unique_ptr<Block> block) {
  Reset();
  owned_ = std::move(block);
  block_ = owned_.get();
}

Table::Table(const TableReaderOptions& options, std::unique_ptr<RandomAccessFile> file,
             uint64_t file_size)
    : options_(options), file_(std::move(file)), file_size_(file_size) {}

Table::~Table() = default;

Status Table::Open(const TableReaderOptions& options, std::unique_ptr<RandomAccessFile> file,
                   uint64_t file_size, std::unique_ptr<Table>* table) {
  assert(options.comparator != nullptr);
  table->reset();
  if (file_size < Footer::kEncodedLength) {
    return Status::Corruption(options.file_name, "file of " + std::to_string(file_size) +
                                                     " bytes is too short to be a table");
  }
  std::unique_ptr<Table> t(new Table(options, std::move(file), file_size));
  char buf[Footer::kEncodedLength];
  std::string_view got;
  Status s = t->file_->Read(file_size - Footer::kEncodedLength, Footer::kEncodedLength, &got, buf);
  if (!s.ok()) return s;
  if (got.size() != Footer::kEncodedLength) {
    return Status::Corruption(options.file_name, "truncated read of the table footer");
  }
  s = t->footer_.DecodeFrom(got, options.file_name);
  if (s.ok()) s = t->ReadMetaBlocks();
  if (s.ok() && options.paranoid_checks) s = t->CheckIndexEntries();
  if (!s.ok()) return s;
  if (!options.paranoid_checks) t->EnableInPlaceReads();
  if (options.block_cache != nullptr) t->cache_id_ = options.block_cache->NewId();
  *table = std::move(t);
  return Status::OK();
}

Status Table::ReadMetaBlocks() {
  const std::string& name = options_.file_name;
  BlockContents contents;
  Status s = ReadBlock(file_.get(), name, file_size_, footer_.index_handle, true, &contents);
  if (!s.ok()) return s;
  index_block_ = std::make_unique<Block>(std::move(contents));
  if (!index_block_->ok()) {
    return BlockCorruption(name, footer_.index_handle.offset(), "malformed index block");
  }
  index_prefixes_.Build(*index_block_, options_.comparator);

  if (footer_.filter_handle.size() > 0) {
    s = ReadBlock(file_.get(), name, file_size_, footer_.filter_handle, true, &filter_contents_);
    if (!s.ok()) return s;
    if (!filter_.Init(filter_contents_.data)) {
      return BlockCorruption(name, footer_.filter_handle.offset(), "malformed filter block");
    }
    has_filter_ = true;
  }

  s = ReadBlock(file_.get(), name, file_size_, footer_.properties_handle, true, &contents);
  if (!s.ok()) return s;
  s = properties_.DecodeFrom(contents.data);
  if (!s.ok()) return BlockCorruption(name, footer_.properties_handle.offset(), s.message());
  if (properties_.format_version != footer_.format_version) {
    return BlockCorruption(name, footer_.properties_handle.offset(),
                           "properties disagree with the footer on the format version");
  }
  return ReadRangeDelBlock();
}

Status Table::ReadRangeDelBlock() {
  if (properties_.num_range_deletions == 0) return Status::OK();
  const std::string& name = options_.file_name;
  if (!options_.keys_are_internal) {
    return BlockCorruption(name, footer_.properties_handle.offset(),
                           "range tombstones in a table of plain keys");
  }
  const BlockHandle handle(properties_.range_del_offset, properties_.range_del_size);
  BlockContents contents;
  Status s = ReadBlock(file_.get(), name, file_size_, handle, true, &contents);
  if (!s.ok()) return s;
  const Comparator* ucmp =
      static_cast<const InternalKeyComparator*>(options_.comparator)->user_comparator();
  s = DecodeRangeTombstones(contents.data, ucmp, &range_del_list_);
  if (s.ok() && range_del_list_.size() != properties_.num_range_deletions) {
    s = Status::Corruption("range tombstones: count disagrees with the properties");
  }
  if (!s.ok()) return BlockCorruption(name, handle.offset(), s.message());
  range_tombstones_ = std::make_shared<const FragmentedRangeTombstones>(range_del_list_, ucmp);
  return Status::OK();
}

Status Table::CheckIndexEntries() const {
  BlockIter index(options_.comparator, index_block_.get(), MinKeySize());
  const uint64_t data_end = DataEndOffset();
  uint64_t next_offset = 0;  // data blocks are contiguous from offset 0
  for (index.SeekToFirst(); index.Valid(); index.Next()) {
    BlockHandle h;
    std::string_view v = index.value();
    if (!h.DecodeFrom(&v) || !v.empty() || h.offset() != next_offset ||
        h.size() > data_end - h.offset() || h.size() + kBlockTrailerSize > data_end - h.offset()) {
      return BlockCorruption(options_.file_name, footer_.index_handle.offset(),
                             "index entry points outside the data blocks");
    }
    next_offset = h.offset() + h.size() + kBlockTrailerSize;
  }
  if (!index.status().ok()) return BlockStatus(index.status(), footer_.index_handle.offset());
  if (next_offset != data_end) {
    return BlockCorruption(options_.file_name, footer_.index_handle.offset(),
                           "index does not cover the data blocks");
  }
  return Status::OK();
}

void Table::EnableInPlaceReads() {
  const std::string_view mapped = file_->MappedContents();
  if (mapped.size() != file_size_) return;
  // A block's bit is found by the ordinal of its index entry, which the index cursor
  // knows as its restart index only when every index entry is a restart point.
  BlockIter index(options_.comparator, index_block_.get(), MinKeySize());
  uint32_t entries = 0;
  for (index.SeekToFirst(); index.Valid(); index.Next()) entries++;
  if (!index.status().ok() || entries == 0 || entries != index_block_->num_restarts()) return;
  num_data_blocks_ = entries;
  verified_ = std::make_unique<std::atomic<uint64_t>[]>((entries + 63) / 64);
  mapped_ = mapped;
}

size_t Table::MinKeySize() const { return options_.keys_are_internal ? kInternalKeyTrailer : 0; }

uint64_t Table::DataEndOffset() const {
  return has_filter_ ? footer_.filter_handle.offset() : footer_.index_handle.offset();
}

void Table::SeekIndex(BlockIter* index, std::string_view target) const {
  if (index_prefixes_.enabled() && target.size() >= kInternalKeyTrailer) {
    uint32_t first = 0, last = 0;
    index_prefixes_.Bounds(target, &first, &last);
    index->SeekInRestarts(target, first, last);
  } else {
    index->Seek(target);
  }
}

Status Table::BlockStatus(const Status& s, uint64_t offset) const {
  if (s.ok() || !s.IsCorruption()) return s;
  return BlockCorruption(options_.file_name, offset, s.message());
}

void Table::Warm() const {
  // Warming a table that is not wholly in memory any more would read it from the device
  // and push out pages readers need (a database bigger than memory): leave it cold.
  if (!file_->InMemory(0, file_size_)) return;
  file_->WillRead(0, file_size_);
  if (mapped_.empty()) return;
  BlockIter index(options_.comparator, index_block_.get(), MinKeySize());
  uint32_t i = 0;
  for (index.SeekToFirst(); index.Valid() && i < num_data_blocks_; index.Next(), i++) {
    BlockHandle handle;
    std::string_view v = index.value();
    if (!handle.DecodeFrom(&v) || !CheckBlockHandle(options_.file_name, file_size_, handle).ok()) {
      return;  // readers report it
    }
    const char* block = mapped_.data() + handle.offset();
    const auto n = static_cast<size_t>(handle.size());
    if (static_cast<uint8_t>(block[n]) != static_cast<uint8_t>(CompressionType::kNone)) continue;
    if (BlockChecksumMatches(block, n)) {
      verified_[i / 64].fetch_or(uint64_t{1} << (i % 64), std::memory_order_release);
    }
  }
}

namespace {

// A search of a block reads its restart array (at the end), then keys scattered across
// it: one dependent cache miss after another, the first on a page not touched for long
// (a TLB miss too). Asking for all the lines up front, the end first, lets the misses
// overlap. Past kPrefetchLimit bytes only the start is asked for.
// REQUIRES: n > 0.
void PrefetchBlock(const char* data, size_t n) {
  constexpr size_t kLine = 64;
  constexpr size_t kPrefetchLimit = 8 << 10;
  __builtin_prefetch(data + n - 1);
  const size_t end = std::min(n, kPrefetchLimit);
  for (size_t off = 0; off < end; off += kLine) __builtin_prefetch(data + off);
}

}  // namespace

bool Table::ReadInPlace(const ReadOptions& options, const BlockHandle& handle, uint32_t block_index,
                        PinnedBlock* out, Status* s) const {
  *s = CheckBlockHandle(options_.file_name, file_size_, handle);
  if (s->ok() && block_index >= num_data_blocks_) {
    *s = BlockCorruption(options_.file_name, footer_.index_handle.offset(),
                         "index entry beyond the counted data blocks");
  }
  if (!s->ok()) return true;
  const char* block = mapped_.data() + handle.offset();
  const auto n = static_cast<size_t>(handle.size());
  PrefetchBlock(block, n + 1);  // with the trailer's type byte, read first
  if (static_cast<uint8_t>(block[n]) != static_cast<uint8_t>(CompressionType::kNone)) {
    return false;  // decompressed once, into the cache
  }
  if (options.verify_checksums) {
    std::atomic<uint64_t>& word = verified_[block_index / 64];
    const uint64_t bit = uint64_t{1} << (block_index % 64);
    if ((word.load(std::memory_order_acquire) & bit) == 0) {
      if (!BlockChecksumMatches(block, n)) {
        *s = BlockCorruption(options_.file_name, handle.offset(), "block checksum mismatch");
        return true;
      }
      word.fetch_or(bit, std::memory_order_release);
    }
  }
  out->SetInPlace(std::string_view(block, n));
  if (!out->get()->ok()) {
    out->Reset();
    *s = BlockCorruption(options_.file_name, handle.offset(), "malformed data block");
    return true;
  }
  Count(options_.stats, &ReadStats::block_read_in_place);
  return true;
}

Status Table::ReadDataBlock(const ReadOptions& options, const BlockHandle& handle,
                            uint32_t block_index, PinnedBlock* out) const {
  out->Reset();
  if (!mapped_.empty()) {
    Status s;
    if (ReadInPlace(options, handle, block_index, out, &s)) return s;
  }
  Cache* cache = options_.block_cache.get();
  char key[kCacheKeySize];
  if (cache != nullptr) {
    EncodeFixed64(key, cache_id_);
    EncodeFixed64(key + 8, handle.offset());
    if (Cache::Handle* h = cache->Lookup(std::string_view(key, kCacheKeySize))) {
      Count(options_.stats, &ReadStats::block_cache_hit);
      const auto* block = static_cast<const Block*>(cache->Value(h));
      if (block->size() != 0) PrefetchBlock(block->data().data(), block->size());
      out->SetCached(cache, h, block);
      return Status::OK();
    }
    Count(options_.stats, &ReadStats::block_cache_miss);
  }
  const bool verify = options.verify_checksums || options_.paranoid_checks;
  BlockContents contents;
  Status s = ReadBlock(file_.get(), options_.file_name, file_size_, handle, verify, &contents);
  if (!s.ok()) return s;
  auto block = std::make_unique<Block>(std::move(contents));
  if (!block->ok())
    return BlockCorruption(options_.file_name, handle.offset(), "malformed data block");
  // Only verified blocks enter the cache: later readers rely on the check.
  if (cache != nullptr && options.fill_cache && verify) {
    const size_t charge = block->ApproximateMemoryUsage();
    Block* raw = block.release();
    Cache::Handle* h = cache->Insert(std::string_view(key, kCacheKeySize), raw, charge,
                                     &DeleteCachedBlock, Cache::Priority::kLow);
    out->SetCached(cache, h, raw);
  } else {
    out->SetOwned(std::move(block));
  }
  return Status::OK();
}

std::unique_ptr<InternalIterator> Table::NewIterator(const ReadOptions& options) const {
  return std::make_unique<TableIterator>(this, options);
}

bool Table::KeyMayMatch(std::string_view user_key) const {
  return !has_filter_ || filter_.KeyMayMatch(user_key);
}

Status Table::Get(
    const ReadOptions& options, std::string_view ikey,
    const std::function<void(std::string_view, std::string_view)>& handle_result) const {
  std::string_view filter_key = ikey;
  if (options_.keys_are_internal) {
    if (ikey.size() < kInternalKeyTrailer) {
      return Status::InvalidArgument("Table::Get: not an internal key");
    }
    filter_key = ExtractUserKey(ikey);
  }
  if (has_filter_) {
    if (!filter_.KeyMayMatch(filter_key)) {
      Count(options_.stats, &ReadStats::bloom_useful);
      return Status::OK();
    }
    Count(options_.stats, &ReadStats::bloom_positive);
  }

  BlockIter index(options_.comparator, index_block_.get(), MinKeySize());
  PinnedBlock block;
  BlockIter data;
  // The entry >= ikey is normally in the first block the index points to; it is in the
  // next one when ikey falls between a block's last key and its separator.
  for (SeekIndex(&index, ikey); index.Valid(); index.Next()) {
    BlockHandle handle;
    std::string_view v = index.value();
    if (!handle.DecodeFrom(&v)) {
      return BlockCorruption(options_.file_name, footer_.index_handle.offset(),
                             "malformed block handle in index");
    }
    Status s = ReadDataBlock(options, handle, index.restart_index(), &block);
    if (!s.ok()) return s;
    data.Init(options_.comparator, block.get(), MinKeySize());
    data.Seek(ikey);
    if (data.Valid()) {
      if (has_filter_) {
        std::string_view found = data.key();
        if (options_.keys_are_internal) {
          found = found.size() >= kInternalKeyTrailer ? ExtractUserKey(found) : std::string_view();
        }
        if (found != filter_key) Count(options_.stats, &ReadStats::bloom_false_positive);
      }
      handle_result(data.key(), data.value());
      return Status::OK();
    }
    if (!data.status().ok()) return BlockStatus(data.status(), handle.offset());
  }
  if (!index.status().ok()) return BlockStatus(index.status(), footer_.index_handle.offset());
  if (has_filter_) Count(options_.stats, &ReadStats::bloom_false_positive);
  return Status::OK();
}

uint64_t Table::ApproximateOffsetOf(std::string_view ikey) const {
  BlockIter index(options_.comparator, index_block_.get(), MinKeySize());
  SeekIndex(&index, ikey);
  if (index.Valid()) {
    BlockHandle handle;
    std::string_view v = index.value();
    if (handle.DecodeFrom(&v)) return handle.offset();
  }
  return DataEndOffset();
}

Status Table::VerifyChecksums() const {
  const std::string& name = options_.file_name;
  for (const BlockHandle* h :
       {&footer_.index_handle, &footer_.filter_handle, &footer_.properties_handle}) {
    if (h == &footer_.filter_handle && !has_filter_) continue;
    BlockContents contents;
    Status s = ReadBlock(file_.get(), name, file_size_, *h, true, &contents);
    if (!s.ok()) return s;
  }
  BlockIter index(options_.comparator, index_block_.get(), MinKeySize());
  BlockIter data;
  for (index.SeekToFirst(); index.Valid(); index.Next()) {
    BlockHandle handle;
    std::string_view v = index.value();
    if (!handle.DecodeFrom(&v)) {
      return BlockCorruption(name, footer_.index_handle.offset(),
                             "malformed block handle in index");
    }
    BlockContents contents;
    Status s = ReadBlock(file_.get(), name, file_size_, handle, true, &contents);
    if (!s.ok()) return s;
    Block block(std::move(contents));
    if (!block.ok()) return BlockCorruption(name, handle.offset(), "malformed data block");
    data.Init(options_.comparator, &block, MinKeySize());
    for (data.SeekToFirst(); data.Valid(); data.Next()) {
    }
    if (!data.status().ok()) return BlockStatus(data.status(), handle.offset());
  }
  return BlockStatus(index.status(), footer_.index_handle.offset());
}

}  // namespace lsmdb
