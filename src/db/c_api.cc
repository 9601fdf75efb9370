// The C API (include/lsmdb/c.h): databases, reads and writes, iterators and snapshots.
// Option handles and write batches are in c_api_options.cc.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "db/c_api_internal.h"

using lsmdb::Status;
using lsmdb::c_api::NullArgument;
using lsmdb::c_api::Run;
using lsmdb::c_api::ToView;

namespace {

// Checks db and options, then turns options into a WriteOptions.
Status ToWriteOptions(const lsmdb_t* db, const lsmdb_writeoptions_t* options,
                      lsmdb::WriteOptions* out) {
  if (db == nullptr) return NullArgument("db");
  if (options == nullptr) return NullArgument("options");
  *out = options->rep;
  return Status::OK();
}

// Checks db and options, then turns options into a ReadOptions (without bounds).
Status ToReadOptions(const lsmdb_t* db, const lsmdb_readoptions_t* options,
                     lsmdb::ReadOptions* out) {
  if (db == nullptr) return NullArgument("db");
  if (options == nullptr) return NullArgument("options");
  if (options->snapshot != nullptr && options->snapshot->db != db) {
    return Status::InvalidArgument("the snapshot of options belongs to another database");
  }
  out->verify_checksums = options->verify_checksums;
  out->fill_cache = options->fill_cache;
  out->snapshot = options->snapshot == nullptr ? nullptr : options->snapshot->rep;
  return Status::OK();
}

Status BadBytes(const char* what) {
  return Status::InvalidArgument(std::string(what) + " is NULL with a non-zero length");
}

// Returns bytes' pointer and stores its length in *len (when len is not null).
const char* Bytes(std::string_view bytes, size_t* len) {
  if (len != nullptr) *len = bytes.size();
  return bytes.data();
}

lsmdb_t* OpenWith(decltype(&lsmdb::DB::Open) open, const lsmdb_options_t* options, const char* name,
                  char** errptr) {
  lsmdb_t* result = nullptr;
  Run(errptr, [&] {
    lsmdb::Options opts;
    Status s = lsmdb::c_api::ToOptions(options, &opts);
    if (!s.ok()) return s;
    if (name == nullptr) return NullArgument("name");
    std::unique_ptr<lsmdb::DB> db;
    s = open(opts, name, &db);
    if (!s.ok()) return s;
    auto handle = std::make_unique<lsmdb_t>();
    handle->rep = std::move(db);
    result = handle.release();
    return Status::OK();
  });
  return result;
}

}  // namespace

