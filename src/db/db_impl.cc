#include "db/db_impl.h"

#include <algorithm>
#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>

#include "db/db_iter.h"
#include "db/log_link.h"
#include "db/options_check.h"
#include "db/range_del_reads.h"
#include "sstable/merging_iterator.h"
#include "version/filename.h"

namespace lsmdb {

DB::~DB() = default;
Iterator::~Iterator() = default;
Snapshot::~Snapshot() = default;

namespace {
// Descriptors kept for other files than tables: WAL, MANIFEST, LOG, LOCK, directory.
constexpr int kNonTableFiles = 10;
}  // namespace

DBImpl::DBImpl(const Options& options, std::string dbname, bool read_only)
    : options_(SanitizeOptions(options)),
      read_only_(read_only),
      dbname_(std::move(dbname)),
      fs_(options_.file_system.get()),
      icmp_(options_.comparator),
      block_cache_(options_.block_cache_capacity > 0 ? NewLRUCache(options_.block_cache_capacity)
                                                     : nullptr),
      table_cache_(std::make_unique<TableCache>(dbname_, fs_, &icmp_, block_cache_, &read_stats_,
                                                options_.paranoid_checks,
                                                options_.max_open_files - kNonTableFiles)),
      bg_cv_(&mu_),
      picker_(std::make_unique<CompactionPicker>(&options_, &icmp_)) {}

DBImpl::~DBImpl() {
  {
    MutexLock l(&mu_);
    // Misuse that would otherwise crash later (an iterator reading freed tables, a
    // snapshot released into a freed list): stop here, saying what is wrong.
    const int iterators = live_iterators_.load(std::memory_order_acquire);
    if (iterators != 0 || !snapshots_.empty()) {
      std::fprintf(stderr,
                   "lsmdb: the DB of %s is destroyed while %d iterator(s) and %zu snapshot(s) "
                   "of it are still live; destroy them (ReleaseSnapshot) first\n",
                   dbname_.c_str(), iterators, snapshots_.size());
      std::abort();
    }
    shutting_down_ = true;
    bg_cv_.SignalAll();
  }
  for (auto& t : bg_threads_) t.join();
  if (log_file_) log_file_->Close().PermitUncheckedError();
  if (info_log_) info_log_->Log("closed");
}

Status DB::Open(const Options& options, const std::string& path, std::unique_ptr<DB>* db) {
  db->reset();
  Status s = ValidateOptions(options);
  if (!s.ok()) return s;
  if (path.empty()) return Status::InvalidArgument("database path is empty");
  auto impl = std::make_unique<DBImpl>(options, path);
  s = impl->Open();
  if (s.ok()) *db = std::move(impl);
  return s;
}

Status DBImpl::Open() {
  MutexLock l(&mu_);
  versions_ = std::make_unique<VersionSet>(dbname_, &options_, &icmp_, table_cache_.get(), &mu_);
  VersionEdit edit;
  Status s = Recover(&edit);
  if (!s.ok()) return s;
  wal_last_sequence_ = versions_->LastSequence();
  s = NewLogFile();
  if (!s.ok()) return s;
  edit.SetLogNumber(log_number_);
  s = versions_->LogAndApply(&edit);
  pending_outputs_.clear();
  if (!s.ok()) return s;
  InstallReadView();
  RemoveObsoleteFiles();
  info_log_->Log("opened: last sequence %" PRIu64 ", next file %" PRIu64, versions_->LastSequence(),
                 versions_->next_file_number());
  LogExtensions();
  for (int i = 0; i < options_.max_background_jobs; i++) {
    bg_threads_.emplace_back([this] { BackgroundThread(); });
  }
  return Status::OK();
}

bool DBImpl::StrictWal() const {
  return options_.paranoid_checks ||
         options_.wal_recovery_mode == WalRecoveryMode::kAbsoluteConsistency;
}

Status DBImpl::NewLogFile(bool sync_old) {
  uint64_t number = versions_->NewFileNumber();
  std::unique_ptr<WritableFile> file;
  // A switch from a working log leaves syncing it (and the directory) to the first synced
  // write after it, or to nobody if a flush makes it obsolete first: no fdatasync on the
  // writer's path, and no log bytes written to disk that are deleted unread. The strict
  // modes, in which a log cut short by a power loss fails Open, sync as they switch.
  const bool switching = log_file_ != nullptr;
  const bool defer = switching && sync_old && !StrictWal();
  // Every log starts with its link (Open's first log links to log 0: nothing before it
  // is replayed once Open has recorded it).
  LogLink link;
  link.prev_log_number = log_number_;
  link.prev_last_sequence = wal_last_sequence_;
  // Only the write leader (or Open) gets here, so mem_ and log_ cannot change while the
  // file is created without the mutex.
  mu_.Unlock();
  Status s = switching && sync_old && !defer ? log_file_->Sync() : Status::OK();
  if (s.ok()) {
    // A memory-mapped log (no system call per write group) leaves a record that a crash
    // cut short followed by zeros, which reads as damage rather than as a torn tail: the
    // strict modes, which tell the two apart, get a log written with write().
    const std::string name = LogFileName(dbname_, number);
    s = StrictWal() ? fs_->NewWritableFile(name, &file) : fs_->NewWalFile(name, &file);
  }
  std::unique_ptr<log::Writer> writer;
  if (s.ok()) {
    writer = std::make_unique<log::Writer>(file.get());
    s = writer->AddRecord(EncodeLogLink(link));
  }
  // The log's name must be durable before a synced write in it is acknowledged.
  if (s.ok() && !defer) s = fs_->SyncDir(dbname_);
  mu_.Lock();
  if (!s.ok()) return s;
  if (defer) {
    closed_logs_.push_back(ClosedLog{log_number_, std::move(log_file_)});
    log_dir_synced_ = false;
  } else if (log_file_) {
    log_file_->Close().PermitUncheckedError();
  }
  log_file_ = std::move(file);
  log_ = std::move(writer);
  log_number_ = number;
  // A bloom filter of 1/64 of the memtable's budget (about 16 bits per 130-byte entry)
  // spares most point lookups the skip-list search (MemTableFilter).
  mem_ = std::make_shared<MemTable>(icmp_, options_.write_buffer_size / 64);
  return Status::OK();
}

std::shared_ptr<const ReadView> DBImpl::GetReadView() {
  static std::atomic<size_t> next_slot{0};
  thread_local const size_t slot = next_slot.fetch_add(1, std::memory_order_relaxed) % kViewSlots;
  ViewSlot& vs = view_slots_[slot];
  SpinLockGuard g(&vs.lock);
  return vs.view;
}

void DBImpl::InstallReadView() {
  auto v = std::make_shared<ReadView>();
  v->mem = mem_;
  for (const auto& imm : imm_) v->imm.push_back(imm.mem);
  v->version = versions_->current();
  v->range_del_files = FilesWithRangeTombstones(*v->version);
  // One copy per slot (each with its own reference count); the previous views are
  // released after the loop, outside the spin locks.
  std::vector<std::shared_ptr<const ReadView>> old(kViewSlots);
  for (size_t i = 0; i < kViewSlots; i++) {
    old[i] = i + 1 < kViewSlots ? std::make_shared<ReadView>(*v) : std::move(v);
    SpinLockGuard g(&view_slots_[i].lock);
    view_slots_[i].view.swap(old[i]);
  }
}

Status DBImpl::Get(const ReadOptions& options, std::string_view key, std::string* value) {
  if (value == nullptr) return Status::InvalidArgument("Get: value is null");
  if (options.snapshot != nullptr && !OwnsSnapshot(options.snapshot)) {
    return ForeignSnapshot();
  }
  const SequenceNumber seq = options.snapshot
                                 ? static_cast<const SnapshotImpl*>(options.snapshot)->sequence
                                 : versions_->LastSequence();
  std::shared_ptr<const ReadView> view = GetReadView();  // after seq: it holds seq's writes
  return GetInView(options, *view, seq, key, value);
}

std::vector<Status> DBImpl::MultiGet(const ReadOptions& options,
                                     std::span<const std::string_view> keys,
                                     std::vector<std::string>* values) {
  if (values == nullptr) {
    return std::vector<Status>(keys.size(), Status::InvalidArgument("MultiGet: values is null"));
  }
  values->assign(keys.size(), std::string());
  if (options.snapshot != nullptr && !OwnsSnapshot(options.snapshot)) {
    return std::vector<Status>(keys.size(), ForeignSnapshot());
  }
  const SequenceNumber seq = options.snapshot
                                 ? static_cast<const SnapshotImpl*>(options.snapshot)->sequence
                                 : versions_->LastSequence();
  std::shared_ptr<const ReadView> view = GetReadView();
  std::vector<Status> statuses;
  statuses.reserve(keys.size());
  for (size_t i = 0; i < keys.size(); i++) {
    statuses.push_back(GetInView(options, *view, seq, keys[i], &(*values)[i]));
    if (!statuses.back().ok()) (*values)[i].clear();
  }
  return statuses;
}

Status DBImpl::GetInView(const ReadOptions& options, const ReadView& view, SequenceNumber seq,
                         std::string_view key, std::string* value) {
  LookupKey lkey(key, seq);
  Status s;
  auto done = [&] {
    return IsMergeOperandFound(s) ? GetMerged(options, view, seq, key, value) : s;
  };
  if (HasRangeTombstones(view)) [[unlikely]] {
    SequenceNumber tombstone_seq = 0;
    s = MaxCoveringTombstone(view, table_cache_.get(), key, seq, &tombstone_seq);
    if (!s.ok()) return s;
    // Entries older than the tombstone end the key's history as a deletion would.
    if (tombstone_seq > 0) return GetMerged(options, view, seq, key, value, tombstone_seq);
  }
  if (view.mem->Get(lkey, value, &s)) return done();
  for (const auto& imm : view.imm) {
    if (imm->Get(lkey, value, &s)) return done();
  }
  bool found = false;
  SeekCharge charge;
  s = view.version->Get(options, lkey, value, &found, &charge);
  if (charge.file != nullptr && charge.file->allowed_seeks.Charge()) SeekBudgetSpent(charge);
  if (IsMergeOperandFound(s)) return done();
  if (!s.ok() && !s.IsNotFound()) return s;
  if (!found) return Status::NotFound("");
  return s;
}

std::unique_ptr<InternalIterator> DBImpl::NewInternalIterator(const ReadOptions& options,
                                                              const ReadView& view) {
  std::vector<std::unique_ptr<InternalIterator>> children;
  // At most one child per memtable, per L0 table and per other level: one allocation.
  const Version& v = *view.version;
  children.reserve(1 + view.imm.size() + static_cast<size_t>(v.NumFiles(0)) +
                   static_cast<size_t>(v.num_levels()));
  children.push_back(view.mem->NewIterator());
  for (const auto& imm : view.imm) children.push_back(imm->NewIterator());
  view.version->AddIterators(options, &children);
  return NewMergingIterator(&icmp_, std::move(children), ChildOrder::kNewestFirst);
}

Status DBImpl::ForeignSnapshot() {
  return Status::InvalidArgument("the snapshot of ReadOptions belongs to another database");
}

std::unique_ptr<Iterator> DBImpl::NewIterator(const ReadOptions& options) {
  if (options.snapshot != nullptr && !OwnsSnapshot(options.snapshot)) {
    // Never Valid(), reporting the error.
    return NewDBIterator(&icmp_, NewEmptyIterator(ForeignSnapshot()), 0, options, nullptr);
  }
  const SequenceNumber seq = options.snapshot
                                 ? static_cast<const SnapshotImpl*>(options.snapshot)->sequence
                                 : versions_->LastSequence();
  std::shared_ptr<const ReadView> view = GetReadView();
  auto internal = NewInternalIterator(options, *view);
  std::shared_ptr<const FragmentedRangeTombstones> tombstones;
  Status rs =
      CollectRangeTombstones(*view, table_cache_.get(), icmp_.user_comparator(), seq, &tombstones);
  if (!rs.ok()) return NewDBIterator(&icmp_, NewEmptyIterator(rs), 0, options, nullptr);
  internal = NewRangeDelFilterIterator(std::move(internal), std::move(tombstones), seq);
  SeekSampler sampler;
  if (options_.seek_compaction) {
    // The view outlives the sampler: the iterator holds both.
    sampler = [this, version = view->version.get()](std::string_view user_key, int seeks) {
      SeekCharge charge = version->ChargeForKey(user_key);
      if (charge.file != nullptr && charge.file->allowed_seeks.Charge(seeks)) {
        SeekBudgetSpent(charge);
      }
    };
  }
  live_iterators_.fetch_add(1, std::memory_order_relaxed);
  return NewDBIterator(&icmp_, std::move(internal), seq, options, std::move(view),
                       std::move(sampler), &live_iterators_, options_.merge_operator.get());
}

void DBImpl::SeekBudgetSpent(const SeekCharge& charge) {
  MutexLock l(&mu_);
  picker_->AddSeekCandidate(charge.level, charge.file->number);
  bg_cv_.SignalAll();
}

const Snapshot* DBImpl::GetSnapshot() {
  MutexLock l(&mu_);
  return snapshots_.New(versions_->LastSequence());
}

void DBImpl::ReleaseSnapshot(const Snapshot* snapshot) {
  if (snapshot == nullptr) return;
  if (!OwnsSnapshot(snapshot)) {
    std::fprintf(stderr, "lsmdb: ReleaseSnapshot on %s: the snapshot belongs to another DB\n",
                 dbname_.c_str());
    std::abort();
  }
  MutexLock l(&mu_);
  snapshots_.Delete(static_cast<const SnapshotImpl*>(snapshot));
}

}  // namespace lsmdb
