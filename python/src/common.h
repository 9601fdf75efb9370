// Shared pieces of the lsmdb Python extension (module _lsmdb): the per-database core
// that every Python object of one database points to, byte-string arguments, argument
// parsing for METH_FASTCALL methods, and Status -> exception mapping.
//
// Locking rules (they keep the GIL and the core's mutex free of deadlock):
//  - every call into the engine runs with the GIL released and Core::mu held shared;
//  - Core::mu is only ever waited for with the GIL released (a thread holding mu may wait
//    for the GIL, never the other way round);
//  - DB.close() takes mu exclusively, then the GIL, detaches every live iterator and
//    snapshot, and deletes them and the engine's DB with the GIL released.
#ifndef LSMDB_PYTHON_COMMON_H_
#define LSMDB_PYTHON_COMMON_H_

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <lsmdb/comparator.h>
#include <lsmdb/db.h>

#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_set>

#include "py_comparator.h"

namespace lsmdb_py {

// The exception classes of the module (created in module.cc).
extern PyObject* g_error;
extern PyObject* g_io_error;
extern PyObject* g_corruption_error;
extern PyObject* g_iterator_invalid_error;

// Sets the Python exception for a non-OK status (IOError, CorruptionError or Error,
// carrying Status::ToString()) and returns null.
PyObject* RaiseStatus(const lsmdb::Status& s);
// RuntimeError(msg), returns null.
PyObject* RaiseClosed(const char* msg);

struct IteratorObject;
struct SnapshotObject;

// State shared by a DB object and everything made from it.
struct Core {
  std::unique_ptr<lsmdb::DB> db;  // null once closed
  std::shared_mutex mu;
  bool closed = false;  // read and written with the GIL held
  const lsmdb::Comparator* cmp = nullptr;
  std::unique_ptr<PyComparator> py_cmp;
  std::unordered_set<IteratorObject*> iterators;  // GIL-protected
  std::unordered_set<SnapshotObject*> snapshots;  // GIL-protected
};

// Runs fn() with the GIL released and core->mu held shared. Returns false (fn not run)
// if the database was closed meanwhile.
// Releases the GIL for its lifetime.
class NoGil {
 public:
  NoGil() : state_(PyEval_SaveThread()) {}
  NoGil(const NoGil&) = delete;
  NoGil& operator=(const NoGil&) = delete;
  ~NoGil() { PyEval_RestoreThread(state_); }

 private:
  PyThreadState* state_;
};

template <typename F>
bool WithEngine(Core* core, F&& fn) {
  NoGil nogil;
  std::shared_lock<std::shared_mutex> lock(core->mu);
  if (!core->db) return false;
  fn();
  return true;
}

// A byte-string argument: bytes (no copy), or any object with the buffer protocol.
// str and None are a TypeError saying what to do.
class Bytes {
 public:
  Bytes() = default;
  Bytes(const Bytes&) = delete;
  Bytes& operator=(const Bytes&) = delete;
  ~Bytes() {
    if (has_view_) PyBuffer_Release(&view_);
  }
  // False with a TypeError set. what names the argument ("key", "value", ...).
  bool Set(PyObject* obj, const char* what);
  std::string_view view() const { return data_; }

 private:
  std::string_view data_;
  Py_buffer view_;
  bool has_view_ = false;
};

// Parses (args, nargs, kwnames) of a METH_FASTCALL | METH_KEYWORDS method against names
// (null-terminated list). The first max_positional may be given by position. out[i] is
// the object given for names[i] or left as it was (its default). False with TypeError.
bool ParseArgs(const char* fname, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames,
               const char* const* names, int max_positional, PyObject** out);

// Truth value of an optional argument (null: dflt). -1 with an exception set.
int Truth(PyObject* obj, bool dflt);

// bytes from a view; null with MemoryError.
inline PyObject* ToBytes(std::string_view v) {
  return PyBytes_FromStringAndSize(v.data(), static_cast<Py_ssize_t>(v.size()));
}

// The smallest key greater than every key starting with prefix; false if none (all 0xff).
bool PrefixSuccessor(std::string_view prefix, std::string* out);

// Types (defined in their own files) and their set-up.
extern PyTypeObject DBType;
extern PyTypeObject IteratorType;
extern PyTypeObject RawIteratorType;
extern PyTypeObject WriteBatchType;
extern PyTypeObject SnapshotType;

struct DBObject {
  PyObject_HEAD Core* core;
  PyObject* name;
};

struct SnapshotObject {
  PyObject_HEAD DBObject* db;
  const lsmdb::Snapshot* snap;  // null once released
  PyObject* prefix;             // bytes or None
};

// Creates an Iterator (raw=false) or RawIterator over db (and snapshot, which may be
// null). Arguments follow DB.iterator / DB.raw_iterator; db_prefix is bytes or None.
PyObject* NewIterator(DBObject* db, SnapshotObject* snapshot, PyObject* db_prefix, bool raw,
                      PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames);
// Detaches the engine iterator of it (DB.close); the caller deletes it.
std::unique_ptr<lsmdb::Iterator> DetachIterator(IteratorObject* it);
// Creates a WriteBatch; prefix is bytes or None.
PyObject* NewWriteBatch(DBObject* db, PyObject* prefix, bool transaction, bool sync);
// Creates a Snapshot of db; prefix is bytes or None.
PyObject* NewSnapshot(DBObject* db, PyObject* prefix);

// The comparator for Options::comparator, or null with an exception set.
std::unique_ptr<PyComparator> MakePyComparator(PyObject* callable, PyObject* name);
const lsmdb::Comparator* AsComparator(PyComparator* c);
void DestroyPyComparator(std::unique_ptr<PyComparator> c);  // needs the GIL

// Fills options from DB()'s keyword arguments (shared with repair_db). False with an
// exception set. On success *py_cmp holds a Python comparator if one was given.
bool ParseOptions(PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames, const char* fname,
                  int max_positional, PyObject** name, lsmdb::Options* options,
                  std::unique_ptr<PyComparator>* py_cmp);

// The path of a name argument (str or bytes); false with an exception set.
bool FileSystemName(PyObject* name, std::string* out);

}  // namespace lsmdb_py

#endif  // LSMDB_PYTHON_COMMON_H_
