// A comparator that calls a Python callable (plyvel's comparator= and comparator_name=).
// Compare takes the GIL itself, so the engine may call it from any thread.
#ifndef LSMDB_PYTHON_PY_COMPARATOR_H_
#define LSMDB_PYTHON_PY_COMPARATOR_H_

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <lsmdb/comparator.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace lsmdb_py {

class PyComparator final : public lsmdb::Comparator {
 public:
  PyComparator(PyObject* callable, std::string name) : callable_(callable), name_(std::move(name)) {
    Py_INCREF(callable_);
  }
  ~PyComparator() override = default;
  void Release() { Py_CLEAR(callable_); }  // needs the GIL

  int Compare(std::string_view a, std::string_view b) const override {
    PyGILState_STATE g = PyGILState_Ensure();
    int r = 0;
    PyObject* res =
        PyObject_CallFunction(callable_, "y#y#", a.data(), static_cast<Py_ssize_t>(a.size()),
                              b.data(), static_cast<Py_ssize_t>(b.size()));
    long v = res != nullptr ? PyLong_AsLong(res) : -1;
    if (res == nullptr || (v == -1 && PyErr_Occurred())) {
      // An order that cannot be computed cannot be guessed without sorting the files
      // wrongly; as plyvel does, report and stop.
      PyErr_Print();
      std::fprintf(stderr,
                   "lsmdb: the custom comparator raised or returned a non-integer;"
                   " aborting\n");
      std::abort();
    }
    Py_DECREF(res);
    r = v < 0 ? -1 : (v > 0 ? 1 : 0);
    PyGILState_Release(g);
    return r;
  }
  const char* Name() const override { return name_.c_str(); }
  void FindShortestSeparator(std::string*, std::string_view) const override {}
  void FindShortSuccessor(std::string*) const override {}

 private:
  PyObject* callable_;
  std::string name_;
};

}  // namespace lsmdb_py

#endif  // LSMDB_PYTHON_PY_COMPARATOR_H_
