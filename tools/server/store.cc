// The server's data model over lsmdb (store.h).
#include "store.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>

namespace lsmdb::server {

namespace {

constexpr std::string_view kVersionKey("\0hash-version-ceiling", 21);
constexpr std::string_view kSyncKey("\0sync", 5);
constexpr uint64_t kVersionBlock = 1 << 20;

void PutLE64(std::string* s, uint64_t v) {
  for (int i = 0; i < 8; i++) s->push_back(static_cast<char>(v >> (8 * i)));
}
uint64_t GetLE64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v |= uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
  return v;
}
void PutBE(std::string* s, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; i--) s->push_back(static_cast<char>(v >> (8 * i)));
}

size_t HashOf(std::string_view key) { return std::hash<std::string_view>{}(key); }

}  // namespace

std::string MetaKey(std::string_view key) {
  std::string k;
  k.reserve(key.size() + 1);
  k.push_back('m');
  k.append(key);
  return k;
}

std::string EncodeMeta(const Meta& m) {
  std::string v;
  v.reserve(9 + (m.type == 's' ? m.value.size() : 16));
  v.push_back(m.type);
  PutLE64(&v, static_cast<uint64_t>(m.expire_ms));
  if (m.type == 's') {
    v.append(m.value);
  } else {
    PutLE64(&v, m.version);
    PutLE64(&v, m.count);
  }
  return v;
}

bool DecodeMeta(std::string_view v, Meta* m) {
  if (v.size() < 9) return false;
  m->type = v[0];
  m->expire_ms = static_cast<int64_t>(GetLE64(v.data() + 1));
  if (m->type == 's') {
    m->value.assign(v.substr(9));
    return true;
  }
  if (m->type == 'h' && v.size() == 25) {
    m->version = GetLE64(v.data() + 9);
    m->count = GetLE64(v.data() + 17);
    return true;
  }
  return false;
}

std::string FieldPrefix(std::string_view key, uint64_t version) {
  std::string k;
  k.reserve(key.size() + 13);
  k.push_back('f');
  PutBE(&k, key.size(), 4);
  k.append(key);
  PutBE(&k, version, 8);
  return k;
}

int64_t NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}
int64_t NowUs() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

Status Txn::GetRaw(std::string_view key, std::string* value) {
  auto it = pending_.find(key);
  if (it != pending_.end()) {
    if (!it->second) return Status::NotFound("");
    *value = *it->second;
    return Status::OK();
  }
  return store_->db()->Get(ReadOptions{}, key, value);
}

void Txn::PutRaw(std::string_view key, std::string_view value) {
  batch_.Put(key, value);
  pending_.insert_or_assign(std::string(key), std::string(value));
}

void Txn::DeleteRaw(std::string_view key) {
  batch_.Delete(key);
  pending_.insert_or_assign(std::string(key), std::nullopt);
}

Status Txn::Scan(std::string_view start, std::string_view limit,
                 const std::function<bool(std::string_view, std::string_view)>& fn) {
  ReadOptions ro;
  ro.upper_bound = limit;
  std::unique_ptr<Iterator> it = store_->db()->NewIterator(ro);
  it->Seek(start);
  auto p = pending_.lower_bound(start);
  auto p_end = pending_.lower_bound(limit);
  while (true) {
    bool db_ok = it->Valid();
    bool p_ok = p != p_end;
    if (!db_ok && !p_ok) break;
    int cmp = !db_ok ? 1 : !p_ok ? -1 : it->key().compare(p->first);
    if (cmp < 0) {
      if (!fn(it->key(), it->value())) return Status::OK();
      it->Next();
    } else {
      if (p->second && !fn(p->first, *p->second)) return Status::OK();
      if (cmp == 0) it->Next();
      ++p;
    }
  }
  return it->status();
}

