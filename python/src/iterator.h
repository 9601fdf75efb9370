// The state of an Iterator or RawIterator object, and the range logic of Iterator
// (plyvel's cursor model: the iterator sits between two entries; next() returns the one
// after and moves past it, prev() the one before).
#ifndef LSMDB_PYTHON_ITERATOR_H_
#define LSMDB_PYTHON_ITERATOR_H_

#include <mutex>
#include <optional>
#include <shared_mutex>
#include <vector>

#include "common.h"

namespace lsmdb_py {

enum class Position { kBeforeStart, kAfterStop, kInBetween, kInBetweenPositioned };

// What a move produced.
enum class Outcome { kEntry, kEnd, kError, kClosed, kNone, kBuffered };

// Entries a forward Iterator has read ahead (copied out of the engine in one step without
// the GIL), so that most next() calls need neither the GIL released nor a lock. The engine
// iterator then sits at the last entry read ahead; Resync() puts it back at the last
// entry returned before any other move.
struct ReadAhead {
  struct Span {
    size_t key_off, key_len, value_off, value_len;
  };
  std::string arena;
  std::vector<Span> spans;
  size_t next = 0;      // the next span to return
  bool at_end = false;  // the range ended after the last span
  std::string base;     // the key the engine was at before reading ahead
  bool Has() const { return next < spans.size(); }
  std::string_view Key(const Span& s) const { return {arena.data() + s.key_off, s.key_len}; }
  std::string_view Value(const Span& s) const { return {arena.data() + s.value_off, s.value_len}; }
};

struct IterState {
  std::unique_ptr<lsmdb::Iterator> it;  // null once closed (or its DB closed)
  std::mutex mu;                        // one thread at a time moves it
  bool raw = false;
  bool reverse = false;
  Position pos = Position::kBeforeStart;
  std::optional<std::string> start, stop;
  bool include_start = true, include_stop = false;
  bool include_key = true, include_value = true;
  size_t prefix_len = 0;  // bytes of the PrefixedDB prefix cut from returned keys
  std::string db_prefix;
  bool has_db_prefix = false;
  const lsmdb::Comparator* cmp = nullptr;
  ReadAhead ahead;

  // Forward next() in the kInBetween position: reads up to a few dozen entries ahead.
  // kBuffered (entries in `ahead`), kEnd or kError.
  Outcome FillAhead();
  // Called before any move but a forward next(): puts the engine iterator back at the
  // last entry returned (reposition=true) or just drops what was read ahead.
  void Resync(bool reposition);

  // The moves of Iterator, run without the GIL. kEntry leaves it at the entry to return.
  Outcome Next();
  Outcome Prev();
  // Steps back past the entry Prev() returned (after the caller has read it).
  Outcome AfterPrev();
  // Iterator.seek(target), target already prefixed.
  void Seek(std::string target);
  // Status of the engine iterator as an Outcome: kError if it failed, else ok.
  Outcome Failed(Outcome ok) const { return it->status().ok() ? ok : Outcome::kError; }
};

struct IteratorObject {
  PyObject_HEAD DBObject* db;
  PyObject* snapshot;  // a SnapshotObject, or None
  IterState* st;
};

inline constexpr char kIterClosed[] = "Database or iterator is closed";

// Runs move(state) without the GIL, holding the iterator's lock and the DB's shared lock,
// then build(outcome) with the GIL and the locks still held (the engine iterator's key and
// value stay valid). Returns build's result.
template <typename Move, typename Build>
PyObject* Locked(IteratorObject* self, Move move, Build build) {
  IterState* st = self->st;
  Core* core = self->db->core;
  PyThreadState* ts = PyEval_SaveThread();
  std::unique_lock<std::mutex> l1(st->mu);
  std::shared_lock<std::shared_mutex> l2(core->mu);
  Outcome o = st->it ? move(st) : Outcome::kClosed;
  PyEval_RestoreThread(ts);
  if (o == Outcome::kClosed) return RaiseClosed(kIterClosed);
  if (o == Outcome::kError) return RaiseStatus(st->it->status());
  return build(o);
}

// The entry in the shape the iterator was asked for (key, value, both or None).
PyObject* Entry(IterState* st, std::string_view key, std::string_view value);
PyObject* IterClose(PyObject* o, PyObject*);
void IterDealloc(PyObject* o);
PyObject* IterEnter(PyObject* o, PyObject*);
PyObject* IterExit(PyObject* o, PyObject*);

}  // namespace lsmdb_py

#endif  // LSMDB_PYTHON_ITERATOR_H_
