// The module lsmdb._lsmdb: types, exceptions, destroy_db and repair_db.
#include "common.h"

namespace lsmdb_py {

namespace {

PyObject* DestroyDb(PyObject*, PyObject* name) {
  std::string path;
  if (!FileSystemName(name, &path)) return nullptr;
  lsmdb::Status s;
  {
    NoGil nogil;
    s = lsmdb::DestroyDB(path, lsmdb::Options{});
  }
  if (!s.ok()) return RaiseStatus(s);
  Py_RETURN_NONE;
}

PyObject* RepairDb(PyObject*, PyObject* const* args, Py_ssize_t nargs, PyObject* kw) {
  PyObject* name = nullptr;
  lsmdb::Options options;
  std::unique_ptr<PyComparator> cmp;
  if (!ParseOptions(args, nargs, kw, "repair_db", 1, &name, &options, &cmp)) return nullptr;
  std::string path;
  if (!FileSystemName(name, &path)) {
    DestroyPyComparator(std::move(cmp));
    return nullptr;
  }
  lsmdb::Status s;
  {
    NoGil nogil;
    s = lsmdb::RepairDB(path, options);
  }
  DestroyPyComparator(std::move(cmp));
  if (!s.ok()) return RaiseStatus(s);
  Py_RETURN_NONE;
}

PyMethodDef kFunctions[] = {
    {"destroy_db", DestroyDb, METH_O, "destroy_db(name): removes a database's files."},
    {"repair_db", reinterpret_cast<PyCFunction>(RepairDb), METH_FASTCALL | METH_KEYWORDS,
     "repair_db(name, **options): rebuilds a damaged database from what can be read."},
    {nullptr, nullptr, 0, nullptr}};

PyModuleDef kModule = {PyModuleDef_HEAD_INIT, "_lsmdb", "lsmdb's engine, for the lsmdb package.",
                       -1, kFunctions};

bool AddException(PyObject* m, const char* name, PyObject* bases, PyObject** out) {
  std::string full = std::string("lsmdb.") + name;
  *out = PyErr_NewException(full.c_str(), bases, nullptr);
  if (*out == nullptr) return false;
  Py_INCREF(*out);
  return PyModule_AddObject(m, name, *out) == 0;
}

bool AddType(PyObject* m, const char* name, PyTypeObject* type) {
  if (PyType_Ready(type) < 0) return false;
  Py_INCREF(type);
  return PyModule_AddObject(m, name, reinterpret_cast<PyObject*>(type)) == 0;
}

}  // namespace

}  // namespace lsmdb_py

PyMODINIT_FUNC PyInit__lsmdb() {
  using namespace lsmdb_py;
  PyObject* m = PyModule_Create(&kModule);
  if (m == nullptr) return nullptr;
  PyObject* io_bases = nullptr;
  bool ok = AddException(m, "Error", nullptr, &g_error) &&
            (io_bases = PyTuple_Pack(2, g_error, PyExc_IOError)) != nullptr &&
            AddException(m, "IOError", io_bases, &g_io_error) &&
            AddException(m, "CorruptionError", g_error, &g_corruption_error) &&
            AddException(m, "IteratorInvalidError", g_error, &g_iterator_invalid_error) &&
            AddType(m, "DB", &DBType) && AddType(m, "Iterator", &IteratorType) &&
            AddType(m, "RawIterator", &RawIteratorType) &&
            AddType(m, "WriteBatch", &WriteBatchType) && AddType(m, "Snapshot", &SnapshotType);
  Py_XDECREF(io_bases);
  if (!ok) {
    Py_DECREF(m);
    return nullptr;
  }
  return m;
}
