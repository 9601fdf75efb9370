// The data model of lsmdb-server over one lsmdb database (docs/SERVER.md, "Storage").
//
// Every Redis key has a metadata entry `'m' + key` whose value is an envelope:
//   byte 0      type: 's' string, 'h' hash
//   bytes 1..8  expiry, Unix milliseconds, little-endian uint64; 0 = never
//   bytes 9..   string: the value; hash: version (u64 LE), field count (u64 LE)
// A hash field is `'f' + be32(len(key)) + key + be64(version) + field` -> value. A key whose
// expiry is <= now is absent to every command. Fields whose version differs from their
// key's live metadata are garbage (left for compaction). Internal entries start with 0x00.
//
// Txn reads through its own pending writes (so the commands of MULTI/EXEC see each
// other's effects) and commits them as one WriteBatch.
//
// Thread-safety: Store is thread-safe; a Txn belongs to one thread. Callers serialise
// writers of the same key with Store::KeyLocks (commands.cc does).
#ifndef LSMDB_TOOLS_SERVER_STORE_H_
#define LSMDB_TOOLS_SERVER_STORE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "lsmdb/db.h"

namespace lsmdb::server {

enum class FsyncPolicy { kAlways, kEverysec, kNo };

struct Meta {
  char type = 0;          // 's' or 'h'
  int64_t expire_ms = 0;  // 0 = no expiry
  std::string value;      // strings
  uint64_t version = 0;   // hashes
  uint64_t count = 0;     // hashes
};

std::string MetaKey(std::string_view key);
std::string EncodeMeta(const Meta& m);
bool DecodeMeta(std::string_view v, Meta* m);
// Prefix of the fields of version `version` of hash `key`; a field key is prefix + field.
std::string FieldPrefix(std::string_view key, uint64_t version);

int64_t NowMs();
int64_t NowUs();

class Store;

class Txn {
 public:
  explicit Txn(Store* store) : store_(store) {}
  // The raw value of an lsmdb key, pending writes first. NotFound if absent.
  Status GetRaw(std::string_view key, std::string* value);
  void PutRaw(std::string_view key, std::string_view value);
  void DeleteRaw(std::string_view key);
  // Calls fn(key, value) for each entry with key in [start, limit) in order, pending
  // writes merged in, until fn returns false.
  Status Scan(std::string_view start, std::string_view limit,
              const std::function<bool(std::string_view, std::string_view)>& fn);

  // The live metadata of a Redis key: OK with *found=false when absent or expired.
  Status GetMeta(std::string_view key, int64_t now_ms, Meta* m, bool* found);
  void PutMeta(std::string_view key, const Meta& m);
  // Removes a key of any type (the metadata only: a hash's fields become garbage).
  void DeleteKey(std::string_view key);
  void Touch(std::string_view key) { touched_.emplace_back(key); }

  // Applies the pending writes as one batch (synced as the fsync policy says) and bumps
  // the watch versions of the touched keys.
  Status Commit();
  bool HasWrites() const { return batch_.Count() > 0; }

 private:
  Store* store_;
  WriteBatch batch_;
  std::map<std::string, std::optional<std::string>, std::less<>> pending_;
  std::vector<std::string> touched_;
};

class Store {
 public:
  static constexpr size_t kStripes = 4096;
  static constexpr size_t kWatchSlots = 65536;

  Store(std::unique_ptr<DB> db, FsyncPolicy policy);
  ~Store();

  DB* db() { return db_.get(); }
  FsyncPolicy policy() const { return policy_.load(); }
  void set_policy(FsyncPolicy p) { policy_.store(p); }

  // A fresh hash version, unique over the life of the database.
  Status NewVersion(uint64_t* version);

  // Locks the stripes of the keys (sorted, deduplicated) until the guard goes.
  class KeyLocks {
   public:
    KeyLocks(Store* store, const std::vector<std::string_view>& keys, bool exclusive_all);
    ~KeyLocks();
    KeyLocks(const KeyLocks&) = delete;
    KeyLocks& operator=(const KeyLocks&) = delete;

   private:
    Store* store_;
    std::vector<size_t> stripes_;
    bool all_;
  };

  uint64_t WatchVersion(std::string_view key) const;
  void BumpWatch(std::string_view key);
  void BumpAllWatches() { watch_epoch_.fetch_add(1); }

  // Makes every write so far durable (a synced marker write): the everysec thread and
  // --appendfsync changes use it.
  Status SyncLog();
  // Writes since the last SyncLog.
  bool Dirty() const { return dirty_.load(); }
  void MarkDirty() { dirty_.store(true); }

  std::atomic<uint64_t> fsyncs{0};

 private:
  std::unique_ptr<DB> db_;
  std::atomic<FsyncPolicy> policy_;
  std::shared_mutex all_mu_;
  std::unique_ptr<std::mutex[]> stripes_;
  std::unique_ptr<std::atomic<uint64_t>[]> watch_;
  std::atomic<uint64_t> watch_epoch_{0};
  std::atomic<bool> dirty_{false};
  std::mutex version_mu_;
  uint64_t next_version_ = 0;
  uint64_t version_ceiling_ = 0;
};

}  // namespace lsmdb::server

#endif  // LSMDB_TOOLS_SERVER_STORE_H_
