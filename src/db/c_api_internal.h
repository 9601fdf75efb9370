// The structs behind the opaque handles of include/lsmdb/c.h, and helpers shared by the
// files that implement the C API (c_api.cc, c_api_options.cc).
#ifndef LSMDB_DB_C_API_INTERNAL_H_
#define LSMDB_DB_C_API_INTERNAL_H_

#include <atomic>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "lsmdb/c.h"
#include "lsmdb/db.h"
#include "lsmdb/options.h"
#include "lsmdb/status.h"
#include "lsmdb/write_batch.h"

struct lsmdb_t {
  std::unique_ptr<lsmdb::DB> rep;
  // Handles that must be gone before close (checked by lsmdb_close).
  std::atomic<int> live_iterators{0};
  std::atomic<int> live_snapshots{0};
};

struct lsmdb_options_t {
  lsmdb::Options rep;
  // The enums as the caller gave them, checked when the options are used: a value out
  // of the enum's range must not be truncated into a valid one.
  int compression = static_cast<int>(lsmdb::CompressionType::kSnappy);
  int wal_recovery_mode = static_cast<int>(lsmdb::WalRecoveryMode::kTolerateCorruptedTailRecords);
};

struct lsmdb_readoptions_t {
  bool verify_checksums = true;
  bool fill_cache = true;
  const lsmdb_snapshot_t* snapshot = nullptr;
  std::optional<std::string> lower_bound;
  std::optional<std::string> upper_bound;
};

struct lsmdb_writeoptions_t {
  lsmdb::WriteOptions rep;
};

struct lsmdb_writebatch_t {
  lsmdb::WriteBatch rep;
  // Set when an update could not be added (a bad argument); lsmdb_write then fails.
  std::string error;
};

struct lsmdb_snapshot_t {
  const lsmdb::Snapshot* rep = nullptr;
  lsmdb_t* db = nullptr;  // the database that made it
};

struct lsmdb_iterator_t {
  lsmdb_t* db = nullptr;
  // Copies of the bounds, which the iterator reads for as long as it lives.
  std::optional<std::string> lower_bound;
  std::optional<std::string> upper_bound;
  std::unique_ptr<lsmdb::Iterator> rep;
};

namespace lsmdb::c_api {

// Stores prefix + message in *errptr as c.h describes: frees the previous message and
// stores a malloc()ed copy (when out of memory, keeps the previous one). errptr may be null.
void SaveError(char** errptr, std::string_view prefix, std::string_view message = {}) noexcept;

// A malloc()ed, NUL-terminated copy of bytes; null when out of memory.
char* CopyToMalloc(std::string_view bytes);

// The bytes (ptr, len) as a view; false when ptr is null but len is not 0.
bool ToView(const char* ptr, size_t len, std::string_view* out);

// options as lsmdb::Options; InvalidArgument for an enum out of range or a null handle.
Status ToOptions(const lsmdb_options_t* options, Options* out);

// Runs f, which returns a Status, and reports a failure (or an exception) in errptr.
template <typename F>
void Run(char** errptr, F&& f) noexcept {
  try {
    Status s = f();
    if (!s.ok()) SaveError(errptr, s.ToString());
  } catch (const std::exception& e) {
    SaveError(errptr, "Aborted: ", e.what());
  } catch (...) {
    SaveError(errptr, "Aborted: unknown exception");
  }
}

// InvalidArgument "<what> is NULL".
inline Status NullArgument(const char* what) {
  return Status::InvalidArgument(std::string(what) + " is NULL");
}

}  // namespace lsmdb::c_api

#endif  // LSMDB_DB_C_API_INTERNAL_H_
