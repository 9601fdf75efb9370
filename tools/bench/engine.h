// Engine: the small key-value interface that lsmdb_bench drives, with one implementation
// per store: engine_lsmdb.cc, engine_leveldb.cc, engine_rocksdb.cc. The workloads see only
// this interface, so every store runs exactly the same code with the same keys and values;
// the only differences are inside the stores and in how EngineOptions maps onto each
// store's own options (documented in docs/PERFORMANCE.md).
//
// Thread-safety: after Open, Put/Get/Delete/Write/NewIterator may be called from many
// threads at once (every store underneath is thread-safe). Open, Close, Destroy and
// CompactAll must not race with anything else. An EngineIterator or EngineBatch is used by
// one thread at a time.
#ifndef LSMDB_TOOLS_BENCH_ENGINE_H_
#define LSMDB_TOOLS_BENCH_ENGINE_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lsmdb/status.h"

namespace lsmdb::bench {

enum class Compression { kNone, kSnappy, kLz4, kZstd };

// The options every engine is opened with. Each field maps onto the store's equivalent
// option; an engine that cannot honour one fails Open with NotSupported.
struct EngineOptions {
  // Bytes of writes a memtable holds before it is flushed.
  size_t write_buffer_size = size_t{4} << 20;
  // Uncompressed bytes per table block.
  size_t block_size = 4096;
  // Keys between restart points of a block (prefix compression restarts); 0 keeps each
  // store's own default (16 in all three).
  int block_restart_interval = 0;
  // Bytes of the block cache; 0 disables it.
  size_t cache_size = size_t{8} << 20;
  // Bloom filter bits per key; 0 builds no filter.
  int bloom_bits = 10;
  Compression compression = Compression::kNone;
  // Writes skip the write-ahead log.
  bool disable_wal = false;
  // Level shape; 0 (or false) keeps each store's own default. LevelDB has no level base
  // option (fixed at 10 MiB) and no dynamic level sizing: it fails Open if they are set.
  uint64_t target_file_size = 0;
  uint64_t max_bytes_for_level_base = 0;
  bool dynamic_level_bytes = false;
};

// A cursor over the engine's keys, in bytewise order.
class EngineIterator {
 public:
  virtual ~EngineIterator() = default;
  virtual bool Valid() const = 0;
  virtual void SeekToFirst() = 0;
  virtual void SeekToLast() = 0;
  // Positions at the first key >= target.
  virtual void Seek(std::string_view target) = 0;
  // REQUIRES: Valid().
  virtual void Next() = 0;
  // REQUIRES: Valid().
  virtual void Prev() = 0;
  // REQUIRES: Valid(). The bytes stay valid until the iterator moves or is destroyed.
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  virtual Status status() const = 0;
};

// A group of updates applied atomically by Engine::Write.
class EngineBatch {
 public:
  virtual ~EngineBatch() = default;
  virtual void Put(std::string_view key, std::string_view value) = 0;
  virtual void Delete(std::string_view key) = 0;
  virtual void Clear() = 0;
};

class Engine {
 public:
  virtual ~Engine() = default;

  // "lsmdb", "leveldb" or "rocksdb".
  virtual std::string_view name() const = 0;
  // Remarks printed once before the engine's results (for example that the library was
  // built with assertions on). Empty if none.
  virtual std::string Notes() const { return {}; }
  // Which build runs: "<store> <version>, release|assertions on|unknown, <library file>"
  // (build_info.h), printed in the engine's section header and beside the --engine=all
  // table.
  virtual std::string Build() const = 0;

  // Opens (creating if missing) the database in directory path.
  // REQUIRES: not open.
  virtual Status Open(const EngineOptions& options, const std::string& path) = 0;
  // Closes the database, waiting for its background work. No-op if not open.
  virtual void Close() = 0;
  // Removes the database in path with the store's own DestroyDB. REQUIRES: not open.
  virtual Status Destroy(const std::string& path) = 0;

  // The write calls fsync the log before returning when sync is true.
  virtual Status Put(std::string_view key, std::string_view value, bool sync) = 0;
  virtual Status Delete(std::string_view key, bool sync) = 0;
  virtual std::unique_ptr<EngineBatch> NewBatch() = 0;
  // REQUIRES: batch came from this engine's NewBatch.
  virtual Status Write(EngineBatch* batch, bool sync) = 0;
  // NotFound when key is absent.
  virtual Status Get(std::string_view key, std::string* value) = 0;
  // The iterator must be destroyed before Close.
  virtual std::unique_ptr<EngineIterator> NewIterator() = 0;

  // Compacts the whole key range (flushing the memtable first).
  virtual Status CompactAll() = 0;
  // Returns once the store's background flushes and compactions have caught up (no level
  // over its target, nothing running), or an error after `timeout_seconds`. LevelDB has
  // no such signal: its level sizes are read from "leveldb.stats" and compared with its
  // fixed targets (MB-rounded).
  virtual Status WaitForCompaction(int timeout_seconds) = 0;
  // The store's own statistics text (its "<store>.stats" property and level summary).
  virtual std::string Stats() = 0;
};

// Factories, defined only in a binary built with that store (use NewEngine instead).
std::unique_ptr<Engine> NewLsmdbEngine();
std::unique_ptr<Engine> NewLevelDBEngine();
std::unique_ptr<Engine> NewRocksDBEngine();

// The names of the engines built into this binary, in the order lsmdb, leveldb, rocksdb.
std::vector<std::string> BuiltEngines();
// A new, unopened engine by name; null if that engine is unknown or not built.
std::unique_ptr<Engine> NewEngine(std::string_view name);

}  // namespace lsmdb::bench

#endif  // LSMDB_TOOLS_BENCH_ENGINE_H_
