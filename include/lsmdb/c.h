/* The C API of lsmdb: the C++ API of lsmdb/db.h behind opaque handles and plain
 * functions, for C programs and for bindings from other languages.
 *
 * The header compiles as C99 or later and as C++. Every name starts with lsmdb_ (and
 * LSMDB_ for constants). docs/C_API.md has a complete example.
 *
 * Errors. A function that can fail takes `char** errptr` as its last argument. On
 * success it leaves *errptr unchanged. On failure it frees the message already in
 * *errptr, if any, with free(), and stores a new NUL-terminated message, allocated
 * with malloc(): lsmdb::Status::ToString, the kind of error, ": " and what went wrong,
 * e.g. "Invalid argument: Options::block_size = 1 is out of range [256, 67108864]". So
 * *errptr must be NULL or a message of an earlier call; the caller frees the last one
 * with lsmdb_free(). One char* can thus be reused across calls, but a stale message is
 * not cleared by a later success: set it back to NULL after handling it. A NULL errptr
 * is allowed and drops the message (the failure is then invisible; not recommended).
 *
 * Arguments. Every handle argument must be a live handle of the right kind. A NULL
 * handle, or a NULL byte pointer with a non-zero length, is not undefined behaviour:
 * a function with an errptr reports InvalidArgument naming the argument, a function
 * returning a pointer returns NULL, and the others do nothing. (A dangling or wrong
 * handle cannot be detected and is undefined behaviour, as in C.) Keys and values are
 * byte strings given as pointer + length; they may contain NUL bytes, and a NULL
 * pointer with length 0 is the empty string. The library copies every byte string it
 * is given before the call returns (iterator bounds included), so the caller may reuse
 * its buffers at once.
 *
 * Ownership. Handles made by a lsmdb_*_create / lsmdb_open function are owned by the
 * caller and released with the matching destroy / close / release function, exactly
 * once. Memory returned as `char*` is malloc()ed and owned by the caller, who frees it
 * with lsmdb_free() (or free()). Memory returned as `const char*` is borrowed: it stays
 * valid for the time stated at the function and must not be freed.
 *
 * Thread-safety. A lsmdb_t may be used by many threads at once (as lsmdb::DB): put,
 * get, write, iterators creation, snapshots, properties, flush, compaction and resume
 * need no locking. The other handles (options, read options, write options, write
 * batches, iterators) are not synchronised: one thread at a time may change one, though
 * a read or write options handle that nobody changes any more may be passed by many
 * threads to concurrent calls. Distinct handles may be used from distinct threads.
 *
 * No C++ exception crosses this API: an allocation failure inside a call becomes an
 * error message, or a NULL result (a setter that cannot allocate leaves its option as
 * it was).
 */
#ifndef LSMDB_C_H_
#define LSMDB_C_H_

#include <stddef.h>
#include <stdint.h>

#include "lsmdb/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Handles (opaque) ---- */

typedef struct lsmdb_t lsmdb_t;                           /* an open database */
typedef struct lsmdb_options_t lsmdb_options_t;           /* lsmdb::Options */
typedef struct lsmdb_readoptions_t lsmdb_readoptions_t;   /* lsmdb::ReadOptions */
typedef struct lsmdb_writeoptions_t lsmdb_writeoptions_t; /* lsmdb::WriteOptions */
typedef struct lsmdb_writebatch_t lsmdb_writebatch_t;     /* lsmdb::WriteBatch */
typedef struct lsmdb_iterator_t lsmdb_iterator_t;         /* lsmdb::Iterator */
typedef struct lsmdb_snapshot_t lsmdb_snapshot_t;         /* lsmdb::Snapshot */

/* ---- Constants (the values of lsmdb::CompressionType and lsmdb::WalRecoveryMode) ---- */

enum {
  LSMDB_COMPRESSION_NONE = 0,
  LSMDB_COMPRESSION_SNAPPY = 1,
  LSMDB_COMPRESSION_LZ4 = 2,
  LSMDB_COMPRESSION_ZSTD = 3
};

enum {
  LSMDB_WAL_TOLERATE_CORRUPTED_TAIL_RECORDS = 0,
  LSMDB_WAL_ABSOLUTE_CONSISTENCY = 1,
  LSMDB_WAL_POINT_IN_TIME_RECOVERY = 2
};

/* ---- Library ---- */

/* The library's version, e.g. "0.1.0". Borrowed: a static string, valid forever. */
LSMDB_EXPORT const char* lsmdb_version(void);
LSMDB_EXPORT int lsmdb_major_version(void);
LSMDB_EXPORT int lsmdb_minor_version(void);

