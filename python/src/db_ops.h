// DB methods shared with Snapshot (DoGet) and the less frequent DB methods.
#ifndef LSMDB_PYTHON_DB_OPS_H_
#define LSMDB_PYTHON_DB_OPS_H_

#include "common.h"

namespace lsmdb_py {

// get(key, default=None, *, verify_checksums=False, fill_cache=True) on db, as of snap
// (null: now), with prefix (bytes or null) before the key.
PyObject* DoGet(DBObject* db, SnapshotObject* snap, PyObject* prefix, const char* fname,
                PyObject* const* args, Py_ssize_t nargs, PyObject* kw);

PyObject* DBGetProperty(DBObject* self, PyObject* name);
PyObject* DBCompactRange(DBObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kw);
PyObject* DBApproximateSize(DBObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kw);
PyObject* DBApproximateSizes(DBObject* self, PyObject* ranges);
PyObject* DBFlush(DBObject* self, PyObject*);

}  // namespace lsmdb_py

#endif  // LSMDB_PYTHON_DB_OPS_H_
