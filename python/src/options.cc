// DB()'s keyword arguments -> lsmdb::Options, and the Python-callable comparator.
#include "common.h"

namespace lsmdb_py {

std::unique_ptr<PyComparator> MakePyComparator(PyObject* callable, PyObject* name) {
  if (!PyCallable_Check(callable)) {
    PyErr_SetString(PyExc_TypeError, "custom comparator object must be callable");
    return nullptr;
  }
  Bytes n;
  if (PyUnicode_Check(name)) {
    const char* s = PyUnicode_AsUTF8(name);
    if (s == nullptr) return nullptr;
    return std::make_unique<PyComparator>(callable, s);
  }
  if (!n.Set(name, "comparator_name")) return nullptr;
  return std::make_unique<PyComparator>(callable, std::string(n.view()));
}

const lsmdb::Comparator* AsComparator(PyComparator* c) { return c; }

void DestroyPyComparator(std::unique_ptr<PyComparator> c) {
  if (c) c->Release();
}

namespace {

const char* const kOptionNames[] = {"name",
                                    "create_if_missing",
                                    "error_if_exists",
                                    "paranoid_checks",
                                    "write_buffer_size",
                                    "max_open_files",
                                    "lru_cache_size",
                                    "block_size",
                                    "block_restart_interval",
                                    "max_file_size",
                                    "compression",
                                    "bloom_filter_bits",
                                    "comparator",
                                    "comparator_name",
                                    "zstd_level",
                                    "wal_recovery_mode",
                                    "max_background_jobs",
                                    "max_write_buffer_number",
                                    nullptr};
enum {
  kName,
  kCreate,
  kErrorIfExists,
  kParanoid,
  kWriteBuffer,
  kMaxOpenFiles,
  kCache,
  kBlockSize,
  kRestart,
  kMaxFileSize,
  kCompression,
  kBloom,
  kComparator,
  kComparatorName,
  kZstdLevel,
  kWalRecovery,
  kBackgroundJobs,
  kWriteBufferNumber,
  kNumOptions
};

// Reads an integer option into *out when given (not null, not None).
template <typename T>
bool IntOption(PyObject* obj, const char* name, T* out) {
  if (obj == nullptr || obj == Py_None) return true;
  if (!PyLong_Check(obj)) {
    PyErr_Format(PyExc_TypeError, "'%s' must be an integer, not %.100s", name,
                 Py_TYPE(obj)->tp_name);
    return false;
  }
  long long v = PyLong_AsLongLong(obj);
  if (v == -1 && PyErr_Occurred()) return false;
  if (v < 0) {
    PyErr_Format(PyExc_ValueError, "'%s' must not be negative", name);
    return false;
  }
  *out = static_cast<T>(v);
  return true;
}

bool StringOption(PyObject* obj, const char* name, std::string* out) {
  if (PyBytes_Check(obj)) {
    out->assign(PyBytes_AS_STRING(obj), static_cast<size_t>(PyBytes_GET_SIZE(obj)));
    return true;
  }
  const char* s = PyUnicode_Check(obj) ? PyUnicode_AsUTF8(obj) : nullptr;
  if (s == nullptr) {
    if (!PyErr_Occurred()) PyErr_Format(PyExc_TypeError, "'%s' must be None or a string", name);
    return false;
  }
  *out = s;
  return true;
}

bool Compression(PyObject* obj, lsmdb::Options* o) {
  if (obj == nullptr) return true;  // the default, 'snappy'
  if (obj == Py_None) {
    o->compression = lsmdb::CompressionType::kNone;
    return true;
  }
  std::string s;
  if (!StringOption(obj, "compression", &s)) return false;
  if (s == "snappy") {
    o->compression = lsmdb::CompressionType::kSnappy;
  } else if (s == "lz4") {
    o->compression = lsmdb::CompressionType::kLz4;
  } else if (s == "zstd") {
    o->compression = lsmdb::CompressionType::kZstd;
  } else {
    PyErr_SetString(PyExc_ValueError, "'compression' must be None, 'snappy', 'lz4' or 'zstd'");
    return false;
  }
  return true;
}

bool WalRecovery(PyObject* obj, lsmdb::Options* o) {
  if (obj == nullptr || obj == Py_None) return true;
  std::string s;
  if (!StringOption(obj, "wal_recovery_mode", &s)) return false;
  if (s == "tolerate_corrupted_tail_records") {
    o->wal_recovery_mode = lsmdb::WalRecoveryMode::kTolerateCorruptedTailRecords;
  } else if (s == "absolute_consistency") {
    o->wal_recovery_mode = lsmdb::WalRecoveryMode::kAbsoluteConsistency;
  } else if (s == "point_in_time_recovery") {
    o->wal_recovery_mode = lsmdb::WalRecoveryMode::kPointInTimeRecovery;
  } else {
    PyErr_SetString(PyExc_ValueError,
                    "'wal_recovery_mode' must be 'tolerate_corrupted_tail_records', "
                    "'absolute_consistency' or 'point_in_time_recovery'");
    return false;
  }
  return true;
}

}  // namespace

bool ParseOptions(PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames, const char* fname,
                  int max_positional, PyObject** name, lsmdb::Options* o,
                  std::unique_ptr<PyComparator>* py_cmp) {
  PyObject* a[kNumOptions] = {};
  if (!ParseArgs(fname, args, nargs, kwnames, kOptionNames, max_positional, a)) return false;
  if (a[kName] == nullptr) {
    PyErr_Format(PyExc_TypeError, "%s() missing required argument 'name'", fname);
    return false;
  }
  *name = a[kName];
  int create = Truth(a[kCreate], false), exists = Truth(a[kErrorIfExists], false);
  if (create < 0 || exists < 0) return false;
  o->create_if_missing = create != 0;
  o->error_if_exists = exists != 0;
  if (a[kParanoid] != nullptr && a[kParanoid] != Py_None) {
    int p = PyObject_IsTrue(a[kParanoid]);
    if (p < 0) return false;
    o->paranoid_checks = p != 0;
  }
  // plyvel's default is no bloom filter; an explicit None keeps lsmdb's (10 bits).
  o->bloom_bits_per_key = 0;
  if (!IntOption(a[kWriteBuffer], "write_buffer_size", &o->write_buffer_size) ||
      !IntOption(a[kMaxOpenFiles], "max_open_files", &o->max_open_files) ||
      !IntOption(a[kCache], "lru_cache_size", &o->block_cache_capacity) ||
      !IntOption(a[kBlockSize], "block_size", &o->block_size) ||
      !IntOption(a[kRestart], "block_restart_interval", &o->block_restart_interval) ||
      !IntOption(a[kMaxFileSize], "max_file_size", &o->target_file_size) ||
      !IntOption(a[kZstdLevel], "zstd_level", &o->zstd_level) ||
      !IntOption(a[kBackgroundJobs], "max_background_jobs", &o->max_background_jobs) ||
      !IntOption(a[kWriteBufferNumber], "max_write_buffer_number", &o->max_write_buffer_number) ||
      !Compression(a[kCompression], o) || !WalRecovery(a[kWalRecovery], o)) {
    return false;
  }
  if (a[kBloom] == Py_None) {
    o->bloom_bits_per_key = 10;
  } else if (!IntOption(a[kBloom], "bloom_filter_bits", &o->bloom_bits_per_key)) {
    return false;
  }
  PyObject* cmp = a[kComparator] == Py_None ? nullptr : a[kComparator];
  PyObject* cmp_name = a[kComparatorName] == Py_None ? nullptr : a[kComparatorName];
  if ((cmp == nullptr) != (cmp_name == nullptr)) {
    PyErr_SetString(PyExc_ValueError,
                    "'comparator' and 'comparator_name' must be specified together");
    return false;
  }
  if (cmp != nullptr) {
    *py_cmp = MakePyComparator(cmp, cmp_name);
    if (!*py_cmp) return false;
    o->comparator = py_cmp->get();
  }
  return true;
}

}  // namespace lsmdb_py
