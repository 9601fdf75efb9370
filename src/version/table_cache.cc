#include "version/table_cache.h"

#include "sstable/table_iterator.h"
#include "util/coding.h"
#include "version/filename.h"

namespace lsmdb {
namespace {

void DeleteTable(std::string_view, void* value) { delete static_cast<Table*>(value); }

// Keeps the table pinned in the cache while the iterator lives. The table's iterator is a
// member, not a separate object: one allocation per iterator, and each call forwards to
// it without a second virtual call.
class PinnedTableIterator final : public InternalIterator {
 public:
  PinnedTableIterator(const Table* table, const ReadOptions& options, Cache* cache,
                      Cache::Handle* handle)
      : pin_(cache, handle), iter_(table, options) {}

  bool Valid() const override { return iter_.Valid(); }
  void SeekToFirst() override { iter_.SeekToFirst(); }
  void SeekToLast() override { iter_.SeekToLast(); }
  void Seek(std::string_view target) override { iter_.Seek(target); }
  void Next() override { iter_.Next(); }
  void Prev() override { iter_.Prev(); }
  std::string_view key() const override { return iter_.key(); }
  std::string_view value() const override { return iter_.value(); }
  Status status() const override { return iter_.status(); }
  bool MayContainUserKey(std::string_view user_key) override {
    return iter_.MayContainUserKey(user_key);
  }

 private:
  // Releases the table's cache handle; declared before iter_, so destroyed after it.
  struct Pin {
    Pin(Cache* c, Cache::Handle* h) : cache(c), handle(h) {}
    Pin(const Pin&) = delete;
    Pin& operator=(const Pin&) = delete;
    ~Pin() { cache->Release(handle); }
    Cache* const cache;
    Cache::Handle* const handle;
  };

