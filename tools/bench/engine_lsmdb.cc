// The lsmdb engine: EngineOptions mapped onto lsmdb::Options through the public API only.
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "engine.h"
#include "lsmdb/db.h"
#include "lsmdb/iterator.h"
#include "lsmdb/options.h"
#include "lsmdb/write_batch.h"

namespace lsmdb::bench {
namespace {

class LsmdbIterator final : public EngineIterator {
 public:
  explicit LsmdbIterator(std::unique_ptr<Iterator> it) : it_(std::move(it)) {}
  bool Valid() const override { return it_->Valid(); }
  void SeekToFirst() override { it_->SeekToFirst(); }
  void SeekToLast() override { it_->SeekToLast(); }
  void Seek(std::string_view target) override { it_->Seek(target); }
  void Next() override { it_->Next(); }
  void Prev() override { it_->Prev(); }
  std::string_view key() const override { return it_->key(); }
  std::string_view value() const override { return it_->value(); }
  Status status() const override { return it_->status(); }

 private:
  std::unique_ptr<Iterator> it_;
};

class LsmdbBatch final : public EngineBatch {
 public:
  void Put(std::string_view key, std::string_view value) override { batch.Put(key, value); }
  void Delete(std::string_view key) override { batch.Delete(key); }
  void Clear() override { batch.Clear(); }

  WriteBatch batch;
};

CompressionType ToLsmdb(Compression c) {
  switch (c) {
    case Compression::kNone:
      return CompressionType::kNone;
    case Compression::kSnappy:
      return CompressionType::kSnappy;
    case Compression::kLz4:
      return CompressionType::kLz4;
    case Compression::kZstd:
      return CompressionType::kZstd;
  }
  return CompressionType::kNone;
}

class LsmdbEngine final : public Engine {
 public:
  std::string_view name() const override { return "lsmdb"; }
  // Linked statically, built with the same flags as this file.
  std::string Build() const override {
#ifdef NDEBUG
    return "lsmdb (this tree), release, linked in";
#else
    return "lsmdb (this tree), assertions on, linked in";
#endif
  }

  Status Open(const EngineOptions& o, const std::string& path) override {
    Options options;
    options.create_if_missing = true;
    options.write_buffer_size = o.write_buffer_size;
    options.block_size = o.block_size;
    if (o.block_restart_interval > 0) options.block_restart_interval = o.block_restart_interval;
    options.block_cache_capacity = o.cache_size;
    options.bloom_bits_per_key = o.bloom_bits;
    options.compression = ToLsmdb(o.compression);
    if (o.target_file_size > 0) options.target_file_size = o.target_file_size;
    if (o.max_bytes_for_level_base > 0) {
      options.max_bytes_for_level_base = o.max_bytes_for_level_base;
    }
    if (o.dynamic_level_bytes) options.level_compaction_dynamic_level_bytes = true;
    disable_wal_ = o.disable_wal;
    return DB::Open(options, path, &db_);
  }
  void Close() override { db_.reset(); }
  Status Destroy(const std::string& path) override { return DestroyDB(path, Options{}); }

  Status Put(std::string_view key, std::string_view value, bool sync) override {
    return db_->Put(WriteOpts(sync), key, value);
  }
  Status Delete(std::string_view key, bool sync) override {
    return db_->Delete(WriteOpts(sync), key);
  }
  std::unique_ptr<EngineBatch> NewBatch() override { return std::make_unique<LsmdbBatch>(); }
  Status Write(EngineBatch* batch, bool sync) override {
    return db_->Write(WriteOpts(sync), &static_cast<LsmdbBatch*>(batch)->batch);
  }
  Status Get(std::string_view key, std::string* value) override {
    return db_->Get(ReadOptions{}, key, value);
  }
  std::unique_ptr<EngineIterator> NewIterator() override {
    return std::make_unique<LsmdbIterator>(db_->NewIterator(ReadOptions{}));
  }

  Status CompactAll() override { return db_->CompactRange(nullptr, nullptr); }
  Status WaitForCompaction(int timeout_seconds) override {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    std::string pending;
    while (std::chrono::steady_clock::now() < deadline) {
      if (!db_->GetProperty("lsmdb.compaction-pending", &pending)) {
        return Status::NotSupported("lsmdb.compaction-pending");
      }
      if (pending == "0") return Status::OK();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return Status::Busy("compactions still pending after the timeout");
  }
  std::string Stats() override {
    std::string out;
    if (!db_->GetProperty("lsmdb.stats", &out)) out = "(lsmdb.stats unavailable)\n";
    return out;
  }

 private:
  WriteOptions WriteOpts(bool sync) const {
    return WriteOptions{.sync = sync, .disable_wal = disable_wal_ && !sync};
  }

  std::unique_ptr<DB> db_;
  bool disable_wal_ = false;
};

}  // namespace

std::unique_ptr<Engine> NewLsmdbEngine() { return std::make_unique<LsmdbEngine>(); }

}  // namespace lsmdb::bench
