// The C API (include/lsmdb/c.h): library functions, option handles and write batches.
#include <cstdlib>
#include <cstring>
#include <new>

#include "db/c_api_internal.h"

namespace lsmdb::c_api {

void SaveError(char** errptr, std::string_view prefix, std::string_view message) noexcept {
  if (errptr == nullptr) return;
  char* copy = static_cast<char*>(std::malloc(prefix.size() + message.size() + 1));
  if (copy == nullptr) return;
  std::memcpy(copy, prefix.data(), prefix.size());
  if (!message.empty()) std::memcpy(copy + prefix.size(), message.data(), message.size());
  copy[prefix.size() + message.size()] = '\0';
  std::free(*errptr);
  *errptr = copy;
}

char* CopyToMalloc(std::string_view bytes) {
  char* copy = static_cast<char*>(std::malloc(bytes.size() + 1));
  if (copy == nullptr) return nullptr;
  if (!bytes.empty()) std::memcpy(copy, bytes.data(), bytes.size());
  copy[bytes.size()] = '\0';
  return copy;
}

bool ToView(const char* ptr, size_t len, std::string_view* out) {
  if (ptr == nullptr) {
    *out = {};
    return len == 0;
  }
  *out = std::string_view(ptr, len);
  return true;
}

Status ToOptions(const lsmdb_options_t* options, Options* out) {
  if (options == nullptr) return NullArgument("options");
  *out = options->rep;
  if (options->compression < 0 || options->compression > static_cast<int>(CompressionType::kZstd)) {
    return Status::InvalidArgument("Options::compression has an unknown value " +
                                   std::to_string(options->compression));
  }
  if (options->wal_recovery_mode < 0 ||
      options->wal_recovery_mode > static_cast<int>(WalRecoveryMode::kPointInTimeRecovery)) {
    return Status::InvalidArgument("Options::wal_recovery_mode has an unknown value " +
                                   std::to_string(options->wal_recovery_mode));
  }
  out->compression = static_cast<CompressionType>(options->compression);
  out->wal_recovery_mode = static_cast<WalRecoveryMode>(options->wal_recovery_mode);
  return Status::OK();
}

namespace {

// A new T, or null when out of memory.
template <typename T>
T* New() noexcept {
  try {
    return new T();
  } catch (...) {
    return nullptr;
  }
}

#define LSMDB_C_STR2(x) #x
#define LSMDB_C_STR(x) LSMDB_C_STR2(x)
constexpr const char* kVersion = LSMDB_C_STR(LSMDB_VERSION_MAJOR) "." LSMDB_C_STR(
    LSMDB_VERSION_MINOR) "." LSMDB_C_STR(LSMDB_VERSION_PATCH);

// Sets or (key == null) removes an iterator bound.
void SetBound(std::optional<std::string>* bound, const char* key, size_t keylen) noexcept {
  if (key == nullptr) {
    bound->reset();
    return;
  }
  try {
    *bound = std::string(key, keylen);
  } catch (...) {
    // Out of memory: the bound stays as it was.
  }
}

// Adds one update with add(key[, value]); remembers a bad argument or an exception.
template <typename F>
void AddToBatch(lsmdb_writebatch_t* batch, const char* what, bool args_ok, F&& add) noexcept {
  if (batch == nullptr || !batch->error.empty()) return;
  try {
    if (args_ok) {
      add();
    } else {
      batch->error = std::string(what) + " is NULL with a non-zero length";
    }
  } catch (const std::exception& e) {
    batch->error = "Aborted: ";
    batch->error += e.what();
  }
}

}  // namespace
}  // namespace lsmdb::c_api

using lsmdb::c_api::AddToBatch;
using lsmdb::c_api::New;
using lsmdb::c_api::SetBound;
using lsmdb::c_api::ToView;

extern "C" {

const char* lsmdb_version(void) { return lsmdb::c_api::kVersion; }
int lsmdb_major_version(void) { return LSMDB_VERSION_MAJOR; }
int lsmdb_minor_version(void) { return LSMDB_VERSION_MINOR; }

void lsmdb_free(void* ptr) { std::free(ptr); }

// ---- Options ----

lsmdb_options_t* lsmdb_options_create(void) { return New<lsmdb_options_t>(); }
void lsmdb_options_destroy(lsmdb_options_t* options) { delete options; }

// Defines lsmdb_options_set_<name>(options, TYPE v), which stores EXPR (of v) in FIELD.
#define LSMDB_C_OPTION(name, type, field, expr)                     \
  void lsmdb_options_set_##name(lsmdb_options_t* options, type v) { \
    if (options != nullptr) options->field = (expr);                \
  }

