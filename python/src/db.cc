// The DB type: open, close, point reads and writes, properties and compaction.
#include <vector>

#include "common.h"
#include "db_ops.h"

namespace lsmdb_py {

namespace {

const char kClosed[] = "Database is closed";

// tp_init's (tuple, dict) as a vectorcall argument list.
struct CallArgs {
  std::vector<PyObject*> v;
  PyObject* kwnames = nullptr;
  Py_ssize_t nargs = 0;
  ~CallArgs() { Py_XDECREF(kwnames); }
  bool Set(PyObject* args, PyObject* kwds) {
    nargs = PyTuple_GET_SIZE(args);
    for (Py_ssize_t i = 0; i < nargs; ++i) v.push_back(PyTuple_GET_ITEM(args, i));
    if (kwds == nullptr || PyDict_GET_SIZE(kwds) == 0) return true;
    kwnames = PyTuple_New(PyDict_GET_SIZE(kwds));
    if (kwnames == nullptr) return false;
    PyObject *key, *value;
    Py_ssize_t pos = 0, i = 0;
    while (PyDict_Next(kwds, &pos, &key, &value)) {
      Py_INCREF(key);
      PyTuple_SET_ITEM(kwnames, i++, key);
      v.push_back(value);
    }
    return true;
  }
};

PyObject* DBNew(PyTypeObject* type, PyObject*, PyObject*) {
  auto* self = reinterpret_cast<DBObject*>(type->tp_alloc(type, 0));
  if (self == nullptr) return nullptr;
  self->core = new Core();
  self->core->closed = true;
  self->name = Py_None;
  Py_INCREF(Py_None);
  return reinterpret_cast<PyObject*>(self);
}

int DBInit(DBObject* self, PyObject* args, PyObject* kwds) {
  if (self->core->db) {
    PyErr_SetString(PyExc_RuntimeError, "DB.__init__ called on an open database");
    return -1;
  }
  CallArgs ca;
  if (!ca.Set(args, kwds)) return -1;
  PyObject* name = nullptr;
  lsmdb::Options options;
  std::unique_ptr<PyComparator> cmp;
  if (!ParseOptions(ca.v.data(), ca.nargs, ca.kwnames, "DB", 1, &name, &options, &cmp)) return -1;
  std::string path;
  if (!FileSystemName(name, &path)) return -1;
  Py_INCREF(name);
  Py_SETREF(self->name, name);
  Core* core = self->core;
  lsmdb::Status s;
  {
    NoGil nogil;
    s = lsmdb::DB::Open(options, path, &core->db);
  }
  if (!s.ok()) {
    DestroyPyComparator(std::move(cmp));
    RaiseStatus(s);
    return -1;
  }
  core->py_cmp = std::move(cmp);
  core->cmp = core->py_cmp ? AsComparator(core->py_cmp.get()) : lsmdb::BytewiseComparator();
  core->closed = false;
  return 0;
}

void CloseCore(Core* core) {
  if (core->db == nullptr) return;
  core->closed = true;
  {
    NoGil nogil;
    core->mu.lock();
  }
  // Exclusive: no engine call is running. Detach what still refers to the engine.
  std::vector<std::unique_ptr<lsmdb::Iterator>> iters;
  for (IteratorObject* it : core->iterators) iters.push_back(DetachIterator(it));
  core->iterators.clear();
  std::vector<const lsmdb::Snapshot*> snaps;
  for (SnapshotObject* sn : core->snapshots) {
    snaps.push_back(sn->snap);
    sn->snap = nullptr;
  }
  core->snapshots.clear();
  std::unique_ptr<lsmdb::DB> db = std::move(core->db);
  {
    NoGil nogil;
    iters.clear();
    for (const lsmdb::Snapshot* s : snaps) db->ReleaseSnapshot(s);
    db.reset();
    core->mu.unlock();
  }
  DestroyPyComparator(std::move(core->py_cmp));
}

void DBDealloc(DBObject* self) {
  CloseCore(self->core);
  delete self->core;
  Py_CLEAR(self->name);
  Py_TYPE(self)->tp_free(reinterpret_cast<PyObject*>(self));
}

PyObject* DBClose(DBObject* self, PyObject*) {
  CloseCore(self->core);
  Py_RETURN_NONE;
}

PyObject* DBClosed(DBObject* self, void*) { return PyBool_FromLong(self->core->closed); }

PyObject* DBName(DBObject* self, void*) {
  Py_INCREF(self->name);
  return self->name;
}

PyObject* DBGet(DBObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kw) {
  if (self->core->closed) return RaiseClosed(kClosed);
  return DoGet(self, nullptr, nullptr, "get", args, nargs, kw);
}

PyObject* DBPut(DBObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kw) {
  static const char* const names[] = {"key", "value", "sync", nullptr};
  PyObject* a[3] = {};
  if (!ParseArgs("put", args, nargs, kw, names, 2, a)) return nullptr;
  if (a[0] == nullptr || a[1] == nullptr) {
    PyErr_SetString(PyExc_TypeError, "put() needs key and value");
    return nullptr;
  }
  Bytes key, value;
  int sync = Truth(a[2], false);
  if (!key.Set(a[0], "key") || !value.Set(a[1], "value") || sync < 0) return nullptr;
  if (self->core->closed) return RaiseClosed(kClosed);
  lsmdb::Status s;
  lsmdb::WriteOptions wo;
  wo.sync = sync != 0;
  if (!WithEngine(self->core, [&] { s = self->core->db->Put(wo, key.view(), value.view()); })) {
    return RaiseClosed(kClosed);
  }
  if (!s.ok()) return RaiseStatus(s);
  Py_RETURN_NONE;
}

PyObject* DBDelete(DBObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kw) {
  static const char* const names[] = {"key", "sync", nullptr};
  PyObject* a[2] = {};
  if (!ParseArgs("delete", args, nargs, kw, names, 1, a)) return nullptr;
  if (a[0] == nullptr) {
    PyErr_SetString(PyExc_TypeError, "delete() needs a key");
    return nullptr;
  }
  Bytes key;
  int sync = Truth(a[1], false);
  if (!key.Set(a[0], "key") || sync < 0) return nullptr;
  if (self->core->closed) return RaiseClosed(kClosed);
  lsmdb::Status s;
  lsmdb::WriteOptions wo;
  wo.sync = sync != 0;
  if (!WithEngine(self->core, [&] { s = self->core->db->Delete(wo, key.view()); })) {
    return RaiseClosed(kClosed);
  }
  if (!s.ok()) return RaiseStatus(s);
  Py_RETURN_NONE;
}

PyObject* DBWriteBatch(DBObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kw) {
  static const char* const names[] = {"transaction", "sync", nullptr};
  PyObject* a[2] = {};
  if (!ParseArgs("write_batch", args, nargs, kw, names, 0, a)) return nullptr;
  int tx = Truth(a[0], false), sync = Truth(a[1], false);
  if (tx < 0 || sync < 0) return nullptr;
  if (self->core->closed) return RaiseClosed(kClosed);
  return NewWriteBatch(self, Py_None, tx != 0, sync != 0);
}

PyObject* DBIterator(DBObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kw) {
  return NewIterator(self, nullptr, Py_None, false, args, nargs, kw);
}

PyObject* DBRawIterator(DBObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kw) {
  return NewIterator(self, nullptr, Py_None, true, args, nargs, kw);
}

PyObject* DBIter(DBObject* self) {
  if (self->core->closed) return RaiseClosed(kClosed);
  return NewIterator(self, nullptr, Py_None, false, nullptr, 0, nullptr);
}

PyObject* DBSnapshot(DBObject* self, PyObject*) { return NewSnapshot(self, Py_None); }

// PrefixedDB's (python/lsmdb/__init__.py) ways in: _prefixed_write_batch(prefix,
// transaction, sync), _prefixed_iterator(prefix, **iterator_args), _prefixed_snapshot(prefix).
bool PrefixArg(PyObject* prefix) {
  if (PyBytes_CheckExact(prefix)) return true;
  PyErr_SetString(PyExc_TypeError, "prefix must be bytes");
  return false;
}

PyObject* DBPrefixedWriteBatch(DBObject* self, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 3 || !PrefixArg(args[0])) {
    if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "(prefix, transaction, sync)");
    return nullptr;
  }
  int tx = Truth(args[1], false), sync = Truth(args[2], false);
  if (tx < 0 || sync < 0) return nullptr;
  if (self->core->closed) return RaiseClosed(kClosed);
  return NewWriteBatch(self, args[0], tx != 0, sync != 0);
}

