// Argument handling and error mapping shared by the types of the extension.
#include "common.h"

#include <cstring>

namespace lsmdb_py {

PyObject* g_error = nullptr;
PyObject* g_io_error = nullptr;
PyObject* g_corruption_error = nullptr;
PyObject* g_iterator_invalid_error = nullptr;

PyObject* RaiseStatus(const lsmdb::Status& s) {
  PyObject* type = g_error;
  if (s.IsIOError()) {
    type = g_io_error;
  } else if (s.IsCorruption()) {
    type = g_corruption_error;
  }
  PyErr_SetString(type, s.ToString().c_str());
  return nullptr;
}

PyObject* RaiseClosed(const char* msg) {
  PyErr_SetString(PyExc_RuntimeError, msg);
  return nullptr;
}

bool Bytes::Set(PyObject* obj, const char* what) {
  if (PyBytes_CheckExact(obj)) {
    data_ = std::string_view(PyBytes_AS_STRING(obj), static_cast<size_t>(PyBytes_GET_SIZE(obj)));
    return true;
  }
  if (PyUnicode_Check(obj)) {
    PyErr_Format(PyExc_TypeError,
                 "%s must be bytes, not str; encode it first (for example %s.encode())", what,
                 what);
    return false;
  }
  if (obj == Py_None || PyObject_GetBuffer(obj, &view_, PyBUF_SIMPLE) != 0) {
    PyErr_Clear();
    PyErr_Format(PyExc_TypeError, "%s must be bytes or a bytes-like object, not %.100s", what,
                 Py_TYPE(obj)->tp_name);
    return false;
  }
  has_view_ = true;
  data_ = std::string_view(static_cast<const char*>(view_.buf), static_cast<size_t>(view_.len));
  return true;
}

namespace {

bool NameIs(PyObject* key, const char* name) {
  const char* s = PyUnicode_AsUTF8(key);
  if (s == nullptr) {
    PyErr_Clear();
    return false;
  }
  return std::strcmp(s, name) == 0;
}

}  // namespace

bool ParseArgs(const char* fname, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames,
               const char* const* names, int max_positional, PyObject** out) {
  int count = 0;
  while (names[count] != nullptr) ++count;
  if (nargs > max_positional) {
    PyErr_Format(PyExc_TypeError, "%s() takes at most %d positional argument%s (%zd given)", fname,
                 max_positional, max_positional == 1 ? "" : "s", nargs);
    return false;
  }
  for (Py_ssize_t i = 0; i < nargs; ++i) out[i] = args[i];
  if (kwnames == nullptr) return true;
  Py_ssize_t nkw = PyTuple_GET_SIZE(kwnames);
  for (Py_ssize_t k = 0; k < nkw; ++k) {
    PyObject* key = PyTuple_GET_ITEM(kwnames, k);
    int found = -1;
    for (int i = 0; i < count && found < 0; ++i) {
      if (NameIs(key, names[i])) found = i;
    }
    if (found < 0) {
      PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%S'", fname, key);
      return false;
    }
    if (found < nargs) {
      PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument '%s'", fname,
                   names[found]);
      return false;
    }
    out[found] = args[nargs + k];
  }
  return true;
}

int Truth(PyObject* obj, bool dflt) {
  if (obj == nullptr) return dflt ? 1 : 0;
  return PyObject_IsTrue(obj);
}

bool PrefixSuccessor(std::string_view prefix, std::string* out) {
  std::string s(prefix);
  while (!s.empty()) {
    unsigned char last = static_cast<unsigned char>(s.back());
    if (last != 0xff) {
      s.back() = static_cast<char>(last + 1);
      *out = std::move(s);
      return true;
    }
    s.pop_back();
  }
  return false;
}

bool FileSystemName(PyObject* name, std::string* out) {
  PyObject* encoded = nullptr;
  if (PyBytes_Check(name)) {
    Py_INCREF(name);
    encoded = name;
  } else if (PyUnicode_Check(name) || PyObject_HasAttrString(name, "__fspath__")) {
    if (!PyUnicode_FSConverter(name, &encoded)) return false;
  } else {
    PyErr_SetString(PyExc_TypeError, "'name' must be a str, bytes or os.PathLike");
    return false;
  }
  out->assign(PyBytes_AS_STRING(encoded), static_cast<size_t>(PyBytes_GET_SIZE(encoded)));
  Py_DECREF(encoded);
  return true;
}

}  // namespace lsmdb_py
