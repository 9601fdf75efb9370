// The Snapshot type: reads as of one point in time (plyvel.Snapshot).
#include <mutex>

#include "db_ops.h"

namespace lsmdb_py {

namespace {

const char kClosed[] = "Database or snapshot is closed";

SnapshotObject* Self(PyObject* o) { return reinterpret_cast<SnapshotObject*>(o); }

bool Open(SnapshotObject* self) { return !self->db->core->closed && self->snap != nullptr; }

PyObject* SnapClose(PyObject* o, PyObject*) {
  SnapshotObject* self = Self(o);
  Core* core = self->db->core;
  if (self->snap == nullptr) Py_RETURN_NONE;
  {
    // Exclusive, so that no read is using the snapshot as it goes.
    NoGil nogil;
    std::unique_lock<std::shared_mutex> lock(core->mu);
    if (core->db && self->snap != nullptr) core->db->ReleaseSnapshot(self->snap);
    self->snap = nullptr;
  }
  core->snapshots.erase(self);
  Py_RETURN_NONE;
}

void SnapDealloc(PyObject* o) {
  PyObject* r = SnapClose(o, nullptr);
  Py_XDECREF(r);
  Py_XDECREF(Self(o)->prefix);
  Py_XDECREF(Self(o)->db);
  Py_TYPE(o)->tp_free(o);
}

PyObject* SnapGet(PyObject* o, PyObject* const* args, Py_ssize_t nargs, PyObject* kw) {
  SnapshotObject* self = Self(o);
  if (!Open(self)) return RaiseClosed(kClosed);
  return DoGet(self->db, self, self->prefix, "get", args, nargs, kw);
}

PyObject* SnapIterator(PyObject* o, PyObject* const* args, Py_ssize_t nargs, PyObject* kw) {
  SnapshotObject* self = Self(o);
  if (!Open(self)) return RaiseClosed(kClosed);
  return NewIterator(self->db, self, self->prefix, false, args, nargs, kw);
}

PyObject* SnapRawIterator(PyObject* o, PyObject* const* args, Py_ssize_t nargs, PyObject* kw) {
  SnapshotObject* self = Self(o);
  if (!Open(self)) return RaiseClosed(kClosed);
  return NewIterator(self->db, self, Py_None, true, args, nargs, kw);
}

PyObject* SnapIter(PyObject* o) { return SnapIterator(o, nullptr, 0, nullptr); }

PyObject* SnapEnter(PyObject* o, PyObject*) {
  Py_INCREF(o);
  return o;
}

PyObject* SnapExit(PyObject* o, PyObject*) {
  PyObject* r = SnapClose(o, nullptr);
  if (r == nullptr) return nullptr;
  Py_DECREF(r);
  Py_RETURN_FALSE;
}

PyObject* SnapRepr(PyObject* o) {
  return PyUnicode_FromFormat("<lsmdb.Snapshot%s at %p>", Self(o)->snap ? "" : " (closed)", o);
}

PyMethodDef kMethods[] = {
    {"get", reinterpret_cast<PyCFunction>(SnapGet), METH_FASTCALL | METH_KEYWORDS,
     "get(key, default=None, *, verify_checksums=False, fill_cache=True)"},
    {"iterator", reinterpret_cast<PyCFunction>(SnapIterator), METH_FASTCALL | METH_KEYWORDS,
     "iterator(...): as DB.iterator, as of the snapshot"},
    {"raw_iterator", reinterpret_cast<PyCFunction>(SnapRawIterator), METH_FASTCALL | METH_KEYWORDS,
     "raw_iterator(*, verify_checksums=False, fill_cache=True)"},
    {"close", SnapClose, METH_NOARGS, "Releases the snapshot."},
    {"release", SnapClose, METH_NOARGS, "Same as close()."},
    {"__enter__", SnapEnter, METH_NOARGS, nullptr},
    {"__exit__", SnapExit, METH_VARARGS, nullptr},
    {nullptr, nullptr, 0, nullptr}};

}  // namespace

PyObject* NewSnapshot(DBObject* db, PyObject* prefix) {
  Core* core = db->core;
  if (core->closed) return RaiseClosed(kClosed);
  const lsmdb::Snapshot* snap = nullptr;
  if (!WithEngine(core, [&] { snap = core->db->GetSnapshot(); })) return RaiseClosed(kClosed);
  auto* self = PyObject_New(SnapshotObject, &SnapshotType);
  if (self == nullptr) {
    WithEngine(core, [&] { core->db->ReleaseSnapshot(snap); });
    return nullptr;
  }
  Py_INCREF(db);
  self->db = db;
  self->snap = snap;
  Py_INCREF(prefix);
  self->prefix = prefix;
  core->snapshots.insert(self);
  return reinterpret_cast<PyObject*>(self);
}

PyTypeObject SnapshotType = [] {
  PyTypeObject t{PyVarObject_HEAD_INIT(nullptr, 0)};
  t.tp_name = "lsmdb._lsmdb.Snapshot";
  t.tp_basicsize = sizeof(SnapshotObject);
  t.tp_flags = Py_TPFLAGS_DEFAULT;
  t.tp_dealloc = SnapDealloc;
  t.tp_iter = SnapIter;
  t.tp_repr = SnapRepr;
  t.tp_methods = kMethods;
  t.tp_doc = "A consistent view of a database (plyvel.Snapshot's API).";
  return t;
}();

}  // namespace lsmdb_py