LSMDB_C_OPTION(create_if_missing, int, rep.create_if_missing, v != 0)
LSMDB_C_OPTION(error_if_exists, int, rep.error_if_exists, v != 0)
LSMDB_C_OPTION(paranoid_checks, int, rep.paranoid_checks, v != 0)
LSMDB_C_OPTION(write_buffer_size, size_t, rep.write_buffer_size, v)
LSMDB_C_OPTION(max_write_buffer_number, int, rep.max_write_buffer_number, v)
LSMDB_C_OPTION(block_size, size_t, rep.block_size, v)
LSMDB_C_OPTION(block_restart_interval, int, rep.block_restart_interval, v)
LSMDB_C_OPTION(block_cache_capacity, size_t, rep.block_cache_capacity, v)
LSMDB_C_OPTION(bloom_bits_per_key, int, rep.bloom_bits_per_key, v)
LSMDB_C_OPTION(compression, int, compression, v)
LSMDB_C_OPTION(zstd_level, int, rep.zstd_level, v)
LSMDB_C_OPTION(max_open_files, int, rep.max_open_files, v)
LSMDB_C_OPTION(num_levels, int, rep.num_levels, v)
LSMDB_C_OPTION(target_file_size, uint64_t, rep.target_file_size, v)
LSMDB_C_OPTION(level0_file_num_compaction_trigger, int, rep.level0_file_num_compaction_trigger, v)
LSMDB_C_OPTION(level0_slowdown_writes_trigger, int, rep.level0_slowdown_writes_trigger, v)
LSMDB_C_OPTION(level0_stop_writes_trigger, int, rep.level0_stop_writes_trigger, v)
LSMDB_C_OPTION(max_bytes_for_level_base, uint64_t, rep.max_bytes_for_level_base, v)
LSMDB_C_OPTION(max_bytes_for_level_multiplier, double, rep.max_bytes_for_level_multiplier, v)
LSMDB_C_OPTION(level_compaction_dynamic_level_bytes, int, rep.level_compaction_dynamic_level_bytes,
               v != 0)
LSMDB_C_OPTION(max_background_jobs, int, rep.max_background_jobs, v)
LSMDB_C_OPTION(max_subcompactions, int, rep.max_subcompactions, v)
LSMDB_C_OPTION(seek_compaction, int, rep.seek_compaction, v != 0)
LSMDB_C_OPTION(wal_recovery_mode, int, wal_recovery_mode, v)
LSMDB_C_OPTION(max_manifest_file_size, uint64_t, rep.max_manifest_file_size, v)
LSMDB_C_OPTION(max_bgerror_resume_count, int, rep.max_bgerror_resume_count, v)
LSMDB_C_OPTION(bgerror_resume_retry_interval, uint64_t, rep.bgerror_resume_retry_interval, v)

#undef LSMDB_C_OPTION

// ---- Read options ----

lsmdb_readoptions_t* lsmdb_readoptions_create(void) { return New<lsmdb_readoptions_t>(); }
void lsmdb_readoptions_destroy(lsmdb_readoptions_t* options) { delete options; }

void lsmdb_readoptions_set_verify_checksums(lsmdb_readoptions_t* options, int v) {
  if (options != nullptr) options->verify_checksums = v != 0;
}
void lsmdb_readoptions_set_fill_cache(lsmdb_readoptions_t* options, int v) {
  if (options != nullptr) options->fill_cache = v != 0;
}
void lsmdb_readoptions_set_snapshot(lsmdb_readoptions_t* options,
                                    const lsmdb_snapshot_t* snapshot) {
  if (options != nullptr) options->snapshot = snapshot;
}

void lsmdb_readoptions_set_lower_bound(lsmdb_readoptions_t* options, const char* key,
                                       size_t keylen) {
  if (options != nullptr) SetBound(&options->lower_bound, key, keylen);
}
void lsmdb_readoptions_set_upper_bound(lsmdb_readoptions_t* options, const char* key,
                                       size_t keylen) {
  if (options != nullptr) SetBound(&options->upper_bound, key, keylen);
}

// ---- Write options ----

lsmdb_writeoptions_t* lsmdb_writeoptions_create(void) { return New<lsmdb_writeoptions_t>(); }
void lsmdb_writeoptions_destroy(lsmdb_writeoptions_t* options) { delete options; }
void lsmdb_writeoptions_set_sync(lsmdb_writeoptions_t* options, int v) {
  if (options != nullptr) options->rep.sync = v != 0;
}
void lsmdb_writeoptions_set_disable_wal(lsmdb_writeoptions_t* options, int v) {
  if (options != nullptr) options->rep.disable_wal = v != 0;
}

// ---- Write batches ----

lsmdb_writebatch_t* lsmdb_writebatch_create(void) { return New<lsmdb_writebatch_t>(); }
void lsmdb_writebatch_destroy(lsmdb_writebatch_t* batch) { delete batch; }

void lsmdb_writebatch_put(lsmdb_writebatch_t* batch, const char* key, size_t keylen,
                          const char* val, size_t vallen) {
  std::string_view k, v;
  bool ok_key = ToView(key, keylen, &k);
  bool ok_val = ToView(val, vallen, &v);
  AddToBatch(batch, ok_key ? "lsmdb_writebatch_put: val" : "lsmdb_writebatch_put: key",
             ok_key && ok_val, [&] { batch->rep.Put(k, v); });
}

void lsmdb_writebatch_delete(lsmdb_writebatch_t* batch, const char* key, size_t keylen) {
  std::string_view k;
  bool ok_key = ToView(key, keylen, &k);
  AddToBatch(batch, "lsmdb_writebatch_delete: key", ok_key, [&] { batch->rep.Delete(k); });
}

void lsmdb_writebatch_delete_range(lsmdb_writebatch_t* batch, const char* begin, size_t beginlen,
                                   const char* end, size_t endlen) {
  std::string_view b, e;
  bool ok_begin = ToView(begin, beginlen, &b);
  bool ok_end = ToView(end, endlen, &e);
  AddToBatch(
      batch,
      ok_begin ? "lsmdb_writebatch_delete_range: end" : "lsmdb_writebatch_delete_range: begin",
      ok_begin && ok_end, [&] { batch->rep.DeleteRange(b, e); });
}

void lsmdb_writebatch_clear(lsmdb_writebatch_t* batch) {
  if (batch == nullptr) return;
  batch->rep.Clear();
  batch->error.clear();
}

uint32_t lsmdb_writebatch_count(const lsmdb_writebatch_t* batch) {
  return batch == nullptr ? 0 : batch->rep.Count();
}

}  // extern "C"
