// Point reads, properties, sizes and compaction of the DB type.
#include "db_ops.h"

#include <optional>
#include <vector>

namespace lsmdb_py {

namespace {

const char kClosed[] = "Database is closed";

// Bytes of the keys and values in [start, stop): a scan (the public API has no
// size estimate from the index).
uint64_t RangeBytes(lsmdb::DB* db, std::string_view start, std::string_view stop) {
  lsmdb::ReadOptions ro;
  ro.fill_cache = false;
  ro.upper_bound = stop;
  auto it = db->NewIterator(ro);
  uint64_t total = 0;
  for (it->Seek(start); it->Valid(); it->Next()) total += it->key().size() + it->value().size();
  return total;
}

}  // namespace

PyObject* DoGet(DBObject* db, SnapshotObject* snap, PyObject* prefix, const char* fname,
                PyObject* const* args, Py_ssize_t nargs, PyObject* kw) {
  static const char* const names[] = {"key", "default", "verify_checksums", "fill_cache", nullptr};
  PyObject* a[4] = {};
  if (!ParseArgs(fname, args, nargs, kw, names, 2, a)) return nullptr;
  if (a[0] == nullptr) {
    PyErr_Format(PyExc_TypeError, "%s() needs a key", fname);
    return nullptr;
  }
  Bytes key;
  if (!key.Set(a[0], "key")) return nullptr;
  int verify = Truth(a[2], false), fill = Truth(a[3], true);
  if (verify < 0 || fill < 0) return nullptr;
  std::string prefixed;
  std::string_view k = key.view();
  if (prefix != nullptr && prefix != Py_None) {
    prefixed.assign(PyBytes_AS_STRING(prefix), static_cast<size_t>(PyBytes_GET_SIZE(prefix)));
    prefixed.append(k);
    k = prefixed;
  }
  // Checksums are always verified (once per block, as it enters the cache): lsmdb never
  // returns data it has not checked, whatever verify_checksums says.
  lsmdb::ReadOptions ro;
  ro.fill_cache = fill != 0;
  lsmdb::Status s;
  std::string value;
  bool snapshot_gone = false;
  bool ran = WithEngine(db->core, [&] {
    if (snap != nullptr) {
      ro.snapshot = snap->snap;
      if (ro.snapshot == nullptr) {
        snapshot_gone = true;
        return;
      }
    }
    s = db->core->db->Get(ro, k, &value);
  });
  if (!ran || snapshot_gone) {
    return RaiseClosed(snap != nullptr ? "Database or snapshot is closed" : kClosed);
  }
  if (s.IsNotFound()) {
    PyObject* dflt = a[1] != nullptr ? a[1] : Py_None;
    Py_INCREF(dflt);
    return dflt;
  }
  if (!s.ok()) return RaiseStatus(s);
  return ToBytes(value);
}

PyObject* DBGetProperty(DBObject* self, PyObject* name) {
  Bytes n;
  if (!n.Set(name, "name")) return nullptr;
  if (self->core->closed) return RaiseClosed(kClosed);
  std::string value;
  bool found = false;
  if (!WithEngine(self->core, [&] { found = self->core->db->GetProperty(n.view(), &value); })) {
    return RaiseClosed(kClosed);
  }
  if (!found) Py_RETURN_NONE;
  return ToBytes(value);
}

PyObject* DBCompactRange(DBObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kw) {
  static const char* const names[] = {"start", "stop", nullptr};
  PyObject* a[2] = {};
  if (!ParseArgs("compact_range", args, nargs, kw, names, 0, a)) return nullptr;
  Bytes start, stop;
  std::optional<std::string_view> b, e;
  if (a[0] != nullptr && a[0] != Py_None) {
    if (!start.Set(a[0], "start")) return nullptr;
    b = start.view();
  }
  if (a[1] != nullptr && a[1] != Py_None) {
    if (!stop.Set(a[1], "stop")) return nullptr;
    e = stop.view();
  }
  if (self->core->closed) return RaiseClosed(kClosed);
  lsmdb::Status s;
  if (!WithEngine(self->core, [&] {
        s = self->core->db->CompactRange(b ? &*b : nullptr, e ? &*e : nullptr);
      })) {
    return RaiseClosed(kClosed);
  }
  if (!s.ok()) return RaiseStatus(s);
  Py_RETURN_NONE;
}

PyObject* DBApproximateSize(DBObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kw) {
  static const char* const names[] = {"start", "stop", nullptr};
  PyObject* a[2] = {};
  if (!ParseArgs("approximate_size", args, nargs, kw, names, 2, a)) return nullptr;
  if (a[0] == nullptr || a[1] == nullptr) {
    PyErr_SetString(PyExc_TypeError, "approximate_size() needs start and stop");
    return nullptr;
  }
  PyObject* range = PyTuple_Pack(2, a[0], a[1]);
  if (range == nullptr) return nullptr;
  PyObject* ranges = PyTuple_Pack(1, range);
  Py_DECREF(range);
  if (ranges == nullptr) return nullptr;
  PyObject* sizes = DBApproximateSizes(self, ranges);
  Py_DECREF(ranges);
  if (sizes == nullptr) return nullptr;
  PyObject* first = PyList_GET_ITEM(sizes, 0);
  Py_INCREF(first);
  Py_DECREF(sizes);
  return first;
}

PyObject* DBApproximateSizes(DBObject* self, PyObject* ranges) {
  if (self->core->closed) return RaiseClosed(kClosed);
  Py_ssize_t n = PyTuple_GET_SIZE(ranges);
  std::vector<std::pair<std::string, std::string>> r;
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* item = PyTuple_GET_ITEM(ranges, i);
    if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2) {
      PyErr_SetString(PyExc_TypeError, "each range must be a (start, stop) tuple");
      return nullptr;
    }
    Bytes start, stop;
    if (!start.Set(PyTuple_GET_ITEM(item, 0), "start") ||
        !stop.Set(PyTuple_GET_ITEM(item, 1), "stop")) {
      return nullptr;
    }
    r.emplace_back(std::string(start.view()), std::string(stop.view()));
  }
  std::vector<uint64_t> sizes(r.size());
  if (!WithEngine(self->core, [&] {
        for (size_t i = 0; i < r.size(); ++i) {
          sizes[i] = RangeBytes(self->core->db.get(), r[i].first, r[i].second);
        }
      })) {
    return RaiseClosed(kClosed);
  }
  PyObject* out = PyList_New(n);
  if (out == nullptr) return nullptr;
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* v = PyLong_FromUnsignedLongLong(sizes[static_cast<size_t>(i)]);
    if (v == nullptr) {
      Py_DECREF(out);
      return nullptr;
    }
    PyList_SET_ITEM(out, i, v);
  }
  return out;
}

PyObject* DBFlush(DBObject* self, PyObject*) {
  if (self->core->closed) return RaiseClosed(kClosed);
  lsmdb::Status s;
  if (!WithEngine(self->core, [&] { s = self->core->db->Flush(); })) return RaiseClosed(kClosed);
  if (!s.ok()) return RaiseStatus(s);
  Py_RETURN_NONE;
}

}  // namespace lsmdb_py
