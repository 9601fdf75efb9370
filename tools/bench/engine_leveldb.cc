// The LevelDB engine (Debian's libleveldb-dev). LevelDB cannot skip its log or use lz4 or
// zstd: Open refuses those options with NotSupported rather than measuring something else.
#include <leveldb/cache.h>
#include <leveldb/db.h>
#include <leveldb/filter_policy.h>
#include <leveldb/iterator.h>
#include <leveldb/options.h>
#include <leveldb/write_batch.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "build_info.h"
#include "engine.h"

namespace lsmdb::bench {
namespace {

leveldb::Slice ToSlice(std::string_view s) { return leveldb::Slice(s.data(), s.size()); }
std::string_view ToView(const leveldb::Slice& s) { return std::string_view(s.data(), s.size()); }

Status FromLevelDB(const leveldb::Status& s) {
  if (s.ok()) return Status::OK();
  if (s.IsNotFound()) return Status::NotFound("leveldb");
  if (s.IsCorruption()) return Status::Corruption("leveldb", s.ToString());
  if (s.IsInvalidArgument()) return Status::InvalidArgument("leveldb", s.ToString());
  if (s.IsNotSupportedError()) return Status::NotSupported("leveldb", s.ToString());
  return Status::IOError("leveldb", s.ToString());
}

class LevelDBIterator final : public EngineIterator {
 public:
  explicit LevelDBIterator(leveldb::Iterator* it) : it_(it) {}
  bool Valid() const override { return it_->Valid(); }
  void SeekToFirst() override { it_->SeekToFirst(); }
  void SeekToLast() override { it_->SeekToLast(); }
  void Seek(std::string_view target) override { it_->Seek(ToSlice(target)); }
  void Next() override { it_->Next(); }
  void Prev() override { it_->Prev(); }
  std::string_view key() const override { return ToView(it_->key()); }
  std::string_view value() const override { return ToView(it_->value()); }
  Status status() const override { return FromLevelDB(it_->status()); }

 private:
  std::unique_ptr<leveldb::Iterator> it_;
};

class LevelDBBatch final : public EngineBatch {
 public:
  void Put(std::string_view key, std::string_view value) override {
    batch.Put(ToSlice(key), ToSlice(value));
  }
  void Delete(std::string_view key) override { batch.Delete(ToSlice(key)); }
  void Clear() override { batch.Clear(); }

  leveldb::WriteBatch batch;
};

class LevelDBEngine final : public Engine {
 public:
  ~LevelDBEngine() override { Close(); }
  std::string_view name() const override { return "leveldb"; }
  std::string Notes() const override {
    if (FindLoadedLibrary("libleveldb.so").kind != BuildKind::kAssertions) return {};
    return "note: this libleveldb is built with assertions enabled (no NDEBUG; "
           "scripts/bench_anchors.sh builds a release one)";
  }
  std::string Build() const override {
    return DescribeBuild("leveldb " + std::to_string(leveldb::kMajorVersion) + "." +
                             std::to_string(leveldb::kMinorVersion),
                         FindLoadedLibrary("libleveldb.so"));
  }

