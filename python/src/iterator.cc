// The Iterator and RawIterator types.
#include "iterator.h"

#include <shared_mutex>

namespace lsmdb_py {

namespace {

IteratorObject* Self(PyObject* o) { return reinterpret_cast<IteratorObject*>(o); }

// The entry in the shape the iterator was asked for (key, value, both or None).
}  // namespace

PyObject* Entry(IterState* st, std::string_view key, std::string_view value) {
  PyObject* k = nullptr;
  PyObject* v = nullptr;
  if (st->include_key && (k = ToBytes(key.substr(st->prefix_len))) == nullptr) return nullptr;
  if (st->include_value && (v = ToBytes(value)) == nullptr) {
    Py_XDECREF(k);
    return nullptr;
  }
  if (k != nullptr && v != nullptr) {
    PyObject* t = PyTuple_New(2);
    if (t == nullptr) {
      Py_DECREF(k);
      Py_DECREF(v);
      return nullptr;
    }
    PyTuple_SET_ITEM(t, 0, k);
    PyTuple_SET_ITEM(t, 1, v);
    return t;
  }
  if (k != nullptr) return k;
  if (v != nullptr) return v;
  Py_RETURN_NONE;
}

namespace {

// The next read-ahead entry. REQUIRES: the GIL, st->mu, st->ahead.Has().
PyObject* PopAhead(IterState* st) {
  const ReadAhead::Span& span = st->ahead.spans[st->ahead.next++];
  if (!st->ahead.Has() && st->ahead.at_end) st->pos = Position::kAfterStop;
  return Entry(st, st->ahead.Key(span), st->ahead.Value(span));
}

PyObject* StepForward(IteratorObject* self) {
  IterState* st = self->st;
  // Fast path: an entry already read ahead needs no lock but the iterator's own, taken
  // without waiting (waiting for it with the GIL held could deadlock).
  if (st->mu.try_lock()) {
    PyObject* r = nullptr;
    bool done = st->it && st->ahead.Has();
    if (done) r = PopAhead(st);
    st->mu.unlock();
    if (done) return r;
  }
  return Locked(
      self,
      [](IterState* s) {
        if (s->ahead.Has()) return Outcome::kBuffered;
        s->Resync(false);
        if (!s->reverse && s->pos == Position::kInBetween) return s->FillAhead();
        return s->Next();
      },
      [st](Outcome o) -> PyObject* {
        if (o == Outcome::kEnd) return nullptr;  // StopIteration
        if (o == Outcome::kBuffered) return PopAhead(st);
        return Entry(st, st->it->key(), st->it->value());
      });
}

PyObject* StepBack(IteratorObject* self) {
  std::string key, value;
  return Locked(
      self,
      [&](IterState* st) {
        st->Resync(true);
        Outcome o = st->Prev();
        if (o != Outcome::kEntry) return o;
        if (st->include_key) key.assign(st->it->key());
        if (st->include_value) value.assign(st->it->value());
        return st->AfterPrev();
      },
      [&](Outcome o) -> PyObject* {
        if (o == Outcome::kEnd) return nullptr;
        return Entry(self->st, key, value);
      });
}

PyObject* IterNext(PyObject* o) {
  IteratorObject* self = Self(o);
  return self->st->reverse ? StepBack(self) : StepForward(self);
}

PyObject* IterPrev(PyObject* o, PyObject*) {
  IteratorObject* self = Self(o);
  PyObject* r = self->st->reverse ? StepForward(self) : StepBack(self);
  if (r == nullptr && !PyErr_Occurred()) PyErr_SetNone(PyExc_StopIteration);
  return r;
}

PyObject* SetPosition(PyObject* o, Position p) {
  return Locked(
      Self(o),
      [p](IterState* st) {
        st->Resync(false);
        st->pos = p;
        return Outcome::kNone;
      },
      [](Outcome) -> PyObject* { Py_RETURN_NONE; });
}

PyObject* SeekToStart(PyObject* o, PyObject*) { return SetPosition(o, Position::kBeforeStart); }
PyObject* SeekToStop(PyObject* o, PyObject*) { return SetPosition(o, Position::kAfterStop); }

PyObject* IterSeek(PyObject* o, PyObject* target) {
  Bytes t;
  if (!t.Set(target, "target")) return nullptr;
  IterState* st = Self(o)->st;
  std::string full = st->db_prefix + std::string(t.view());
  return Locked(
      Self(o),
      [&](IterState* s) {
        s->Resync(false);
        s->Seek(std::move(full));
        return s->Failed(Outcome::kNone);
      },
      [](Outcome) -> PyObject* { Py_RETURN_NONE; });
}

}  // namespace

std::unique_ptr<lsmdb::Iterator> DetachIterator(IteratorObject* it) {
  return std::move(it->st->it);
}

PyObject* IterClose(PyObject* o, PyObject*) {
  IteratorObject* self = Self(o);
  std::unique_ptr<lsmdb::Iterator> it;
  {
    NoGil nogil;
    std::unique_lock<std::mutex> l1(self->st->mu);
    std::shared_lock<std::shared_mutex> l2(self->db->core->mu);
    it = std::move(self->st->it);
    it.reset();
  }
  self->db->core->iterators.erase(self);
  Py_RETURN_NONE;
}

void IterDealloc(PyObject* o) {
  IteratorObject* self = Self(o);
  if (self->st != nullptr) {
    if (self->db != nullptr) IterClose(o, nullptr);
    delete self->st;
  }
  Py_XDECREF(self->snapshot);
  Py_XDECREF(self->db);
  Py_TYPE(o)->tp_free(o);
}

PyObject* IterEnter(PyObject* o, PyObject*) {
  Py_INCREF(o);
  return o;
}

PyObject* IterExit(PyObject* o, PyObject*) {
  PyObject* r = IterClose(o, nullptr);
  Py_XDECREF(r);
  if (r == nullptr) return nullptr;
  Py_RETURN_FALSE;
}

PyObject* IterSelf(PyObject* o) {
  Py_INCREF(o);
  return o;
}

namespace {

PyMethodDef kIterMethods[] = {
    {"prev", IterPrev, METH_NOARGS, "Moves one step back and returns the entry."},
    {"seek_to_start", SeekToStart, METH_NOARGS, "Rewinds to the start of the range."},
    {"seek_to_stop", SeekToStop, METH_NOARGS, "Moves past the end of the range."},
    {"seek", IterSeek, METH_O, "seek(target): moves before the first key >= target."},
    {"close", IterClose, METH_NOARGS, "Closes the iterator."},
    {"__enter__", IterEnter, METH_NOARGS, nullptr},
    {"__exit__", IterExit, METH_VARARGS, nullptr},
    {nullptr, nullptr, 0, nullptr}};

}  // namespace

PyTypeObject IteratorType = [] {
  PyTypeObject t{PyVarObject_HEAD_INIT(nullptr, 0)};
  t.tp_name = "lsmdb._lsmdb.Iterator";
  t.tp_basicsize = sizeof(IteratorObject);
  t.tp_flags = Py_TPFLAGS_DEFAULT;
  t.tp_dealloc = IterDealloc;
  t.tp_iter = IterSelf;
  t.tp_iternext = IterNext;
  t.tp_methods = kIterMethods;
  t.tp_doc = "An iterator over a range of a database (plyvel.Iterator's API).";
  return t;
}();

}  // namespace lsmdb_py
