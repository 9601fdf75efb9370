// DB.iterator / DB.raw_iterator (and Snapshot's): arguments to an IterState.
#include "iterator.h"

namespace lsmdb_py {

namespace {

const char* const kIterNames[] = {"reverse",          "start",      "stop",        "include_start",
                                  "include_stop",     "prefix",     "include_key", "include_value",
                                  "verify_checksums", "fill_cache", nullptr};
const char* const kRawNames[] = {"verify_checksums", "fill_cache", nullptr};
enum { kReverse, kStart, kStop, kIncStart, kIncStop, kPrefix, kIncKey, kIncValue, kVerify, kFill };

bool OptionalBytes(PyObject* obj, const char* what, std::optional<std::string>* out) {
  if (obj == nullptr || obj == Py_None) return true;
  Bytes b;
  if (!b.Set(obj, what)) return false;
  *out = std::string(b.view());
  return true;
}

// Applies the range arguments (and the PrefixedDB prefix) as plyvel does.
bool SetRange(IterState* st, PyObject** a, PyObject* db_prefix) {
  int flags[4] = {Truth(a[kIncStart], true), Truth(a[kIncStop], false), Truth(a[kIncKey], true),
                  Truth(a[kIncValue], true)};
  int rev = Truth(a[kReverse], false);
  for (int f : flags) {
    if (f < 0) return false;
  }
  if (rev < 0) return false;
  st->reverse = rev != 0;
  st->include_start = flags[0] != 0;
  st->include_stop = flags[1] != 0;
  st->include_key = flags[2] != 0;
  st->include_value = flags[3] != 0;
  std::optional<std::string> prefix;
  if (!OptionalBytes(a[kStart], "start", &st->start) ||
      !OptionalBytes(a[kStop], "stop", &st->stop) ||
      !OptionalBytes(a[kPrefix], "prefix", &prefix)) {
    return false;
  }
  if (prefix && (st->start || st->stop)) {
    PyErr_SetString(PyExc_TypeError, "'prefix' cannot be used together with 'start' or 'stop'");
    return false;
  }
  if (db_prefix != Py_None) {
    st->has_db_prefix = true;
    st->db_prefix.assign(PyBytes_AS_STRING(db_prefix),
                         static_cast<size_t>(PyBytes_GET_SIZE(db_prefix)));
    st->prefix_len = st->db_prefix.size();
    if (prefix) {
      prefix = st->db_prefix + *prefix;
    } else {
      if (st->start) {
        st->start = st->db_prefix + *st->start;
      } else {
        st->start = st->db_prefix;
        st->include_start = true;
      }
      if (st->stop) {
        st->stop = st->db_prefix + *st->stop;
      } else {
        std::string succ;
        st->stop.reset();
        if (PrefixSuccessor(st->db_prefix, &succ)) st->stop = succ;
        st->include_stop = false;
      }
    }
  }
  if (prefix) {
    st->start = *prefix;
    st->include_start = true;
    std::string succ;
    st->stop.reset();
    if (PrefixSuccessor(*prefix, &succ)) st->stop = succ;
    st->include_stop = false;
  }
  st->pos = st->reverse ? Position::kAfterStop : Position::kBeforeStart;
  return true;
}

}  // namespace

PyObject* NewIterator(DBObject* db, SnapshotObject* snapshot, PyObject* db_prefix, bool raw,
                      PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  PyObject* a[10] = {};
  const char* fname = raw ? "raw_iterator" : "iterator";
  if (!ParseArgs(fname, args, nargs, kwnames, raw ? kRawNames : kIterNames, 0, a)) {
    return nullptr;
  }
  PyObject** verify_fill = raw ? a : a + kVerify;
  int fill = Truth(verify_fill[1], true);
  if (Truth(verify_fill[0], false) < 0 || fill < 0) return nullptr;
  auto st = std::make_unique<IterState>();
  st->raw = raw;
  if (!raw && !SetRange(st.get(), a, db_prefix)) return nullptr;
  Core* core = db->core;
  if (core->closed) return RaiseClosed(kIterClosed);
  st->cmp = core->cmp;
  lsmdb::ReadOptions ro;
  ro.fill_cache = fill != 0;
  bool snapshot_gone = false;
  bool ran = WithEngine(core, [&] {
    if (snapshot != nullptr) {
      ro.snapshot = snapshot->snap;
      if (ro.snapshot == nullptr) {
        snapshot_gone = true;
        return;
      }
    }
    st->it = core->db->NewIterator(ro);
  });
  if (!ran) return RaiseClosed(kIterClosed);
  if (snapshot_gone) return RaiseClosed("Database or snapshot is closed");
  PyTypeObject* type = raw ? &RawIteratorType : &IteratorType;
  auto* self = PyObject_New(IteratorObject, type);
  if (self == nullptr) return nullptr;
  Py_INCREF(db);
  self->db = db;
  PyObject* snap = snapshot != nullptr ? reinterpret_cast<PyObject*>(snapshot) : Py_None;
  Py_INCREF(snap);
  self->snapshot = snap;
  self->st = st.release();
  core->iterators.insert(self);
  return reinterpret_cast<PyObject*>(self);
}

}  // namespace lsmdb_py