  Status Open(const EngineOptions& o, const std::string& path) override {
    if (o.disable_wal) return Status::NotSupported("leveldb cannot disable its log");
    if (o.max_bytes_for_level_base > 0 || o.dynamic_level_bytes) {
      return Status::NotSupported("leveldb's level targets are fixed");
    }
    leveldb::Options options;
    options.create_if_missing = true;
    options.write_buffer_size = o.write_buffer_size;
    options.block_size = o.block_size;
    if (o.block_restart_interval > 0) options.block_restart_interval = o.block_restart_interval;
    if (o.target_file_size > 0) options.max_file_size = o.target_file_size;
    // A capacity of 0 turns LevelDB's cache off (LevelDB >= 1.21).
    cache_.reset(leveldb::NewLRUCache(o.cache_size));
    options.block_cache = cache_.get();
    if (o.bloom_bits > 0) filter_.reset(leveldb::NewBloomFilterPolicy(o.bloom_bits));
    options.filter_policy = filter_.get();
    switch (o.compression) {
      case Compression::kNone:
        options.compression = leveldb::kNoCompression;
        break;
      case Compression::kSnappy:
        options.compression = leveldb::kSnappyCompression;
        break;
      case Compression::kLz4:
      case Compression::kZstd:
        return Status::NotSupported("leveldb supports only snappy compression");
    }
    leveldb::DB* db = nullptr;
    Status s = FromLevelDB(leveldb::DB::Open(options, path, &db));
    db_.reset(db);
    return s;
  }
  void Close() override {
    db_.reset();
    cache_.reset();
    filter_.reset();
  }
  Status Destroy(const std::string& path) override {
    return FromLevelDB(leveldb::DestroyDB(path, leveldb::Options()));
  }

  Status Put(std::string_view key, std::string_view value, bool sync) override {
    return FromLevelDB(db_->Put(WriteOpts(sync), ToSlice(key), ToSlice(value)));
  }
  Status Delete(std::string_view key, bool sync) override {
    return FromLevelDB(db_->Delete(WriteOpts(sync), ToSlice(key)));
  }
  std::unique_ptr<EngineBatch> NewBatch() override { return std::make_unique<LevelDBBatch>(); }
  Status Write(EngineBatch* batch, bool sync) override {
    return FromLevelDB(db_->Write(WriteOpts(sync), &static_cast<LevelDBBatch*>(batch)->batch));
  }
  Status Get(std::string_view key, std::string* value) override {
    return FromLevelDB(db_->Get(leveldb::ReadOptions(), ToSlice(key), value));
  }
  std::unique_ptr<EngineIterator> NewIterator() override {
    return std::make_unique<LevelDBIterator>(db_->NewIterator(leveldb::ReadOptions()));
  }

  Status CompactAll() override {
    db_->CompactRange(nullptr, nullptr);
    return Status::OK();
  }
  Status WaitForCompaction(int timeout_seconds) override {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      if (Settled()) return Status::OK();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return Status::Busy("compactions still pending after the timeout");
  }
  std::string Stats() override {
    std::string out;
    std::string part;
    if (db_->GetProperty("leveldb.stats", &part)) out += part;
    if (db_->GetProperty("leveldb.approximate-memory-usage", &part)) {
      out += "approximate-memory-usage: " + part + "\n";
    }
    return out;
  }

 private:
  // LevelDB 1.23 compacts L0 at 4 tables and level N >= 1 above 10^N MiB; with no level
  // over those, no compaction is running or due (it runs one at a time, picked from the
  // current version, whose shape a running compaction does not change until it ends).
  bool Settled() {
    std::string v;
    if (!db_->GetProperty("leveldb.num-files-at-level0", &v) || std::stoi(v) >= 4) return false;
    std::string stats;
    if (!db_->GetProperty("leveldb.stats", &stats)) return false;
    std::istringstream lines(stats);
    std::string line;
    while (std::getline(lines, line)) {
      int level = 0, files = 0;
      double size_mb = 0;
      if (std::sscanf(line.c_str(), "%d %d %lf", &level, &files, &size_mb) != 3) continue;
      if (level >= 1 && size_mb > 10.0 * std::pow(10.0, level - 1)) return false;
    }
    return true;
  }

  static leveldb::WriteOptions WriteOpts(bool sync) {
    leveldb::WriteOptions w;
    w.sync = sync;
    return w;
  }

  // Declared before db_ so that the DB is deleted first.
  std::unique_ptr<leveldb::Cache> cache_;
  std::unique_ptr<const leveldb::FilterPolicy> filter_;
  std::unique_ptr<leveldb::DB> db_;
};

}  // namespace

std::unique_ptr<Engine> NewLevelDBEngine() { return std::make_unique<LevelDBEngine>(); }

}  // namespace lsmdb::bench