/* Frees memory this API returned as char* (values, property values, error messages).
 * NULL is allowed. Use it rather than free() when the caller's C runtime may differ
 * from the library's. */
LSMDB_EXPORT void lsmdb_free(void* ptr);

/* ---- Options ----
 * A new handle holds the defaults of lsmdb::Options (include/lsmdb/options.h documents
 * each field, its default and its range). Setters only store the value: a bad value is
 * reported by lsmdb_open and lsmdb_repair_db as InvalidArgument naming the option, e.g.
 * "Options::write_buffer_size = 5 is out of range [...]". (lsmdb_destroy_db reads no
 * option, but it too refuses an unknown compression or WAL recovery mode value.)
 * Flags (int) are true when non-zero. The comparator is always bytewise and the file
 * system the default (POSIX) one: the C API does not expose them.
 * lsmdb_options_create returns NULL only when out of memory. */
LSMDB_EXPORT lsmdb_options_t* lsmdb_options_create(void);
LSMDB_EXPORT void lsmdb_options_destroy(lsmdb_options_t* options);

LSMDB_EXPORT void lsmdb_options_set_create_if_missing(lsmdb_options_t* options, int v);
LSMDB_EXPORT void lsmdb_options_set_error_if_exists(lsmdb_options_t* options, int v);
LSMDB_EXPORT void lsmdb_options_set_paranoid_checks(lsmdb_options_t* options, int v);
LSMDB_EXPORT void lsmdb_options_set_write_buffer_size(lsmdb_options_t* options, size_t v);
LSMDB_EXPORT void lsmdb_options_set_max_write_buffer_number(lsmdb_options_t* options, int v);
LSMDB_EXPORT void lsmdb_options_set_block_size(lsmdb_options_t* options, size_t v);
LSMDB_EXPORT void lsmdb_options_set_block_restart_interval(lsmdb_options_t* options, int v);
/* Bytes; 0 disables the block cache. */
LSMDB_EXPORT void lsmdb_options_set_block_cache_capacity(lsmdb_options_t* options, size_t v);
LSMDB_EXPORT void lsmdb_options_set_bloom_bits_per_key(lsmdb_options_t* options, int v);
/* One of LSMDB_COMPRESSION_*. */
LSMDB_EXPORT void lsmdb_options_set_compression(lsmdb_options_t* options, int v);
LSMDB_EXPORT void lsmdb_options_set_zstd_level(lsmdb_options_t* options, int v);
LSMDB_EXPORT void lsmdb_options_set_max_open_files(lsmdb_options_t* options, int v);
LSMDB_EXPORT void lsmdb_options_set_num_levels(lsmdb_options_t* options, int v);
LSMDB_EXPORT void lsmdb_options_set_target_file_size(lsmdb_options_t* options, uint64_t v);
LSMDB_EXPORT void lsmdb_options_set_level0_file_num_compaction_trigger(lsmdb_options_t* options,
                                                                       int v);
LSMDB_EXPORT void lsmdb_options_set_level0_slowdown_writes_trigger(lsmdb_options_t* options, int v);
LSMDB_EXPORT void lsmdb_options_set_level0_stop_writes_trigger(lsmdb_options_t* options, int v);
LSMDB_EXPORT void lsmdb_options_set_max_bytes_for_level_base(lsmdb_options_t* options, uint64_t v);
LSMDB_EXPORT void lsmdb_options_set_max_bytes_for_level_multiplier(lsmdb_options_t* options,
                                                                   double v);
LSMDB_EXPORT void lsmdb_options_set_level_compaction_dynamic_level_bytes(lsmdb_options_t* options,
                                                                         int v);
LSMDB_EXPORT void lsmdb_options_set_max_background_jobs(lsmdb_options_t* options, int v);
LSMDB_EXPORT void lsmdb_options_set_max_subcompactions(lsmdb_options_t* options, int v);
LSMDB_EXPORT void lsmdb_options_set_seek_compaction(lsmdb_options_t* options, int v);
/* One of LSMDB_WAL_*. */
LSMDB_EXPORT void lsmdb_options_set_wal_recovery_mode(lsmdb_options_t* options, int v);
LSMDB_EXPORT void lsmdb_options_set_max_manifest_file_size(lsmdb_options_t* options, uint64_t v);
LSMDB_EXPORT void lsmdb_options_set_max_bgerror_resume_count(lsmdb_options_t* options, int v);
/* Microseconds. */
LSMDB_EXPORT void lsmdb_options_set_bgerror_resume_retry_interval(lsmdb_options_t* options,
                                                                  uint64_t v);

