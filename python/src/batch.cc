// The WriteBatch type: puts and deletes applied atomically (plyvel.WriteBatch).
#include <algorithm>

#include "common.h"

namespace lsmdb_py {

namespace {

const char kClosed[] = "Database is closed";

struct BatchObject {
  PyObject_HEAD DBObject* db;
  lsmdb::WriteBatch* batch;
  std::string* prefix;  // null without one
  bool transaction;
  bool sync;
  size_t peak;   // the most bytes the batch held (its buffer's size, about)
  bool writing;  // write() runs without the GIL: the batch must not change meanwhile
};

BatchObject* Self(PyObject* o) { return reinterpret_cast<BatchObject*>(o); }

// False (with an error set) if the batch's database is closed or another thread is
// writing the batch.
bool Usable(BatchObject* self) {
  if (self->db->core->closed) {
    RaiseClosed(kClosed);
    return false;
  }
  if (self->writing) {
    PyErr_SetString(PyExc_RuntimeError, "the write batch is being written by another thread");
    return false;
  }
  return true;
}

// Batches freed recently, cleared, kept with their buffers (GIL-protected). A loop that
// builds one batch after another then reuses a buffer instead of returning it to malloc,
// which (above its trim threshold) gives the pages back to the kernel and faults them in
// again for the next batch: that cost 3 us per put in batches of 1000.
constexpr size_t kPoolSize = 4;
constexpr size_t kPoolMaxBytes = size_t{4} << 20;
lsmdb::WriteBatch* g_pool[kPoolSize];
size_t g_pooled = 0;

lsmdb::WriteBatch* TakeBatch() {
  if (g_pooled > 0) return g_pool[--g_pooled];
  return new lsmdb::WriteBatch();
}

void ClearBatch(BatchObject* self) {
  self->peak = std::max(self->peak, self->batch->ApproximateSize());
  self->batch->Clear();
}

void GiveBatch(BatchObject* self) {
  lsmdb::WriteBatch* b = self->batch;
  if (g_pooled < kPoolSize && std::max(self->peak, b->ApproximateSize()) <= kPoolMaxBytes) {
    b->Clear();
    g_pool[g_pooled++] = b;
  } else {
    delete b;
  }
}

// The key with the batch's prefix; the view points into *buf or into key.
std::string_view Prefixed(BatchObject* self, const Bytes& key, std::string* buf) {
  if (self->prefix == nullptr) return key.view();
  *buf = *self->prefix;
  buf->append(key.view());
  return *buf;
}

PyObject* BatchPut(PyObject* o, PyObject* const* args, Py_ssize_t nargs, PyObject* kw) {
  BatchObject* self = Self(o);
  static const char* const names[] = {"key", "value", nullptr};
  PyObject* a[2] = {};
  if (!ParseArgs("put", args, nargs, kw, names, 2, a)) return nullptr;
  if (a[0] == nullptr || a[1] == nullptr) {
    PyErr_SetString(PyExc_TypeError, "put() needs key and value");
    return nullptr;
  }
  Bytes key, value;
  if (!key.Set(a[0], "key") || !value.Set(a[1], "value") || !Usable(self)) return nullptr;
  std::string buf;
  self->batch->Put(Prefixed(self, key, &buf), value.view());
  Py_RETURN_NONE;
}

PyObject* BatchDelete(PyObject* o, PyObject* key_obj) {
  BatchObject* self = Self(o);
  Bytes key;
  if (!key.Set(key_obj, "key") || !Usable(self)) return nullptr;
  std::string buf;
  self->batch->Delete(Prefixed(self, key, &buf));
  Py_RETURN_NONE;
}

PyObject* BatchClear(PyObject* o, PyObject*) {
  if (!Usable(Self(o))) return nullptr;
  ClearBatch(Self(o));
  Py_RETURN_NONE;
}

PyObject* BatchWrite(PyObject* o, PyObject*) {
  BatchObject* self = Self(o);
  Core* core = self->db->core;
  if (!Usable(self)) return nullptr;
  lsmdb::WriteOptions wo;
  wo.sync = self->sync;
  lsmdb::Status s;
  self->writing = true;
  bool ran = WithEngine(core, [&] { s = core->db->Write(wo, self->batch); });
  self->writing = false;
  if (!ran) return RaiseClosed(kClosed);
  if (!s.ok()) return RaiseStatus(s);
  Py_RETURN_NONE;
}

PyObject* BatchAppend(PyObject* o, PyObject* other) {
  if (Py_TYPE(other) != &WriteBatchType) {
    PyErr_Format(PyExc_TypeError, "append() needs a WriteBatch, not %.100s",
                 Py_TYPE(other)->tp_name);
    return nullptr;
  }
  if (!Usable(Self(o)) || !Usable(Self(other))) return nullptr;
  Self(o)->batch->Append(*Self(other)->batch);
  Py_RETURN_NONE;
}

PyObject* BatchSize(PyObject* o, PyObject*) {
  return PyLong_FromSize_t(Self(o)->batch->ApproximateSize());
}

PyObject* BatchEnter(PyObject* o, PyObject*) {
  if (Self(o)->db->core->closed) return RaiseClosed(kClosed);
  Py_INCREF(o);
  return o;
}

PyObject* BatchExit(PyObject* o, PyObject* args) {
  BatchObject* self = Self(o);
  if (!Usable(self)) return nullptr;
  PyObject* exc_type = PyTuple_GET_SIZE(args) > 0 ? PyTuple_GET_ITEM(args, 0) : Py_None;
  if (self->transaction && exc_type != Py_None) {
    ClearBatch(self);  // an exception in a transaction: nothing is written
    Py_RETURN_FALSE;
  }
  PyObject* r = BatchWrite(o, nullptr);
  ClearBatch(self);
  if (r == nullptr) return nullptr;
  Py_DECREF(r);
  Py_RETURN_FALSE;
}

void BatchDealloc(PyObject* o) {
  GiveBatch(Self(o));
  delete Self(o)->prefix;
  Py_XDECREF(Self(o)->db);
  Py_TYPE(o)->tp_free(o);
}

PyMethodDef kMethods[] = {
    {"put", reinterpret_cast<PyCFunction>(BatchPut), METH_FASTCALL | METH_KEYWORDS,
     "put(key, value)"},
    {"delete", BatchDelete, METH_O, "delete(key)"},
    {"clear", BatchClear, METH_NOARGS, "Discards the updates in the batch."},
    {"write", BatchWrite, METH_NOARGS, "Applies the batch atomically."},
    {"append", BatchAppend, METH_O, "append(other): adds the updates of another batch."},
    {"approximate_size", BatchSize, METH_NOARGS, "Bytes of the batch's encoding."},
    {"__enter__", BatchEnter, METH_NOARGS, nullptr},
    {"__exit__", BatchExit, METH_VARARGS, nullptr},
    {nullptr, nullptr, 0, nullptr}};

}  // namespace

PyObject* NewWriteBatch(DBObject* db, PyObject* prefix, bool transaction, bool sync) {
  auto* self = PyObject_New(BatchObject, &WriteBatchType);
  if (self == nullptr) return nullptr;
  self->batch = TakeBatch();
  self->prefix = nullptr;
  if (prefix != Py_None) {
    self->prefix =
        new std::string(PyBytes_AS_STRING(prefix), static_cast<size_t>(PyBytes_GET_SIZE(prefix)));
  }
  Py_INCREF(db);
  self->db = db;
  self->peak = 0;
  self->writing = false;
  self->transaction = transaction;
  self->sync = sync;
  return reinterpret_cast<PyObject*>(self);
}

PyTypeObject WriteBatchType = [] {
  PyTypeObject t{PyVarObject_HEAD_INIT(nullptr, 0)};
  t.tp_name = "lsmdb._lsmdb.WriteBatch";
  t.tp_basicsize = sizeof(BatchObject);
  t.tp_flags = Py_TPFLAGS_DEFAULT;
  t.tp_dealloc = BatchDealloc;
  t.tp_methods = kMethods;
  t.tp_doc = "A batch of updates applied atomically (plyvel.WriteBatch's API).";
  return t;
}();

}  // namespace lsmdb_py
