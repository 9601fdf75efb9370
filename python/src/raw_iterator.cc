// The RawIterator type: the engine's iterator, move by move (plyvel.RawIterator).
#include "iterator.h"

namespace lsmdb_py {

namespace {

IteratorObject* Self(PyObject* o) { return reinterpret_cast<IteratorObject*>(o); }

PyObject* None(Outcome) { Py_RETURN_NONE; }

PyObject* RawValid(PyObject* o, PyObject*) {
  bool valid = false;
  return Locked(
      Self(o),
      [&](IterState* st) {
        valid = st->it->Valid();
        return Outcome::kNone;
      },
      [&](Outcome) { return PyBool_FromLong(valid); });
}

template <typename F>
PyObject* Move(PyObject* o, F f) {
  return Locked(
      Self(o),
      [&](IterState* st) {
        f(st->it.get());
        return st->Failed(Outcome::kNone);
      },
      None);
}

PyObject* RawSeekToFirst(PyObject* o, PyObject*) {
  return Move(o, [](lsmdb::Iterator* it) { it->SeekToFirst(); });
}

PyObject* RawSeekToLast(PyObject* o, PyObject*) {
  return Move(o, [](lsmdb::Iterator* it) { it->SeekToLast(); });
}

PyObject* RawSeek(PyObject* o, PyObject* target) {
  Bytes t;
  if (!t.Set(target, "target")) return nullptr;
  return Move(o, [&](lsmdb::Iterator* it) { it->Seek(t.view()); });
}

PyObject* RawSeekForPrev(PyObject* o, PyObject* target) {
  Bytes t;
  if (!t.Set(target, "target")) return nullptr;
  return Move(o, [&](lsmdb::Iterator* it) { it->SeekForPrev(t.view()); });
}

// next()/prev()/key()/value()/item() on an iterator that is not Valid():
// IteratorInvalidError.
template <typename Move, typename Build>
PyObject* IfValid(PyObject* o, Move move, Build build) {
  bool invalid = false;
  PyObject* r = Locked(
      Self(o),
      [&](IterState* st) {
        if (!st->it->Valid()) {
          invalid = true;
          return Outcome::kNone;
        }
        return move(st);
      },
      [&](Outcome oc) -> PyObject* {
        if (invalid) {
          PyErr_SetNone(g_iterator_invalid_error);
          return nullptr;
        }
        return build(oc);
      });
  return r;
}

PyObject* RawNext(PyObject* o, PyObject*) {
  return IfValid(
      o,
      [](IterState* st) {
        st->it->Next();
        return st->Failed(Outcome::kNone);
      },
      None);
}

PyObject* RawPrev(PyObject* o, PyObject*) {
  return IfValid(
      o,
      [](IterState* st) {
        st->it->Prev();
        return st->Failed(Outcome::kNone);
      },
      None);
}

PyObject* Read(PyObject* o, bool key, bool value) {
  IterState* state = Self(o)->st;
  return IfValid(
      o, [](IterState*) { return Outcome::kNone; },
      [&](Outcome) -> PyObject* {
        if (key && !value) return ToBytes(state->it->key());
        if (value && !key) return ToBytes(state->it->value());
        return Py_BuildValue(
            "(y#y#)", state->it->key().data(), static_cast<Py_ssize_t>(state->it->key().size()),
            state->it->value().data(), static_cast<Py_ssize_t>(state->it->value().size()));
      });
}

PyObject* RawKey(PyObject* o, PyObject*) { return Read(o, true, false); }
PyObject* RawValue(PyObject* o, PyObject*) { return Read(o, false, true); }
PyObject* RawItem(PyObject* o, PyObject*) { return Read(o, true, true); }

PyMethodDef kRawMethods[] = {
    {"valid", RawValid, METH_NOARGS, "True when positioned at an entry."},
    {"seek_to_first", RawSeekToFirst, METH_NOARGS, nullptr},
    {"seek_to_last", RawSeekToLast, METH_NOARGS, nullptr},
    {"seek", RawSeek, METH_O, "seek(target): the first key >= target."},
    {"seek_for_prev", RawSeekForPrev, METH_O, "seek_for_prev(target): the last key <= target."},
    {"next", RawNext, METH_NOARGS, nullptr},
    {"prev", RawPrev, METH_NOARGS, nullptr},
    {"key", RawKey, METH_NOARGS, nullptr},
    {"value", RawValue, METH_NOARGS, nullptr},
    {"item", RawItem, METH_NOARGS, "(key, value)"},
    {"close", IterClose, METH_NOARGS, "Closes the iterator."},
    {"__enter__", IterEnter, METH_NOARGS, nullptr},
    {"__exit__", IterExit, METH_VARARGS, nullptr},
    {nullptr, nullptr, 0, nullptr}};

}  // namespace

PyTypeObject RawIteratorType = [] {
  PyTypeObject t{PyVarObject_HEAD_INIT(nullptr, 0)};
  t.tp_name = "lsmdb._lsmdb.RawIterator";
  t.tp_basicsize = sizeof(IteratorObject);
  t.tp_flags = Py_TPFLAGS_DEFAULT;
  t.tp_dealloc = IterDealloc;
  t.tp_methods = kRawMethods;
  t.tp_doc = "The engine's iterator, move by move (plyvel.RawIterator's API).";
  return t;
}();

}  // namespace lsmdb_py