/* ---- Read options ----
 * Defaults: verify_checksums on, fill_cache on, no snapshot, no bounds. */
LSMDB_EXPORT lsmdb_readoptions_t* lsmdb_readoptions_create(void);
LSMDB_EXPORT void lsmdb_readoptions_destroy(lsmdb_readoptions_t* options);
LSMDB_EXPORT void lsmdb_readoptions_set_verify_checksums(lsmdb_readoptions_t* options, int v);
LSMDB_EXPORT void lsmdb_readoptions_set_fill_cache(lsmdb_readoptions_t* options, int v);
/* Reads through these options see the database as of snapshot; NULL reads the latest
 * state. The handle borrows snapshot: release the snapshot only after the reads (and
 * the iterators created) with these options are done. A read on another database than
 * the snapshot's fails with InvalidArgument (an iterator: NULL). */
LSMDB_EXPORT void lsmdb_readoptions_set_snapshot(lsmdb_readoptions_t* options,
                                                 const lsmdb_snapshot_t* snapshot);
/* Iterators only: the inclusive lower / exclusive upper bound of the keys they show.
 * The bytes are copied (into the handle, and again into each iterator created with it);
 * key == NULL (with any length) removes the bound. */
LSMDB_EXPORT void lsmdb_readoptions_set_lower_bound(lsmdb_readoptions_t* options, const char* key,
                                                    size_t keylen);
LSMDB_EXPORT void lsmdb_readoptions_set_upper_bound(lsmdb_readoptions_t* options, const char* key,
                                                    size_t keylen);

/* ---- Write options ----
 * Defaults: sync off, WAL on. sync and disable_wal together are rejected by the write. */
LSMDB_EXPORT lsmdb_writeoptions_t* lsmdb_writeoptions_create(void);
LSMDB_EXPORT void lsmdb_writeoptions_destroy(lsmdb_writeoptions_t* options);
LSMDB_EXPORT void lsmdb_writeoptions_set_sync(lsmdb_writeoptions_t* options, int v);
LSMDB_EXPORT void lsmdb_writeoptions_set_disable_wal(lsmdb_writeoptions_t* options, int v);

/* ---- Opening, closing, destroying, repairing ---- */

/* Opens (or, with create_if_missing, creates) the database in directory name. Returns
 * the handle, owned by the caller and closed with lsmdb_close; NULL on failure (then
 * *errptr holds why). The options handle may be destroyed right after the call. */
LSMDB_EXPORT lsmdb_t* lsmdb_open(const lsmdb_options_t* options, const char* name, char** errptr);
/* Opens the database in directory name for reading only (lsmdb::DB::OpenForReadOnly):
 * writes nothing, takes no lock, works on a read-only directory and beside a writer, and
 * sees the database as of the call. Writes, lsmdb_flush and lsmdb_compact_range on the
 * handle fail with "Not supported: ...". Closed with lsmdb_close. */
LSMDB_EXPORT lsmdb_t* lsmdb_open_for_read_only(const lsmdb_options_t* options, const char* name,
                                               char** errptr);
/* Waits for background work, then closes the database and frees the handle. NULL is
 * allowed. REQUIRES: every iterator of db destroyed and every snapshot released; a
 * close that finds one still alive prints a message to stderr and aborts the process
 * (rather than leaving it to touch freed memory). */
LSMDB_EXPORT void lsmdb_close(lsmdb_t* db);

/* Removes the database's files and directory; OK if there is none. Fails if the
 * database is open. */
LSMDB_EXPORT void lsmdb_destroy_db(const lsmdb_options_t* options, const char* name, char** errptr);
/* Rebuilds a damaged database from the tables and logs that can still be read. */
LSMDB_EXPORT void lsmdb_repair_db(const lsmdb_options_t* options, const char* name, char** errptr);

/* ---- Writes ---- */

LSMDB_EXPORT void lsmdb_put(lsmdb_t* db, const lsmdb_writeoptions_t* options, const char* key,
                            size_t keylen, const char* val, size_t vallen, char** errptr);
/* Removes key; succeeds whether or not the key existed. */
LSMDB_EXPORT void lsmdb_delete(lsmdb_t* db, const lsmdb_writeoptions_t* options, const char* key,
                               size_t keylen, char** errptr);
/* Removes every key k with begin <= k < end (the DB's comparator) with one record (a
 * range tombstone). begin == end does nothing; begin after end is InvalidArgument. */