extern "C" {

// ---- Opening, closing, destroying, repairing ----

lsmdb_t* lsmdb_open(const lsmdb_options_t* options, const char* name, char** errptr) {
  return OpenWith(&lsmdb::DB::Open, options, name, errptr);
}

lsmdb_t* lsmdb_open_for_read_only(const lsmdb_options_t* options, const char* name, char** errptr) {
  return OpenWith(&lsmdb::DB::OpenForReadOnly, options, name, errptr);
}

void lsmdb_close(lsmdb_t* db) {
  if (db == nullptr) return;
  int iterators = db->live_iterators.load();
  int snapshots = db->live_snapshots.load();
  if (iterators != 0 || snapshots != 0) {
    std::fprintf(stderr,
                 "lsmdb_close: %d iterator(s) and %d snapshot(s) of this database are still "
                 "alive; destroy and release them before closing\n",
                 iterators, snapshots);
    std::abort();
  }
  delete db;
}

void lsmdb_destroy_db(const lsmdb_options_t* options, const char* name, char** errptr) {
  Run(errptr, [&] {
    lsmdb::Options opts;
    Status s = lsmdb::c_api::ToOptions(options, &opts);
    if (!s.ok()) return s;
    if (name == nullptr) return NullArgument("name");
    return lsmdb::DestroyDB(name, opts);
  });
}

void lsmdb_repair_db(const lsmdb_options_t* options, const char* name, char** errptr) {
  Run(errptr, [&] {
    lsmdb::Options opts;
    Status s = lsmdb::c_api::ToOptions(options, &opts);
    if (!s.ok()) return s;
    if (name == nullptr) return NullArgument("name");
    return lsmdb::RepairDB(name, opts);
  });
}

// ---- Writes ----

void lsmdb_put(lsmdb_t* db, const lsmdb_writeoptions_t* options, const char* key, size_t keylen,
               const char* val, size_t vallen, char** errptr) {
  Run(errptr, [&] {
    lsmdb::WriteOptions wo;
    Status s = ToWriteOptions(db, options, &wo);
    if (!s.ok()) return s;
    std::string_view k, v;
    if (!ToView(key, keylen, &k)) return BadBytes("key");
    if (!ToView(val, vallen, &v)) return BadBytes("val");
    return db->rep->Put(wo, k, v);
  });
}

void lsmdb_delete(lsmdb_t* db, const lsmdb_writeoptions_t* options, const char* key, size_t keylen,
                  char** errptr) {
  Run(errptr, [&] {
    lsmdb::WriteOptions wo;
    Status s = ToWriteOptions(db, options, &wo);
    if (!s.ok()) return s;
    std::string_view k;
    if (!ToView(key, keylen, &k)) return BadBytes("key");
    return db->rep->Delete(wo, k);
  });
}

void lsmdb_delete_range(lsmdb_t* db, const lsmdb_writeoptions_t* options, const char* begin,
                        size_t beginlen, const char* end, size_t endlen, char** errptr) {
  Run(errptr, [&] {
    lsmdb::WriteOptions wo;
    Status s = ToWriteOptions(db, options, &wo);
    if (!s.ok()) return s;
    std::string_view b, e;
    if (!ToView(begin, beginlen, &b)) return BadBytes("begin");
    if (!ToView(end, endlen, &e)) return BadBytes("end");
    return db->rep->DeleteRange(wo, b, e);
  });
}

void lsmdb_write(lsmdb_t* db, const lsmdb_writeoptions_t* options, lsmdb_writebatch_t* batch,
                 char** errptr) {
  Run(errptr, [&] {
    lsmdb::WriteOptions wo;
    Status s = ToWriteOptions(db, options, &wo);
    if (!s.ok()) return s;
    if (batch == nullptr) return NullArgument("batch");
    if (!batch->error.empty()) return Status::InvalidArgument("bad batch: " + batch->error);
    return db->rep->Write(wo, &batch->rep);
  });
}

// ---- Reads ----

char* lsmdb_get(lsmdb_t* db, const lsmdb_readoptions_t* options, const char* key, size_t keylen,
                size_t* vallen, char** errptr) {
  char* result = nullptr;
  if (vallen != nullptr) *vallen = 0;
  Run(errptr, [&] {
    lsmdb::ReadOptions ro;
    Status s = ToReadOptions(db, options, &ro);
    if (!s.ok()) return s;
    if (vallen == nullptr) return NullArgument("vallen");
    std::string_view k;
    if (!ToView(key, keylen, &k)) return BadBytes("key");
    std::string value;
    s = db->rep->Get(ro, k, &value);
    if (s.IsNotFound()) return Status::OK();
    if (!s.ok()) return s;
    result = lsmdb::c_api::CopyToMalloc(value);
    if (result == nullptr) return Status::Aborted("lsmdb_get: out of memory");
    *vallen = value.size();
    return Status::OK();
  });
  return result;
}

void lsmdb_multi_get(lsmdb_t* db, const lsmdb_readoptions_t* options, size_t n,
                     const char* const* keys, const size_t* keylens, char** values, size_t* vallens,
                     char** errs, char** errptr) {
  Run(errptr, [&] {
    lsmdb::ReadOptions ro;
    Status s = ToReadOptions(db, options, &ro);
    if (!s.ok()) return s;
    if (n > 0 && (keys == nullptr || keylens == nullptr || values == nullptr ||
                  vallens == nullptr || errs == nullptr)) {
      return NullArgument("an array of lsmdb_multi_get");
    }
    std::vector<std::string_view> views(n);
    for (size_t i = 0; i < n; i++) {
      if (!ToView(keys[i], keylens[i], &views[i])) return BadBytes("key");
    }
    std::vector<std::string> found;
    std::vector<Status> statuses = db->rep->MultiGet(ro, views, &found);
    for (size_t i = 0; i < n; i++) {
      values[i] = nullptr;
      vallens[i] = 0;
      if (statuses[i].ok()) {
        values[i] = lsmdb::c_api::CopyToMalloc(found[i]);
        if (values[i] == nullptr) {
          statuses[i] = Status::Aborted("lsmdb_multi_get: out of memory");
        } else {
          vallens[i] = found[i].size();
        }
      }
      if (!statuses[i].ok() && !statuses[i].IsNotFound()) {
        lsmdb::c_api::SaveError(&errs[i], statuses[i].ToString());
      }
    }
    return Status::OK();
  });
}

lsmdb_iterator_t* lsmdb_create_iterator(lsmdb_t* db, const lsmdb_readoptions_t* options) {
  lsmdb_iterator_t* result = nullptr;
  Run(nullptr, [&] {
    lsmdb::ReadOptions ro;
    Status s = ToReadOptions(db, options, &ro);
    if (!s.ok()) return s;
    auto iter = std::make_unique<lsmdb_iterator_t>();
    iter->db = db;
    // The iterator keeps its own copies of the bounds: ReadOptions only points at them.
    iter->lower_bound = options->lower_bound;
    iter->upper_bound = options->upper_bound;
    if (iter->lower_bound) ro.lower_bound = *iter->lower_bound;
    if (iter->upper_bound) ro.upper_bound = *iter->upper_bound;
    iter->rep = db->rep->NewIterator(ro);
    if (iter->rep == nullptr) return Status::Aborted("no iterator");
    db->live_iterators.fetch_add(1);
    result = iter.release();
    return Status::OK();
  });
  return result;
}

const lsmdb_snapshot_t* lsmdb_create_snapshot(lsmdb_t* db) {
  lsmdb_snapshot_t* result = nullptr;
  Run(nullptr, [&] {
    if (db == nullptr) return NullArgument("db");
    auto snap = std::make_unique<lsmdb_snapshot_t>();
    snap->db = db;
    snap->rep = db->rep->GetSnapshot();
    db->live_snapshots.fetch_add(1);
    result = snap.release();
    return Status::OK();
  });
  return result;
}

void lsmdb_release_snapshot(lsmdb_t* /*db: the snapshot knows its own*/,
                            const lsmdb_snapshot_t* snapshot) {
  if (snapshot == nullptr) return;
  lsmdb_t* owner = snapshot->db;
  owner->rep->ReleaseSnapshot(snapshot->rep);
  owner->live_snapshots.fetch_sub(1);
  delete snapshot;
}

char* lsmdb_property_value(lsmdb_t* db, const char* propname) {
  char* result = nullptr;
  Run(nullptr, [&] {
    if (db == nullptr) return NullArgument("db");
    if (propname == nullptr) return NullArgument("propname");
    std::string value;
    if (db->rep->GetProperty(propname, &value)) result = lsmdb::c_api::CopyToMalloc(value);
    return Status::OK();
  });
  return result;
}

// ---- Maintenance ----

void lsmdb_flush(lsmdb_t* db, char** errptr) {
  Run(errptr, [&] { return db == nullptr ? NullArgument("db") : db->rep->Flush(); });
}

void lsmdb_compact_range(lsmdb_t* db, const char* start, size_t startlen, const char* limit,
                         size_t limitlen, char** errptr) {
  Run(errptr, [&] {
    if (db == nullptr) return NullArgument("db");
    std::string_view begin_key(start == nullptr ? "" : start, start == nullptr ? 0 : startlen);
    std::string_view end_key(limit == nullptr ? "" : limit, limit == nullptr ? 0 : limitlen);
    return db->rep->CompactRange(start == nullptr ? nullptr : &begin_key,
                                 limit == nullptr ? nullptr : &end_key);
  });
}

void lsmdb_approximate_sizes(lsmdb_t* db, int num_ranges, const char* const* range_start_key,
                             const size_t* range_start_key_len, const char* const* range_limit_key,
                             const size_t* range_limit_key_len, uint64_t* sizes,
                             unsigned char include_memtables, char** errptr) {
  Run(errptr, [&] {
    if (db == nullptr) return NullArgument("db");
    if (num_ranges < 0) return Status::InvalidArgument("num_ranges is negative");
    if (num_ranges > 0 &&
        (range_start_key == nullptr || range_start_key_len == nullptr ||
         range_limit_key == nullptr || range_limit_key_len == nullptr || sizes == nullptr)) {
      return NullArgument("a range or sizes array");
    }
    std::vector<lsmdb::Range> ranges(static_cast<size_t>(num_ranges));
    for (size_t i = 0; i < ranges.size(); i++) {
      if (!ToView(range_start_key[i], range_start_key_len[i], &ranges[i].start)) {
        return BadBytes("range_start_key");
      }
      if (!ToView(range_limit_key[i], range_limit_key_len[i], &ranges[i].limit)) {
        return BadBytes("range_limit_key");
      }
    }
    lsmdb::SizeApproximationOptions options;
    options.include_memtables = include_memtables != 0;
    return db->rep->GetApproximateSizes(options, ranges.data(), num_ranges, sizes);
  });
}

void lsmdb_approximate_memtable_stats(lsmdb_t* db, const char* start, size_t startlen,
                                      const char* limit, size_t limitlen, uint64_t* count,
                                      uint64_t* size) {
  if (count != nullptr) *count = 0;
  if (size != nullptr) *size = 0;
  lsmdb::Range range;
  if (db == nullptr || count == nullptr || size == nullptr ||
      !ToView(start, startlen, &range.start) || !ToView(limit, limitlen, &range.limit)) {
    return;
  }
  try {
    db->rep->GetApproximateMemTableStats(range, count, size);
  } catch (...) {
    *count = 0;
    *size = 0;
  }
}

void lsmdb_create_checkpoint(lsmdb_t* db, const char* dir, char** errptr) {
  Run(errptr, [&] {
    if (db == nullptr) return NullArgument("db");
    if (dir == nullptr) return NullArgument("dir");
    return db->rep->CreateCheckpoint(dir);
  });
}

void lsmdb_resume(lsmdb_t* db, char** errptr) {
  Run(errptr, [&] { return db == nullptr ? NullArgument("db") : db->rep->Resume(); });
}

// ---- Iterators ----

void lsmdb_iter_destroy(lsmdb_iterator_t* iter) {
  if (iter == nullptr) return;
  lsmdb_t* db = iter->db;
  iter->rep.reset();  // before the count drops, so a racing close cannot see it gone early
  db->live_iterators.fetch_sub(1);
  delete iter;
}

int lsmdb_iter_valid(const lsmdb_iterator_t* iter) {
  return iter != nullptr && iter->rep->Valid() ? 1 : 0;
}

void lsmdb_iter_seek_to_first(lsmdb_iterator_t* iter) {
  if (iter != nullptr) iter->rep->SeekToFirst();
}
void lsmdb_iter_seek_to_last(lsmdb_iterator_t* iter) {
  if (iter != nullptr) iter->rep->SeekToLast();
}
void lsmdb_iter_seek(lsmdb_iterator_t* iter, const char* target, size_t len) {
  std::string_view t;
  if (iter != nullptr && ToView(target, len, &t)) iter->rep->Seek(t);
}
void lsmdb_iter_seek_for_prev(lsmdb_iterator_t* iter, const char* target, size_t len) {
  std::string_view t;
  if (iter != nullptr && ToView(target, len, &t)) iter->rep->SeekForPrev(t);
}
void lsmdb_iter_next(lsmdb_iterator_t* iter) {
  if (lsmdb_iter_valid(iter)) iter->rep->Next();
}
void lsmdb_iter_prev(lsmdb_iterator_t* iter) {
  if (lsmdb_iter_valid(iter)) iter->rep->Prev();
}

const char* lsmdb_iter_key(const lsmdb_iterator_t* iter, size_t* len) {
  return lsmdb_iter_valid(iter) ? Bytes(iter->rep->key(), len) : Bytes({}, len);
}
const char* lsmdb_iter_value(const lsmdb_iterator_t* iter, size_t* len) {
  return lsmdb_iter_valid(iter) ? Bytes(iter->rep->value(), len) : Bytes({}, len);
}

void lsmdb_iter_get_error(const lsmdb_iterator_t* iter, char** errptr) {
  Run(errptr, [&] { return iter == nullptr ? NullArgument("iter") : iter->rep->status(); });
}

}  // extern "C"
