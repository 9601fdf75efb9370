// The RocksDB engine (Debian's librocksdb-dev, or the release build of
// scripts/bench_anchors.sh through LD_LIBRARY_PATH). Debian builds RocksDB with assertions
// enabled, which makes it slower than a release build; Notes() says so when that build
// is loaded. Bloom filters are full (format_version >= 5) filters of BlockBasedTableOptions.
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/version.h>
#include <rocksdb/write_batch.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "build_info.h"
#include "engine.h"

namespace lsmdb::bench {
namespace {

rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
std::string_view ToView(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

Status FromRocksDB(const rocksdb::Status& s) {
  if (s.ok()) return Status::OK();
  if (s.IsNotFound()) return Status::NotFound("rocksdb");
  if (s.IsCorruption()) return Status::Corruption("rocksdb", s.ToString());
  if (s.IsInvalidArgument()) return Status::InvalidArgument("rocksdb", s.ToString());
  if (s.IsNotSupported()) return Status::NotSupported("rocksdb", s.ToString());
  return Status::IOError("rocksdb", s.ToString());
}

class RocksDBIterator final : public EngineIterator {
 public:
  explicit RocksDBIterator(rocksdb::Iterator* it) : it_(it) {}
  bool Valid() const override { return it_->Valid(); }
  void SeekToFirst() override { it_->SeekToFirst(); }
  void SeekToLast() override { it_->SeekToLast(); }
  void Seek(std::string_view target) override { it_->Seek(ToSlice(target)); }
  void Next() override { it_->Next(); }
  void Prev() override { it_->Prev(); }
  std::string_view key() const override { return ToView(it_->key()); }
  std::string_view value() const override { return ToView(it_->value()); }
  Status status() const override { return FromRocksDB(it_->status()); }

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
};

class RocksDBBatch final : public EngineBatch {
 public:
  void Put(std::string_view key, std::string_view value) override {
    batch.Put(ToSlice(key), ToSlice(value)).PermitUncheckedError();
  }
  void Delete(std::string_view key) override { batch.Delete(ToSlice(key)).PermitUncheckedError(); }
  void Clear() override { batch.Clear(); }

  rocksdb::WriteBatch batch;
};

rocksdb::CompressionType ToRocksDB(Compression c) {
  switch (c) {
    case Compression::kNone:
      return rocksdb::kNoCompression;
    case Compression::kSnappy:
      return rocksdb::kSnappyCompression;
    case Compression::kLz4:
      return rocksdb::kLZ4Compression;
    case Compression::kZstd:
      return rocksdb::kZSTD;
  }
  return rocksdb::kNoCompression;
}

class RocksDBEngine final : public Engine {
 public:
  ~RocksDBEngine() override { Close(); }
  std::string_view name() const override { return "rocksdb"; }
  std::string Notes() const override {
    if (FindLoadedLibrary("librocksdb.so").kind != BuildKind::kAssertions) return {};
    return "note: this librocksdb is built with assertions enabled (no NDEBUG); its "
           "figures are lower than a release build of RocksDB would give "
           "(scripts/bench_anchors.sh builds one)";
  }
  std::string Build() const override {
    return DescribeBuild("rocksdb " + rocksdb::GetRocksVersionAsString(true),
                         FindLoadedLibrary("librocksdb.so"));
  }

  Status Open(const EngineOptions& o, const std::string& path) override {
    rocksdb::Options options;
    options.create_if_missing = true;
    options.write_buffer_size = o.write_buffer_size;
    options.compression = ToRocksDB(o.compression);
    if (o.target_file_size > 0) options.target_file_size_base = o.target_file_size;
    if (o.max_bytes_for_level_base > 0) {
      options.max_bytes_for_level_base = o.max_bytes_for_level_base;
    }
    if (o.dynamic_level_bytes) options.level_compaction_dynamic_level_bytes = true;
    rocksdb::BlockBasedTableOptions table;
    table.block_size = o.block_size;
    if (o.block_restart_interval > 0) table.block_restart_interval = o.block_restart_interval;
    if (o.cache_size > 0) {
      table.block_cache = rocksdb::NewLRUCache(o.cache_size);
    } else {
      table.no_block_cache = true;
    }
    if (o.bloom_bits > 0) {
      table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(o.bloom_bits, false));
    }
    options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    disable_wal_ = o.disable_wal;
    rocksdb::DB* db = nullptr;
    Status s = FromRocksDB(rocksdb::DB::Open(options, path, &db));
    db_.reset(db);
    return s;
  }
  void Close() override {
    if (db_ != nullptr) db_->Close().PermitUncheckedError();
    db_.reset();
  }
  Status Destroy(const std::string& path) override {
    return FromRocksDB(rocksdb::DestroyDB(path, rocksdb::Options()));
  }

  Status Put(std::string_view key, std::string_view value, bool sync) override {
    return FromRocksDB(db_->Put(WriteOpts(sync), ToSlice(key), ToSlice(value)));
  }
  Status Delete(std::string_view key, bool sync) override {
    return FromRocksDB(db_->Delete(WriteOpts(sync), ToSlice(key)));
  }
  std::unique_ptr<EngineBatch> NewBatch() override { return std::make_unique<RocksDBBatch>(); }
  Status Write(EngineBatch* batch, bool sync) override {
    return FromRocksDB(db_->Write(WriteOpts(sync), &static_cast<RocksDBBatch*>(batch)->batch));
  }
  Status Get(std::string_view key, std::string* value) override {
    return FromRocksDB(db_->Get(rocksdb::ReadOptions(), ToSlice(key), value));
  }
  std::unique_ptr<EngineIterator> NewIterator() override {
    return std::make_unique<RocksDBIterator>(db_->NewIterator(rocksdb::ReadOptions()));
  }

  Status CompactAll() override {
    return FromRocksDB(db_->CompactRange(rocksdb::CompactRangeOptions(), nullptr, nullptr));
  }
  Status WaitForCompaction(int timeout_seconds) override {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      uint64_t busy = 0;
      for (const char* p : {"rocksdb.compaction-pending", "rocksdb.num-running-compactions",
                            "rocksdb.num-running-flushes", "rocksdb.mem-table-flush-pending"}) {
        uint64_t v = 0;
        if (!db_->GetIntProperty(p, &v)) return Status::NotSupported(p);
        busy += v;
      }
      if (busy == 0) return Status::OK();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return Status::Busy("compactions still pending after the timeout");
  }
  std::string Stats() override {
    std::string out;
    std::string part;
    if (db_->GetProperty("rocksdb.levelstats", &part)) out += part;
    if (db_->GetProperty("rocksdb.stats", &part)) out += part;
    return out;
  }

 private:
  rocksdb::WriteOptions WriteOpts(bool sync) const {
    rocksdb::WriteOptions w;
    w.sync = sync;
    w.disableWAL = disable_wal_ && !sync;
    return w;
  }

  std::unique_ptr<rocksdb::DB> db_;
  bool disable_wal_ = false;
};

}  // namespace

std::unique_ptr<Engine> NewRocksDBEngine() { return std::make_unique<RocksDBEngine>(); }

}  // namespace lsmdb::bench