  Pin pin_;
  TableIterator iter_;
};

}  // namespace

TableCache::TableCache(std::string dbname, FileSystem* fs, const InternalKeyComparator* icmp,
                       std::shared_ptr<Cache> block_cache, ReadStats* stats, bool paranoid_checks,
                       int capacity)
    : dbname_(std::move(dbname)),
      fs_(fs),
      icmp_(icmp),
      block_cache_(std::move(block_cache)),
      stats_(stats),
      paranoid_checks_(paranoid_checks),
      cache_(NewLRUCache(static_cast<size_t>(capacity), /*num_shard_bits=*/0)) {
  pin_owner_.cache = cache_.get();
  pin_owner_.limit = capacity / 2;
}

TableCache::~TableCache() = default;

namespace {

// Corruption if the table's properties contradict the MANIFEST's record of the file.
// Fields the record lacks (empty keys, no entry count) are not compared. A table holding
// range tombstones has a recorded key range that may be wider than its point entries
// (it also covers the tombstones): there the record must contain the entries' range.
Status CheckIdentity(const std::string& fname, const FileMetaData& file,
                     const TableProperties& props, const InternalKeyComparator& icmp) {
  const bool widened = props.num_range_deletions > 0;
  const bool has_points = !props.smallest_key.empty();
  const char* what = nullptr;
  if (widened) {
    if (has_points && !file.smallest.empty() &&
        icmp.Compare(file.smallest, props.smallest_key) > 0) {
      what = "first key";
    } else if (has_points && !file.largest.empty() &&
               icmp.Compare(file.largest, props.largest_key) < 0) {
      what = "last key";
    }
  } else if (!file.smallest.empty() && props.smallest_key != file.smallest) {
    what = "first key";
  } else if (!file.largest.empty() && props.largest_key != file.largest) {
    what = "last key";
  }
  if (what == nullptr && file.num_entries != 0 && props.num_entries != file.num_entries) {
    what = "entry count";
  }
  if (what == nullptr) return Status::OK();
  return Status::Corruption(fname, std::string("the table's ") + what +
                                       " differs from its MANIFEST record (another table "
                                       "in its place?)");
}

}  // namespace

Status TableCache::FindTable(const FileMetaData& meta, Cache::Handle** handle) {
  const uint64_t number = meta.number;
  const uint64_t file_size = meta.file_size;
  char key_buf[8];
  EncodeFixed64(key_buf, number);
  std::string_view key(key_buf, sizeof(key_buf));
  *handle = cache_->Lookup(key);
  if (*handle != nullptr) return Status::OK();

  std::string fname = TableFileName(dbname_, number);
  std::unique_ptr<RandomAccessFile> file;
  Status s = fs_->NewRandomAccessFile(fname, &file);
  if (s.IsNotFound()) {
    return Status::Corruption(fname, "table file is missing (" + std::string(s.message()) + ")");
  }
  if (!s.ok()) return s;
  TableReaderOptions topts;
  topts.comparator = icmp_;
  topts.keys_are_internal = true;
  topts.block_cache = block_cache_;
  topts.stats = stats_;
  topts.file_name = fname;
  topts.paranoid_checks = paranoid_checks_;
  std::unique_ptr<Table> table;
  s = Table::Open(topts, std::move(file), file_size, &table);
  if (s.ok()) s = CheckIdentity(fname, meta, table->properties(), *icmp_);
  if (!s.ok()) return s;  // errors are not cached: a later read retries
  *handle = cache_->Insert(key, table.release(), 1, &DeleteTable);
  return Status::OK();
}

std::unique_ptr<InternalIterator> TableCache::NewIterator(const ReadOptions& options,
                                                          const FileMetaData& file) {
  if (Cache::Handle* pinned = file.pin.handle()) {
    // The pin lasts as long as file, which the caller keeps alive longer than the iterator.
    return std::make_unique<TableIterator>(static_cast<const Table*>(cache_->Value(pinned)),
                                           options);
  }
  Cache::Handle* handle = nullptr;
  Status s = FindTable(file, &handle);
  if (!s.ok()) return NewEmptyIterator(s);
  auto* table = static_cast<Table*>(cache_->Value(handle));
  if (file.pin.TryPin(&pin_owner_, handle)) return std::make_unique<TableIterator>(table, options);
  return std::make_unique<PinnedTableIterator>(table, options, cache_.get(), handle);
}

Status TableCache::Get(
    const ReadOptions& options, const FileMetaData& file, std::string_view ikey,
    const std::function<void(std::string_view, std::string_view)>& handle_result) {
  if (Cache::Handle* pinned = file.pin.handle()) {
    return static_cast<const Table*>(cache_->Value(pinned))->Get(options, ikey, handle_result);
  }
  Cache::Handle* handle = nullptr;
  Status s = FindTable(file, &handle);
  if (!s.ok()) return s;
  auto* table = static_cast<Table*>(cache_->Value(handle));
  s = table->Get(options, ikey, handle_result);
  if (!file.pin.TryPin(&pin_owner_, handle)) cache_->Release(handle);
  return s;
}

Status TableCache::GetRangeTombstones(const FileMetaData& file,
                                      std::shared_ptr<const FragmentedRangeTombstones>* fragmented,
                                      std::vector<RangeTombstone>* list) {
  Cache::Handle* handle = nullptr;
  Status s = FindTable(file, &handle);
  if (!s.ok()) return s;
  const auto* table = static_cast<const Table*>(cache_->Value(handle));
  if (fragmented != nullptr) *fragmented = table->range_tombstones();
  if (list != nullptr) *list = table->range_tombstone_list();
  cache_->Release(handle);
  return s;
}

Status TableCache::ApproximateOffsetOf(const FileMetaData& file, std::string_view ikey,
                                       uint64_t* offset) {
  Cache::Handle* handle = nullptr;
  Status s = FindTable(file, &handle);
  if (!s.ok()) return s;
  *offset = static_cast<const Table*>(cache_->Value(handle))->ApproximateOffsetOf(ikey);
  cache_->Release(handle);
  return s;
}

Status TableCache::Verify(const FileMetaData& file) {
  Cache::Handle* handle = nullptr;
  Status s = FindTable(file, &handle);
  if (!s.ok()) return s;
  s = static_cast<Table*>(cache_->Value(handle))->VerifyChecksums();
  cache_->Release(handle);
  return s;
}

void TableCache::Warm(const FileMetaData& file) {
  Cache::Handle* handle = nullptr;
  if (!FindTable(file, &handle).ok()) return;
  static_cast<Table*>(cache_->Value(handle))->Warm();
  cache_->Release(handle);
}

void TableCache::Evict(uint64_t file_number) {
  char key_buf[8];
  EncodeFixed64(key_buf, file_number);
  cache_->Erase(std::string_view(key_buf, sizeof(key_buf)));
}

}  // namespace lsmdb