LSMDB_EXPORT void lsmdb_delete_range(lsmdb_t* db, const lsmdb_writeoptions_t* options,
                                     const char* begin, size_t beginlen, const char* end,
                                     size_t endlen, char** errptr);
/* Applies batch atomically. The batch is not changed and may be reused or destroyed.
 * A batch whose building went wrong (see lsmdb_writebatch_put) is rejected whole. */
LSMDB_EXPORT void lsmdb_write(lsmdb_t* db, const lsmdb_writeoptions_t* options,
                              lsmdb_writebatch_t* batch, char** errptr);

/* ---- Reads ---- */

/* Looks key up. Found: returns a malloc()ed copy of the value, owned by the caller (free
 * with lsmdb_free), with a NUL byte appended for convenience (not counted in *vallen),
 * and stores its length in *vallen; an empty value gives a non-NULL pointer too.
 * Missing: returns NULL, *vallen = 0 and leaves *errptr unchanged. Error: returns NULL,
 * *vallen = 0 and stores the message in *errptr. REQUIRES: vallen != NULL (else an
 * error is reported). */
LSMDB_EXPORT char* lsmdb_get(lsmdb_t* db, const lsmdb_readoptions_t* options, const char* key,
                             size_t keylen, size_t* vallen, char** errptr);
/* Looks up keys[0..n) (lengths keylens) as of one moment. For each i: found, values[i] is
 * a malloc()ed copy as lsmdb_get returns and vallens[i] its length; missing, values[i] is
 * NULL and vallens[i] 0; an error of that key, values[i] is NULL and errs[i] holds its
 * message (replacing a message already there, as errptr does). errs[i] is left unchanged
 * otherwise. An error of the arguments (a NULL array, NULL db) goes to *errptr and
 * leaves every array unchanged. REQUIRES: each array holds n elements. */
LSMDB_EXPORT void lsmdb_multi_get(lsmdb_t* db, const lsmdb_readoptions_t* options, size_t n,
                                  const char* const* keys, const size_t* keylens, char** values,
                                  size_t* vallens, char** errs, char** errptr);

/* A new iterator over the database as of the options' snapshot (or now), bounded by
 * the options' bounds. Owned by the caller: lsmdb_iter_destroy it before lsmdb_close.
 * Initially not valid: seek first. NULL if an argument is NULL or out of memory. */
LSMDB_EXPORT lsmdb_iterator_t* lsmdb_create_iterator(lsmdb_t* db,
                                                     const lsmdb_readoptions_t* options);

/* A snapshot of the current state, owned by the caller: lsmdb_release_snapshot it
 * before lsmdb_close. NULL if db is NULL or out of memory. */
LSMDB_EXPORT const lsmdb_snapshot_t* lsmdb_create_snapshot(lsmdb_t* db);
/* Releases snapshot (NULL is allowed) and frees its handle. The snapshot is always
 * released on the database that created it; db must be that database. */
LSMDB_EXPORT void lsmdb_release_snapshot(lsmdb_t* db, const lsmdb_snapshot_t* snapshot);

/* The value of a property (docs/PROPERTIES.md: "lsmdb.stats",
 * "lsmdb.num-files-at-level<N>", ...) as a malloc()ed NUL-terminated string owned by
 * the caller (free with lsmdb_free). NULL for an unknown name or a NULL argument. */
LSMDB_EXPORT char* lsmdb_property_value(lsmdb_t* db, const char* propname);

/* ---- Maintenance ---- */

/* Writes the memtable to a table and waits until it is done. */
LSMDB_EXPORT void lsmdb_flush(lsmdb_t* db, char** errptr);
/* Compacts the keys in [start, limit] down to the last level. start == NULL means from
 * the first key, limit == NULL up to the last (the lengths are then ignored). */
LSMDB_EXPORT void lsmdb_compact_range(lsmdb_t* db, const char* start, size_t startlen,
                                      const char* limit, size_t limitlen, char** errptr);
/* For each i < num_ranges, sizes[i] = the approximate bytes of the tables holding the
 * keys k with range_start_key[i] <= k < range_limit_key[i] (lsmdb::DB::
 * GetApproximateSizes), plus those of the memtables' entries when include_memtables
 * is non-zero. Every array must hold num_ranges elements. */
LSMDB_EXPORT void lsmdb_approximate_sizes(lsmdb_t* db, int num_ranges,
                                          const char* const* range_start_key,
                                          const size_t* range_start_key_len,
                                          const char* const* range_limit_key,
                                          const size_t* range_limit_key_len, uint64_t* sizes,
                                          unsigned char include_memtables, char** errptr);