PyObject* DBPrefixedIterator(DBObject* self, PyObject* const* args, Py_ssize_t nargs,
                             PyObject* kw) {
  if (nargs != 1 || !PrefixArg(args[0])) {
    if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "iterator() takes no positionals");
    return nullptr;
  }
  return NewIterator(self, nullptr, args[0], false, args + 1, 0, kw);
}

PyObject* DBPrefixedSnapshot(DBObject* self, PyObject* prefix) {
  if (!PrefixArg(prefix)) return nullptr;
  return NewSnapshot(self, prefix);
}

PyObject* DBEnter(DBObject* self, PyObject*) {
  if (self->core->closed) return RaiseClosed(kClosed);
  Py_INCREF(self);
  return reinterpret_cast<PyObject*>(self);
}

PyObject* DBExit(DBObject* self, PyObject*) {
  CloseCore(self->core);
  Py_RETURN_FALSE;
}

PyObject* DBRepr(DBObject* self) {
  return PyUnicode_FromFormat("<lsmdb.DB with name %R%s at %p>", self->name,
                              self->core->closed ? " (closed)" : "", self);
}

PyMethodDef kMethods[] = {
    {"close", reinterpret_cast<PyCFunction>(DBClose), METH_NOARGS, "Closes the database."},
    {"get", reinterpret_cast<PyCFunction>(DBGet), METH_FASTCALL | METH_KEYWORDS,
     "get(key, default=None, *, verify_checksums=False, fill_cache=True)"},
    {"put", reinterpret_cast<PyCFunction>(DBPut), METH_FASTCALL | METH_KEYWORDS,
     "put(key, value, *, sync=False)"},
    {"delete", reinterpret_cast<PyCFunction>(DBDelete), METH_FASTCALL | METH_KEYWORDS,
     "delete(key, *, sync=False)"},
    {"write_batch", reinterpret_cast<PyCFunction>(DBWriteBatch), METH_FASTCALL | METH_KEYWORDS,
     "write_batch(*, transaction=False, sync=False)"},
    {"iterator", reinterpret_cast<PyCFunction>(DBIterator), METH_FASTCALL | METH_KEYWORDS,
     "iterator(*, reverse=False, start=None, stop=None, include_start=True, "
     "include_stop=False, prefix=None, include_key=True, include_value=True, "
     "verify_checksums=False, fill_cache=True)"},
    {"raw_iterator", reinterpret_cast<PyCFunction>(DBRawIterator), METH_FASTCALL | METH_KEYWORDS,
     "raw_iterator(*, verify_checksums=False, fill_cache=True)"},
    {"snapshot", reinterpret_cast<PyCFunction>(DBSnapshot), METH_NOARGS, "snapshot()"},
    {"get_property", reinterpret_cast<PyCFunction>(DBGetProperty), METH_O, "get_property(name)"},
    {"compact_range", reinterpret_cast<PyCFunction>(DBCompactRange), METH_FASTCALL | METH_KEYWORDS,
     "compact_range(*, start=None, stop=None)"},
    {"approximate_size", reinterpret_cast<PyCFunction>(DBApproximateSize),
     METH_FASTCALL | METH_KEYWORDS, "approximate_size(start, stop)"},
    {"approximate_sizes", reinterpret_cast<PyCFunction>(DBApproximateSizes), METH_VARARGS,
     "approximate_sizes(*ranges)"},
    {"flush", reinterpret_cast<PyCFunction>(DBFlush), METH_NOARGS,
     "flush(): writes the memtable to a table and waits for it"},
    {"_prefixed_write_batch", reinterpret_cast<PyCFunction>(DBPrefixedWriteBatch), METH_FASTCALL,
     nullptr},
    {"_prefixed_iterator", reinterpret_cast<PyCFunction>(DBPrefixedIterator),
     METH_FASTCALL | METH_KEYWORDS, nullptr},
    {"_prefixed_snapshot", reinterpret_cast<PyCFunction>(DBPrefixedSnapshot), METH_O, nullptr},
    {"__enter__", reinterpret_cast<PyCFunction>(DBEnter), METH_NOARGS, nullptr},
    {"__exit__", reinterpret_cast<PyCFunction>(DBExit), METH_VARARGS, nullptr},
    {nullptr, nullptr, 0, nullptr}};

PyGetSetDef kGetSet[] = {{"closed", reinterpret_cast<getter>(DBClosed), nullptr, nullptr},
                         {"name", reinterpret_cast<getter>(DBName), nullptr, nullptr},
                         {nullptr, nullptr, nullptr, nullptr, nullptr}};

}  // namespace

PyTypeObject DBType = [] {
  PyTypeObject t{PyVarObject_HEAD_INIT(nullptr, 0)};
  t.tp_name = "lsmdb._lsmdb.DB";
  t.tp_basicsize = sizeof(DBObject);
  t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE;
  t.tp_new = DBNew;
  t.tp_init = reinterpret_cast<initproc>(DBInit);
  t.tp_dealloc = reinterpret_cast<destructor>(DBDealloc);
  t.tp_repr = reinterpret_cast<reprfunc>(DBRepr);
  t.tp_iter = reinterpret_cast<getiterfunc>(DBIter);
  t.tp_methods = kMethods;
  t.tp_getset = kGetSet;
  t.tp_doc = "An lsmdb database (plyvel.DB's API).";
  return t;
}();

}  // namespace lsmdb_py