Status Txn::GetMeta(std::string_view key, int64_t now_ms, Meta* m, bool* found) {
  *found = false;
  std::string raw;
  Status s = GetRaw(MetaKey(key), &raw);
  if (s.IsNotFound()) return Status::OK();
  if (!s.ok()) return s;
  if (!DecodeMeta(raw, m)) {
    return Status::Corruption("lsmdb-server: bad metadata envelope for a key");
  }
  if (m->expire_ms != 0 && m->expire_ms <= now_ms) return Status::OK();
  *found = true;
  return Status::OK();
}

void Txn::PutMeta(std::string_view key, const Meta& m) {
  PutRaw(MetaKey(key), EncodeMeta(m));
  Touch(key);
}

void Txn::DeleteKey(std::string_view key) {
  DeleteRaw(MetaKey(key));
  Touch(key);
}

Status Txn::Commit() {
  if (batch_.Count() == 0) return Status::OK();
  WriteOptions wo;
  wo.sync = store_->policy() == FsyncPolicy::kAlways;
  Status s = store_->db()->Write(wo, &batch_);
  if (s.ok()) {
    if (wo.sync) {
      store_->fsyncs.fetch_add(1, std::memory_order_relaxed);
    } else {
      store_->MarkDirty();
    }
  }
  for (const std::string& k : touched_) store_->BumpWatch(k);
  batch_.Clear();
  pending_.clear();
  touched_.clear();
  return s;
}

Store::Store(std::unique_ptr<DB> db, FsyncPolicy policy)
    : db_(std::move(db)),
      policy_(policy),
      stripes_(new std::mutex[kStripes]),
      watch_(new std::atomic<uint64_t>[kWatchSlots]) {
  for (size_t i = 0; i < kWatchSlots; i++) watch_[i].store(0);
}

Store::~Store() = default;

Status Store::NewVersion(uint64_t* version) {
  std::lock_guard<std::mutex> l(version_mu_);
  if (next_version_ >= version_ceiling_) {
    if (version_ceiling_ == 0) {
      std::string raw;
      Status s = db_->Get(ReadOptions{}, kVersionKey, &raw);
      if (s.ok() && raw.size() == 8) {
        version_ceiling_ = GetLE64(raw.data());
      } else if (!s.ok() && !s.IsNotFound()) {
        return s;
      }
      next_version_ = version_ceiling_ + 1;
    }
    uint64_t ceiling = next_version_ + kVersionBlock;
    std::string raw;
    PutLE64(&raw, ceiling);
    // Synced before any version of the block is used, so none is ever issued twice.
    Status s = db_->Put(WriteOptions{.sync = true}, kVersionKey, raw);
    if (!s.ok()) return s;
    version_ceiling_ = ceiling;
  }
  *version = next_version_++;
  return Status::OK();
}

Store::KeyLocks::KeyLocks(Store* store, const std::vector<std::string_view>& keys,
                          bool exclusive_all)
    : store_(store), all_(exclusive_all) {
  if (all_) {
    store_->all_mu_.lock();
    return;
  }
  store_->all_mu_.lock_shared();
  for (std::string_view k : keys) stripes_.push_back(HashOf(k) % kStripes);
  std::sort(stripes_.begin(), stripes_.end());
  stripes_.erase(std::unique(stripes_.begin(), stripes_.end()), stripes_.end());
  for (size_t i : stripes_) store_->stripes_[i].lock();
}

Store::KeyLocks::~KeyLocks() {
  if (all_) {
    store_->all_mu_.unlock();
    return;
  }
  for (auto it = stripes_.rbegin(); it != stripes_.rend(); ++it) store_->stripes_[*it].unlock();
  store_->all_mu_.unlock_shared();
}

uint64_t Store::WatchVersion(std::string_view key) const {
  return watch_[(HashOf(key) >> 12) % kWatchSlots].load() + watch_epoch_.load();
}

void Store::BumpWatch(std::string_view key) {
  watch_[(HashOf(key) >> 12) % kWatchSlots].fetch_add(1);
}

Status Store::SyncLog() {
  dirty_.store(false);
  Status s = db_->Put(WriteOptions{.sync = true}, kSyncKey, "");
  if (s.ok()) fsyncs.fetch_add(1, std::memory_order_relaxed);
  return s;
}

}  // namespace lsmdb::server