/* The entries of the memtables with start <= key < limit and the bytes of their keys
 * and values (lsmdb::DB::GetApproximateMemTableStats). Both 0 on a NULL argument. */
LSMDB_EXPORT void lsmdb_approximate_memtable_stats(lsmdb_t* db, const char* start, size_t startlen,
                                                   const char* limit, size_t limitlen,
                                                   uint64_t* count, uint64_t* size);
/* Makes a checkpoint of db in the new directory dir (lsmdb::DB::CreateCheckpoint, with
 * the memtable flushed first): a database that opens on its own, holding every write
 * acknowledged before the call. Tables are hard-linked where the file system allows.
 * Fails (dir unchanged) if dir exists. Works on a read-only handle too (no flush). */
LSMDB_EXPORT void lsmdb_create_checkpoint(lsmdb_t* db, const char* dir, char** errptr);
/* Clears a retryable background error so the database takes writes again (see
 * DB::Resume in lsmdb/db.h). Succeeds when there is no error. */
LSMDB_EXPORT void lsmdb_resume(lsmdb_t* db, char** errptr);

/* ---- Write batches ----
 * A group of updates applied atomically, in order, by lsmdb_write. The functions that
 * add to a batch cannot report an error: a bad argument (a NULL key with a non-zero
 * length) is remembered by the batch, and lsmdb_write then rejects the whole batch
 * with InvalidArgument. lsmdb_writebatch_clear forgets it. */
LSMDB_EXPORT lsmdb_writebatch_t* lsmdb_writebatch_create(void);
LSMDB_EXPORT void lsmdb_writebatch_destroy(lsmdb_writebatch_t* batch);
LSMDB_EXPORT void lsmdb_writebatch_put(lsmdb_writebatch_t* batch, const char* key, size_t keylen,
                                       const char* val, size_t vallen);
LSMDB_EXPORT void lsmdb_writebatch_delete(lsmdb_writebatch_t* batch, const char* key,
                                          size_t keylen);
/* Queues a range deletion of [begin, end) (see lsmdb_delete_range); begin after end
 * makes lsmdb_write reject the batch. */
LSMDB_EXPORT void lsmdb_writebatch_delete_range(lsmdb_writebatch_t* batch, const char* begin,
                                                size_t beginlen, const char* end, size_t endlen);
/* Removes every update (and a remembered error). */
LSMDB_EXPORT void lsmdb_writebatch_clear(lsmdb_writebatch_t* batch);
/* Number of updates; 0 for NULL. */
LSMDB_EXPORT uint32_t lsmdb_writebatch_count(const lsmdb_writebatch_t* batch);

/* ---- Iterators ----
 * Moving an iterator that is not valid (or NULL) does nothing; reading the key or
 * value of one returns NULL with length 0. */
LSMDB_EXPORT void lsmdb_iter_destroy(lsmdb_iterator_t* iter);
/* Non-zero when positioned at an entry; 0 at either end or after an error. */
LSMDB_EXPORT int lsmdb_iter_valid(const lsmdb_iterator_t* iter);
LSMDB_EXPORT void lsmdb_iter_seek_to_first(lsmdb_iterator_t* iter);
LSMDB_EXPORT void lsmdb_iter_seek_to_last(lsmdb_iterator_t* iter);
/* To the first entry with key >= target. */
LSMDB_EXPORT void lsmdb_iter_seek(lsmdb_iterator_t* iter, const char* target, size_t len);
/* To the last entry with key <= target. */
LSMDB_EXPORT void lsmdb_iter_seek_for_prev(lsmdb_iterator_t* iter, const char* target, size_t len);
LSMDB_EXPORT void lsmdb_iter_next(lsmdb_iterator_t* iter);
LSMDB_EXPORT void lsmdb_iter_prev(lsmdb_iterator_t* iter);
/* The current key / value: borrowed bytes (not NUL-terminated), valid until the
 * iterator moves or is destroyed; the length goes to *len (which may be NULL). */
LSMDB_EXPORT const char* lsmdb_iter_key(const lsmdb_iterator_t* iter, size_t* len);
LSMDB_EXPORT const char* lsmdb_iter_value(const lsmdb_iterator_t* iter, size_t* len);
/* Reports the error the iterator met, if any (e.g. a corrupt block); leaves *errptr
 * unchanged when there was none. */
LSMDB_EXPORT void lsmdb_iter_get_error(const lsmdb_iterator_t* iter, char** errptr);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LSMDB_C_H_ */
